/**
 * Plaintext-secret detection for ES001 / ES009: secretlint's recommended rules run on every value, plus name hints
 * (`PASSWORD`, `SECRET`, `TOKEN`, …) with a non-trivial value. Returns what matched and how bad it is — never the value.
 * @module
 */
import { lintSource } from "@secretlint/core";
import { secretLintProfiler } from "@secretlint/profiler";
import { creator as recommended } from "@secretlint/secretlint-rule-preset-recommend";
import { isPlausibleCiphertext } from "../core/format.js";

/** Why a variable looks like a secret. */
export interface SecretHit {
  /** `secretlint:<rule>` (e.g. `secretlint:aws`) or `name-hint`. */
  readonly detector: string;
  /** Private keys and cloud credentials. */
  readonly critical: boolean;
}

const PRESET_ID = "@secretlint/secretlint-rule-preset-recommend";
const CONFIG = {
  rules: [
    {
      id: PRESET_ID,
      rule: recommended,
      rules: [
        // Access key ids too, not only secret access keys.
        { id: "@secretlint/secretlint-rule-aws", options: { enableIDScanRule: true } },
        // A value must not be able to switch detection off with a `secretlint-disable` comment.
        { id: "@secretlint/secretlint-rule-filter-comments", disabled: true },
      ],
    },
  ],
};

// secretlint's profiler is always on: it leaves a performance mark per rule and per file in Node's global timeline and,
// on every new mark, searches all earlier ones — an audit of thousands of functions slows down quadratically and a warm
// scheduled handler would keep every mark forever. envseal does not read the profile, so its marks are dropped.
secretLintProfiler.mark = () => {};

/** secretlint rules whose matches are private keys or cloud credentials. */
const CRITICAL_RULES = new Set(["aws", "gcp", "privatekey"]);
const PRIVATE_KEY = /-----BEGIN[ A-Z0-9]*PRIVATE KEY( BLOCK)?-----/;

/** Name fragments that say "this holds a secret". */
const NAME_HINT =
  /(PASSWORD|PASSWD|PASSPHRASE|PWD|SECRET|TOKEN|API_?KEY|PRIVATE_?KEY|ACCESS_?KEY|AUTH_?KEY|SIGNING_?KEY|ENCRYPTION_?KEY|MASTER_?KEY|CREDENTIALS?|CONN(ECTION)?_?STR(ING)?)/i;
/** Name endings that hold a reference to a secret, or a setting about it, not the secret itself. */
const REFERENCE_SUFFIX =
  /_(ARN|NAME|ID|PATH|PARAM|PARAMETER|SSM|FILE|URL_PATH|TTL|EXPIRY|EXPIRES|LENGTH|HEADER|ENABLED|REGION|KEY_ID|VERSION|TYPE|FIELD|POLICY|ROTATION|LOCATION|PREFIX)$/i;
const TRIVIAL = /^(true|false|yes|no|on|off|none|null|nil|undefined|disabled|enabled|-|\*+|x+)$/i;

/**
 * True when a name says it holds a secret (`DB_PASSWORD`, `API_TOKEN`, …) and not a reference to one (`…_ARN`,
 * `…_NAME`, `…_PATH`, …). Used for variables and, in templates, for parameter names.
 *
 * @example
 * ```ts
 * secretName("DbPassword");     // true
 * secretName("DB_PASSWORD_ARN"); // false
 * ```
 */
export function secretName(name: string): boolean {
  return NAME_HINT.test(name) && !REFERENCE_SUFFIX.test(name);
}

/**
 * Name-hint check: the name says secret and the value is not trivial (short, a flag, a number, an ARN, a URL without
 * credentials, an SSM path, a CloudFormation/template reference, or something that already looks like KMS ciphertext).
 *
 * @example
 * ```ts
 * nameHint("DB_PASSWORD", "s3cr3t-pass!");          // true
 * nameHint("DB_PASSWORD_ARN", "arn:aws:secretsmanager:…"); // false
 * ```
 */
export function nameHint(name: string, value: string): boolean {
  if (!secretName(name)) return false;
  const v = value.trim();
  if (v.length < 8 || TRIVIAL.test(v)) return false;
  if (/^\d+(\.\d+)?$/.test(v)) return false;
  if (/^arn:aws[a-z-]*:/.test(v)) return false;
  if (/^\/[\w./-]+$/.test(v)) return false; // an SSM parameter name or a file path
  if (/^(\$\{[^}]+\}|\{\{resolve:[^}]+\}\}|\$\([^)]+\))$/.test(v)) return false; // a reference resolved elsewhere
  if (/^https?:\/\/[^\s@]+$/.test(v) && !/[?&](token|key|secret|sig|signature|password)=/i.test(v)) return false;
  if (/^(.)\1+$/.test(v)) return false;
  // Sealed in the console and not yet adopted: ciphertext, not a plaintext secret.
  if (isPlausibleCiphertext(v)) return false;
  return true;
}

/**
 * Scan a function's variables: one secretlint run over all of them (each as `NAME=value` on its own span), then name
 * hints. Returns a map from variable name to what matched. Names in `skip` (sealed variables, envseal's own) are not
 * scanned.
 *
 * @example
 * ```ts
 * const hits = await detectSecrets({ AWS_SECRET_ACCESS_KEY: secret, LOG_LEVEL: "info" });
 * hits.get("AWS_SECRET_ACCESS_KEY"); // { detector: "secretlint:aws", critical: true }
 * ```
 */
export async function detectSecrets(
  variables: Readonly<Record<string, string>>,
  skip: ReadonlySet<string> = new Set(),
): Promise<Map<string, SecretHit>> {
  const spans: Array<{ name: string; start: number; end: number }> = [];
  let content = "";
  for (const [name, value] of Object.entries(variables)) {
    if (skip.has(name)) continue;
    const line = `${name}=${value}`;
    spans.push({ name, start: content.length, end: content.length + line.length });
    content += `${line}\n`;
  }
  const hits = new Map<string, SecretHit>();
  if (spans.length === 0) return hits;

  const result = await lintSource({
    source: { content, filePath: "/lambda-environment", contentType: "text" },
    options: { config: CONFIG, maskSecrets: true, noPhysicFilePath: true },
  });
  for (const m of result.messages) {
    const at = m.range[0];
    const span = spans.find((s) => at >= s.start && at <= s.end);
    if (!span) continue;
    const rule = m.ruleId.replace(/^@secretlint\/secretlint-rule-/, "");
    const prior = hits.get(span.name);
    const critical = CRITICAL_RULES.has(rule) || (prior?.critical ?? false);
    hits.set(span.name, { detector: prior?.detector ?? `secretlint:${rule}`, critical });
  }
  for (const { name } of spans) {
    const value = variables[name] as string;
    const prior = hits.get(name);
    if (PRIVATE_KEY.test(value)) {
      hits.set(name, { detector: prior?.detector ?? "private-key", critical: true });
    } else if (!prior && nameHint(name, value)) {
      hits.set(name, { detector: "name-hint", critical: /PRIVATE_?KEY|SECRET_?ACCESS_?KEY/i.test(name) });
    }
  }
  return hits;
}
