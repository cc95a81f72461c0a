/**
 * `audit --template`: load the templates, run every rule on every function, apply the inline suppressions written in
 * the templates (and report those without a reason as ES023), and collect what could not be known before deploy.
 * Returns findings for the report; `--ignore` and `--baseline` apply afterwards, as for live audits.
 * @module
 */
import { isRuleId } from "../rules.js";
import type { Finding, SuppressedFinding } from "../types.js";
import { coveringSuppression } from "./inline.js";
import { loadTemplates } from "./load.js";
import { checkTemplateFunction, templateFinding } from "./rules.js";
import type { InlineSuppression, TemplateFile, TemplateFunction, UnknownValue } from "./types.js";

/** Options of {@link auditTemplates}. */
export interface TemplateAuditOptions {
  /** Paths in findings are relative to this folder. Default: `process.cwd()`. */
  cwd?: string | undefined;
  /** ES004 is medium instead of low. Default: false. */
  requireCmk?: boolean | undefined;
}

/** What the template audit found. */
export interface TemplateAuditResult {
  readonly files: readonly TemplateFile[];
  readonly functions: number;
  /** Findings not suppressed inline (the caller applies `--ignore` and `--baseline`). */
  readonly findings: Finding[];
  /** Findings suppressed by a comment or Metadata entry in the template. */
  readonly suppressed: SuppressedFinding[];
  /** Values the rules could not judge before deploy, by file and line. */
  readonly unknown: UnknownValue[];
}

/**
 * Audit templates (files or folders).
 *
 * @example
 * ```ts
 * const r = await auditTemplates(["template.yaml", "cdk.out", "plan.json"]);
 * r.findings.map((f) => `${f.location?.file}:${f.location?.line} ${f.ruleId}`);
 * ```
 */
export async function auditTemplates(paths: readonly string[], options: TemplateAuditOptions = {}): Promise<TemplateAuditResult> {
  const files = await loadTemplates(paths, options.cwd ?? process.cwd());
  const findings: Finding[] = [];
  const suppressed: SuppressedFinding[] = [];
  const unknown: UnknownValue[] = [];
  let functions = 0;
  for (const file of files) {
    unknown.push(...file.unknown);
    for (const fn of file.functions) {
      functions++;
      const checked = await checkTemplateFunction(fn, file, { requireCmk: Boolean(options.requireCmk) });
      unknown.push(...checked.unknown);
      for (const f of checked.findings) {
        const by = coveringSuppression(f, fn, file.comments, file.commentOnlyLines);
        if (by) suppressed.push({ ...f, suppressedBy: `inline:${by.kind}`, ...(by.reason ? { reason: by.reason } : {}) });
        else findings.push(f);
      }
      for (const s of fn.metadataSuppressions) findings.push(...suppressionProblems(fn, s));
    }
    for (const c of file.comments) findings.push(...suppressionProblems(owner(file, c), c));
  }
  unknown.sort((a, b) => a.location.file.localeCompare(b.location.file) || a.location.line - b.location.line || a.location.column - b.location.column);
  return { files, functions, findings, suppressed, unknown };
}

/** The function whose definition holds a comment, or the template itself. */
function owner(file: TemplateFile, c: InlineSuppression): Pick<TemplateFunction, "id" | "file"> {
  const fn = file.functions.find((f) => f.pos.line <= c.pos.line && c.pos.line <= f.endLine);
  return fn ?? { id: "(template)", file: file.file };
}

/** ES023 for a suppression that names no rule, an unknown rule, or no reason. */
function suppressionProblems(fn: Pick<TemplateFunction, "id" | "file">, s: InlineSuppression): Finding[] {
  const problems: string[] = [];
  if (s.ids.length === 0) problems.push("names no rule id");
  const unknownIds = s.ids.filter((id) => !isRuleId(id));
  if (unknownIds.length > 0) problems.push(`names unknown rule ${unknownIds.map((id) => id.slice(0, 8)).join(", ")}`);
  if (!s.reason) problems.push("gives no reason");
  if (problems.length === 0) return [];
  const what = s.kind === "comment" ? "an envseal-ignore comment" : `a Metadata envseal.ignore entry${s.variable ? ` for ${s.variable}` : ""}`;
  const key = `${s.kind}:${s.ids.join(",")}:${s.variable ?? ""}`;
  return [templateFinding(fn, "ES023", s.variable ?? null, `${what} ${problems.join(" and ")}`, s.pos, { fingerprintKey: key })];
}
