/**
 * The rules: one function configuration (and what KMS said about its at-rest key) in, findings out.
 * Messages are built from names, rule ids and detector names only — never from a value.
 * @module
 */
import { createHash } from "node:crypto";
import { contextlessCiphertext, looksSealed, type Emulator } from "../core/ciphertext.js";
import { ENV_LIMIT_BYTES, envSize } from "../core/limits.js";
import { BUNDLE_VAR, MANIFEST_VAR, parseManifest, parseManifestEntries, type WireVersion } from "../core/manifest.js";
import { injectionVariables } from "./injection.js";
import { keyStateWords } from "../kms/keys.js";
import { RULES } from "./rules.js";
import { detectSecrets, type SecretHit } from "./secrets.js";
import type { AuditedFunction, Finding, KeyCheck, RoleKeyAccess, RuleId, Severity } from "./types.js";

/** Options of {@link checkFunction}. */
export interface CheckOptions {
  /** What KMS said about the function's at-rest key; `undefined` when it has none. */
  keyCheck?: KeyCheck | undefined;
  /** ES004 is medium instead of low. Default: false. */
  requireCmk?: boolean;
  /** ES014: whether the execution role may kms:Decrypt the at-rest key; `undefined` when not checked. */
  roleAccess?: RoleKeyAccess | undefined;
  /** Also take this KMS emulator's ciphertext for sealed (`ENVSEAL_EMULATOR`; tests only). Default: none. */
  emulator?: Emulator | undefined;
}

/**
 * True when an `Environment.Error` says the caller was refused kms:Decrypt (the function itself may still start),
 * rather than that the key is unusable for everyone.
 *
 * @example
 * ```ts
 * environmentDenied({ code: "AccessDeniedException", message: "" }); // true
 * ```
 */
export function environmentDenied(error: { code: string; message: string }): boolean {
  return /AccessDenied|not authorized|access was denied/i.test(`${error.code} ${error.message}`);
}

function manifestEntriesOrEmpty(value: string | undefined): Map<string, WireVersion> {
  try {
    return parseManifestEntries(value);
  } catch {
    return new Map();
  }
}

/** The fraction of 4096 bytes above which ES008 fires. */
export const NEAR_LIMIT_RATIO = 0.9;

/**
 * Stable id of a finding: rule, function ARN and variable (and the account, when the finding carries one), hashed.
 * The same problem gets the same fingerprint on every run, so baselines and GitHub code scanning can match it; a
 * finding without an account keeps the fingerprint it had before accounts existed.
 *
 * @example
 * ```ts
 * fingerprintOf("ES001", "arn:aws:lambda:us-east-1:123456789012:function:api", "DB_PASSWORD"); // 32 hex characters
 * fingerprintOf("ES001", "arn:aws:lambda:us-east-1:123456789012:function:api", "DB_PASSWORD", "123456789012"); // another
 * ```
 */
export function fingerprintOf(ruleId: RuleId, functionArn: string, variable: string | null, account?: string): string {
  const scope = account === undefined ? "" : `\u0000${account}`;
  return createHash("sha256").update(`${ruleId}\u0000${functionArn}\u0000${variable ?? ""}${scope}`).digest("hex").slice(0, 32);
}

function finding(fn: AuditedFunction, ruleId: RuleId, variable: string | null, message: string, severity?: Severity, hit?: SecretHit): Finding {
  const rule = RULES[ruleId];
  const detection = hit ? { detector: hit.detector, confidence: hit.confidence } : {};
  return {
    ruleId,
    severity: severity ?? rule.severity,
    region: fn.region,
    functionName: fn.name,
    functionArn: fn.arn,
    version: fn.version,
    variable,
    message,
    remediation: rule.remediation,
    fingerprint: fingerprintOf(ruleId, fn.arn, variable, fn.account),
    ...detection,
    ...(fn.account !== undefined ? { account: fn.account } : {}),
  };
}

/** ES001 / ES009 severity: confidence decides, and a high-confidence private key or cloud credential is critical. */
function secretSeverity(hit: SecretHit): Severity {
  if (hit.confidence === "medium") return "medium";
  return hit.critical ? "critical" : "high";
}

/**
 * Run ES001–ES009 on one function. ES005 and ES006 need `keyCheck`; offline, pass a `not-checked` result and they are
 * skipped (the report says "not checked").
 *
 * @example
 * ```ts
 * const findings = await checkFunction(fn, { keyCheck: { status: "ok", rotation: "disabled" } });
 * ```
 */
export async function checkFunction(fn: AuditedFunction, options: CheckOptions = {}): Promise<Finding[]> {
  const out: Finding[] = [];
  const vars = fn.variables;
  const names = Object.keys(vars);
  const published = fn.version !== "$LATEST";

  // The manifest: which variables are sealed. A malformed one is drift, and then nothing counts as sealed.
  let sealed: string[] = [];
  try {
    sealed = parseManifest(vars[MANIFEST_VAR]);
  } catch {
    out.push(finding(fn, "ES003", MANIFEST_VAR, `${MANIFEST_VAR} is not a comma-separated list of variable names, so no variable counts as sealed`));
  }

  for (const name of sealed) {
    const value = vars[name];
    if (value === undefined) {
      out.push(finding(fn, "ES003", name, `${MANIFEST_VAR} lists ${name}, but the environment has no such variable`));
      continue;
    }
    const verdict = looksSealed(value, { emulator: options.emulator });
    if (!verdict.sealed) out.push(finding(fn, "ES002", name, `${name} is listed in ${MANIFEST_VAR} but its value ${verdict.problem}, so it is not sealed`));
  }
  const bundle = vars[BUNDLE_VAR];
  if (bundle !== undefined) {
    const verdict = looksSealed(bundle, { emulator: options.emulator });
    if (!verdict.sealed) out.push(finding(fn, "ES002", BUNDLE_VAR, `${BUNDLE_VAR} ${verdict.problem}, so it is not a sealed bundle`));
  }

  // Plaintext secrets in everything that is not sealed and not envseal's own.
  // Only envseal's own two variables are skipped: any other name, ENVSEAL_-prefixed or not, can hold a plaintext secret.
  const skip = new Set<string>([...sealed, MANIFEST_VAR, BUNDLE_VAR]);
  // `secure:` + KMS ciphertext (@mapbox/decrypt-kms-env): sealed, but with no encryption context — its own finding.
  for (const name of names.filter((n) => !skip.has(n)).sort()) {
    if (contextlessCiphertext(vars[name] as string, { emulator: options.emulator }) === undefined) continue;
    skip.add(name);
    out.push(finding(fn, "ES012", name, `${name} is sealed without an encryption context (secure: prefix): any principal allowed kms:Decrypt on its key can open it, for any function`));
  }
  const hits = await detectSecrets(vars, { skip, emulator: options.emulator });
  for (const name of names.filter((n) => hits.has(n)).sort()) {
    const hit = hits.get(name)!;
    const why = `${hit.reason}; ${hit.confidence} confidence`;
    if (published) {
      out.push(finding(fn, "ES009", name, `published version ${fn.version} keeps ${name} in plain text: ${why}`, secretSeverity(hit), hit));
    } else {
      const kind = hit.critical && hit.confidence === "high" ? "a private key or cloud credential" : "a secret";
      out.push(finding(fn, "ES001", name, `${name} looks like ${kind} stored in plain text: ${why}`, secretSeverity(hit), hit));
    }
  }

  for (const hit of injectionVariables(vars)) {
    out.push(finding(fn, "ES010", hit.name, `${hit.name} ${hit.what}: whoever may change the configuration acts with the execution role`, hit.severity));
  }
  const entries = manifestEntriesOrEmpty(vars[MANIFEST_VAR]);
  for (const [name, version] of entries) {
    if (version !== 1 || !(name in vars) || name === BUNDLE_VAR) continue;
    out.push(finding(fn, "ES011", name, `${name} is sealed in wire format v1 (bound to the function only): it can be swapped with another v1 value or renamed`));
  }
  if (bundle !== undefined && entries.get(BUNDLE_VAR) !== 2) {
    out.push(finding(fn, "ES011", BUNDLE_VAR, `${BUNDLE_VAR} is sealed in wire format v1 (bound to the function only): an older or a per-variable ciphertext can take its place`));
  }

  if (names.length > 0 && fn.kmsKeyArn === undefined) {
    out.push(
      finding(
        fn,
        "ES004",
        null,
        "the environment is protected at rest by the AWS managed key aws/lambda only (KMSKeyArn is empty)",
        options.requireCmk ? "medium" : "low",
      ),
    );
  }

  const key = options.keyCheck;
  if (fn.kmsKeyArn !== undefined && key) {
    if (key.status === "missing") {
      out.push(finding(fn, "ES005", null, `the at-rest key ${fn.kmsKeyArn} does not exist; the function cannot start`));
    } else if (key.status === "unusable") {
      out.push(finding(fn, "ES005", null, `the at-rest key ${fn.kmsKeyArn} ${keyStateWords(key.state).what}; the function cannot start`));
    } else if (key.status === "ok" && key.rotation === "disabled") {
      out.push(finding(fn, "ES006", null, `automatic rotation of the at-rest key ${fn.kmsKeyArn} is disabled`));
    }
  }

  if (fn.kmsKeyArn !== undefined && options.roleAccess?.status === "fail") {
    out.push(finding(fn, "ES014", null, `the execution role cannot decrypt this function's at-rest key: the function will fail at init (${options.roleAccess.summary})`));
  }

  if (fn.environmentError) {
    const { code } = fn.environmentError;
    const key = fn.kmsKeyArn ?? "aws/lambda";
    out.push(
      environmentDenied(fn.environmentError)
        ? finding(
            fn,
            "ES007",
            null,
            `Lambda could not decrypt the environment for the auditing identity (Environment.Error ${code}): its variables were not scanned; grant that identity kms:Decrypt on ${key} to scan them`,
            "medium",
          )
        : finding(fn, "ES007", null, `Lambda reports Environment.Error ${code}: the variables could not be read (so they were not scanned) and the function fails at init until the at-rest key ${key} works again`),
    );
  }

  const size = envSize(vars);
  if (size > ENV_LIMIT_BYTES * NEAR_LIMIT_RATIO) {
    out.push(
      finding(fn, "ES008", null, `the environment takes ${size} of ${ENV_LIMIT_BYTES} bytes (${Math.round((size / ENV_LIMIT_BYTES) * 100)} %)`),
    );
  }
  return out;
}
