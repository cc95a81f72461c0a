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
import { auditReport } from "../support/report-fixture.js";

vi.mock("node:fs/promises", async (importOriginal) => {
  const real = await importOriginal<typeof import("node:fs/promises")>();
  return { ...real, lstat: vi.fn(real.lstat), open: vi.fn(real.open) };
});

type Fmt = typeof import("../../src/audit/format/index.js");
type Text = typeof import("../../src/audit/format/text.js");
type Sarif = typeof import("../../src/audit/format/sarif.js");
type Errors = typeof import("../../src/core/errors.js");
type Rules = typeof import("../../src/audit/rules.js");
let fmt: Fmt;
let text: Text;
let sarif: Sarif;
let errors: Errors;
let rules: Rules;
beforeAll(async () => {
  fmt = await import("../../src/audit/format/index.js");
  text = await import("../../src/audit/format/text.js");
  sarif = await import("../../src/audit/format/sarif.js");
  errors = await import("../../src/core/errors.js");
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
  return auditReport(findings, { summary: over, report: extra });
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

describe("writeReportFile", () => {
  const enoent = () => Object.assign(new Error("ENOENT: no such file"), { code: "ENOENT" });
  const rejectsWith = async (p: Promise<unknown>, message: string, hint: string) => {
    const err = await p.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(errors.InputError);
    expect((err as Error).message).toBe(message);
    expect((err as { hint?: string }).hint).toBe(hint);
  };

  it("writes a string and an iterable of pieces, mode 0600; a string is one write", async () => {
    const dir = tempDir();
    const a = join(dir, "a.txt");
    const b = join(dir, "b.json");
    let writes: unknown[] = [];
    vi.mocked(fsp.open).mockImplementation((async (...args: Parameters<typeof realFs.open>) => {
      const fh = await realFs.open(...args);
      const write = fh.write.bind(fh);
      vi.spyOn(fh, "write").mockImplementation(((piece: string, ...rest: unknown[]) => {
        writes.push(piece);
        return (write as (...x: unknown[]) => unknown)(piece, ...rest);
      }) as never);
      return fh;
    }) as never);
    await fmt.writeReportFile(a, "héllo\nwörld\n");
    expect(writes).toEqual(["héllo\nwörld\n"]);
    expect(readFileSync(a, "utf8")).toBe("héllo\nwörld\n");
    expect(statSync(a).mode & 0o777).toBe(0o600);
    writes = [];
    await fmt.writeReportFile(b, ["{\n", '  "a": 1\n', "}\n"]);
    expect(writes).toEqual(["{\n", '  "a": 1\n', "}\n"]);
    expect(readFileSync(b, "utf8")).toBe('{\n  "a": 1\n}\n');
    expect(statSync(b).mode & 0o777).toBe(0o600);
    writes = [];
    await fmt.writeReportFile(join(dir, "c.json"), (function* () {
      yield "x";
      yield "y";
    })());
    expect(writes).toEqual(["x", "y"]);
    expect(readFileSync(join(dir, "c.json"), "utf8")).toBe("xy");
  });

  it("an existing file: refused without force, replaced (and made 0600) with it", async () => {
    const dir = tempDir();
    const p = join(dir, "out.txt");
    writeFileSync(p, "old contents that are longer", { mode: 0o644 });
    await rejectsWith(fmt.writeReportFile(p, "new"), `--out ${p} already exists`, "pass --force to overwrite it, or choose another path");
    expect(readFileSync(p, "utf8")).toBe("old contents that are longer");
    await fmt.writeReportFile(p, "new", { force: true });
    expect(readFileSync(p, "utf8")).toBe("new");
    expect(statSync(p).mode & 0o777).toBe(0o600);
  });

  it("a file created between the check and the open (EEXIST) is refused, not overwritten", async () => {
    const dir = tempDir();
    const p = join(dir, "raced.txt");
    writeFileSync(p, "theirs");
    vi.mocked(fsp.lstat).mockRejectedValueOnce(enoent());
    await rejectsWith(fmt.writeReportFile(p, "ours"), `--out ${p} already exists`, "pass --force to overwrite it, or choose another path");
    expect(readFileSync(p, "utf8")).toBe("theirs");
  });

  it("a symbolic link planted between the check and the open (ELOOP) is refused, its target untouched", async () => {
    const dir = tempDir();
    const target = join(dir, "target.txt");
    const link = join(dir, "link.txt");
    writeFileSync(target, "target");
    symlinkSync(target, link);
    vi.mocked(fsp.lstat).mockRejectedValueOnce(enoent());
    await rejectsWith(fmt.writeReportFile(link, "ours", { force: true }), `--out ${link} is a symbolic link; envseal does not write reports through links`, "pass the path of a regular file");
    expect(readFileSync(target, "utf8")).toBe("target");
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
  });

  it("a failed open names the path and the error code, or only the path when there is no code", async () => {
    const dir = tempDir();
    const p = join(dir, "missing-dir", "out.txt");
    await rejectsWith(fmt.writeReportFile(p, "x"), `cannot write --out ${p} (ENOENT)`, "pass a writable file path");
    vi.mocked(fsp.open).mockRejectedValueOnce(new Error("no code"));
    await rejectsWith(fmt.writeReportFile(join(dir, "o.txt"), "x"), `cannot write --out ${join(dir, "o.txt")}`, "pass a writable file path");
    expect(existsSync(join(dir, "o.txt"))).toBe(false);
  });

  it("a failed write (partial file) is an InputError with the code, and the file handle is closed", async () => {
    const dir = tempDir();
    const closes: number[] = [];
    let failure: Error = Object.assign(new Error("ENOSPC: no space left"), { code: "ENOSPC" });
    vi.mocked(fsp.open).mockImplementation((async (...args: Parameters<typeof realFs.open>) => {
      const fh = await realFs.open(...args);
      const write = fh.write.bind(fh);
      let n = 0;
      vi.spyOn(fh, "write").mockImplementation(((...x: unknown[]) => (n++ === 1 ? Promise.reject(failure) : (write as (...y: unknown[]) => unknown)(...x))) as never);
      const close = fh.close.bind(fh);
      vi.spyOn(fh, "close").mockImplementation(() => {
        closes.push(fh.fd);
        return close();
      });
      return fh;
    }) as never);
    const p = join(dir, "partial.json");
    await rejectsWith(fmt.writeReportFile(p, ["first\n", "second\n", "third\n"]), `cannot write --out ${p} (ENOSPC)`, "pass a writable file path");
    expect(readFileSync(p, "utf8")).toBe("first\n");
    expect(closes).toHaveLength(1);
    failure = new Error("no code");
    const q = join(dir, "partial2.json");
    await rejectsWith(fmt.writeReportFile(q, ["a", "b"]), `cannot write --out ${q}`, "pass a writable file path");
    expect(closes).toHaveLength(2);
    await fmt.writeReportFile(join(dir, "ok.json"), ["only"]);
    expect(closes).toHaveLength(3);
  });
});

const LOC = { file: "infra/api.yaml", line: 14, column: 23 };
const ORG = { callerAccount: "999988887777", accountsFrom: "organizations" as const, roleName: "role/audit", externalId: false, accounts: ["111122223333"], skipped: [], accountsAudited: 1, concurrency: 4 };

describe("renderTable", () => {
  it("an ACCOUNT column when some finding has an account (\"-\" for the others), a LOCATION column when some has a location", () => {
    const out = text.renderTable(report([f({ account: "111122223333", location: LOC }), f({ severity: "low", variable: null })]));
    expect(out.split("\n")).toEqual([
      "SEVERITY  RULE   ACCOUNT       FUNCTION              VARIABLE  LOCATION              MESSAGE",
      "HIGH      ES002  111122223333  orders-api            DB1       infra/api.yaml:14:23  msg",
      "LOW       ES002  -             eu-west-1/orders-api  -         -                     msg",
      "",
      "remediation:",
      `  ES002 ${rules.RULES.ES002.title}: fix it`,
      "",
      "1 function scanned in 1 region: 2 findings (1 high, 1 low)",
      "",
    ]);
  });

  it("an org report has the ACCOUNT column even when no finding names an account", () => {
    const out = text.renderTable(report([f()], {}, { org: ORG }));
    expect(out.split("\n").slice(0, 2)).toEqual([
      "SEVERITY  RULE   ACCOUNT  FUNCTION              VARIABLE  MESSAGE",
      "HIGH      ES002  -        eu-west-1/orders-api  DB1       msg",
    ]);
  });

  it("no ACCOUNT column without org and accounts", () => {
    const out = text.renderTable(report([f()]));
    expect(out.split("\n")[0]).toBe("SEVERITY  RULE   FUNCTION              VARIABLE  MESSAGE");
  });

  it("a width of 0 or below means no limit", () => {
    const r = report([f({ message: "x".repeat(100) })]);
    const unlimited = text.renderTable(r);
    expect(unlimited.split("\n")[1]).toBe(`HIGH      ES002  eu-west-1/orders-api  DB1       ${"x".repeat(100)}`);
    expect(text.renderTable(r, { width: 0 })).toBe(unlimited);
    expect(text.renderTable(r, { width: -3 })).toBe(unlimited);
  });

  it("colours each finding's line by severity (header plain)", () => {
    const saved = process.env.FORCE_COLOR;
    process.env.FORCE_COLOR = "1";
    try {
      const out = text.renderTable(report([f({ severity: "critical" }), f({ severity: "high" }), f({ severity: "medium" }), f({ severity: "low" })]), { color: true });
      const row = (sev: string) => `${sev.padEnd(8)}  ES002  eu-west-1/orders-api  DB1       msg`;
      expect(out.split("\n").slice(0, 5)).toEqual([
        "SEVERITY  RULE   FUNCTION              VARIABLE  MESSAGE",
        `\x1b[35m${row("CRITICAL")}\x1b[39m`,
        `\x1b[31m${row("HIGH")}\x1b[39m`,
        `\x1b[33m${row("MEDIUM")}\x1b[39m`,
        `\x1b[36m${row("LOW")}\x1b[39m`,
      ]);
    } finally {
      if (saved === undefined) delete process.env.FORCE_COLOR;
      else process.env.FORCE_COLOR = saved;
    }
  });

  it("Security Hub lines: plural account-regions and findings, a failure's message only when set", () => {
    expect(text.renderTable(report([], {}, { securityHub: hub })).split("\n")).toEqual(["1 function scanned in 1 region: no findings", ...HUB_LINES, ""]);
    const two = text.renderTable(report([], {}, { securityHub: { ...hub, targets: 2, failed: [], notPublished: [], workflowNotResolved: [] } }));
    expect(two.split("\n")).toEqual(["1 function scanned in 1 region: no findings", "security hub: 3 imported, 1 archived in 2 account-regions", ""]);
  });
});

describe("tableMessage", () => {
  it("a variable name with regex characters is matched literally", () => {
    expect(text.tableMessage({ variable: "A.B", message: "ENVSEAL lists A.B here" })).toBe("ENVSEAL lists it here");
    expect(text.tableMessage({ variable: "A.B", message: "ENVSEAL lists AxB here" })).toBe("ENVSEAL lists AxB here");
    expect(text.tableMessage({ variable: "K$1(x)", message: "see K$1(x) now" })).toBe("see it now");
  });
});

describe("renderMarkdown", () => {
  it("template, account, findings, suppressed and unknown tables, exactly", () => {
    const out = text.renderMarkdown(
      report(
        [f({ account: "111122223333", location: LOC }), f({ severity: "low", variable: null })],
        { templates: { functionsPerFile: { "infra/api.yaml": 2, "b|c.tf": 1 }, unknown: [{ location: LOC, function: "Api", what: "variable T", reason: "set by !If" }] }, functionsPerAccount: { "111122223333": 2, "444455556666": 0 } } as never,
        { suppressed: [{ ...f({ account: "444455556666", variable: "S1" }), suppressedBy: "baseline" }, { ...f({ variable: null, location: LOC }), suppressedBy: "inline", reason: "ok" }] },
      ),
    );
    const lines = out.split("\n");
    expect(lines.slice(10)).toEqual([
      "",
      "| template | functions |",
      "|---|---|",
      "| infra/api.yaml | 2 |",
      "| b\\|c.tf | 1 |",
      "",
      "| account | functions scanned |",
      "|---|---|",
      "| 111122223333 | 2 |",
      "| 444455556666 | 0 |",
      "",
      "At-rest keys: checked (2 distinct). Duration: 42 ms. Fail on: high.",
      "",
      "## Findings",
      "",
      "| severity | rule | account | function | variable | location | message | remediation |",
      "|---|---|---|---|---|---|---|---|",
      "| high | ES002 | 111122223333 | orders-api | DB1 | infra/api.yaml:14:23 | msg | fix it |",
      "| low | ES002 | – | eu-west-1/orders-api | – | - | msg | fix it |",
      "",
      "## Suppressed",
      "",
      "| rule | function | variable | location | by |",
      "|---|---|---|---|---|",
      "| ES002 | 444455556666/eu-west-1/orders-api | S1 | - | baseline |",
      "| ES002 | orders-api | – | infra/api.yaml:14:23 | inline: ok |",
      "",
      "## Unknown until deploy (not checked)",
      "",
      "| location | function | what | why |",
      "|---|---|---|---|",
      "| infra/api.yaml:14:23 | Api | variable T | set by !If |",
      "",
    ]);
  });

  it("a location only on a suppressed finding still adds the location column to both tables", () => {
    const out = text.renderMarkdown(report([f()], {}, { suppressed: [{ ...f({ variable: "S1", location: LOC }), suppressedBy: "inline" }] }));
    expect(out).toContain(
      "| severity | rule | function | variable | location | message | remediation |\n|---|---|---|---|---|---|---|\n| high | ES002 | eu-west-1/orders-api | DB1 | - | msg | fix it |\n",
    );
    expect(out).toContain("| rule | function | variable | location | by |\n|---|---|---|---|---|\n| ES002 | orders-api | S1 | infra/api.yaml:14:23 | inline |\n");
  });

  it("an org report without finding accounts: account column with –", () => {
    const out = text.renderMarkdown(report([f()], {}, { org: ORG }));
    expect(out).toContain("| severity | rule | account | function | variable | message | remediation |\n|---|---|---|---|---|---|---|\n| high | ES002 | – | eu-west-1/orders-api | DB1 | msg | fix it |\n");
  });

  it("a Security Hub section, one escaped bullet per line", () => {
    const out = text.renderMarkdown(report([], {}, { securityHub: hub }));
    expect(out.endsWith(`\n## Security Hub\n\n${HUB_LINES.map((l) => `- ${l}`).join("\n")}\n`)).toBe(true);
    const esc = text.renderMarkdown(report([], {}, { securityHub: { ...hub, failed: [{ ...hub.failed[0]!, message: "a|b" }], notPublished: [], workflowNotResolved: [] } }));
    expect(esc).toContain("\n## Security Hub\n\n- security hub: 3 imported, 1 archived in 1 account-region\n- security hub: import failed: 111122223333 eu-west-1 id-1: AccessDenied a\\|b\n");
    expect(text.renderMarkdown(report([]))).not.toContain("Security Hub");
  });
});

describe("renderSarif", () => {
  const LEVEL = { low: "note", medium: "warning", high: "error", critical: "error" } as const;
  const SEC = { low: "3.0", medium: "5.5", high: "8.0", critical: "9.5" } as const;

  it("level and security-severity per finding severity and per rule; fingerprint key; driver; invocation; properties", () => {
    const sevs = ["critical", "high", "medium", "low"] as const;
    const r = report(sevs.map((severity, i) => f({ severity, fingerprint: `fp${i}` })));
    const log = JSON.parse(sarif.renderSarif(r));
    const run = log.runs[0];
    expect(run.results.map((x: { level: string }) => x.level)).toEqual(["error", "error", "warning", "note"]);
    expect(run.results.map((x: { properties: Record<string, string> }) => x.properties["security-severity"])).toEqual(["9.5", "8.0", "5.5", "3.0"]);
    expect(run.results.map((x: { partialFingerprints: unknown }) => x.partialFingerprints)).toEqual([0, 1, 2, 3].map((i) => ({ "envsealFinding/v1": `fp${i}` })));
    expect(sarif.SARIF_FINGERPRINT_KEY).toBe("envsealFinding/v1");
    const listed = rules.RULE_LIST.filter((x) => !x.templateOnly);
    expect(new Set(listed.map((x) => x.severity))).toEqual(new Set(sevs));
    expect(run.tool.driver.rules.map((x: { id: string; defaultConfiguration: { level: string }; properties: Record<string, string> }) => [x.id, x.defaultConfiguration.level, x.properties["security-severity"]])).toEqual(
      listed.map((x) => [x.id, LEVEL[x.severity], SEC[x.severity]]),
    );
    expect(run.tool.driver.name).toBe("envseal");
    expect(run.tool.driver.informationUri).toBe("https://example.test");
    expect(run.invocations).toEqual([{ executionSuccessful: true, startTimeUtc: "2026-01-01T00:00:00.000Z" }]);
    expect(run.properties).toEqual({ summary: r.summary });
  });

  it("an org report carries org in the run properties", () => {
    const r = report([f({ account: "111122223333" })], {}, { org: ORG });
    const run = JSON.parse(sarif.renderSarif(r)).runs[0];
    expect(run.properties).toEqual({ summary: r.summary, org: ORG });
    expect(run.automationDetails).toEqual({ id: "envseal-audit/org/" });
  });
});
