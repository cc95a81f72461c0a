/**
 * Placeholders and documentation examples: values shaped like a secret that are not one (`ghp_xxxx…`,
 * `AKIAXXXXXXXXXXXXXXXX`, `<your-token>`, `changeme`, `${DB_PASSWORD}`, `sk_live_1234567890abcdef…`). Every detector
 * asks {@link isPlaceholder} about what it matched before it reports anything.
 * @module
 */

/** Whole values that mean "fill me in". */
const PLACEHOLDER_WORD =
  /^(?:change[-_ .]?(?:me|it|this)|replace[-_ .]?(?:me|this)|todo|tbd|fixme|none|null|nil|undefined|empty|example|sample|placeholder|dummy|redacted|masked|hidden|secret|password|passwd|pass|pwd|token|api[-_]?key|key|test|testing|default|n\/?a|\.{3,}|your[-_ .]?[a-z_ .-]*|my[-_ .]?[a-z_.-]*(?:key|token|secret|password|pass)|insert[-_ .][a-z_ .-]*|enter[-_ .][a-z_ .-]*|put[-_ .][a-z_ .-]*here)$/i;
/** Template syntax: the value is filled in elsewhere. */
const TEMPLATE = /<[^<>]{1,60}>|\$\{[^}]{1,80}\}|\{\{[^}]{1,80}\}\}|%[A-Z_]{2,40}%|\$\([^)]{1,80}\)|\[(?:REDACTED|MASKED|SECRET|TOKEN|PASSWORD)\]/i;
/** Words that, as a segment of a token, mark a documentation example. */
const EXAMPLE_SEGMENT = /^(?:(?:example|sample|dummy|placeholder)[a-z]*|redacted|your|yours|changeme|replaceme|xxx+|insert|fake)$/i;

/** Sum of the lengths of runs where a character (case-insensitively for x) repeats the one `unit` places before. */
function periodicShare(s: string, unit: number): number {
  let repeated = 0;
  let run = 0;
  for (let i = unit; i < s.length; i++) {
    const a = s[i] as string;
    const b = s[i - unit] as string;
    if (a === b || (a.toLowerCase() === "x" && b.toLowerCase() === "x")) {
      run++;
    } else {
      if (run >= 3 + unit) repeated += run + unit;
      run = 0;
    }
  }
  if (run >= 3 + unit) repeated += run + unit;
  return repeated;
}

/** Characters that sit in ascending or descending sequences of at least 5 (`12345`, `abcdef`, `98765`). */
function sequentialShare(s: string): number {
  let total = 0;
  for (const step of [1, -1]) {
    let run = 1;
    for (let i = 1; i <= s.length; i++) {
      if (i < s.length && s.charCodeAt(i) - s.charCodeAt(i - 1) === step && /[a-z0-9]/i.test(s[i] as string)) {
        run++;
      } else {
        if (run >= 5) total += run;
        run = 1;
      }
    }
  }
  return total;
}

/**
 * Shannon entropy of `s` in bits per character.
 *
 * @example
 * ```ts
 * shannonEntropy("aaaa");       // 0
 * shannonEntropy("ab12CD+/");   // 3
 * ```
 */
export function shannonEntropy(s: string): number {
  if (s.length === 0) return 0;
  const counts = new Map<string, number>();
  // Per code point, like the counts: an emoji is one character, not two UTF-16 units.
  let n = 0;
  for (const ch of s) {
    counts.set(ch, (counts.get(ch) ?? 0) + 1);
    n++;
  }
  let h = 0;
  for (const c of counts.values()) {
    const p = c / n;
    h -= p * Math.log2(p);
  }
  return h;
}

/**
 * True when `text` (a whole value, or what a detector matched in it) is a placeholder or a documentation example rather
 * than a secret: template syntax, a fill-me-in word, an `EXAMPLE`/`your`/`dummy` segment, or a body made mostly of
 * repeated characters, short repeated units or counting sequences.
 *
 * @example
 * ```ts
 * isPlaceholder("AKIAXXXXXXXXXXXXXXXX");  // true
 * isPlaceholder("<your-token>");          // true
 * isPlaceholder("changeme");              // true
 * isPlaceholder("ghp_" + randomBase62(36)); // false
 * ```
 */
export function isPlaceholder(text: string): boolean {
  const v = text.trim().replace(/^["']|["']$/g, "");
  if (v.length === 0 || PLACEHOLDER_WORD.test(v) || TEMPLATE.test(v)) return true;
  if (/EXAMPLE/.test(v)) return true;
  const segments = v.split(/[^A-Za-z0-9]+/).filter(Boolean);
  if (segments.some((s) => EXAMPLE_SEGMENT.test(s))) return true;
  const alnum = v.replace(/[^A-Za-z0-9*]/g, "");
  if (alnum.length === 0) return true;
  if (alnum.length < 6) return false;
  const threshold = Math.max(6, alnum.length * 0.4);
  for (let unit = 1; unit <= 3; unit++) if (periodicShare(alnum, unit) >= threshold) return true;
  return sequentialShare(alnum) >= threshold;
}
