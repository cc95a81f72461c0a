/**
 * From a function's findings to an AWS Config evaluation: NON_COMPLIANT when a finding at or above the rule's `failOn`
 * remains (after its `ignore` suppressions), COMPLIANT otherwise, with an annotation of at most 256 characters naming the
 * rule ids and variable names — never a value.
 * @module
 */
import { applySuppressions, type IgnoreRule } from "../suppress.js";
import { atOrAbove, type FailOn, type Finding } from "../types.js";

/** Config's limit on `Annotation`. */
export const ANNOTATION_MAX = 256;

/** A verdict on one resource. */
export interface Verdict {
  readonly compliance: "COMPLIANT" | "NON_COMPLIANT" | "NOT_APPLICABLE";
  readonly annotation: string;
}

/** One thing to name: a rule, and the variable it fired on (`null` for function-level rules). */
type Item = readonly [ruleId: string, variable: string | null];

/** `ES001 API_KEY, DB_PASSWORD; ES004` — rule ids in order, each with the variables it names. */
function render(items: readonly Item[]): string {
  const byRule = new Map<string, string[]>();
  for (const [id, name] of items) {
    const names = byRule.get(id) ?? [];
    if (name) names.push(name);
    byRule.set(id, names);
  }
  return [...byRule.entries()].map(([id, names]) => (names.length ? `${id} ${names.join(", ")}` : id)).join("; ");
}

function items(findings: readonly Finding[]): Item[] {
  const seen = new Set<string>();
  const out: Item[] = [];
  for (const f of findings) {
    const name = f.variable ? (f.version === "$LATEST" ? f.variable : `${f.variable}@v${f.version}`) : null;
    const key = `${f.ruleId}\u0000${name ?? ""}`;
    if (!seen.has(key)) (seen.add(key), out.push([f.ruleId, name]));
  }
  return out.sort((a, b) => a[0].localeCompare(b[0]) || (a[1] ?? "").localeCompare(b[1] ?? ""));
}

/**
 * `prefix`, the rules and variables of `findings`, then `suffix`, in at most {@link ANNOTATION_MAX} characters: when
 * they do not all fit, as many as fit and "(+N more)".
 *
 * @example
 * ```ts
 * annotate("envseal: ", findings, " (at or above high)"); // "envseal: ES001 DB_PASSWORD; ES004 (at or above high)"
 * ```
 */
export function annotate(prefix: string, findings: readonly Finding[], suffix = ""): string {
  const all = items(findings);
  for (let k = all.length; k >= 0; k--) {
    const more = k < all.length ? `${k > 0 ? " " : ""}(+${all.length - k} more)` : "";
    const text = `${prefix}${render(all.slice(0, k))}${more}${suffix}`;
    if (text.length <= ANNOTATION_MAX) return text;
  }
  return `${prefix}(+${all.length} more)`.slice(0, ANNOTATION_MAX);
}

/**
 * The verdict on one function from all its findings.
 *
 * @example
 * ```ts
 * verdictOf(findings, "high", parseIgnores(["ES004"]));
 * // { compliance: "NON_COMPLIANT", annotation: "envseal: ES001 DB_PASSWORD (at or above high)" }
 * ```
 */
export function verdictOf(findings: readonly Finding[], failOn: FailOn, ignores: readonly IgnoreRule[]): Verdict {
  const { active } = applySuppressions(findings, ignores, new Set());
  const failing = active.filter((f) => atOrAbove(f.severity, failOn));
  if (failing.length > 0) {
    return { compliance: "NON_COMPLIANT", annotation: annotate("envseal: ", failing, ` (at or above ${failOn})`) };
  }
  if (active.length > 0) return { compliance: "COMPLIANT", annotation: annotate(`envseal: nothing at or above ${failOn}; below: `, active) };
  return { compliance: "COMPLIANT", annotation: "envseal: no finding" };
}
