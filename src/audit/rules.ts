/**
 * The rule catalogue: ids, default severities, titles and help text, shared by every reporter.
 * @module
 */
import type { RuleId, Severity } from "./types.js";

/** A rule's description. */
export interface RuleInfo {
  readonly id: RuleId;
  /** Short machine-friendly name (SARIF `name`). */
  readonly name: string;
  /**
   * Default severity. ES001 / ES009 follow the detector's confidence: a provider-verified format is high (critical for
   * private keys and cloud credentials), name + entropy is medium. ES004 is medium with `--require-cmk`.
   */
  readonly severity: Severity;
  /** One line. */
  readonly title: string;
  /** Why it matters and how to fix it, a short paragraph. */
  readonly help: string;
  /** What to do, one sentence (copied into each finding). */
  readonly remediation: string;
}

/**
 * ES014: the key-access check of `envseal doctor`, run by the live audit and the scheduled handler.
 *
 * @example
 * ```ts
 * RULES.ES014.severity; // "critical"
 * ```
 */
const ES014: RuleInfo = {
  id: "ES014",
  name: "ExecutionRoleCannotDecryptAtRestKey",
  severity: "critical",
  title: "The execution role cannot decrypt the at-rest key",
  help:
    "Lambda decrypts a customer managed at-rest key's environment at init as the function's execution role, through a grant it " +
    "creates when the configuration is written. When no grant, key-policy statement or (where the key policy lets IAM decide) " +
    "identity policy lets the role kms:Decrypt the key — a role deleted and re-created under the same name, a retired grant, an " +
    "edited key policy — the function fails at init. Only a definite answer is reported: when the auditing identity may not read " +
    "the key policy, list grants or simulate the role's policies, the pair is listed as not checked.",
  remediation:
    "update the function's configuration so Lambda grants the current role (aws lambda update-function-configuration --kms-key-arn KEY), or allow the role kms:Decrypt in the key policy; `envseal doctor --function F` shows the evidence",
};

/**
 * ES001–ES009 and ES014, in order.
 *
 * @example
 * ```ts
 * RULES.ES005.severity; // "critical"
 * ```
 */
export const RULES: Readonly<Record<RuleId, RuleInfo>> = {
  ES001: {
    id: "ES001",
    name: "PlaintextSecret",
    severity: "high",
    title: "Plaintext secret in an environment variable",
    help:
      "The variable holds a secret in plain text and it is not sealed. Lambda encrypts it at rest (layer 1), but anyone allowed " +
      "lambda:GetFunctionConfiguration reads it. High confidence (severity high; critical for private keys and cloud credentials): " +
      "the value alone has a provider-verified format — one of envseal's provider rules (JWT, Stripe, Square, Azure connection " +
      "strings, Slack/Discord/Teams webhook URLs, password hashes, base64-wrapped private keys, …) or a secretlint rule. Medium " +
      "confidence (severity medium): the name says secret (PASSWORD, *_PASS, SECRET, TOKEN, API_KEY, APP_KEY, *_WEBHOOK_URL, …) " +
      "and the value looks like one (name + entropy; any non-trivial password counts). Placeholders (xxxx…, <your-token>, " +
      "changeme, ${VAR}) and values that are KMS ciphertext by structure are never reported. Each finding names the detector that fired.",
    remediation: "seal it with `envseal push --function F --key K NAME` (value from stdin) and rotate the secret, since it was readable",
  },
  ES002: {
    id: "ES002",
    name: "SealedValueNotCiphertext",
    severity: "high",
    title: "A sealed variable is not KMS ciphertext",
    help:
      "ENVSEAL_SEALED (or ENVSEAL_BUNDLE) says the variable is sealed, but its value is not an AWS KMS ciphertext blob: not standard " +
      "base64, or without the blob's structure (version and header bytes, the key-derived field, a length-prefixed CMS EncryptedData). " +
      "Either plaintext was written under a sealed name, or the value was damaged; the runtime will fail to open it.",
    remediation: "re-seal the value with `envseal push --function F --key K NAME` and rotate it if it was plaintext",
  },
  ES003: {
    id: "ES003",
    name: "ManifestDrift",
    severity: "low",
    title: "The manifest and the environment disagree",
    help:
      "ENVSEAL_SEALED names a variable the environment does not hold, or is not a list of variable names. The runtime expects every " +
      "listed name; a stale entry usually means a variable was removed without envseal.",
    remediation: "remove the name with `envseal unset --function F NAME`, or push the variable again",
  },
  ES004: {
    id: "ES004",
    name: "NoCustomerManagedKey",
    severity: "low",
    title: "Environment protected at rest by aws/lambda only",
    help:
      "The function has environment variables but no KMSKeyArn, so Lambda protects them at rest with the AWS managed key aws/lambda. " +
      "Any principal in the account allowed lambda:GetFunctionConfiguration can read them; a customer managed key lets the key policy decide. " +
      "Medium with --require-cmk.",
    remediation: "set a customer managed at-rest key: `envseal push --function F --key K --at-rest-key K`",
  },
  ES005: {
    id: "ES005",
    name: "AtRestKeyUnusable",
    severity: "critical",
    title: "At-rest key missing, disabled or pending deletion",
    help:
      "KMSKeyArn names a key that does not exist, is disabled or is pending deletion. Lambda cannot decrypt the environment, so the " +
      "function fails to start.",
    remediation: "enable the key (aws kms enable-key), cancel its deletion (aws kms cancel-key-deletion), or set another at-rest key",
  },
  ES006: {
    id: "ES006",
    name: "KeyRotationDisabled",
    severity: "medium",
    title: "At-rest key rotation disabled",
    help: "Automatic rotation of the customer managed at-rest key is off, so one key version protects the environment indefinitely.",
    remediation: "turn rotation on: aws kms enable-key-rotation --key-id KEY",
  },
  ES007: {
    id: "ES007",
    name: "EnvironmentError",
    severity: "critical",
    title: "Lambda reports Environment.Error",
    help: "Lambda could not decrypt or apply the environment (Environment.Error is set); invocations fail until it is fixed.",
    remediation: "check the at-rest key and its key policy (Lambda must be allowed to use it), then update the configuration",
  },
  ES008: {
    id: "ES008",
    name: "EnvironmentNearLimit",
    severity: "low",
    title: "Environment above 90 % of 4096 bytes",
    help: "Lambda refuses an environment above 4096 bytes (compact JSON). Near the limit, the next secret or a key rotation can fail.",
    remediation: "bundle sealed values (`envseal push --bundle`) or move large values to Secrets Manager",
  },
  ES009: {
    id: "ES009",
    name: "PublishedVersionPlaintextSecret",
    severity: "high",
    title: "A published version holds a plaintext secret",
    help:
      "Published versions are immutable and keep their environment forever, so a plaintext secret stays readable there even after " +
      "$LATEST was fixed.",
    remediation: "rotate the secret, then delete the old version (aws lambda delete-function --function-name F --qualifier N) once no alias uses it",
  },
  ES014,
};

/** Every rule, in id order. */
export const RULE_LIST: readonly RuleInfo[] = Object.values(RULES);

/** True when `id` is a rule id. */
export function isRuleId(id: string): id is RuleId {
  return Object.hasOwn(RULES, id);
}
