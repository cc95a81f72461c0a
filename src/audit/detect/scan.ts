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

/** The rules' keywords by first character, so one pass over a value finds every keyword it holds. */
interface KeywordIndex {
  /** Keywords starting with the ASCII character of that code. */
  readonly ascii: ReadonlyArray<readonly string[] | undefined>;
  /** Keywords starting with any other character. */
  readonly other: ReadonlyMap<string, readonly string[]>;
  /** The positions (in the rules' order) of the rules each keyword lets through. */
  readonly rulesOf: ReadonlyMap<string, readonly number[]>;
  /** Rules with an empty keyword: always tried. */
  readonly always: readonly number[];
}

const indexes = new WeakMap<readonly ProviderRule[], KeywordIndex>();

function indexOf(rules: readonly ProviderRule[]): KeywordIndex {
  let index = indexes.get(rules);
  if (!index) {
    const ascii: string[][] = [];
    const other = new Map<string, string[]>();
    const rulesOf = new Map<string, number[]>();
    const always: number[] = [];
    rules.forEach((r, i) => {
      if (r.keywords.includes("")) always.push(i);
      for (const k of new Set(r.keywords)) if (k !== "") rulesOf.set(k, [...(rulesOf.get(k) ?? []), i]);
    });
    for (const k of rulesOf.keys()) {
      const code = k.charCodeAt(0);
      const list = code < 128 ? (ascii[code] ??= []) : other.get(k[0]!) ?? (other.set(k[0]!, []), other.get(k[0]!)!);
      list.push(k);
    }
    indexes.set(rules, (index = { ascii, other, rulesOf, always }));
  }
  return index;
}

const NONE: ReadonlySet<string> = new Set();

/**
 * Every keyword of the index that occurs in `lower`: at each position, only the keywords starting with that character
 * are compared (the value is read once, instead of once per keyword of 100-odd rules).
 */
function keywordsIn(lower: string, index: KeywordIndex): ReadonlySet<string> {
  let found: Set<string> | undefined;
  for (let i = 0; i < lower.length; i++) {
    const code = lower.charCodeAt(i);
    const candidates = code < 128 ? index.ascii[code] : index.other.get(lower[i]!);
    if (!candidates) continue;
    for (const k of candidates) if (lower.startsWith(k, i)) (found ??= new Set()).add(k);
  }
  return found ?? NONE;
}

/** The rules any of whose keywords occurs in `lower` (or that have none), in the rules' order. */
function candidateRules(lower: string, rules: readonly ProviderRule[]): ProviderRule[] {
  const index = indexOf(rules);
  const present = keywordsIn(lower, index);
  if (present.size === 0) return index.always.map((i) => rules[i]!);
  const at = new Set(index.always);
  for (const k of present) for (const i of index.rulesOf.get(k) ?? []) at.add(i);
  return [...at].sort((a, b) => a - b).map((i) => rules[i]!);
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
  for (const rule of candidateRules(lower, rules)) {
    const m = rule.pattern.exec(value);
    if (!m) continue;
    const match = m[0];
    if (insideBase64(value, m.index, m.index + match.length)) continue;
    if (rule.validate ? rule.validate(match, value) : !isPlaceholder(match)) return rule;
  }
  return undefined;
}
