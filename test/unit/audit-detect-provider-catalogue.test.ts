/**
 * The provider rules as data, loaded in `beforeAll` (so the mutation run credits the module-level table to these
 * tests): the catalogue users see (rule id = the finding's detector, provider, critical, validator) is a reviewed
 * snapshot; every rule's keyword filter lets its own examples through; every rule's positive example is found by it
 * (alone and inside a longer value) and its negative by no rule; a token rule does not fire inside a longer word; the
 * rules anchored to the whole value do not fire on a value with more around it.
 */
import { beforeAll, describe, expect, it } from "vitest";

let PROVIDER_RULES: typeof import("../../src/audit/detect/provider-rules.js").PROVIDER_RULES;
let expandTemplate: typeof import("../../src/audit/detect/fake.js").expandTemplate;
let matchProviderRule: typeof import("../../src/audit/detect/scan.js").matchProviderRule;
beforeAll(async () => {
  ({ PROVIDER_RULES } = await import("../../src/audit/detect/provider-rules.js"));
  ({ expandTemplate } = await import("../../src/audit/detect/fake.js"));
  ({ matchProviderRule } = await import("../../src/audit/detect/scan.js"));
});

const TOKEN_BOUNDARY = "(?<![A-Za-z0-9_])(?:";
/** Negative examples that are near misses outside the keyword filter (the pattern is not reached for them). */
const NEGATIVE_WITHOUT_KEYWORD = ["mapbox-secret-token", "telegram-bot-token"];

describe("provider rules: the catalogue", () => {
  it("ids, providers, criticality and validators are the reviewed list", () => {
    expect(PROVIDER_RULES.map((r) => [r.id, r.provider, r.critical ? "critical" : "", r.validate?.name ?? ""].join(" | "))).toMatchSnapshot();
  });

  it("every rule has lower-case, non-empty keywords, one of which occurs in its positive example (and its negative, a near miss)", () => {
    for (const r of PROVIDER_RULES) {
      expect(r.keywords.length, r.id).toBeGreaterThan(0);
      for (const k of r.keywords) {
        expect(k, r.id).not.toBe("");
        expect(k, r.id).toBe(k.toLowerCase());
      }
      const positive = expandTemplate(r.examples.positive, `${r.id}/positive/0`).toLowerCase();
      expect(r.keywords.some((k) => positive.includes(k)), `a keyword of ${r.id} in its positive example`).toBe(true);
      const negative = expandTemplate(r.examples.negative, `${r.id}/negative`).toLowerCase();
      expect(negative, r.id).not.toBe("");
      expect(r.keywords.some((k) => negative.includes(k)), `a keyword of ${r.id} in its negative example`).toBe(!NEGATIVE_WITHOUT_KEYWORD.includes(r.id));
    }
  });
});

describe("provider rules: examples", () => {
  it("each positive example is found by its rule (five seeds), alone and in JSON unless anchored; each negative by no rule", () => {
    for (const rule of PROVIDER_RULES) {
      for (let i = 0; i < 5; i++) {
        const positive = expandTemplate(rule.examples.positive, `${rule.id}/positive/${i}`);
        expect(matchProviderRule(positive, [rule])?.id, `positive #${i} of ${rule.id}`).toBe(rule.id);
        expect(matchProviderRule(positive)?.id, `positive #${i} of ${rule.id} among all rules`).toBeDefined();
        if (!rule.pattern.source.startsWith("^")) expect(matchProviderRule(`{"value": "${positive}"}`, [rule])?.id, `${rule.id} in JSON`).toBe(rule.id);
      }
      const negative = expandTemplate(rule.examples.negative, `${rule.id}/negative`);
      expect(matchProviderRule(negative), `negative of ${rule.id}`).toBeUndefined();
    }
  });

  it("a token rule does not fire when its token is the tail of a longer word", () => {
    const tokenRules = PROVIDER_RULES.filter((r) => r.pattern.source.startsWith(TOKEN_BOUNDARY));
    expect(tokenRules.length).toBeGreaterThan(80);
    for (const rule of tokenRules) {
      const positive = expandTemplate(rule.examples.positive, `${rule.id}/positive/0`);
      expect(matchProviderRule(`x${positive}`, [rule]), `x + positive of ${rule.id}`).toBeUndefined();
      expect(matchProviderRule(`_${positive}`, [rule]), `_ + positive of ${rule.id}`).toBeUndefined();
      expect(matchProviderRule(`-${positive}`, [rule])?.id, `- + positive of ${rule.id}`).toBe(rule.id);
    }
  });

  it("the rules anchored to the whole value (Laravel's APP_KEY) do not fire with text around it", () => {
    const anchored = PROVIDER_RULES.filter((r) => r.pattern.source.startsWith("^"));
    expect(anchored.map((r) => r.id)).toEqual(["laravel-app-key"]);
    for (const rule of anchored) {
      const positive = expandTemplate(rule.examples.positive, `${rule.id}/positive/0`);
      expect(matchProviderRule(`x${positive}`, [rule])).toBeUndefined();
      expect(matchProviderRule(`${positive}x`, [rule])).toBeUndefined();
    }
  });
});
