/**
 * A hand-made audit report for the renderer and summary tests: one live region, one function scanned, key checks
 * done, nothing failed — override what a test is about. Imports types only, so a test that loads the src modules in
 * `beforeAll` (for the mutation run's coverage) keeps doing so.
 */
import type { AuditReport } from "../../src/audit/report.js";
import type { Finding, Severity, SuppressedFinding } from "../../src/audit/types.js";

/** Findings per severity, counted here (the test's own oracle, not the module under test). */
function bySeverity(findings: readonly Finding[]): Record<Severity, number> {
  const counts: Record<Severity, number> = { low: 0, medium: 0, high: 0, critical: 0 };
  for (const f of findings) counts[f.severity]++;
  return counts;
}

export function auditReport(
  findings: Finding[] = [],
  opts: { summary?: Partial<AuditReport["summary"]>; suppressed?: SuppressedFinding[]; report?: Partial<AuditReport> } = {},
): AuditReport {
  const suppressed = opts.suppressed ?? [];
  return {
    schemaVersion: 1,
    tool: { name: "envseal", informationUri: "https://example.test" },
    generatedAt: "2026-01-01T00:00:00.000Z",
    source: { mode: "live", regions: ["eu-west-1"] },
    options: { allVersions: false, requireCmk: false, failOn: "high", ignore: [], baseline: null },
    summary: {
      functionsScanned: 1,
      functionsNotScanned: 0,
      notScanned: [],
      functionsPerRegion: { "eu-west-1": 1 },
      findingsBySeverity: bySeverity(findings),
      findingsTotal: findings.length,
      suppressedTotal: suppressed.length,
      keyChecks: "checked",
      keysChecked: 2,
      keysNotChecked: [],
      durationMs: 42,
      failed: false,
      ...opts.summary,
    },
    findings,
    suppressed,
    ...opts.report,
  };
}
