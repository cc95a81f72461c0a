/**
 * src/core/layout.ts, visible.ts and the manifest's ordering, exactly: where a line wraps, how a cut word splits, when
 * the last column moves under its row or rows are stacked, what each escape looks like.
 */
import { describe, expect, it } from "vitest";
import { hangingWrap, layoutRows, MIN_LAST_COLUMN, wrapWords } from "../../src/core/layout.js";
import { visible } from "../../src/core/visible.js";
import { formatManifest, parseManifestEntries } from "../../src/core/manifest.js";

describe("wrapWords", () => {
  it("fills each line up to exactly the limit, joining words with one space", () => {
    expect(wrapWords("aaa bbb ccc", 7)).toEqual(["aaa bbb", "ccc"]);
    expect(wrapWords("aaa bbb ccc", 6)).toEqual(["aaa", "bbb", "ccc"]);
    expect(wrapWords("aaa bbb", 7)).toEqual(["aaa bbb"]);
  });

  it("runs of spaces separate words without producing empty words", () => {
    expect(wrapWords("  aa   bb  ", 10)).toEqual(["aa bb"]);
    expect(wrapWords("", 10)).toEqual([""]);
  });

  it("cuts a word longer than its line into pieces of the limit, continuing on new lines", () => {
    expect(wrapWords("abcdefgh", 4)).toEqual(["abcd", "efgh"]);
    expect(wrapWords("abcdefghi", 4)).toEqual(["abcd", "efgh", "i"]);
    expect(wrapWords("xy abcdefgh z", 4)).toEqual(["xy", "abcd", "efgh", "z"]);
  });

  it("uses `next` for the lines after the first; a limit below 1 counts as 1", () => {
    expect(wrapWords("aa bb cc dd", 5, 2)).toEqual(["aa bb", "cc", "dd"]);
    expect(wrapWords("ab", 0)).toEqual(["a", "b"]);
  });
});

describe("hangingWrap", () => {
  it("leaves a line that fits (or any line without a limit) as it is", () => {
    expect(hangingWrap("  twelve chars", 14, 4)).toEqual(["  twelve chars"]);
    expect(hangingWrap("x ".repeat(50), undefined, 4)).toEqual(["x ".repeat(50)]);
  });

  it("keeps the line's own leading spaces on the first line and indents the rest", () => {
    expect(hangingWrap("  warning: not scanned: functions", 24, 4)).toEqual(["  warning: not scanned:", "    functions"]);
  });

  it("never indents continuation lines past max − 10", () => {
    expect(hangingWrap("aaaa bbbb cccc", 12, 8)).toEqual(["aaaa bbbb", "  cccc"]);
  });
});

describe("layoutRows", () => {
  const rows = [
    ["SEV", "RULE", "MESSAGE"],
    ["HIGH", "ES001", "the value looks like a secret"],
  ];

  it("without a limit: columns padded to the widest cell, two spaces apart, trailing spaces trimmed", () => {
    expect(layoutRows(rows)).toEqual([["SEV   RULE   MESSAGE"], ["HIGH  ES001  the value looks like a secret"]]);
    expect(layoutRows([["A", ""], ["BB", ""]])).toEqual([["A"], ["BB"]]);
  });

  it("with room: the last column wraps beside its row, continuation lines aligned under it", () => {
    // The fixed columns take 13 characters (4 + 2 + 5 + 2): 20 are left for the message.
    expect(layoutRows(rows, 33)).toEqual([["SEV   RULE   MESSAGE"], ["HIGH  ES001  the value looks like", "             a secret"]]);
  });

  it("fewer than MIN_LAST_COLUMN left: the message goes under its row, indented by 4, wrapped to the width", () => {
    expect(MIN_LAST_COLUMN).toBe(20);
    expect(layoutRows(rows, 32)).toEqual([
      ["SEV   RULE", "    MESSAGE"],
      ["HIGH  ES001", "    the value looks like a", "    secret"],
    ]);
    // Too narrow for the indent as well: under the row without indent.
    expect(layoutRows([["SEV", "RULE", "M"], ["HIGH", "ES001", "aaa bbb"]], 24)).toEqual([["SEV   RULE", "    M"], ["HIGH  ES001", "    aaa bbb"]]);
    expect(layoutRows([["SEV", "RULE", "M"], ["HIGH", "ES001", "aaa bbb"]], 23)).toEqual([["SEV   RULE", "M"], ["HIGH  ES001", "aaa bbb"]]);
  });

  it("the fixed columns do not fit: each row stacked, labelled by its header, no header line", () => {
    const wide = [
      ["SEVERITY", "RULE", "FUNCTION", "MESSAGE"],
      ["HIGH", "ES001", "orders-api-with-a-long-name", "plain secret"],
    ];
    expect(layoutRows(wide, 31)).toEqual([[], ["HIGH  ES001", "  function:", "    orders-api-with-a-long-name", "    plain secret"]]);
    // A name wider than its line continues on the next one: nothing is truncated.
    expect(layoutRows(wide, 30)).toEqual([[], ["HIGH  ES001", "  function:", "    orders-api-with-a-long-nam", "    e", "    plain secret"]]);
  });

  it("a single column wraps to the whole width", () => {
    expect(layoutRows([["MESSAGE"], ["aaa bbb ccc"]], 7)).toEqual([["MESSAGE"], ["aaa bbb", "ccc"]]);
  });

  it("an empty table is empty", () => {
    expect(layoutRows([], 40)).toEqual([]);
  });
});

describe("visible", () => {
  it("escapes C0 (two hex digits, zero-padded), DEL, C1, and bidi/separator characters (four hex digits)", () => {
    expect(visible("a\u0000b\u0007c\u001b[31m\u007f\u009b")).toBe("a\\x00b\\x07c\\x1b[31m\\x7f\\x9b");
    expect(visible("x\u202ey\u2066z\u2028\u061c\u200e")).toBe("x\\u202ey\\u2066z\\u2028\\u061c\\u200e");
  });

  it("leaves everything else as it is, backslashes and non-ASCII letters included", () => {
    expect(visible("orders-api \\n café ÿĀ")).toBe("orders-api \\n café ÿĀ");
  });
});

describe("manifest order", () => {
  it("entries are kept and written sorted by name, whatever order they came in", () => {
    expect([...parseManifestEntries("CC,AA:v2,BB").entries()]).toEqual([
      ["AA", 2],
      ["BB", 1],
      ["CC", 1],
    ]);
    expect(formatManifest(new Map([["ZZ", 2], ["MM", 1], ["AA", 2]]))).toBe("AA:v2,MM,ZZ:v2");
    expect(formatManifest(["b_TWO", "a_ONE", "B_ONE"])).toBe("B_ONE,a_ONE,b_TWO");
    expect(formatManifest([])).toBeUndefined();
  });

  it("a malformed entry is refused by position, never echoed", () => {
    expect(() => parseManifestEntries("AA,:v2")).toThrow("ENVSEAL_SEALED's entry 2 is not NAME or NAME:v2");
    expect(() => parseManifestEntries("AA, ,pa$$word")).toThrow(/^ENVSEAL_SEALED's entry 2 is not NAME or NAME:v2$/);
  });
});
