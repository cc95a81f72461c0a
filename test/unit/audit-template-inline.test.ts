/** Inline suppressions in templates (src/audit/template/inline.ts): comment text, Metadata entries, and which finding a suppression covers. */
import { describe, expect, it } from "vitest";
import { parseTemplateText } from "../../src/audit/template/load.js";
import { coveringSuppression, parseIgnoreText, readMetadataSuppressions } from "../../src/audit/template/inline.js";
import type { InlineSuppression } from "../../src/audit/template/types.js";
import type { Finding } from "../../src/audit/types.js";

describe("parseIgnoreText", () => {
  it.each([
    ["  ES001   ES020 :  colon reason ", { ids: ["ES001", "ES020"], reason: "colon reason" }],
    ["ES001 ES020: the colon belongs to the token", { ids: ["ES001"], reason: "ES020: the colon belongs to the token" }],
    ["ES001 — dash   reason\n  on two lines", { ids: ["ES001"], reason: "dash reason on two lines" }],
    ["ES001,,es004 reason", { ids: ["ES001", "ES004"], reason: "reason" }],
    ["ES0012 too long an id", { ids: [], reason: "ES0012 too long an id" }],
    ["E001 too short", { ids: [], reason: "E001 too short" }],
    ["ES001 ES02x stops at the first non-id", { ids: ["ES001"], reason: "ES02x stops at the first non-id" }],
    ["", { ids: [], reason: "" }],
  ])("parseIgnoreText(%j)", (text, expected) => {
    expect(parseIgnoreText(text)).toEqual(expected);
  });

  it("clips a reason to 200 characters", () => {
    expect(parseIgnoreText(`ES001 ${"r".repeat(200)}`).reason).toBe("r".repeat(200));
    expect(parseIgnoreText(`ES001 ${"r".repeat(250)}`).reason).toBe(`${"r".repeat(200)}…`);
  });
});

describe("readMetadataSuppressions", () => {
  it("bare ids and entries with id, variable and reason, each at its position", () => {
    const text = JSON.stringify(
      { envseal: { ignore: ["es001", { id: " es004 ", variable: "API_KEY", reason: "a long\n   reason" }, { reason: "no id here" }, { id: "", variable: "" }] } },
      null,
      1,
    );
    const { src } = parseTemplateText("t.json", text);
    expect(readMetadataSuppressions(src, src.get(src.root, "envseal"))).toEqual([
      { kind: "metadata", ids: ["ES001"], reason: "", pos: { line: 4, column: 4 } },
      { kind: "metadata", ids: ["ES004"], reason: "a long reason", variable: "API_KEY", pos: { line: 5, column: 4 } },
      { kind: "metadata", ids: [], reason: "no id here", pos: { line: 10, column: 4 } },
      { kind: "metadata", ids: [], reason: "", pos: { line: 13, column: 4 } },
    ]);
    expect(readMetadataSuppressions(src, undefined)).toEqual([]);
  });
});

describe("coveringSuppression", () => {
  const finding = (ruleId: string, line: number | undefined, variable = "DB_PASSWORD") =>
    ({ ruleId, variable, location: line === undefined ? undefined : { file: "t.yaml", line, column: 5 } }) as unknown as Pick<Finding, "ruleId" | "variable" | "location">;
  const comment = (ids: string[], line: number): InlineSuppression => ({ kind: "comment", ids, reason: "", pos: { line, column: 1 } }) as InlineSuppression;
  const meta = (ids: string[], variable?: string): InlineSuppression => ({ kind: "metadata", ids, reason: "", ...(variable ? { variable } : {}), pos: { line: 1, column: 1 } }) as InlineSuppression;

  it("a Metadata entry for the rule covers the function, for every variable or the one it names", () => {
    const all = meta(["ES001"]);
    const one = meta(["ES001"], "API_KEY");
    expect(coveringSuppression(finding("ES001", 20), { metadataSuppressions: [all] }, [], new Set())).toBe(all);
    expect(coveringSuppression(finding("ES001", 20, "API_KEY"), { metadataSuppressions: [one] }, [], new Set())).toBe(one);
    expect(coveringSuppression(finding("ES001", 20), { metadataSuppressions: [one] }, [], new Set())).toBeUndefined();
    expect(coveringSuppression(finding("ES004", 20), { metadataSuppressions: [all] }, [], new Set())).toBeUndefined();
  });

  it("a comment covers its own line, or a later line when only comment lines lie between", () => {
    const onLine = comment(["ES001"], 10);
    expect(coveringSuppression(finding("ES001", 10), undefined, [onLine], new Set())).toBe(onLine);
    const above = comment(["ES001"], 7);
    expect(coveringSuppression(finding("ES001", 10), undefined, [above], new Set([7, 8, 9]))).toBe(above);
    expect(coveringSuppression(finding("ES001", 10), undefined, [above], new Set([7, 9]))).toBeUndefined();
    expect(coveringSuppression(finding("ES001", 8), undefined, [above], new Set([7]))).toBe(above);
    // A comment at the end of a line with code covers only that line.
    expect(coveringSuppression(finding("ES001", 8), undefined, [above], new Set())).toBeUndefined();
    // Below the finding: never.
    expect(coveringSuppression(finding("ES001", 6), undefined, [above], new Set([6, 7]))).toBeUndefined();
    expect(coveringSuppression(finding("ES004", 10), undefined, [onLine], new Set())).toBeUndefined();
  });

  it("a finding without a line is covered by Metadata only", () => {
    expect(coveringSuppression(finding("ES001", undefined), { metadataSuppressions: [] }, [comment(["ES001"], 1)], new Set([1]))).toBeUndefined();
  });
});
