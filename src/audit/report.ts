/**
 * The audit report: the stable JSON document (schemaVersion 1, docs/audit.md) every other format is rendered from.
 * @module
 */
import type { SecurityHubResult } from "./hub/types.js";
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
  /** `audit --org` only: which accounts, how they were reached. */
  readonly org?: OrgReport;
  /** `--security-hub` only: what was imported and archived, and what failed. */
  readonly securityHub?: SecurityHubResult;
}

/** How an organisation audit reached its accounts (`report.org`). Never holds the external id itself. */
export interface OrgReport {
  /** The account the audit ran from. */
  readonly callerAccount: string;
  /** Where the account list came from: Organizations `ListAccounts`, or `--accounts`. */
  readonly accountsFrom: "organizations" | "accounts-option";
  /** The role assumed in each account (`--role-name`), as `role/NAME` or `role/PATH/NAME`. */
  readonly roleName: string;
  /** Whether an external id was sent with AssumeRole (the id is not printed). */
  readonly externalId: boolean;
  /** Every account the audit set out to audit, sorted. */
  readonly accounts: readonly string[];
  /** Accounts left out on purpose, with why (not ACTIVE, the current account without `--include-current`). */
  readonly skipped: ReadonlyArray<{ readonly account: string; readonly reason: string }>;
  /** Accounts of `accounts` of which at least one region was audited. */
  readonly accountsAudited: number;
  /** Account-regions audited in parallel at most (`--concurrency`). */
  readonly concurrency: number;
}

/**
 * An account (region `null`) or an account-region that was not audited, with why (role missing or not trusted, a
 * service control policy, a region not enabled, …). Never fatal, never counted as clean.
 */
export interface NotAudited {
  readonly account: string;
  /** `null` when the whole account failed (AssumeRole, ListRegions). */
  readonly region: string | null;
  /** One line naming the failed call and the AWS error code; never a value. */
  readonly reason: string;
}

/** A function whose variables could not be read, so no rule about variables ran on it. Never counted as clean. */
export interface NotScanned {
  /** The function's account (org runs). */
  readonly account?: string;
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
  /** `audit --org`: functions (and versions) scanned per account. */
  readonly functionsPerAccount?: Readonly<Record<string, number>>;
  /** `audit --org`: accounts and account-regions that were not audited, with the reason (empty when all were). Absent otherwise. */
  readonly notAudited?: readonly NotAudited[];
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

/** Sort: severity (critical first), then account, region, function ARN, rule, variable. */
export function compareFindings(a: Finding, b: Finding): number {
  return (
    severityRank(b.severity) - severityRank(a.severity) ||
    (a.account ?? "").localeCompare(b.account ?? "") ||
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
 * // org: "1200 functions scanned in 39 of 40 accounts, 2 regions: …; NOT AUDITED: 1 account, 0 account-regions"
 * ```
 */
export function summaryLine(report: AuditReport): string {
  const s = report.summary;
  const regions = Object.keys(s.functionsPerRegion).length;
  const t = s.templates;
  const accounts = report.org ? `${report.org.accountsAudited} of ${report.org.accounts.length} account${report.org.accounts.length === 1 ? "" : "s"}, ` : "";
  const scanned = t
    ? `${s.functionsScanned} function${s.functionsScanned === 1 ? "" : "s"} in ${t.filesScanned} template${t.filesScanned === 1 ? "" : "s"}`
    : `${s.functionsScanned} function${s.functionsScanned === 1 ? "" : "s"} scanned in ${accounts}${regions} region${regions === 1 ? "" : "s"}`;
  const missing = s.notAudited ?? [];
  const notAudited = missing.length
    ? `; NOT AUDITED: ${plural(new Set(missing.filter((n) => n.region === null).map((n) => n.account)).size, "account")}, ${plural(missing.filter((n) => n.region !== null).length, "account-region")}`
    : "";
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
    (s.keyChecks === "not checked" ? `; at-rest keys not checked (${t ? "templates" : "offline"})` : "") +
    notAudited
  );
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}
