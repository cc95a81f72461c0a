/** The report's summary line in its org and template forms, singular and plural, and the order of findings without a variable. */
import { describe, expect, it } from "vitest";
import { compareFindings, summaryLine, type AuditReport, type OrgReport } from "../../src/audit/report.js";
import type { UnknownValue } from "../../src/audit/template/types.js";
import type { Finding } from "../../src/audit/types.js";
import { auditReport } from "../support/report-fixture.js";

const ARN = "arn:aws:lambda:eu-west-1:111122223333:function:orders-api";

function finding(over: Partial<Finding> = {}): Finding {
  return {
    ruleId: "ES001",
    severity: "high",
    region: "eu-west-1",
    functionName: "orders-api",
    functionArn: ARN,
    version: "$LATEST",
    variable: "B",
    message: "m",
    remediation: "r",
    fingerprint: "fp",
    ...over,
  };
}

function report(summary: Partial<AuditReport["summary"]> = {}, org?: OrgReport): AuditReport {
  return auditReport([], {
    summary: { keysChecked: 0, durationMs: 1, ...summary },
    report: { tool: { name: "envseal", informationUri: "https://example.test/envseal" }, generatedAt: "2026-01-02T03:04:05.000Z", ...(org ? { org } : {}) },
  });
}

const org = (accounts: string[], accountsAudited: number): OrgReport => ({
  callerAccount: "999999999999",
  accountsFrom: "organizations",
  roleName: "role/EnvsealAudit",
  externalId: false,
  accounts,
  skipped: [],
  accountsAudited,
  concurrency: 4,
});

const unknown = (n: number): UnknownValue[] =>
  Array.from({ length: n }, (_, i) => ({ location: { file: "t.yaml", line: i + 1, column: 1 }, function: "Fn", what: "KmsKeyArn", reason: "set by !If" }));

describe("summaryLine", () => {
  it("org runs name the accounts audited out of those set out, singular for one", () => {
    expect(summaryLine(report({}, org(["111122223333"], 1)))).toBe("1 function scanned in 1 of 1 account, 1 region: no findings");
    expect(summaryLine(report({ functionsScanned: 3 }, org(["111122223333", "444455556666"], 2)))).toBe("3 functions scanned in 2 of 2 accounts, 1 region: no findings");
  });

  it("NOT AUDITED counts distinct whole accounts and account-regions apart, with plurals", () => {
    const notAudited = [
      { account: "111122223333", region: null, reason: "AssumeRole denied" },
      { account: "111122223333", region: null, reason: "AssumeRole denied again" },
      { account: "222233334444", region: null, reason: "AssumeRole denied" },
      { account: "444455556666", region: "eu-west-1", reason: "not enabled" },
      { account: "444455556666", region: "us-east-1", reason: "not enabled" },
      { account: "555566667777", region: "us-east-1", reason: "not enabled" },
    ];
    expect(summaryLine(report({ notAudited }, org(["111122223333", "222233334444", "444455556666", "555566667777"], 2)))).toBe(
      "1 function scanned in 2 of 4 accounts, 1 region: no findings; NOT AUDITED: 2 accounts, 3 account-regions",
    );
    expect(summaryLine(report({ notAudited: [{ account: "444455556666", region: "eu-west-1", reason: "x" }] }))).toBe(
      "1 function scanned in 1 region: no findings; NOT AUDITED: 0 accounts, 1 account-region",
    );
    expect(summaryLine(report({ notAudited: [] }))).toBe("1 function scanned in 1 region: no findings");
  });

  it("template runs: functions in templates, singular and plural, and the unknown values", () => {
    const t1 = { filesScanned: 1, functionsPerFile: { "t.yaml": 1 }, unknown: unknown(1) };
    expect(summaryLine(report({ templates: t1, keyChecks: "not checked" }))).toBe(
      "1 function in 1 template: no findings; 1 value unknown until deploy (not checked); at-rest keys not checked (templates)",
    );
    const t2 = { filesScanned: 2, functionsPerFile: { "t.yaml": 2 }, unknown: unknown(2) };
    expect(summaryLine(report({ functionsScanned: 2, templates: t2, keyChecks: "not checked" }))).toBe(
      "2 functions in 2 templates: no findings; 2 values unknown until deploy (not checked); at-rest keys not checked (templates)",
    );
    const t0 = { filesScanned: 1, functionsPerFile: {}, unknown: [] };
    expect(summaryLine(report({ functionsScanned: 0, templates: t0, keyChecks: "not checked" }))).toBe("0 functions in 1 template: no findings; at-rest keys not checked (templates)");
  });
});

describe("compareFindings on the variable", () => {
  it("a finding without a variable sorts before one with, whichever side it is on", () => {
    const none = finding({ variable: null });
    const b = finding({ variable: "B" });
    expect(compareFindings(none, b)).toBeLessThan(0);
    expect(compareFindings(b, none)).toBeGreaterThan(0);
    expect(compareFindings(none, finding({ variable: null }))).toBe(0);
  });
});
