/**
 * Run the provider rules on one value: a keyword filter, the pattern, the rule's validator, and the placeholder check.
 * Synchronous and allocation-light, since the auditor calls it for every variable of every function.
 * @module
 */
import { isPlaceholder } from "./placeholder.js";
import { PROVIDER_RULES, type ProviderRule } from "./provider-rules.js";

/**
 * The first provider rule that finds a secret in `value`, or `undefined`. A rule with a validator leaves the
 * placeholder decision to it (a URL's host may be `example.com` while its password is real); for the others, a match
 * that is a placeholder (`ghp_xxxx…`) does not count.
 *
 * @example
 * ```ts
 * matchProviderRule(`sk_live_${random24}`)?.id; // "stripe-secret-key"
 * matchProviderRule("sk_live_XXXXXXXXXXXXXXXXXXXXXXXX"); // undefined
 * ```
 */
export function matchProviderRule(value: string, rules: readonly ProviderRule[] = PROVIDER_RULES): ProviderRule | undefined {
  const lower = value.toLowerCase();
  for (const rule of rules) {
    if (!rule.keywords.some((k) => lower.includes(k))) continue;
    const m = rule.pattern.exec(value);
    if (!m) continue;
    const match = m[0];
    if (rule.validate ? rule.validate(match, value) : !isPlaceholder(match)) return rule;
  }
  return undefined;
}
