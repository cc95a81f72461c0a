/**
 * `--format asff`: the report's findings as a JSON array of AWS Security Finding Format findings — what
 * `aws securityhub batch-import-findings --findings file://…` takes (100 at most per call). See `hub/asff.ts` for the
 * mapping.
 * @module
 */
import { toAsff } from "../hub/asff.js";
import type { AuditReport } from "../report.js";

/**
 * Render the findings that count as ASFF (a JSON string). `CreatedAt` and `UpdatedAt` are the audit's start time.
 * Throws `InputError` when a finding's account is unknown (offline input without function ARNs).
 *
 * @example
 * ```ts
 * await writeReportFile("findings.asff.json", renderAsff(report));
 * ```
 */
export function renderAsff(report: AuditReport): string {
  const ctx = { createdAt: report.generatedAt, updatedAt: report.generatedAt, url: report.tool.informationUri };
  return `${JSON.stringify(report.findings.map((f) => toAsff(f, ctx)), null, 2)}\n`;
}
