/**
 * Exact renderings and `--out` writing of src/audit/format: chunked JSON, the table's colours, account and location
 * columns, Security Hub lines, Markdown sections, SARIF levels, and every error path of writeReportFile.
 * The src modules are imported inside beforeAll (their module-level tables then count for these tests).
 */
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { existsSync, lstatSync, readFileSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import * as fsp from "node:fs/promises";
import { join } from "node:path";
import type { AuditReport } from "../../src/audit/report.js";
import type { Finding, SuppressedFinding } from "../../src/audit/types.js";
import { tempDir } from "../support/canary.js";

vi.mock("node:fs/promises", async (importOriginal) => {
  const real = await importOriginal<typeof import("node:fs/promises")>();
  return { ...real, lstat: vi.fn(real.lstat), open: vi.fn(real.open) };
});

type Fmt = typeof import("../../src/audit/format/index.js");
type Text = typeof import("../../src/audit/format/text.js");
type Sarif = typeof import("../../src/audit/format/sarif.js");
type Errors = typeof import("../../src/core/errors.js");
type Report = typeof import("../../src/audit/report.js");
type Rules = typeof import("../../src/audit/rules.js");
let fmt: Fmt;
let text: Text;
let sarif: Sarif;
let errors: Errors;
let rep: Report;
let rules: Rules;
beforeAll(async () => {
  fmt = await import("../../src/audit/format/index.js");
  text = await import("../../src/audit/format/text.js");
  sarif = await import("../../src/audit/format/sarif.js");
  errors = await import("../../src/core/errors.js");
  rep = await import("../../src/audit/report.js");
  rules = await import("../../src/audit/rules.js");
});

const realFs = await vi.importActual<typeof import("node:fs/promises")>("node:fs/promises");
afterEach(() => {
  vi.mocked(fsp.lstat).mockImplementation(realFs.lstat as never);
  vi.mocked(fsp.open).mockImplementation(realFs.open as never);
});

const ARN = "arn:aws:lambda:eu-west-1:111122223333:function:orders-api";
const f = (over: Partial<Finding> = {}): Finding => ({
  ruleId: "ES002",
  severity: "high",
  region: "eu-west-1",
  functionName: "orders-api",
  functionArn: ARN,
  version: "$LATEST",
  variable: "DB1",
  message: "msg",
  remediation: "fix it",
  fingerprint: "fp",
  ...over,
});

function report(findings: Finding[], over: Partial<AuditReport["summary"]> = {}, extra: Partial<AuditReport> = {}): AuditReport {
  return {
    schemaVersion: 1,
    tool: { name: "envseal", informationUri: "https://example.test" },
    generatedAt: "2026-01-01T00:00:00.000Z",
    source: { mode: "live", regions: ["eu-west-1"] },
    options: { allVersions: false, requireCmk: false, failOn: "high", ignore: [], baseline: null },
    summary: {
      functionsScanned: 1,
      functionsNotScanned: 0,
      notScanned: [],
      functionsPerRegion: { "eu-west-1": 1 },
      findingsBySeverity: rep.countBySeverity(findings),
      findingsTotal: findings.length,
      suppressedTotal: 0,
      keyChecks: "checked",
      keysChecked: 2,
      keysNotChecked: [],
      durationMs: 42,
      failed: false,
      ...over,
    },
    findings,
    suppressed: [],
    ...extra,
  };
}

const hub = {
  targets: 1,
  imported: 3,
  archived: 1,
  failed: [
    { account: "111122223333", region: "eu-west-1", id: "id-1", action: "import" as const, code: "AccessDenied", message: "no rights" },
    { account: "111122223333", region: "eu-west-1", id: "id-2", action: "archive" as const, code: "Throttled", message: "" },
  ],
  notPublished: [{ account: "444455556666", region: "us-east-1", reason: "hub off" }],
  workflowNotResolved: [
    { account: "111122223333", region: "eu-west-1", count: 1, reason: "denied" },
    { account: "444455556666", region: "us-east-1", count: 2, reason: "throttled" },
  ],
};
const HUB_LINES = [
  "security hub: 3 imported, 1 archived in 1 account-region",
  "security hub: import failed: 111122223333 eu-west-1 id-1: AccessDenied no rights",
  "security hub: archive failed: 111122223333 eu-west-1 id-2: Throttled",
  "security hub: not published: 444455556666 us-east-1: hub off",
  "security hub: workflow not set to RESOLVED for 1 archived finding in 111122223333 eu-west-1: denied",
  "security hub: workflow not set to RESOLVED for 2 archived findings in 444455556666 us-east-1: throttled",
];

describe("renderReportChunks", () => {
  it("JSON comes in pieces (not one array item) that concatenate to renderReport's JSON", () => {
    const r = report([f(), f({ variable: "DB2" })]);
    const chunks = fmt.renderReportChunks(r, "json");
    expect(Array.isArray(chunks)).toBe(false);
    const pieces = [...chunks];
    expect(pieces[0]).toBe("{\n");
    expect(pieces).toContain('  "findings": [\n');
    expect(pieces.join("")).toBe(fmt.renderReport(r, "json"));
    expect(JSON.parse(pieces.join(""))).toEqual(r);
  });

  it("every other format is exactly one piece: renderReport's text", () => {
    const r = report([f()]);
    for (const format of ["table", "sarif", "markdown", "asff"] as const) {
      const chunks = fmt.renderReportChunks(r, format, { width: 60 });
      expect(chunks).toEqual([fmt.renderReport(r, format, { width: 60 })]);
    }
    expect((fmt.renderReportChunks(r, "table", { width: 60 }) as string[])[0]).toBe(text.renderTable(r, { width: 60 }));
  });
});

describe("renderJsonChunks", () => {
  it("findings and suppressed come 250 at a time; undefined keys are left out, as JSON.stringify does", () => {
    const findings = Array.from({ length: 500 }, (_, i) => f({ variable: `V${i}` }));
    const suppressed: SuppressedFinding[] = [{ ...f({ variable: "S1" }), suppressedBy: "baseline" }];
    const r = { ...report(findings, {}, { suppressed }), securityHub: undefined } as AuditReport;
    expect(Object.keys(r)).toContain("securityHub");
    const pieces = [...text.renderJsonChunks(r)];
    expect(pieces.join("")).toBe(text.renderJson(r));
    expect(pieces.join("")).not.toContain("securityHub");
    const fh = pieces.indexOf('  "findings": [\n');
    expect(fh).toBe(7);
    expect(pieces.slice(1, 7).map((p) => p.slice(0, p.indexOf(":")))).toEqual(['  "schemaVersion"', '  "tool"', '  "generatedAt"', '  "source"', '  "options"', '  "summary"']);
    // two chunks of 250 findings, no empty third one
    expect(pieces[8]!.split('"ruleId":').length - 1).toBe(250);
    expect(pieces[9]!.split('"ruleId":').length - 1).toBe(250);
    expect(pieces[8]!.endsWith("},\n")).toBe(true);
    expect(pieces[9]!.endsWith("}\n")).toBe(true);
    expect(pieces[10]).toBe("  ],\n");
    expect(pieces[11]).toBe('  "suppressed": [\n');
    expect(pieces[13]).toBe("  ]\n");
    expect(pieces[14]).toBe("}\n");
    expect(pieces).toHaveLength(15);
  });

  it("an empty findings list is one piece, like any other key", () => {
    const r = report([]);
    const pieces = [...text.renderJsonChunks(r)];
    expect(pieces).toContain('  "findings": [],\n');
    expect(pieces).toContain('  "suppressed": []\n');
    expect(pieces).toHaveLength(10);
    expect(pieces.join("")).toBe(text.renderJson(r));
  });
});
