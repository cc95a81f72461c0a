/**
 * Turn what a run collected into the report: apply suppressions, sort, count, and decide `failed`. Shared by the
 * single-account audit and `audit --org`.
 * @module
 */
import { REPORT_SCHEMA_VERSION, compareFindings, countBySeverity, failsOn, type AuditReport, type NotAudited, type OrgReport } from "./report.js";
import type { Collector } from "./scan.js";
import { applySuppressions, type IgnoreRule } from "./suppress.js";
import type { FailOn, SuppressedFinding } from "./types.js";

/** Everything {@link assembleReport} needs besides the collector. */
export interface ReportInputs {
  readonly started: number;
  readonly source: AuditReport["source"];
  readonly options: { readonly allVersions: boolean; readonly requireCmk: boolean; readonly failOn: FailOn; readonly baseline: string | null };
  readonly ignores: readonly IgnoreRule[];
  readonly baseline: ReadonlySet<string>;
  readonly keysChecked: number;
  readonly keysNotChecked: ReadonlyArray<{ key: string; reason: string }>;
  readonly notAudited?: readonly NotAudited[];
  readonly org?: OrgReport;
  /** Template audits: findings suppressed in the template itself (kept as suppressed). */
  readonly inlineSuppressed?: readonly SuppressedFinding[];
  /** Template audits: files scanned, functions per file, values unknown until deploy. */
  readonly templates?: AuditReport["summary"]["templates"];
}

const byKey = (o: Record<string, number>) => Object.fromEntries(Object.entries(o).sort(([a], [b]) => a.localeCompare(b)));

/**
 * Build the report from a finished collector.
 *
 * @example
 * ```ts
 * const report = assembleReport(collector, { started, source: { mode: "live", regions }, options, ignores, baseline, keysChecked: 3, keysNotChecked: [] });
 * ```
 */
export function assembleReport(collector: Collector, inputs: ReportInputs): AuditReport {
  const { active, suppressed: flagged } = applySuppressions(collector.findings.sort(compareFindings), inputs.ignores, inputs.baseline);
  const suppressed = [...flagged, ...(inputs.inlineSuppressed ?? [])].sort(compareFindings);
  const notScanned = collector.notScanned.sort(
    (a, b) => (a.account ?? "").localeCompare(b.account ?? "") || a.region.localeCompare(b.region) || a.functionArn.localeCompare(b.functionArn),
  );
  const notAudited = [...(inputs.notAudited ?? [])].sort((a, b) => a.account.localeCompare(b.account) || (a.region ?? "").localeCompare(b.region ?? ""));
  return {
    schemaVersion: REPORT_SCHEMA_VERSION,
    tool: { name: "envseal", informationUri: "https://www.npmjs.com/package/envseal" },
    generatedAt: new Date(inputs.started).toISOString(),
    source: inputs.source,
    options: { ...inputs.options, ignore: inputs.ignores.map((i) => i.spec) },
    summary: {
      functionsScanned: collector.progress.functionsScanned - notScanned.length,
      functionsNotScanned: notScanned.length,
      notScanned,
      functionsPerRegion: byKey(collector.perRegion),
      findingsBySeverity: countBySeverity(active),
      findingsTotal: active.length,
      suppressedTotal: suppressed.length,
      keyChecks: inputs.source.mode === "live" ? "checked" : "not checked",
      keysChecked: inputs.keysChecked,
      keysNotChecked: [...inputs.keysNotChecked],
      durationMs: Date.now() - inputs.started,
      failed: failsOn(active, inputs.options.failOn),
      // Org runs only, so a single-account report keeps its documented shape.
      ...(inputs.templates ? { templates: inputs.templates } : {}),
      ...(inputs.org ? { functionsPerAccount: byKey(collector.perAccount), notAudited } : {}),
    },
    findings: active,
    suppressed,
    ...(inputs.org ? { org: inputs.org } : {}),
  };
}
