/**
 * Run the provider rules on one value: a keyword filter, the pattern, the rule's validator, and the placeholder check.
 * Synchronous and allocation-light, since the auditor calls it for every variable of every function.
 * @module
 */
import { isPlaceholder } from "./placeholder.js";
import { PROVIDER_RULES, type ProviderRule } from "./provider-rules.js";

const B64 = /[A-Za-z0-9+/=]/;

/**
 * True when the match sits inside a longer run of base64 (ciphertext, an image, a certificate): a short prefix such as
 * `EAA` or `LTAI` turns up in random base64 now and then, and is not a token there.
 */
function insideBase64(value: string, start: number, end: number): boolean {
  let left = start;
  let right = end;
  while (left > 0 && B64.test(value[left - 1] as string)) left--;
  while (right < value.length && B64.test(value[right] as string)) right++;
  if (right - left < end - start + 16) return false;
  const around = value.slice(left, start) + value.slice(end, right);
  return /[+/]/.test(around);
}

/**
 * The first provider rule that finds a secret in `value`, or `undefined`. A rule with a validator leaves the
 * placeholder decision to it (a URL's host may be `example.com` while its password is real); for the others, a match
 * that is a placeholder (`ghp_xxxx…`) does not count. A match buried in a longer base64 run does not count either.
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
    if (insideBase64(value, m.index, m.index + match.length)) continue;
    if (rule.validate ? rule.validate(match, value) : !isPlaceholder(match)) return rule;
  }
  return undefined;
}
