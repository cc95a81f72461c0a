/**
 * The audit table fitted to a terminal width (80, 120, and narrower than its fixed columns), the message without the
 * variable's name, colour that does not count toward the width, and control characters shown as escapes.
 */
import { describe, expect, it } from "vitest";
import { stripVTControlCharacters } from "node:util";
import { renderMarkdown, renderTable, tableMessage } from "../../src/audit/format/text.js";
import { hangingWrap, layoutRows, wrapWords } from "../../src/core/layout.js";
import { countBySeverity, type AuditReport } from "../../src/audit/report.js";
import type { Finding } from "../../src/audit/types.js";
import { visible } from "../../src/core/visible.js";
import { outputWidth } from "../../src/cli/io.js";

const ARN = "arn:aws:lambda:us-east-1:123456789012:function:orders-api";
const KEY = "arn:aws:kms:eu-west-1:123456789012:key/0987dcba-09fe-87dc-65ba-ab0987654321";
const f = (over: Partial<Finding>): Finding => ({
  ruleId: "ES001",
  severity: "critical",
  region: "us-east-1",
  functionName: "orders-api",
  functionArn: ARN,
  version: "$LATEST",
  variable: "BILLING_AWS_SECRET_ACCESS_KEY",
  message: "BILLING_AWS_SECRET_ACCESS_KEY looks like a private key or cloud credential stored in plain text: secretlint rule aws matched its value; high confidence",
  remediation: "seal it in place with `envseal seal --function F NAME` and rotate the secret, since it was readable",
  fingerprint: "fp",
  ...over,
});

const FINDINGS: Finding[] = [
  f({}),
  f({ severity: "medium", ruleId: "ES009", version: "3", functionArn: `${ARN}:3`, variable: "DB_PASSWORD", message: "published version 3 keeps DB_PASSWORD in plain text: its name says it holds a password and its value looks like one (name + entropy); medium confidence" }),
  f({ severity: "medium", ruleId: "ES007", variable: null, message: `Lambda could not decrypt the environment for the auditing identity (Environment.Error KMSAccessDeniedException): its variables were not scanned; grant that identity kms:Decrypt on ${KEY} to scan them` }),
  f({ severity: "low", ruleId: "ES003", variable: "REMOVED_SECRET", message: "ENVSEAL_SEALED lists REMOVED_SECRET, but the environment has no such variable" }),
];

function report(findings: Finding[]): AuditReport {
  return {
    schemaVersion: 1,
    tool: { name: "envseal", informationUri: "https://example.test" },
    generatedAt: "2026-01-01T00:00:00.000Z",
    source: { mode: "offline", input: "functions.json" },
    options: { allVersions: false, requireCmk: false, failOn: "high", ignore: [], baseline: null },
    summary: {
      functionsScanned: 1,
      functionsNotScanned: 1,
      notScanned: [{ region: "eu-west-1", functionArn: ARN, reason: `Environment.Error KMSAccessDeniedException: the variables could not be read (kms:Decrypt on ${KEY})` }],
      functionsPerRegion: { "us-east-1": 1 },
      findingsBySeverity: countBySeverity(findings),
      findingsTotal: findings.length,
      suppressedTotal: 0,
      keyChecks: "not checked",
      keysChecked: 0,
      keysNotChecked: [],
      durationMs: 42,
      failed: true,
    },
    findings,
    suppressed: [],
  };
}

const lines = (text: string) => text.split("\n").slice(0, -1);
/** Every word of `text`, in order, in `out` (wrapping moves words to other lines but loses none). */
const words = (text: string) => text.split(" ").filter(Boolean);
const flat = (out: string) => lines(out).map((l) => l.trim()).join(" ");

describe("renderTable with a width", () => {
  it.each([80, 120])("at %i columns: no line is wider, the columns stay whole, every word of every message is there", (width) => {
    const out = renderTable(report(FINDINGS), { width });
    for (const line of lines(out)) expect(line.length, line).toBeLessThanOrEqual(width);
    const header = lines(out)[0]!;
    expect(header).toMatch(/^SEVERITY {2}RULE {3}FUNCTION +VARIABLE/);
    expect(out).toMatch(/^CRITICAL {2}ES001 {2}us-east-1\/orders-api {4}BILLING_AWS_SECRET_ACCESS_KEY/m);
    expect(out).toMatch(/^MEDIUM {4}ES009 {2}us-east-1\/orders-api:3 {2}DB_PASSWORD/m);
    const text = flat(out);
    for (const finding of FINDINGS) {
      for (const w of words(tableMessage(finding)).filter((x) => x.length < 40)) expect(text).toContain(w);
    }
    expect(text.replace(/ /g, "")).toContain(KEY); // an ARN longer than the column is cut across lines, not dropped
  });

  it("at 120 columns the message sits beside its row, continuation lines aligned under it", () => {
    const out = lines(renderTable(report(FINDINGS), { width: 120 }));
    const first = out[1]!;
    const column = first.indexOf("looks like");
    expect(column).toBeGreaterThan(60);
    expect(out[2]!.slice(0, column).trim()).toBe("");
    expect(out[2]![column]).not.toBe(" ");
  });

  it("at 80 columns, too narrow beside the fixed columns, the message goes under its row, indented", () => {
    const out = lines(renderTable(report(FINDINGS), { width: 80 }));
    const row = out.findIndex((l) => l.startsWith("CRITICAL"));
    expect(out[row]!.trimEnd()).toMatch(/BILLING_AWS_SECRET_ACCESS_KEY$/);
    expect(out[row + 1]).toMatch(/^ {4}looks like a private key/);
  });

  it("narrower than the fixed columns (40, 16): each finding stacked, labelled, no line wider; never throws", () => {
    for (const width of [40, 16]) {
      const out = renderTable(report(FINDINGS), { width });
      for (const line of lines(out)) expect(line.length, `${width}: ${line}`).toBeLessThanOrEqual(width);
      expect(out).not.toContain("SEVERITY");
      expect(flat(out).replace(/ /g, "")).toContain("function:us-east-1/orders-api:3");
    }
    const out = lines(renderTable(report(FINDINGS), { width: 40 }));
    expect(out.slice(0, 3)).toEqual(["CRITICAL  ES001", "  function: us-east-1/orders-api", "  variable:"]);
    expect(out[3]).toBe("    BILLING_AWS_SECRET_ACCESS_KEY");
    for (const width of [1, 5, 0, -3, 1.5]) expect(() => renderTable(report(FINDINGS), { width })).not.toThrow();
  });

  it("without a width: one line per finding, the whole message (less the variable's name) on it", () => {
    const out = lines(renderTable(report(FINDINGS)));
    expect(out[1]).toMatch(/BILLING_AWS_SECRET_ACCESS_KEY {2}looks like a private key or cloud credential stored in plain text: secretlint rule aws matched its value; high confidence$/);
    expect(out[2]).toMatch(/DB_PASSWORD +published version 3 keeps it in plain text: its name says/);
    expect(out[4]).toMatch(/REMOVED_SECRET +ENVSEAL_SEALED lists it, but the environment has no such variable$/);
  });

  it("colour does not count toward the width", () => {
    const plain = renderTable(report(FINDINGS), { width: 80 });
    const painted = renderTable(report(FINDINGS), { width: 80, color: true });
    expect(stripVTControlCharacters(painted)).toBe(plain);
  });

  it("the message keeps the variable's name in Markdown (and JSON): only the table drops it", () => {
    expect(renderMarkdown(report(FINDINGS))).toContain(`| BILLING_AWS_SECRET_ACCESS_KEY | ${FINDINGS[0]!.message} |`);
  });
});

describe("tableMessage", () => {
  it.each([
    ["DB_PASSWORD", "DB_PASSWORD looks like a secret", "looks like a secret"],
    ["DB_PASSWORD", "published version 3 keeps DB_PASSWORD in plain text", "published version 3 keeps it in plain text"],
    ["KEY", "ENVSEAL_SEALED lists KEY, but MY_KEY and KEY_2 stay", "ENVSEAL_SEALED lists it, but MY_KEY and KEY_2 stay"],
    ["A.B", "nothing named AxB here", "nothing named AxB here"],
    [null, "the at-rest key is disabled", "the at-rest key is disabled"],
  ])("%s: %s", (variable, message, expected) => {
    expect(tableMessage({ variable, message })).toBe(expected);
  });
});

describe("layout helpers", () => {
  it("wrapWords wraps at spaces, cuts words longer than a line, always returns a line", () => {
    expect(wrapWords("the at-rest key is disabled", 12)).toEqual(["the at-rest", "key is", "disabled"]);
    expect(wrapWords("ab abcdefghij", 4)).toEqual(["ab", "abcd", "efgh", "ij"]);
    expect(wrapWords("one two three", 3, 5)).toEqual(["one", "two", "three"]);
    expect(wrapWords("", 10)).toEqual([""]);
    expect(wrapWords("abc", 0)).toEqual(["a", "b", "c"]);
  });

  it("hangingWrap indents continuation lines; no limit keeps the line", () => {
    expect(hangingWrap("warning: not scanned: arn:aws:lambda:us-east-1:1:function:x", 30, 2)).toEqual(["warning: not scanned:", "  arn:aws:lambda:us-east-1:1:f", "  unction:x"]);
    expect(hangingWrap("  ES001 title: seal it in place", 20, 4)).toEqual(["  ES001 title: seal", "    it in place"]);
    expect(hangingWrap("short", 80, 2)).toEqual(["short"]);
    expect(hangingWrap("x ".repeat(100), undefined, 2)).toEqual(["x ".repeat(100)]);
  });

  it("layoutRows: the documented example", () => {
    expect(layoutRows([["RULE", "MESSAGE"], ["ES004", "the environment is protected at rest by aws/lambda only"]], 40)).toEqual([
      ["RULE   MESSAGE"],
      ["ES004  the environment is protected at", "       rest by aws/lambda only"],
    ]);
  });
});

describe("control characters in names", () => {
  const EVIL = "DB\u001b[31mPASS\r\u0007\u0000\u007f\u009b\u202eX\u2066Y\n";
  const bad = f({ functionName: `fn\u001b]0;title\u0007`, variable: EVIL, message: `${EVIL} looks like a secret`, region: "us-east-1" });
  // eslint-disable-next-line no-control-regex
  const RAW = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

  it("visible escapes C0, DEL, C1 and bidi controls, and keeps the rest", () => {
    expect(visible(EVIL)).toBe("DB\\x1b[31mPASS\\x0d\\x07\\x00\\x7f\\x9b\\u202eX\\u2066Y\\x0a");
    expect(visible("orders-api \\ é ü 日本")).toBe("orders-api \\ é ü 日本");
  });

  it.each([undefined, 80, 30])("the table (width %s) prints them as escapes, never raw", (width) => {
    const out = renderTable({ ...report([bad]), summary: { ...report([bad]).summary, notScanned: [{ region: "us-east-1", functionArn: `arn\u001b[2J`, reason: "Environment.Error K\u009b" }] } }, { width });
    expect(out).not.toMatch(RAW);
    expect(out.replace(/\s+/g, "")).toContain("DB\\x1b[31mPASS\\x0d\\x07");
    expect(out.replace(/\s+/g, " ")).toContain("warning: not scanned: arn\\x1b[2J");
  });

  it("Markdown cells escape them, and newlines and pipes", () => {
    const out = renderMarkdown(report([f({ ...bad, message: "a | b\nc\r\nd" })]));
    expect(out.split("\n").filter((l) => l.startsWith("| critical | ES001")).length).toBe(1);
    expect(out).not.toMatch(RAW);
    expect(out).toContain("| us-east-1/fn\\\\x1b\\]0;title\\\\x07 | DB\\\\x1b\\[31mPASS\\\\x0d");
    expect(out).toContain("| a \\| b c d |");
  });
});

describe("outputWidth", () => {
  const io = (env: Record<string, string>, isTTY: boolean, columns?: number) => ({ env, stdout: { write: () => true, isTTY, columns } });
  it.each([
    [{ COLUMNS: "100" }, false, undefined, 100],
    [{ COLUMNS: "100" }, true, 132, 100],
    [{}, true, 132, 132],
    [{}, false, 132, undefined],
    [{ COLUMNS: "0" }, true, 90, 90],
    [{ COLUMNS: "wide" }, false, undefined, undefined],
    [{}, true, 0, undefined],
  ])("COLUMNS %o, TTY %s, columns %s → %s", (env, tty, columns, expected) => {
    expect(outputWidth(io(env, tty, columns))).toBe(expected);
  });
});
