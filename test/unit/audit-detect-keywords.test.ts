/**
 * The keyword index that picks which provider rules to try on a value finds exactly the rules a plain
 * `lower.includes(keyword)` over every keyword would: overlapping keywords (`sk` in `sk_live_`, `key` in
 * `age-secret-key-1`), keywords at the very start and end, repeated ones, and values with none.
 */
import { describe, expect, it } from "vitest";
import { PROVIDER_RULES, type ProviderRule } from "../../src/audit/detect/provider-rules.js";
import { candidateRules } from "../../src/audit/detect/scan.js";

const naive = (lower: string, rules: readonly ProviderRule[]) => rules.filter((r) => r.keywords.some((k) => lower.includes(k))).map((r) => r.id);
const ids = (lower: string, rules: readonly ProviderRule[] = PROVIDER_RULES) => candidateRules(lower, rules).map((r) => r.id);

/** A small deterministic generator, so a failure names a reproducible value. */
function* values(count: number): Generator<string> {
  const keywords = [...new Set(PROVIDER_RULES.flatMap((r) => r.keywords))].filter((k) => k !== "");
  const filler = "abcxyz0189-_./:|$=~ ";
  let seed = 12345;
  const next = (n: number) => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) % n);
  for (let i = 0; i < count; i++) {
    let v = "";
    const parts = next(5);
    for (let p = 0; p < parts; p++) {
      v += next(2) ? keywords[next(keywords.length)]! : "";
      for (let f = next(6); f > 0; f--) v += filler[next(filler.length)]!;
      // A keyword cut short: its prefix alone must not count.
      if (next(4) === 0) v += keywords[next(keywords.length)]!.slice(0, -1);
    }
    yield v;
  }
}

describe("provider rules to try on a value", () => {
  it("the same rules, in the same order, as includes() over every keyword (5,000 generated values)", () => {
    for (const v of values(5000)) expect(ids(v), JSON.stringify(v)).toEqual(naive(v, PROVIDER_RULES));
  });

  it("overlapping keywords each count: sk_live_ lets Stripe and Twilio through; age-secret-key-1 lets age and the private-key rule through", () => {
    expect(ids("sk_live_")).toEqual(naive("sk_live_", PROVIDER_RULES));
    expect(ids("sk_live_")).toEqual(expect.arrayContaining(["stripe-secret-key", "twilio-api-key"]));
    expect(ids("age-secret-key-1")).toEqual(naive("age-secret-key-1", PROVIDER_RULES));
    expect(ids("age-secret-key-1").length).toBeGreaterThan(1);
  });

  it("no keyword: only the rules without one; a keyword cut short does not count", () => {
    const always = PROVIDER_RULES.filter((r) => r.keywords.includes("")).map((r) => r.id);
    expect(ids("info")).toEqual(always);
    expect(ids("sk_live")).not.toContain("stripe-secret-key");
  });

  it("rules with an empty keyword are always tried", () => {
    const rules: ProviderRule[] = [
      { ...PROVIDER_RULES[0]!, id: "a", keywords: ["zz"] },
      { ...PROVIDER_RULES[0]!, id: "b", keywords: [""] },
      { ...PROVIDER_RULES[0]!, id: "c", keywords: ["z"] },
    ];
    expect(ids("nothing", rules)).toEqual(["b"]);
    expect(ids("xzzx", rules)).toEqual(["a", "b", "c"]);
    expect(ids("xzx", rules)).toEqual(["b", "c"]);
  });
});
