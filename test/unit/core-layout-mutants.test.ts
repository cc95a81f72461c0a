/**
 * src/core/layout.ts at its boundaries (mutation-test oriented): lines that fit exactly, runs of spaces kept in a line
 * that fits, ragged rows (cells missing), empty last cells in every layout, and the exact width at which rows stack.
 * The module is loaded in beforeAll so the run credits its code to these tests.
 */
import { beforeAll, describe, expect, it } from "vitest";

type Layout = typeof import("../../src/core/layout.js");
let L: Layout;

beforeAll(async () => {
  L = await import("../../src/core/layout.js");
});

describe("hangingWrap: a line that fits is returned untouched", () => {
  it("inner runs of spaces and trailing spaces survive when the line fits, also at exactly max", () => {
    expect(L.hangingWrap("a  b", 10, 2)).toEqual(["a  b"]);
    expect(L.hangingWrap("a  b", 4, 2)).toEqual(["a  b"]);
    expect(L.hangingWrap("  x  ", 5, 2)).toEqual(["  x  "]);
    // One column over: re-wrapped, so runs of spaces collapse.
    expect(L.hangingWrap("a  b c", 5, 2)).toEqual(["a b c"]);
  });
});

describe("layoutRows without a limit", () => {
  it("a single column is never prefixed by the column gap", () => {
    expect(L.layoutRows([["NAME"], ["x"]])).toEqual([["NAME"], ["x"]]);
  });

  it("cells missing from a short row count as empty", () => {
    expect(L.layoutRows([["AAA", "BB", "C"], ["x"], []])).toEqual([["AAA  BB  C"], ["x"], [""]]);
  });
});

describe("layoutRows with a limit", () => {
  it("beside: an empty last cell leaves no trailing padding; a missing one counts as empty", () => {
    expect(L.layoutRows([["SEV", "RULE", "MESSAGE"], ["HI", "", ""], ["LOW"]], 40)).toEqual([["SEV  RULE  MESSAGE"], ["HI"], ["LOW"]]);
  });

  it("under: an empty (or missing) last cell adds no line at all", () => {
    expect(L.layoutRows([["SEV", "RULE", "M"], ["HIGH", "ES001", ""], ["LOW", "ES002"]], 30)).toEqual([
      ["SEV   RULE", "    M"],
      ["HIGH  ES001"],
      ["LOW   ES002"],
    ]);
  });

  it("stacks only when the fixed columns minus the last gap exceed max", () => {
    const rows = [
      ["SEVERITY", "RULE", "FUNCTION", "MESSAGE"],
      ["HIGH", "ES001", "fn", "msg"],
    ];
    // Fixed columns: 8 + 5 + 8 + 3 gaps of 2 = 27; 27 - 2 = 25.
    expect(L.layoutRows(rows, 25)).toEqual([
      ["SEVERITY  RULE   FUNCTION", "    MESSAGE"],
      ["HIGH      ES001  fn", "    msg"],
    ]);
    expect(L.layoutRows(rows, 24)).toEqual([[], ["HIGH  ES001", "  function: fn", "    msg"]]);
  });

  it("two columns never stack, however narrow: the message goes under the row", () => {
    expect(L.layoutRows([["A-VERY-LONG-HEADER", "M"], ["x", "message here"]], 10)).toEqual([
      ["A-VERY-LONG-HEADER", "M"],
      ["x", "message", "here"],
    ]);
  });

  it("stacked: empty and short rows, empty second cells, extra cells without a header", () => {
    const head = ["SEVERITY", "RULE", "FUNCTION"];
    const hole: string[] = [];
    hole[0] = "LOW";
    hole[1] = "ES9";
    hole[3] = "tail";
    expect(L.layoutRows([head, [], ["HIGH"], ["HIGH", ""], ["MED", "ES1", "fn", "x", "msg"], hole], 12)).toEqual([
      [],
      [""],
      ["HIGH", "HIGH"],
      ["HIGH"],
      ["MED  ES1", "  function:", "  fn", "  : x", "msg"],
      ["LOW  ES9", "  function:", "tail"],
    ]);
  });
});
