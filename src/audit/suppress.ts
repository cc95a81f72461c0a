/**
 * Suppressions: `--ignore RULE[:FUNCTION-GLOB]` (picomatch on the function name or ARN) and `--baseline FILE` (a previous
 * JSON report: its findings, matched by fingerprint, do not count).
 * @module
 */
import { readFile } from "node:fs/promises";
import picomatch from "picomatch";
import { InputError } from "../core/errors.js";
import { isRuleId } from "./rules.js";
import type { Finding, RuleId, SuppressedFinding } from "./types.js";

/** One parsed `--ignore`. */
export interface IgnoreRule {
  /** As given, for the report. */
  readonly spec: string;
  readonly ruleId: RuleId;
  /** Matches a function name or ARN; always true without a glob. */
  readonly matches: (f: Pick<Finding, "functionName" | "functionArn">) => boolean;
}

/**
 * Parse `--ignore` values. Throws {@link InputError} for an unknown rule id.
 *
 * @example
 * ```ts
 * const [rule] = parseIgnores(["ES004:legacy-*"]);
 * rule.matches({ functionName: "legacy-billing", functionArn: "…" }); // true
 * ```
 */
export function parseIgnores(specs: readonly string[]): IgnoreRule[] {
  return specs.map((spec) => {
    const colon = spec.indexOf(":");
    const id = (colon < 0 ? spec : spec.slice(0, colon)).trim().toUpperCase();
    const glob = colon < 0 ? "" : spec.slice(colon + 1).trim();
    if (!isRuleId(id)) {
      throw new InputError(`--ignore ${spec.slice(0, 60)}: unknown rule "${id.slice(0, 20)}"`, { hint: "rules are ES001 to ES009 and ES014, optionally :FUNCTION-GLOB" });
    }
    if (!glob) return { spec, ruleId: id, matches: () => true };
    const isMatch = picomatch(glob, { dot: true });
    return { spec, ruleId: id, matches: (f) => isMatch(f.functionName) || isMatch(f.functionArn) };
  });
}

/**
 * Read the fingerprints of a previous JSON report. Throws {@link InputError} when the file is missing or is not an
 * envseal audit report.
 */
export async function loadBaseline(path: string): Promise<Set<string>> {
  let data: unknown;
  try {
    data = JSON.parse(await readFile(path, "utf8"));
  } catch (err) {
    const code = (err as { code?: string }).code;
    throw new InputError(`cannot use --baseline ${path}: ${code === "ENOENT" ? "no such file" : code ? code : "not valid JSON"}`, {
      hint: "pass a report written by `envseal audit --format json --out FILE`",
    });
  }
  const report = data as { schemaVersion?: unknown; findings?: unknown; suppressed?: unknown };
  if (typeof report !== "object" || report === null || typeof report.schemaVersion !== "number" || !Array.isArray(report.findings)) {
    throw new InputError(`--baseline ${path} is not an envseal audit JSON report`, {
      hint: "pass a report written by `envseal audit --format json --out FILE`",
    });
  }
  const all = [...(report.findings as unknown[]), ...(Array.isArray(report.suppressed) ? (report.suppressed as unknown[]) : [])];
  return new Set(all.map((f) => (f as { fingerprint?: unknown }).fingerprint).filter((x): x is string => typeof x === "string"));
}

/**
 * Split findings into those that count and those suppressed (by the first matching `--ignore`, else the baseline).
 *
 * @example
 * ```ts
 * const { active, suppressed } = applySuppressions(findings, parseIgnores(["ES004"]), new Set());
 * ```
 */
export function applySuppressions(
  findings: readonly Finding[],
  ignores: readonly IgnoreRule[],
  baseline: ReadonlySet<string>,
): { active: Finding[]; suppressed: SuppressedFinding[] } {
  const active: Finding[] = [];
  const suppressed: SuppressedFinding[] = [];
  for (const f of findings) {
    const rule = ignores.find((i) => i.ruleId === f.ruleId && i.matches(f));
    if (rule) suppressed.push({ ...f, suppressedBy: `ignore:${rule.spec}` });
    else if (baseline.has(f.fingerprint)) suppressed.push({ ...f, suppressedBy: "baseline" });
    else active.push(f);
  }
  return { active, suppressed };
}
