/**
 * Source (source.ts), accessor by accessor: which schema a text is read with, lenient parsing, entries and children
 * of odd collections (a key without a value, a collection as a key, an alias to no anchor), intrinsic detection on
 * absent nodes and on mappings that only look like one, and where a node starts when a short-form tag precedes it.
 */
import { describe, expect, it } from "vitest";
import { Source } from "../../src/audit/template/source.js";
import { positionOf } from "../support/templates.js";

describe("Source.parse: schema", () => {
  it("JSON (text starting with { or [, after any whitespace) keeps its types", () => {
    for (const text of ['{"A": true, "B": null, "C": 42}', '\n  {"A": true, "B": null, "C": 42}']) {
      const src = Source.parse("t.json", text);
      expect(src.scalar(src.get(src.root, "A")), JSON.stringify(text)).toBe(true);
      expect(src.scalar(src.get(src.root, "B"))).toBeNull();
      expect(src.scalar(src.get(src.root, "C"))).toBe(42);
      expect(src.text(src.get(src.root, "B"))).toBeUndefined();
    }
    const list = Source.parse("t.json", "[1, false]");
    expect(list.items(list.root).map((i) => list.scalar(i))).toEqual([1, false]);
  });

  it("YAML reads every scalar as text, even with a flow mapping or sequence further in", () => {
    const src = Source.parse("t.yaml", "A: true\nB: 42\nC: null\nD: { E: true }\nF: [false]\n");
    expect(src.scalar(src.get(src.root, "A"))).toBe("true");
    expect(src.scalar(src.get(src.root, "B"))).toBe("42");
    expect(src.scalar(src.get(src.root, "C"))).toBe("null");
    expect(src.scalar(src.get(src.get(src.root, "D"), "E"))).toBe("true");
    expect(src.items(src.get(src.root, "F")).map((i) => src.scalar(i))).toEqual(["false"]);
  });

  it("is lenient where YAML's strict mode is not: a comment right after a quoted value, a long implicit key", () => {
    const src = Source.parse("t.yaml", 'A: "value"# no space before the comment\n');
    expect(src.text(src.get(src.root, "A"))).toBe("value");
    const key = "K".repeat(1100);
    const long = Source.parse("t.yaml", `${key}: v\n`);
    expect(long.entries(long.root).map((e) => [e.key.length, long.text(e.value)])).toEqual([[1100, "v"]]);
  });
});

describe("Source accessors on odd input", () => {
  it("a key without a value (flow { A }) has an undefined value, not null", () => {
    const src = Source.parse("t.yaml", "M: { A, B: x }\n");
    const m = src.get(src.root, "M");
    const entries = src.entries(m);
    expect(entries.map((e) => e.key)).toEqual(["A", "B"]);
    expect(entries[0]?.value).toBeUndefined();
    expect(src.get(m, "A")).toBeUndefined();
    expect(src.entry(m, "A")?.value).toBeUndefined();
    expect(src.deref(null)).toBeUndefined();
    expect(src.deref(undefined)).toBeUndefined();
  });

  it("entries skip a key that is a collection, and are empty for anything but a mapping", () => {
    const src = Source.parse("t.yaml", "? [a, b]\n: v\nc: d\nS: scalar\nQ: [x]\n");
    expect(src.entries(src.root).map((e) => [e.key, src.text(e.value)])).toEqual([
      ["c", "d"],
      ["S", "scalar"],
      ["Q", undefined],
    ]);
    expect(src.entries(src.get(src.root, "S"))).toEqual([]);
    expect(src.entries(src.get(src.root, "Q"))).toEqual([]);
    expect(src.entries(undefined)).toEqual([]);
  });

  it("children: the values of a mapping (a key without a value has none), the items of a sequence, nothing for a scalar", () => {
    const src = Source.parse("t.yaml", "M: { A, B: x, C: y }\nQ: [a, *nowhere, b]\nS: scalar\n");
    expect(src.children(src.get(src.root, "M")).map((n) => src.text(n))).toEqual(["x", "y"]);
    expect(src.items(src.get(src.root, "Q"))).toHaveLength(3);
    expect(src.children(src.get(src.root, "Q")).map((n) => src.text(n))).toEqual(["a", "b"]);
    expect(src.children(src.get(src.root, "S"))).toEqual([]);
    expect(src.children(undefined)).toEqual([]);
  });

  it("intrinsic: undefined for an absent node, a scalar, a sequence, and a mapping with more than the one intrinsic key", () => {
    const src = Source.parse("t.yaml", "S: plain\nQ: [Ref]\nTwo: { Ref: X, Other: y }\nOne: { Ref: X }\n");
    expect(src.intrinsic(undefined)).toBeUndefined();
    expect(src.intrinsic(src.get(src.root, "Missing"))).toBeUndefined();
    expect(src.intrinsic(src.get(src.root, "S"))).toBeUndefined();
    expect(src.intrinsic(src.get(src.root, "Q"))).toBeUndefined();
    expect(src.intrinsic(src.get(src.root, "Two"))).toBeUndefined();
    expect(src.longForm(src.get(src.root, "S"))).toBeUndefined();
    const one = src.intrinsic(src.get(src.root, "One"));
    expect(one?.fn).toBe("Ref");
    expect(src.text(one?.arg)).toBe("X");
  });
});

describe("Source.pos", () => {
  it("no node: line 1, column 1", () => {
    const src = Source.parse("t.yaml", "A: b\n");
    expect(src.pos(undefined)).toEqual({ line: 1, column: 1 });
  });

  it("a short-form tag at the very start of the text counts as part of the node", () => {
    const src = Source.parse("t.yaml", '!Sub "${AWS::Region}-x"\n');
    expect(src.pos(src.root)).toEqual({ line: 1, column: 1 });
  });

  it("a tag followed by several spaces or a line break still starts the node", () => {
    const text = "A: !Ref   Spaced\nB: !Ref\n  NextLine\n";
    const src = Source.parse("t.yaml", text);
    expect(src.pos(src.get(src.root, "A"))).toEqual(positionOf(text, "!Ref   Spaced"));
    expect(src.pos(src.get(src.root, "B"))).toEqual(positionOf(text, "!Ref\n"));
  });

  it("a tag separated from its value by a comment does not: the node starts at the value", () => {
    const text = "A: !Ref # which parameter\n  Param\n";
    const src = Source.parse("t.yaml", text);
    expect(src.pos(src.get(src.root, "A"))).toEqual(positionOf(text, "Param"));
  });

  it("an untagged node starts at its value, whatever text comes before it", () => {
    const text = "A: undefined\nB: plain\nC: { D: undefined, E: v }\n";
    const src = Source.parse("t.yaml", text);
    expect(src.pos(src.get(src.root, "B"))).toEqual(positionOf(text, "plain"));
    expect(src.pos(src.get(src.get(src.root, "C"), "E"))).toEqual(positionOf(text, "v }"));
  });
});
