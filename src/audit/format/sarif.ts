/**
 * SARIF 2.1.0 for GitHub code scanning: one run, the rules with help text, one result per finding located by a
 * `logicalLocation` carrying the function ARN and a physical location — the template file, line and column for
 * `audit --template` findings (so code scanning annotates the line), else a stable pseudo-path, since code scanning
 * needs one — and `partialFingerprints` so repeated uploads do not duplicate alerts.
 * @module
 */
import type { AuditReport } from "../report.js";
import { RULE_LIST } from "../rules.js";
import type { Finding, Severity } from "../types.js";

/** SARIF `level` per severity. */
const LEVEL: Record<Severity, "note" | "warning" | "error"> = { low: "note", medium: "warning", high: "error", critical: "error" };
/** GitHub's `security-severity` (CVSS-like 0–10) per severity. */
const SECURITY_SEVERITY: Record<Severity, string> = { low: "3.0", medium: "5.5", high: "8.0", critical: "9.5" };

/** The fingerprint key in `partialFingerprints`; bump the suffix if the fingerprint recipe ever changes. */
export const SARIF_FINGERPRINT_KEY = "envsealFinding/v1";

/**
 * Where a finding "is" for tools that want a file: `lambda/REGION/FUNCTION[/VERSION]`, under `ACCOUNT/` when the
 * finding carries its account (`audit --org`, where two accounts can hold the same function name). Stable across runs.
 *
 * @example
 * ```ts
 * pseudoPath(finding); // "lambda/us-east-1/orders-api"
 * pseudoPath({ ...finding, account: "111122223333" }); // "lambda/111122223333/us-east-1/orders-api"
 * ```
 */
export function pseudoPath(f: Finding): string {
  const seg = (s: string) => encodeURIComponent(s);
  return `lambda/${f.account ? `${seg(f.account)}/` : ""}${seg(f.region)}/${seg(f.functionName)}${f.version === "$LATEST" ? "" : `/${seg(f.version)}`}`;
}

/**
 * The physical location of a finding: its template file, line and column (1-based) when it has one, else
 * {@link pseudoPath} at line 1.
 *
 * @example
 * ```ts
 * physicalLocation(templateFinding); // { artifactLocation: { uri: "infra/api.yaml" }, region: { startLine: 14, startColumn: 23 } }
 * ```
 */
export function physicalLocation(f: Finding): { artifactLocation: { uri: string }; region: { startLine: number; startColumn?: number } } {
  if (f.location) {
    return { artifactLocation: { uri: f.location.file }, region: { startLine: f.location.line, startColumn: f.location.column } };
  }
  return { artifactLocation: { uri: pseudoPath(f) }, region: { startLine: 1 } };
}

/**
 * Render the report as a SARIF 2.1.0 log (a JSON string). Template-only rules are listed for template audits only.
 *
 * @example
 * ```ts
 * await writeFile("envseal.sarif", renderSarif(report), { mode: 0o600 });
 * ```
 */
export function renderSarif(report: AuditReport): string {
  const listed = RULE_LIST.filter((r) => report.source.mode === "template" || !r.templateOnly);
  const ruleIndex = new Map(listed.map((r, i) => [r.id, i]));
  const rules = listed.map((r) => ({
    id: r.id,
    name: r.name,
    shortDescription: { text: r.title },
    fullDescription: { text: r.help },
    help: { text: `${r.help}\n\nRemediation: ${r.remediation}.`, markdown: `${r.help}\n\n**Remediation:** ${r.remediation}.` },
    defaultConfiguration: { level: LEVEL[r.severity] },
    properties: { tags: ["security", "secrets", "aws-lambda"], "security-severity": SECURITY_SEVERITY[r.severity], precision: "high" },
  }));
  const results = report.findings.map((f) => ({
    ruleId: f.ruleId,
    ruleIndex: ruleIndex.get(f.ruleId) ?? 0,
    level: LEVEL[f.severity],
    message: { text: `${f.functionName}${f.variable ? ` ${f.variable}` : ""}: ${f.message}. Fix: ${f.remediation}.` },
    locations: [
      {
        physicalLocation: physicalLocation(f),
        logicalLocations: [
          { name: f.functionName, fullyQualifiedName: f.functionArn, kind: "function" },
          ...(f.variable ? [{ name: f.variable, fullyQualifiedName: `${f.functionArn}#${f.variable}`, kind: "variable" }] : []),
        ],
      },
    ],
    partialFingerprints: { [SARIF_FINGERPRINT_KEY]: f.fingerprint },
    // SARIF's own confidence scale: a provider-verified format is near certain, name + entropy is a good guess.
    ...(f.confidence ? { rank: f.confidence === "high" ? 90 : 60 } : {}),
    properties: {
      severity: f.severity,
      "security-severity": SECURITY_SEVERITY[f.severity],
      ...(f.account ? { account: f.account } : {}),
      region: f.region,
      functionArn: f.functionArn,
      version: f.version,
      ...(f.variable ? { variable: f.variable } : {}),
      ...(f.detector ? { detector: f.detector } : {}),
      ...(f.confidence ? { confidence: f.confidence } : {}),
    },
  }));
  const notices = [
    ...report.summary.notScanned.map((n) => ({
      level: "warning",
      message: { text: `not scanned: ${n.functionArn}: ${n.reason}` },
      descriptor: { id: "envseal/not-scanned" },
    })),
    ...(report.summary.notAudited ?? []).map((n) => ({
      level: "error",
      message: { text: `not audited: account ${n.account}${n.region ? ` region ${n.region}` : ""}: ${n.reason}` },
      descriptor: { id: "envseal/not-audited" },
    })),
  ];
  const log = {
    $schema: "https://json.schemastore.org/sarif-2.1.0.json",
    version: "2.1.0",
    runs: [
      {
        tool: { driver: { name: "envseal", informationUri: report.tool.informationUri, rules } },
        automationDetails: { id: `envseal-audit/${report.org ? "org" : report.source.mode}/` },
        invocations: [
          {
            executionSuccessful: true,
            startTimeUtc: report.generatedAt,
            // Functions whose variables could not be read, and accounts or regions that could not be audited: reported,
            // never silently clean.
            ...(notices.length > 0 ? { toolExecutionNotifications: notices } : {}),
          },
        ],
        results,
        properties: { summary: report.summary, ...(report.org ? { org: report.org } : {}) },
      },
    ],
  };
  return `${JSON.stringify(log, null, 2)}\n`;
}
