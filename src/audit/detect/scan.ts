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

/** A trie of the rules' keywords over ASCII codes: one walk from each position of a value finds every keyword there. */
interface TrieNode {
  readonly next: Array<TrieNode | undefined>;
  /** The keyword ending at this node. */
  word?: string;
}

/** The rules' keywords, so one pass over a value finds every keyword it holds. */
interface KeywordIndex {
  readonly trie: TrieNode;
  /** Keywords with a non-ASCII character (none today): looked for with `includes`. */
  readonly other: readonly string[];
  /** The positions (in the rules' order) of the rules each keyword lets through. */
  readonly rulesOf: ReadonlyMap<string, readonly number[]>;
  /** Rules with an empty keyword: always tried. */
  readonly always: readonly number[];
}

const indexes = new WeakMap<readonly ProviderRule[], KeywordIndex>();

function indexOf(rules: readonly ProviderRule[]): KeywordIndex {
  let index = indexes.get(rules);
  if (!index) {
    const trie: TrieNode = { next: [] };
    const other: string[] = [];
    const rulesOf = new Map<string, number[]>();
    const always: number[] = [];
    rules.forEach((r, i) => {
      if (r.keywords.includes("")) always.push(i);
      for (const k of new Set(r.keywords)) if (k !== "") rulesOf.set(k, [...(rulesOf.get(k) ?? []), i]);
    });
    for (const k of rulesOf.keys()) {
      if (!/^[\x00-\x7f]+$/.test(k)) {
        other.push(k);
        continue;
      }
      let node = trie;
      for (let j = 0; j < k.length; j++) node = node.next[k.charCodeAt(j)] ??= { next: [] };
      node.word = k;
    }
    indexes.set(rules, (index = { trie, other, rulesOf, always }));
  }
  return index;
}

const NONE: ReadonlySet<string> = new Set();

/** Every keyword of the index that occurs in `lower`: a trie walk from each position (the value is read about once). */
function keywordsIn(lower: string, index: KeywordIndex): ReadonlySet<string> {
  let found: Set<string> | undefined;
  const n = lower.length;
  for (let i = 0; i < n; i++) {
    let node = index.trie.next[lower.charCodeAt(i)];
    for (let j = i + 1; node; j++) {
      if (node.word !== undefined) (found ??= new Set()).add(node.word);
      if (j >= n) break;
      node = node.next[lower.charCodeAt(j)];
    }
  }
  for (const k of index.other) if (lower.includes(k)) (found ??= new Set()).add(k);
  return found ?? NONE;
}

/**
 * The rules any of whose keywords occurs in `lower` (or that have none), in the rules' order: the same rules as testing
 * `lower.includes(k)` for every keyword of every rule.
 *
 * @example
 * ```ts
 * candidateRules("sk_live_abc", PROVIDER_RULES).map((r) => r.id); // [… "stripe-secret-key", … "twilio-api-key", …]
 * ```
 */
export function candidateRules(lower: string, rules: readonly ProviderRule[]): ProviderRule[] {
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
