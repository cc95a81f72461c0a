/**
 * `audit --template`: find the templates, then for each one run every rule on every function, apply the inline
 * suppressions written in it (reporting those without a reason as ES023), and collect what could not be known before
 * deploy. Large runs spread the templates over worker threads running this same module (template/workers.ts); the
 * result is the same, in the same order. `--ignore` and `--baseline` apply afterwards, as for live audits.
 * @module
 */
import type { Emulator } from "../../core/ciphertext.js";
import { EnvsealError, InputError } from "../../core/errors.js";
import { isRuleId } from "../rules.js";
import type { Finding, SuppressedFinding } from "../types.js";
import { coveringSuppression } from "./inline.js";
import { discoverTemplates, loadTemplate, type Pending } from "./load.js";
import { checkTemplateFunction, templateFinding } from "./rules.js";
import type { InlineSuppression, TemplateFile, TemplateFunction, UnknownValue } from "./types.js";
import { defaultWorkers, runInWorkers, runWorker } from "./workers.js";

/**
 * Options of {@link auditTemplates}.
 *
 * @example
 * ```ts
 * const options: TemplateAuditOptions = { cwd: "/repo", requireCmk: true, workers: 0 };
 * ```
 */
export interface TemplateAuditOptions {
  /** Paths in findings are relative to this folder. Default: `process.cwd()`. */
  cwd?: string | undefined;
  /** ES004 is medium instead of low. Default: false. */
  requireCmk?: boolean | undefined;
  /** Also take this KMS emulator's ciphertext for sealed (`ENVSEAL_EMULATOR`; tests only). Default: none. */
  emulator?: Emulator | undefined;
  /** Worker threads. Default: one per CPU (at most 4) from 100 templates on, when the built worker exists; else 0. */
  workers?: number | undefined;
}

/**
 * One template read.
 *
 * @example
 * ```ts
 * const s: TemplateFileSummary = { file: "infra/api.yaml", format: "cloudformation", functions: 12 };
 * ```
 */
export interface TemplateFileSummary {
  /** Path relative to the working directory, forward slashes. */
  readonly file: string;
  readonly format: TemplateFile["format"];
  readonly functions: number;
}

/**
 * What the template audit found.
 *
 * @example
 * ```ts
 * const { findings, unknown } = await auditTemplates(["template.yaml"]);
 * ```
 */
export interface TemplateAuditResult {
  readonly files: readonly TemplateFileSummary[];
  readonly functions: number;
  /** Findings not suppressed inline (the caller applies `--ignore` and `--baseline`). */
  readonly findings: Finding[];
  /** Findings suppressed by a comment or Metadata entry in the template. */
  readonly suppressed: SuppressedFinding[];
  /** Values the rules could not judge before deploy, by file and line. */
  readonly unknown: UnknownValue[];
}

/**
 * The outcome of one template, with its place in the queue (nested templates right after their parent: `[3, 0]`).
 *
 * @example
 * ```ts
 * const { outcomes } = await auditQueue(queue, 0, 1, process.cwd(), false);
 * outcomes[0]?.summary.file;
 * ```
 */
export interface FileOutcome {
  readonly path: string;
  readonly order: readonly number[];
  readonly summary: TemplateFileSummary;
  readonly findings: Finding[];
  readonly suppressed: SuppressedFinding[];
  readonly unknown: UnknownValue[];
}

/**
 * How every template of one run is judged: the same in the main thread and in each worker.
 *
 * @example
 * ```ts
 * const settings: QueueSettings = { cwd: process.cwd(), requireCmk: false, emulator: undefined };
 * ```
 */
export interface QueueSettings {
  /** Paths in findings are relative to this folder. */
  readonly cwd: string;
  /** ES004 is medium instead of low. */
  readonly requireCmk: boolean;
  /** Also take this KMS emulator's ciphertext for sealed (see `looksSealed`); `undefined` for AWS only. */
  readonly emulator: Emulator | undefined;
}

/**
 * What a share of the queue gave: outcomes in order, and the first error (with its place) if one stopped it.
 *
 * @example
 * ```ts
 * const { error } = await auditQueue(queue, 0, 1, settings);
 * if (error) console.error(error.message); // "template t.yaml:4:1 is not valid YAML (BAD_INDENT)"
 * ```
 */
export interface QueueResult {
  readonly outcomes: FileOutcome[];
  readonly error?: { readonly order: readonly number[]; readonly name: string; readonly message: string; readonly hint: string | undefined };
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
  const settings: QueueSettings = { cwd: options.cwd ?? process.cwd(), requireCmk: Boolean(options.requireCmk), emulator: options.emulator };
  const queue = await discoverTemplates(paths, settings.cwd);
  const workers = options.workers ?? defaultWorkers(queue.length, import.meta.url);
  const results = workers > 1 ? await runInWorkers(queue, import.meta.url, settings, workers) : [await auditQueue(queue, 0, 1, settings)];
  const failed = results
    .map((r) => r.error)
    .filter((e) => e !== undefined)
    .sort((a, b) => compareOrder(a.order, b.order))[0];
  if (failed) throw failed.name === "InputError" ? new InputError(failed.message, { hint: failed.hint ?? "" }) : new EnvsealError(failed.message, { hint: failed.hint ?? "" });
  const seen = new Set<string>();
  const outcomes = results
    .flatMap((r) => r.outcomes)
    .sort((a, b) => compareOrder(a.order, b.order))
    .filter((o) => !seen.has(o.path) && seen.add(o.path));
  if (outcomes.length === 0) {
    throw new InputError(`no CloudFormation, SAM, CDK or Terraform plan template found in --template ${paths.join(" ").slice(0, 200)}`, {
      hint: "pass template files (.yaml, .yml, .json, .template), a folder holding them, or cdk.out",
    });
  }
  const unknown = outcomes.flatMap((o) => o.unknown);
  unknown.sort((a, b) => a.location.file.localeCompare(b.location.file) || a.location.line - b.location.line || a.location.column - b.location.column);
  return {
    files: outcomes.map((o) => o.summary),
    functions: outcomes.reduce((n, o) => n + o.summary.functions, 0),
    findings: outcomes.flatMap((o) => o.findings),
    suppressed: outcomes.flatMap((o) => o.suppressed),
    unknown,
  };
}

function compareOrder(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return (a[i] ?? 0) - (b[i] ?? 0);
  return a.length - b.length;
}

/**
 * Audit the templates of the queue whose index modulo `stride` is `offset` (a worker's share; `0, 1` is all of
 * them), following nested stacks right after their parent. Stops at the first error and reports it with its place.
 *
 * @example
 * ```ts
 * const { outcomes, error } = await auditQueue(queue, 0, 1, { cwd: process.cwd(), requireCmk: false, emulator: undefined });
 * ```
 */
export async function auditQueue(queue: readonly Pending[], offset: number, stride: number, settings: QueueSettings): Promise<QueueResult> {
  const work = queue.flatMap((item, i) => (i % stride === offset ? [{ item, order: [i] as number[] }] : []));
  const done = new Set<string>();
  const outcomes: FileOutcome[] = [];
  for (let i = 0; i < work.length; i++) {
    const { item, order } = work[i] as { item: Pending; order: number[] };
    if (done.has(item.path)) continue;
    done.add(item.path);
    try {
      const { file, nested } = await loadTemplate(item, settings.cwd);
      work.splice(i + 1, 0, ...nested.map((n, k) => ({ item: n, order: [...order, k] })));
      if (file) outcomes.push({ path: item.path, order, ...(await auditFile(file, settings)) });
    } catch (err) {
      const e = err as { name?: string; message?: string; hint?: string };
      if (!(err instanceof EnvsealError)) throw err;
      return { outcomes, error: { order, name: e.name ?? "Error", message: e.message ?? "", hint: e.hint } };
    }
  }
  return { outcomes };
}

async function auditFile(file: TemplateFile, settings: QueueSettings): Promise<Omit<FileOutcome, "path" | "order">> {
  const findings: Finding[] = [];
  const suppressed: SuppressedFinding[] = [];
  const unknown: UnknownValue[] = [...file.unknown];
  // All functions of the file at once: their variables then share one secretlint pass (src/audit/secrets.ts batches the
  // functions waiting at the same moment), instead of paying secretlint's per-call rule setup once per function.
  const options = { requireCmk: settings.requireCmk, emulator: settings.emulator };
  const results = await Promise.all(file.functions.map((fn) => checkTemplateFunction(fn, file, options)));
  file.functions.forEach((fn, i) => {
    const checked = results[i]!;
    unknown.push(...checked.unknown);
    for (const f of checked.findings) {
      const by = coveringSuppression(f, fn, file.comments, file.commentOnlyLines);
      if (by) suppressed.push({ ...f, suppressedBy: `inline:${by.kind}`, ...(by.reason ? { reason: by.reason } : {}) });
      else findings.push(f);
    }
    for (const s of fn.metadataSuppressions) findings.push(...suppressionProblems(fn, s));
  });
  // A comment's problem belongs to the template: the lines around it may not have been parsed (scan.ts).
  for (const c of file.comments) findings.push(...suppressionProblems({ id: "(template)", file: file.file }, c));
  return { summary: { file: file.file, format: file.format, functions: file.functions.length }, findings, suppressed, unknown };
}

/** ES023 for a suppression that names no rule, an unknown rule, or no reason. */
function suppressionProblems(fn: Pick<TemplateFunction, "id" | "file">, s: InlineSuppression): Finding[] {
  const problems: string[] = [];
  if (s.ids.length === 0) problems.push("names no rule id");
  const unknownIds = s.ids.filter((id) => !isRuleId(id));
  // Only rule-shaped ids are echoed: a Metadata id is free text, and free text is never printed.
  if (unknownIds.length > 0) problems.push(`names unknown rule ${unknownIds.map((id) => (/^[A-Z]{2}\d{3}$/.test(id) ? id : "(not a rule id)")).join(", ")}`);
  if (!s.reason) problems.push("gives no reason");
  if (problems.length === 0) return [];
  const what = s.kind === "comment" ? "an envseal-ignore comment" : `a Metadata envseal.ignore entry${s.variable ? ` for ${s.variable}` : ""}`;
  const key = `${s.kind}:${s.ids.join(",")}:${s.variable ?? ""}`;
  return [templateFinding(fn, "ES023", s.variable ?? null, `${what} ${problems.join(" and ")}`, s.pos, { fingerprintKey: key })];
}

// Loaded in a worker thread started by runInWorkers: audit that worker's share (a no-op anywhere else).
runWorker(auditQueue);
