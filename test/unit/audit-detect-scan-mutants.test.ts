/**
 * The provider-rule scan's edges: where a match counts as buried in a longer base64 run (the 16-character margin, the
 * '+'/'/' that makes a run base64 rather than a word, matches at the very start and end of a value), and the keyword
 * index with hand-made rule lists (non-ASCII keywords, shared and repeated keywords, empty keywords).
 */
import { beforeAll, describe, expect, it } from "vitest";
import { expandTemplate } from "../../src/audit/detect/fake.js";
import type { ProviderRule } from "../../src/audit/detect/provider-rules.js";

// The base64 character class is a module constant: scan.ts (and the rules) are loaded in beforeAll so the mutation run
// credits it to these tests.
let PROVIDER_RULES: readonly ProviderRule[];
let candidateRules: typeof import("../../src/audit/detect/scan.js").candidateRules;
let matchProviderRule: typeof import("../../src/audit/detect/scan.js").matchProviderRule;
beforeAll(async () => {
  ({ PROVIDER_RULES } = await import("../../src/audit/detect/provider-rules.js"));
  ({ candidateRules, matchProviderRule } = await import("../../src/audit/detect/scan.js"));
});

/** A test rule: `TOK` and four digits (7 characters), accepted by its validator whatever it looks like. */
const rule = (over: Partial<ProviderRule> = {}): ProviderRule => ({
  id: "t",
  provider: "test",
  keywords: ["tok"],
  pattern: /TOK[0-9]{4}/,
  critical: false,
  examples: { positive: "", negative: "" },
  validate: () => true,
  ...over,
});
const T = [rule()];
const M = "TOK1234";
const a = (n: number) => "a".repeat(n);
const found = (value: string, rules: readonly ProviderRule[] = T) => matchProviderRule(value, rules)?.id;
const ids = (lower: string, rules: readonly ProviderRule[]) => candidateRules(lower, rules).map((r) => r.id);

describe("a match inside a longer base64 run does not count", () => {
  it("base64 before the match: a run of match + 16 characters with a '/' is ciphertext, match + 15 is not", () => {
    expect(found(`${a(15)}/${M}`)).toBeUndefined();
    expect(found(`${a(14)}/${M}`)).toBe("t");
    expect(found(`${a(15)}+${M}`)).toBeUndefined();
    expect(found(`${a(14)}+${M}`)).toBe("t");
  });

  it("base64 after the match: the same margin, the match at the very start of the value", () => {
    expect(found(`${M}+${a(15)}`)).toBeUndefined();
    expect(found(`${M}+${a(14)}`)).toBe("t");
    expect(found(`${M}/${a(15)}`)).toBeUndefined();
  });

  it("base64 on both sides adds up", () => {
    expect(found(`${a(7)}/${M}${a(8)}`)).toBeUndefined();
    expect(found(`${a(7)}/${M}${a(7)}`)).toBe("t");
  });

  it("a run that reaches the start of the value is not counted one character longer", () => {
    // 14 + 7 + 1 = 22: one short of the margin.
    expect(found(`${a(14)}${M}/`)).toBe("t");
  });

  it("a run that reaches the end of the value is not counted one character longer", () => {
    expect(found(`/${M}${a(14)}`)).toBe("t");
  });

  it("a long run of letters and digits alone (no '+' or '/') is a word, not base64: the match counts", () => {
    expect(found(`${a(16)}${M}`)).toBe("t");
    expect(found(`${M}${a(16)}`)).toBe("t");
    expect(found(`${a(30)}${M}${a(30)}`)).toBe("t");
    expect(found(`${a(16)}=${M}`)).toBe("t");
  });

  it("a '/' outside the run (past a space, a dot, a quote) does not make the run base64", () => {
    expect(found(`a/ ${a(16)}${M}`)).toBe("t");
    expect(found(`${M}${a(16)} a/`)).toBe("t");
    expect(found(`x/."${a(16)}${M}"./x`)).toBe("t");
  });

  it("the match's own '/' is not part of what is around it", () => {
    const slashy = [rule({ pattern: /TOK[0-9/]{4}/ })];
    expect(found(`${a(16)}TOK12/4`, slashy)).toBe("t");
    expect(found(`TOK12/4${a(16)}`, slashy)).toBe("t");
    expect(found(`${a(15)}/TOK12/4`, slashy)).toBeUndefined();
  });

  it("a match that is the whole value, or set off by non-base64 characters, counts", () => {
    expect(found(M)).toBe("t");
    expect(found(`${a(20)}/ ${M} /${a(20)}`)).toBe("t");
    expect(found(`"${M}"`)).toBe("t");
  });

  it("a buried match is skipped and a later rule still gets its turn", () => {
    const rules = [rule({ id: "first" }), rule({ id: "second", keywords: ["zz"], pattern: /zz[0-9]{3}/ })];
    expect(found(`${a(15)}/${M} zz123`, rules)).toBe("second");
    expect(found(`${a(14)}/${M} zz123`, rules)).toBe("first");
  });

  it("with the real rules: an AWS key id alone or after a short base64 piece is found, inside ciphertext it is not", () => {
    const key = expandTemplate("AKIA{2:16}", "scan-mutants/aws");
    expect(found(key, PROVIDER_RULES)).toBe("aws-access-key-id");
    expect(found(`id=${key}`, PROVIDER_RULES)).toBe("aws-access-key-id");
    expect(found(`ab/${key}`, PROVIDER_RULES)).toBe("aws-access-key-id");
    // 20 + 16 characters of run with a '/' in it: ciphertext that happens to hold an AKIA-like piece.
    expect(found(`${a(15)}/${key}`, PROVIDER_RULES)).toBeUndefined();
    expect(found(`${key}/${a(15)}`, PROVIDER_RULES)).toBeUndefined();
    expect(found(`${a(14)}/${key}`, PROVIDER_RULES)).toBe("aws-access-key-id");
  });
});

describe("the keyword index over a hand-made rule list", () => {
  const accent = rule({ id: "accent", keywords: ["clé"], pattern: /clé=[0-9]+/i });
  const zz = rule({ id: "zz", keywords: ["zz"], pattern: /zz[0-9]+/ });

  it("a non-ASCII keyword lets its rule through when the value holds it, and only then", () => {
    const rules = [accent, zz];
    expect(ids("la clé=12", rules)).toEqual(["accent"]);
    expect(ids("nothing", rules)).toEqual([]);
    expect(ids("cle=12", rules)).toEqual([]);
    expect(ids("zz12", rules)).toEqual(["zz"]);
  });

  it("a non-ASCII keyword found beside an ASCII one: both rules, in the rules' order", () => {
    expect(ids("zz1 clé=2", [accent, zz])).toEqual(["accent", "zz"]);
    expect(ids("clé=2 zz1", [zz, accent])).toEqual(["zz", "accent"]);
  });

  it("matchProviderRule finds a rule through a non-ASCII keyword, whatever the value's case", () => {
    expect(found("CLÉ=42", [zz, accent])).toBe("accent");
    expect(found("x clé=42 zz7", [zz, accent])).toBe("zz");
    expect(found("cle=42", [accent])).toBeUndefined();
  });

  it("a keyword repeated in one rule lets it through once; a keyword shared by rules lets each through", () => {
    const rules = [rule({ id: "one", keywords: ["ab", "ab", "cd"] }), rule({ id: "two", keywords: ["cd"] }), rule({ id: "three", keywords: ["ef"] })];
    expect(ids("ab", rules)).toEqual(["one"]);
    expect(ids("abcd", rules)).toEqual(["one", "two"]);
    expect(ids("cd ab ef", rules)).toEqual(["one", "two", "three"]);
  });

  it("a rule with an empty keyword beside real ones is always tried, and listed once", () => {
    const rules = [rule({ id: "kw", keywords: ["ab"] }), rule({ id: "always", keywords: ["", "ab", ""] })];
    expect(ids("xyz", rules)).toEqual(["always"]);
    expect(ids("ab", rules)).toEqual(["kw", "always"]);
    expect(ids("", rules)).toEqual(["always"]);
  });

  it("an empty rule list finds nothing", () => {
    expect(ids("anything", [])).toEqual([]);
    expect(found("TOK1234", [])).toBeUndefined();
  });
});
