/**
 * The audit report: the stable JSON document (schemaVersion 1, docs/audit.md) every other format is rendered from.
 * @module
 */
import type { UnknownValue } from "./template/types.js";
import { SEVERITIES, atOrAbove, severityRank, type FailOn, type Finding, type Severity, type SuppressedFinding } from "./types.js";

/** Current version of the JSON report schema. Additive changes keep it; a breaking change bumps it. */
export const REPORT_SCHEMA_VERSION = 1;

/** The JSON report (docs/audit.md, "JSON report"). */
export interface AuditReport {
  readonly schemaVersion: typeof REPORT_SCHEMA_VERSION;
  readonly tool: { readonly name: "envseal"; readonly informationUri: string };
  /** ISO 8601 time the audit started. */
  readonly generatedAt: string;
  /** Where the functions came from. */
  readonly source:
    | { readonly mode: "live"; readonly regions: readonly string[] }
    | { readonly mode: "offline"; readonly input: string }
    | { readonly mode: "template"; readonly templates: readonly string[] };
  readonly options: {
    readonly allVersions: boolean;
    readonly requireCmk: boolean;
    readonly failOn: FailOn;
    readonly ignore: readonly string[];
    readonly baseline: string | null;
  };
  readonly summary: AuditSummary;
  /** Findings that count, most severe first. */
  readonly findings: readonly Finding[];
  /** Findings left out by `--ignore` or `--baseline`. */
  readonly suppressed: readonly SuppressedFinding[];
}

/** A function whose variables could not be read, so no rule about variables ran on it. Never counted as clean. */
export interface NotScanned {
  readonly region: string;
  readonly functionArn: string;
  /** Why, naming the at-rest key and the permission; never a value. */
  readonly reason: string;
}

/** Numbers for people and dashboards. */
export interface AuditSummary {
  /** Functions (and versions) whose variables were read and checked. */
  readonly functionsScanned: number;
  /** Functions whose variables could not be read (`Environment.Error`): listed in `notScanned`, never counted as clean. */
  readonly functionsNotScanned: number;
  readonly notScanned: readonly NotScanned[];
  /** Functions (and versions) scanned per region. */
  readonly functionsPerRegion: Readonly<Record<string, number>>;
  /** Counts of findings that count, per severity. */
  readonly findingsBySeverity: Readonly<Record<Severity, number>>;
  readonly findingsTotal: number;
  readonly suppressedTotal: number;
  /** `checked`, or `not checked` (offline input). */
  readonly keyChecks: "checked" | "not checked";
  /** Distinct at-rest keys looked up. */
  readonly keysChecked: number;
  /** Keys KMS would not describe (access denied, throttled after retries): their ARNs and the reason. */
  readonly keysNotChecked: ReadonlyArray<{ readonly key: string; readonly reason: string }>;
  readonly durationMs: number;
  /** True when a finding at or above `failOn` remains: the CLI exits 1. */
  readonly failed: boolean;
  /** `audit --template` only: what was read, and what could not be judged before deploy. */
  readonly templates?: TemplateSummary;
}

/**
 * Template audits: files read, functions per file, and values known only at deploy time.
 *
 * @example
 * ```ts
 * report.summary.templates?.unknown.map((u) => `${u.location.file}:${u.location.line} ${u.what}`);
 * ```
 */
export interface TemplateSummary {
  /** Template files read (nested CDK stacks included). */
  readonly filesScanned: number;
  /** Functions per template file (path relative to the working directory). */
  readonly functionsPerFile: Readonly<Record<string, number>>;
  /** Values the rules could not judge (Terraform "known after apply", `Environment: !If …`): unknown, never clean. */
  readonly unknown: readonly UnknownValue[];
}

/** Sort: severity (critical first), then region, function ARN, rule, variable. */
export function compareFindings(a: Finding, b: Finding): number {
  return (
    severityRank(b.severity) - severityRank(a.severity) ||
    a.region.localeCompare(b.region) ||
    a.functionArn.localeCompare(b.functionArn) ||
    a.ruleId.localeCompare(b.ruleId) ||
    (a.variable ?? "").localeCompare(b.variable ?? "")
  );
}

/** Count findings per severity. */
export function countBySeverity(findings: readonly Finding[]): Record<Severity, number> {
  const counts = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;
  for (const f of findings) counts[f.severity]++;
  return counts;
}

/** True when a finding at or above `failOn` is in `findings`. */
export function failsOn(findings: readonly Finding[], failOn: FailOn): boolean {
  return findings.some((f) => atOrAbove(f.severity, failOn));
}

/**
 * One-line summary, as the CLI prints it after `--out` and in the findings error.
 *
 * @example
 * ```ts
 * summaryLine(report); // "12 functions scanned in 2 regions: 3 findings (1 critical, 2 high), 1 suppressed"
 * summaryLine(templateReport); // "50 functions in 3 templates: 2 findings (2 high); 1 value unknown until deploy (not checked); …"
 * ```
 */
export function summaryLine(report: AuditReport): string {
  const s = report.summary;
  const regions = Object.keys(s.functionsPerRegion).length;
  const t = s.templates;
  const scanned = t
    ? `${s.functionsScanned} function${s.functionsScanned === 1 ? "" : "s"} in ${t.filesScanned} template${t.filesScanned === 1 ? "" : "s"}`
    : `${s.functionsScanned} function${s.functionsScanned === 1 ? "" : "s"} scanned in ${regions} region${regions === 1 ? "" : "s"}`;
  const bySev = [...SEVERITIES]
    .reverse()
    .filter((sev) => s.findingsBySeverity[sev] > 0)
    .map((sev) => `${s.findingsBySeverity[sev]} ${sev}`)
    .join(", ");
  const findings = s.findingsTotal === 0 ? "no findings" : `${s.findingsTotal} finding${s.findingsTotal === 1 ? "" : "s"} (${bySev})`;
  return (
    `${scanned}: ${findings}` +
    (s.suppressedTotal ? `, ${s.suppressedTotal} suppressed` : "") +
    (s.functionsNotScanned ? `; ${s.functionsNotScanned} function${s.functionsNotScanned === 1 ? "" : "s"} not scanned (environment unreadable)` : "") +
    (t && t.unknown.length ? `; ${t.unknown.length} value${t.unknown.length === 1 ? "" : "s"} unknown until deploy (not checked)` : "") +
    (s.keyChecks === "not checked" ? `; at-rest keys not checked (${t ? "templates" : "offline"})` : "")
  );
}
