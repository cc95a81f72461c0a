/**
 * envseal's library entry: the wire format, key resolution, the operations the CLI runs, and the auditor.
 * @module
 */
export * from "./core/index.js";
export { describeKey, normalizeKeyRef, assertSealingKey, type KeyInfo } from "./kms/keys.js";
export { KmsKeySource } from "./kms/source.js";
export { readFunction, type FunctionState } from "./lambda/config.js";
export { writeEnvironment, type EnvironmentUpdate, type WriteOptions, type WriteResult } from "./lambda/write.js";
export { createIamClient, createKmsClient, createLambdaClient, type AwsOptions } from "./transport/clients.js";
export { lazyDeps, type AwsDeps } from "./ops/deps.js";
export { push, type PushRequest, type PushResult } from "./ops/push.js";
export { show, type ShowRequest, type ShowResult } from "./ops/show.js";
export { unset, type UnsetRequest, type UnsetResult } from "./ops/unset.js";
export { encrypt, decrypt, type EncryptRequest, type EncryptResult, type DecryptRequest, type DecryptResult } from "./ops/crypt.js";
export { doctor, doctorAll, type DoctorReport, type DoctorOptions, type FunctionDiagnosis } from "./ops/doctor.js";
export type { Check } from "./doctor/diagnose.js";
export { contextFor } from "./core/format.js";
export type { WireVersion } from "./core/manifest.js";
export { runCli } from "./cli/program.js";
export { audit, type AuditRequest, type AuditProgress } from "./audit/run.js";
export { auditClients, type AuditClients } from "./audit/clients.js";
export { renderReport, REPORT_FORMATS, type ReportFormat } from "./audit/format/index.js";
export type { AuditReport, AuditSummary } from "./audit/report.js";
export type { Finding, Severity, RuleId } from "./audit/types.js";
