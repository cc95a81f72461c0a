/**
 * inline.ts's rule-id and reason parsing at its edges. inline.ts (and load.ts, which reaches it) are loaded in
 * `beforeAll` (no static import here reaches them), so the module-level rule-id pattern is exercised by these tests.
 */
import { beforeAll, describe, expect, it } from "vitest";

let inline: typeof import("../../src/audit/template/inline.js");
let load: typeof import("../../src/audit/template/load.js");

beforeAll(async () => {
  inline = await import("../../src/audit/template/inline.js");
  load = await import("../../src/audit/template/load.js");
});

describe("parseIgnoreText: edges", () => {
  it.each([
    ["XES001 a rule id with a prefix is not one", { ids: [], reason: "XES001 a rule id with a prefix is not one" }],
    ["ES0012 nor is one with a suffix", { ids: [], reason: "ES0012 nor is one with a suffix" }],
    ["es001 XES002", { ids: ["ES001"], reason: "XES002" }],
    [",ES001 a leading comma is not a separator", { ids: [], reason: ",ES001 a leading comma is not a separator" }],
    ["ES001 -- two dashes", { ids: ["ES001"], reason: "two dashes" }],
    ["ES001 :-reason without a space", { ids: ["ES001"], reason: "reason without a space" }],
    ["ES001 -x marks the spot", { ids: ["ES001"], reason: "x marks the spot" }],
  ])("parseIgnoreText(%j)", (text, expected) => {
    expect(inline.parseIgnoreText(text)).toEqual(expected);
  });
});

describe("readMetadataSuppressions: edges", () => {
  it("a bare id is trimmed; a reason loses the spaces around it", () => {
    const text = JSON.stringify({ envseal: { ignore: ["  es001  ", { id: "ES004", reason: "   padded   reason   " }] } }, null, 1);
    const { src } = load.parseTemplateText("t.json", text);
    expect(inline.readMetadataSuppressions(src, src.get(src.root, "envseal"))).toEqual([
      { kind: "metadata", ids: ["ES001"], reason: "", pos: { line: 4, column: 4 } },
      { kind: "metadata", ids: ["ES004"], reason: "padded reason", pos: { line: 5, column: 4 } },
    ]);
  });
});
