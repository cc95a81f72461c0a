/**
 * src/audit/assemble.ts on its own: a Collector filled by hand is turned into the report — suppressed findings,
 * functions not scanned, accounts not audited and the per-region/per-account counts come out sorted, key checks and
 * duration are stated, and org-only fields appear only for org runs.
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import { assembleReport, type ReportInputs } from "../../src/audit/assemble.js";
import { Collector } from "../../src/audit/scan.js";
import type { NotScanned, OrgReport } from "../../src/audit/report.js";
import type { Finding, SuppressedFinding } from "../../src/audit/types.js";

const ORG: OrgReport = {
  callerAccount: "999999999999",
  accountsFrom: "accounts-option",
  roleName: "role/EnvsealAudit",
  externalId: false,
  accounts: ["111111111111", "222222222222"],
  skipped: [],
  accountsAudited: 2,
  concurrency: 4,
};

function inputs(extra: Partial<ReportInputs> = {}): ReportInputs {
  return {
    started: 1_000,
    source: { mode: "offline", input: "functions.json" },
    options: { allVersions: false, requireCmk: false, failOn: "high", baseline: null },
    ignores: [],
    baseline: new Set(),
    keysChecked: 0,
    keysNotChecked: [],
    ...extra,
  };
}

const finding = (fn: string, variable: string, account?: string): Finding => ({
  ruleId: "ES001",
  severity: "high",
  region: "eu-west-1",
  functionName: fn,
  functionArn: `arn:aws:lambda:eu-west-1:111111111111:function:${fn}`,
  version: "$LATEST",
  variable,
  message: `${variable} holds a secret`,
  remediation: "seal it",
  fingerprint: `fp-${fn}-${variable}`,
  ...(account ? { account } : {}),
});

afterEach(() => vi.restoreAllMocks());

describe("assembleReport", () => {
  it("suppressed findings (baseline and inline) come out in report order", () => {
    const c = new Collector({ requireCmk: false });
    c.findings.push(finding("zeta", "B"), finding("alpha", "A"));
    const inline: SuppressedFinding[] = [{ ...finding("beta", "C"), suppressedBy: "inline:comment" }];
    const report = assembleReport(c, inputs({ baseline: new Set(["fp-zeta-B", "fp-alpha-A"]), inlineSuppressed: inline }));
    expect(report.findings).toEqual([]);
    expect(report.suppressed.map((s) => [s.functionName, s.suppressedBy])).toEqual([
      ["alpha", "baseline"],
      ["beta", "inline:comment"],
      ["zeta", "baseline"],
    ]);
  });

  it("functions not scanned are sorted by account (none first), region, then ARN", () => {
    const c = new Collector({ requireCmk: false });
    const ns = (functionArn: string, region: string, account?: string): NotScanned => ({ ...(account ? { account } : {}), region, functionArn, reason: "r" });
    c.notScanned.push(
      ns("arn:y", "us-east-1"),
      ns("arn:b", "us-east-1", "222222222222"),
      ns("arn:c", "us-east-1", "111111111111"),
      ns("arn:z", "eu-west-1", "111111111111"),
      ns("arn:a", "us-east-1", "111111111111"),
      ns("arn:x", "eu-west-1"),
    );
    c.progress.functionsScanned = 9;
    const report = assembleReport(c, inputs());
    expect(report.summary.notScanned.map((n) => `${n.account ?? "-"} ${n.region} ${n.functionArn}`)).toEqual([
      "- eu-west-1 arn:x",
      "- us-east-1 arn:y",
      "111111111111 eu-west-1 arn:z",
      "111111111111 us-east-1 arn:a",
      "111111111111 us-east-1 arn:c",
      "222222222222 us-east-1 arn:b",
    ]);
    expect(report.summary.functionsNotScanned).toBe(6);
    expect(report.summary.functionsScanned).toBe(3);
  });

  it("counts per region and per account are keyed in sorted order", () => {
    const c = new Collector({ requireCmk: false });
    c.perRegion["us-west-2"] = 1;
    c.perRegion["eu-west-1"] = 2;
    c.perRegion["ap-south-1"] = 0;
    c.perAccount["222222222222"] = 1;
    c.perAccount["111111111111"] = 2;
    const report = assembleReport(c, inputs({ org: ORG }));
    expect(Object.entries(report.summary.functionsPerRegion)).toEqual([
      ["ap-south-1", 0],
      ["eu-west-1", 2],
      ["us-west-2", 1],
    ]);
    expect(Object.entries(report.summary.functionsPerAccount!)).toEqual([
      ["111111111111", 2],
      ["222222222222", 1],
    ]);
  });

  it("accounts not audited are sorted by account, a whole account before its regions", () => {
    const c = new Collector({ requireCmk: false });
    const notAudited = [
      { account: "222222222222", region: null, reason: "AssumeRole denied" },
      { account: "111111111111", region: "ap-south-1", reason: "x" },
      { account: "111111111111", region: null, reason: "y" },
      { account: "111111111111", region: "eu-west-1", reason: "z" },
    ];
    const report = assembleReport(c, inputs({ org: ORG, notAudited }));
    expect(report.summary.notAudited!.map((n) => `${n.account} ${n.region ?? "-"}`)).toEqual([
      "111111111111 -",
      "111111111111 ap-south-1",
      "111111111111 eu-west-1",
      "222222222222 -",
    ]);
    expect(report.org).toEqual(ORG);
  });

  it("an org run without accounts not audited reports an empty list; a single-account run has no org fields", () => {
    const c = new Collector({ requireCmk: false });
    expect(assembleReport(c, inputs({ org: ORG })).summary.notAudited).toEqual([]);
    const single = assembleReport(c, inputs());
    expect(single.summary).not.toHaveProperty("notAudited");
    expect(single.summary).not.toHaveProperty("functionsPerAccount");
    expect(single).not.toHaveProperty("org");
  });

  it("key checks are 'checked' for a live audit only", () => {
    const c = new Collector({ requireCmk: false });
    expect(assembleReport(c, inputs({ source: { mode: "live", regions: ["eu-west-1"] } })).summary.keyChecks).toBe("checked");
    expect(assembleReport(c, inputs()).summary.keyChecks).toBe("not checked");
    expect(assembleReport(c, inputs({ source: { mode: "template", templates: ["t.yaml"] } })).summary.keyChecks).toBe("not checked");
  });

  it("the duration is the time since the run started; generatedAt is the start", () => {
    vi.spyOn(Date, "now").mockReturnValue(1_700_000_004_250);
    const report = assembleReport(new Collector({ requireCmk: false }), inputs({ started: 1_700_000_000_000 }));
    expect(report.summary.durationMs).toBe(4_250);
    expect(report.generatedAt).toBe(new Date(1_700_000_000_000).toISOString());
  });
});
