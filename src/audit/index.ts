/**
 * The auditor: scan Lambda functions (live, offline, or in templates before deploy) for secrets in plain text and
 * weak protection, and report findings as table, JSON, SARIF or Markdown. See docs/audit.md.
 *
 * @example
 * ```ts
 * import { audit, auditClients, renderReport } from "./src/audit/index.js";
 * const report = await audit({ regions: "all" }, auditClients({}));
 * console.log(renderReport(report, "table"));
 * ```
 * @module
 */
export { audit, type AuditRequest, type AuditProgress } from "./run.js";
export { auditClients, AUDIT_MAX_ATTEMPTS, type AuditClients } from "./clients.js";
export { checkFunction, fingerprintOf, NEAR_LIMIT_RATIO, type CheckOptions } from "./check.js";
export { detectSecrets, nameHint, type SecretHit, type DetectOptions, type Confidence } from "./secrets.js";
export { PROVIDER_RULES, type ProviderRule } from "./detect/provider-rules.js";
export { matchProviderRule } from "./detect/scan.js";
export { isPlaceholder, shannonEntropy } from "./detect/placeholder.js";
export { nameKind, type NameKind } from "./detect/names.js";
export { expandTemplate, seededRng, type Rng } from "./detect/fake.js";
export { looksSealed, emulatorFrom, type Emulator, type SealedVerdict } from "../core/ciphertext.js";
export { loadInputFile, parseFunctionList, toAudited } from "./input.js";
export { parseRegions, resolveRegions, enabledRegions, listRegion } from "./live.js";
export { createKeyChecker, offlineKeys, keyRegion, type KeyChecker } from "./keys.js";
export { RateLimiter, rateLimited, LAMBDA_CONTROL_PLANE_RPS, type Timer } from "./ratelimit.js";
export { parseIgnores, loadBaseline, applySuppressions, type IgnoreRule } from "./suppress.js";
export { RULES, RULE_LIST, isRuleId, type RuleInfo } from "./rules.js";
export {
  REPORT_SCHEMA_VERSION,
  summaryLine,
  failsOn,
  countBySeverity,
  compareFindings,
  type AuditReport,
  type AuditSummary,
  type TemplateSummary,
} from "./report.js";
export { auditTemplates, type TemplateAuditOptions, type TemplateAuditResult, type TemplateFileSummary } from "./template/audit.js";
export { templateArn, toAuditedFunction, TEMPLATE_REGION } from "./template/rules.js";
export type { TemplateFunction, TemplateValue, UnknownValue } from "./template/types.js";
export { REPORT_FORMATS, renderReport, renderReportChunks, writeReportFile, renderSarif, renderJson, renderJsonChunks, renderMarkdown, renderTable, renderAsff, type ReportFormat } from "./format/index.js";
export { physicalLocation, pseudoPath } from "./format/sarif.js";
export { progressBar, type ProgressBar, type ProgressStream } from "./progress.js";
export * from "./types.js";
export { auditOrg, DEFAULT_ORG_CONCURRENCY, type OrgAuditRequest, type OrgOptions } from "./org/run.js";
export { orgClients, type OrgClients } from "./org/clients.js";
export { parseAccounts, parseRoleName, parseExternalId, roleArn, listOrgAccounts } from "./org/accounts.js";
export { assumeRoleSession, ROLE_SESSION_NAME, type AssumedSession } from "./org/assume.js";
export { publishToSecurityHub, type HubTarget, type PublishOptions } from "./hub/publish.js";
export { toAsff, asffId, productArn, findingAccount, ASFF_SCHEMA_VERSION } from "./hub/asff.js";
export type { SecurityHubResult, HubFailure } from "./hub/types.js";
export { evaluateConfigEvent, type RuleDeps, type RuleResult } from "./config/rule.js";
export { AUDIT_PERMISSIONS, auditActions, type AuditActor, type AuditPermission } from "./permissions.js";
export type { NotAudited, OrgReport } from "./report.js";
