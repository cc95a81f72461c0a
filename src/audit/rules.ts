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
  /** Only `audit --template` can raise it (SARIF of live and offline audits leaves it out). Default: false. */
  readonly templateOnly?: boolean;
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
 * ES001–ES011, ES014 and the template rules ES020–ES023, in order.
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
    remediation: "seal it in place with `envseal seal --function F NAME` (or all of a function's with `--from-report REPORT.json`) and rotate the secret, since it was readable",
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
  ES010: {
    id: "ES010",
    name: "ConfigurationInjectionVariable",
    severity: "high",
    title: "A variable that redirects, intercepts or runs code at startup",
    help:
      "Some variables change what the runtime does before the handler runs: AWS_ENDPOINT_URL* sends the SDK's (signed) calls elsewhere, " +
      "AWS_CA_BUNDLE and NODE_EXTRA_CA_CERTS trust another certificate authority, NODE_OPTIONS with --require/--import/--loader/--inspect " +
      "loads code or opens a debugger, HTTP(S)_PROXY routes traffic through a proxy, AWS_LAMBDA_EXEC_WRAPPER, LD_PRELOAD, JAVA_TOOL_OPTIONS " +
      "and their kin run code at startup. Whoever may change the configuration then acts with the execution role: reads its secrets, " +
      "signs requests with its credentials. Proxies are medium; the rest high.",
    remediation: "remove the variable unless the function needs it; if it does, restrict lambda:UpdateFunctionConfiguration to the deployers who set it",
  },
  ES011: {
    id: "ES011",
    name: "SealedValueWireFormatV1",
    severity: "low",
    title: "A sealed value is wire format v1 (bound to the function only)",
    help:
      "Its encryption context names only the function (what the Lambda console's helpers and envseal 0.1 produce), so KMS opens it under " +
      "any variable name of the function: someone who may edit the configuration can swap it with another v1 value, or rename it. Wire " +
      "format v2 binds each value to its variable's name.",
    remediation: "bind the values to their names in place with `envseal upgrade --function F` (ReEncrypt, the plaintext never leaves KMS)",
  },
  ES012: {
    id: "ES012",
    name: "SealedWithoutEncryptionContext",
    severity: "medium",
    title: "A value is sealed without an encryption context (secure: prefix)",
    help:
      "@mapbox/decrypt-kms-env and tools like it store `secure:` followed by a KMS ciphertext sealed with no encryption context. " +
      "It is not plain text, but nothing binds it to the function or the variable: any principal allowed kms:Decrypt on the key " +
      "opens it, from any function or laptop, and the value can be copied into another function's configuration and still open there.",
    remediation:
      "migrate it in place with `envseal adopt --function F NAME` (ReEncrypt to the function's and the variable's context; the plaintext never leaves KMS), then drop decrypt-kms-env once every value is migrated",
  },
  ES014,
  ES020: {
    id: "ES020",
    name: "DynamicReferenceInEnvironment",
    severity: "high",
    title: "A CloudFormation dynamic reference puts a secret in the environment",
    help:
      "A {{resolve:secretsmanager:…}}, {{resolve:ssm-secure:…}} or {{resolve:ssm:…}} dynamic reference in a Lambda environment value " +
      "is resolved by CloudFormation at deploy time and stored as plain text in the function configuration: anyone allowed " +
      "lambda:GetFunctionConfiguration reads the secret. High for Secrets Manager and SecureString references, and for SSM parameters " +
      "whose name or variable says secret; medium for other SSM parameters.",
    remediation:
      "pass the secret's ARN or parameter name instead and fetch it at run time, or seal the value with `envseal encrypt` and list it in ENVSEAL_SEALED",
    templateOnly: true,
  },
  ES021: {
    id: "ES021",
    name: "SecretParameterInEnvironment",
    severity: "high",
    title: "A secret template input is written into the environment",
    help:
      "The variable takes its value from a NoEcho parameter, from a parameter named like a secret (!Ref or ${Param} in !Sub), or from a " +
      "value Terraform marks sensitive. NoEcho and sensitive hide the value in the console and the plan output only: the deployed " +
      "function configuration holds it in plain text, readable with lambda:GetFunctionConfiguration.",
    remediation:
      "pass a reference (a Secrets Manager ARN or SSM parameter name) and fetch the secret at run time, or seal it with `envseal encrypt` and list it in ENVSEAL_SEALED",
    templateOnly: true,
  },
  ES022: {
    id: "ES022",
    name: "SealedValueNotInManifest",
    severity: "medium",
    title: "A value looks sealed but ENVSEAL_SEALED does not name it",
    help:
      "The value has the structure of an AWS KMS ciphertext blob (the same check as ES002, src/core/ciphertext.ts), but the manifest " +
      "does not list the variable: the runtime will not open it, and plaintext detection skips sealed values, so nothing else checks it.",
    remediation: "add the variable to ENVSEAL_SEALED in the template if it is sealed; otherwise treat it as a plaintext secret and seal it",
    templateOnly: true,
  },
  ES023: {
    id: "ES023",
    name: "InlineSuppressionWithoutReason",
    severity: "low",
    title: "An inline suppression gives no reason or names no known rule",
    help:
      "Every `# envseal-ignore RULE reason` comment and every Metadata envseal.ignore entry must name known rule ids and say why. " +
      "A suppression without a reason still applies, and is reported so that a review sees it.",
    remediation: "write the reason after the rule id (`# envseal-ignore ES001 rotated weekly by the vendor`), or remove the suppression",
    templateOnly: true,
  },
};

/** Every rule, in id order. */
export const RULE_LIST: readonly RuleInfo[] = Object.values(RULES);

/** True when `id` is a rule id. */
export function isRuleId(id: string): id is RuleId {
  return Object.hasOwn(RULES, id);
}
