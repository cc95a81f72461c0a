/**
 * intrinsics.ts: the short-form → long-form table and the custom YAML tags built from it.
 *
 * Both are module-level constants, so this file loads intrinsics.ts (and source.ts, which imports it) in `beforeAll`
 * rather than with a static import: the mutation run counts code run while a test file is collected as covered by no
 * test, and would never check these tables against the assertions below. Keep every import of src/ here dynamic.
 */
import { beforeAll, describe, expect, it } from "vitest";
import type { CollectionTag, ScalarTag } from "yaml";

let intrinsics: typeof import("../../src/audit/template/intrinsics.js");
let source: typeof import("../../src/audit/template/source.js");

beforeAll(async () => {
  intrinsics = await import("../../src/audit/template/intrinsics.js");
  source = await import("../../src/audit/template/source.js");
});

const NAMES = [
  "Ref",
  "Condition",
  "Base64",
  "Cidr",
  "FindInMap",
  "GetAtt",
  "GetAZs",
  "ImportValue",
  "Join",
  "Select",
  "Split",
  "Sub",
  "Transform",
  "And",
  "Equals",
  "If",
  "Not",
  "Or",
  "Length",
  "ToJsonString",
];

describe("INTRINSICS", () => {
  it("maps every short form to its long form: Ref and Condition keep their name, the others are Fn::<name>", () => {
    expect(intrinsics.INTRINSICS).toStrictEqual({
      Ref: "Ref",
      Condition: "Condition",
      Base64: "Fn::Base64",
      Cidr: "Fn::Cidr",
      FindInMap: "Fn::FindInMap",
      GetAtt: "Fn::GetAtt",
      GetAZs: "Fn::GetAZs",
      ImportValue: "Fn::ImportValue",
      Join: "Fn::Join",
      Select: "Fn::Select",
      Split: "Fn::Split",
      Sub: "Fn::Sub",
      Transform: "Fn::Transform",
      And: "Fn::And",
      Equals: "Fn::Equals",
      If: "Fn::If",
      Not: "Fn::Not",
      Or: "Fn::Or",
      Length: "Fn::Length",
      ToJsonString: "Fn::ToJsonString",
    });
    expect(Object.keys(intrinsics.INTRINSICS)).toEqual(NAMES);
  });

  it("longName reads the table (a known name, !Condition) and builds Fn::<name> for others", () => {
    expect(intrinsics.longName("!Condition")).toBe("Condition");
    expect(intrinsics.longName("!GetAZs")).toBe("Fn::GetAZs");
    expect(intrinsics.longName("!Custom")).toBe("Fn::Custom");
  });
});

describe("CFN_TAGS", () => {
  it("has a scalar, a sequence and a mapping tag for every short form, in table order", () => {
    const shapes = intrinsics.CFN_TAGS.map((t) => [t.tag, "collection" in t ? t.collection : "scalar"]);
    expect(shapes).toEqual(NAMES.flatMap((n) => [
      [`!${n}`, "scalar"],
      [`!${n}`, "seq"],
      [`!${n}`, "map"],
    ]));
  });

  it("every tag keeps the parsed value as it is", () => {
    const seq = { items: ["a"] };
    const map = { items: [] };
    for (const t of intrinsics.CFN_TAGS) {
      const resolve = t.resolve as (value: unknown) => unknown;
      if (!("collection" in t)) expect(resolve("the scalar"), (t as ScalarTag).tag).toBe("the scalar");
      else expect(resolve((t as CollectionTag).collection === "seq" ? seq : map), t.tag).toBe((t as CollectionTag).collection === "seq" ? seq : map);
    }
  });

  it.each(NAMES)("!%s parses without warnings in scalar, sequence and mapping form, each an intrinsic with its value", (name) => {
    const text = `S: !${name} scalar-arg\nQ: !${name} [one, two]\nM: !${name} { k: v }\n`;
    const src = source.Source.parse("t.yaml", text);
    const long = intrinsics.INTRINSICS[name];
    const s = src.get(src.root, "S");
    const q = src.get(src.root, "Q");
    const m = src.get(src.root, "M");
    expect(src.intrinsic(s)?.fn).toBe(long);
    expect(src.text(s)).toBe("scalar-arg");
    expect(src.intrinsic(q)?.fn).toBe(long);
    expect(src.items(q).map((i) => src.text(i))).toEqual(["one", "two"]);
    expect(src.intrinsic(m)?.fn).toBe(long);
    expect(src.text(src.get(m, "k"))).toBe("v");
    expect(src.pos(q)).toEqual({ line: 2, column: 4 });
  });

  it("given to the yaml parser, the tags resolve every short form (no unresolved-tag warning) and keep the values", async () => {
    const { parseDocument } = await import("yaml");
    const doc = parseDocument("A: !Ref X\nB: !GetAtt [R, Arn]\nC: !Sub { k: v }\n", { customTags: [...intrinsics.CFN_TAGS] });
    expect(doc.warnings).toEqual([]);
    expect(doc.errors).toEqual([]);
    expect(doc.toJS()).toEqual({ A: "X", B: ["R", "Arn"], C: { k: "v" } });
  });
});
