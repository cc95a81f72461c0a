/**
 * The name + entropy detector (medium confidence): the variable's name says it holds a secret and its value looks like
 * one — not trivial, not a placeholder, not a reference to a secret kept elsewhere, and random enough for its kind.
 * @module
 */
import { looksSealed, type Emulator } from "../../core/ciphertext.js";
import { isPlaceholder, shannonEntropy } from "./placeholder.js";

/**
 * What a name says the value is.
 *
 * @example
 * ```ts
 * const kind: NameKind | undefined = nameKind("SMTP_PASS"); // "password"
 * ```
 */
export type NameKind = "password" | "secret" | "webhook" | "key";

/** Passwords: any non-trivial value counts, even a short one (`DB_PASS=admin`). */
const PASSWORD_NAME = /(PASSWORD|PASSWD|PASSPHRASE|PWD|(^|_)PASS($|_)|(^|_)PW($|_))/i;
/** Secrets and tokens: a value of 8 characters or more with some randomness. */
const SECRET_NAME =
  /(SECRET|TOKEN|API_?KEY|PRIVATE_?KEY|ACCESS_?KEY|AUTH_?KEY|SIGNING_?KEY|ENCRYPTION_?KEY|MASTER_?KEY|(^|_)APP_?KEY|LICEN[CS]E_?KEY|CREDENTIALS?|CONN(ECTION)?_?STR(ING)?|(^|_)DSN($|_)|(^|_)SALT($|_)|(^|_)PEPPER($|_)|HMAC|COOKIE_?KEY|SESSION_?KEY|BEARER)/i;
/** Webhook URLs: the URL is the credential when its path or query carries a token. */
const WEBHOOK_NAME = /WEBHOOK|HOOK_URL/i;
/** Any other `…_KEY`: only a long, random-looking value counts (keys of caches, partitions and objects are not secrets). */
const KEY_NAME = /(^|_)KEY($|_)|KEY$/i;

/** Name endings that hold a reference to a secret, or a setting about it, not the secret itself. */
const REFERENCE_SUFFIX =
  /_(ARN|NAME|ID|IDS|PATH|PARAM|PARAMETER|SSM|FILE|URL_PATH|TTL|EXPIRY|EXPIRES|EXPIRATION|LENGTH|HEADER|ENABLED|DISABLED|REGION|KEY_ID|VERSION|TYPE|FIELD|POLICY|ROTATION|LOCATION|PREFIX|SUFFIX|USER|USERNAME|HOST|PORT|ISSUER|AUDIENCE|ALGORITHM|ALG|TIMEOUT|LIMIT|ALIAS|BUCKET|TABLE|QUEUE|TOPIC|DIR|MODE|SPEC|SIZE|COUNT|FORMAT|SOURCE|PROVIDER|ENDPOINT|SCOPE|SCOPES)$/i;
const TRIVIAL = /^(true|false|yes|no|on|off|none|null|nil|undefined|disabled|enabled|-|\*+|x+)$/i;

/**
 * What the name says, or `undefined` when it says nothing about secrets (or names a reference or a setting).
 *
 * @example
 * ```ts
 * nameKind("DB_PASS");           // "password"
 * nameKind("SLACK_WEBHOOK_URL"); // "webhook"
 * nameKind("DB_PASSWORD_ARN");   // undefined
 * ```
 */
export function nameKind(name: string): NameKind | undefined {
  if (REFERENCE_SUFFIX.test(name)) return undefined;
  if (PASSWORD_NAME.test(name)) return "password";
  if (WEBHOOK_NAME.test(name)) return "webhook";
  if (SECRET_NAME.test(name)) return "secret";
  if (KEY_NAME.test(name)) return "key";
  return undefined;
}

/** Values that are never a plaintext secret whatever the name: references, settings, trivial values. */
function isReferenceOrSetting(v: string): boolean {
  if (TRIVIAL.test(v) || /^-?\d+(\.\d+)?[smhd]?$/i.test(v)) return true;
  if (/^arn:aws[a-z-]*:/.test(v) || /^alias\//.test(v)) return true;
  if (/^\/[\w./-]+$/.test(v)) return true; // an SSM parameter name or a file path
  if (/^(\$\{[^}]+\}|\{\{resolve:[^}]+\}\}|\$\([^)]+\)|ssm:[\w/.-]+|secretsmanager:[\w/.:-]+)$/.test(v)) return true;
  if (/^[a-z][\w-]*(\.[a-z][\w-]*)+$/i.test(v) && !/\d.*\d.*\d/.test(v)) return true; // a hostname or dotted identifier
  if (/^[\w.+-]+@[\w-]+(\.[\w-]+)+$/.test(v)) return true; // an e-mail address
  return /^(.)\1+$/.test(v);
}

/** A phrase of a few words (`keyboard cat`, `SomeRandomString`): a documentation default, not a generated secret. */
function isPhrase(v: string): boolean {
  if (!/^[A-Za-z]+(?:[ _-][A-Za-z]+)*$/.test(v)) return false;
  const words = v.match(/[A-Z]?[a-z]+|[A-Z]+(?![a-z])/g) ?? [];
  return words.length >= 2 && words.length <= 5 && words.every((w) => w.length >= 3 && w.length <= 12 && /[aeiouy]/i.test(w));
}

/** Shapes the value rules decide alone: password hashes, PEM blocks, base64 of PEM, `key=value;…` connection strings. */
function decidedByValueRules(v: string): boolean {
  if (/^\$(?:2[abxy]?|argon2(?:id|i|d)|1|5|6|y|apr1)\$/.test(v)) return true; // a password hash, complete or not
  return /-----BEGIN /.test(v) || v.startsWith("LS0tLS1CRUdJTi") || /^[A-Za-z][\w .-]*=[^;=]+(?:;[A-Za-z][\w .-]*=[^;]*)*;?$/.test(v);
}

/** A URL that carries no credential: no user info, no token-like query parameter. */
function isPlainUrl(v: string): boolean {
  if (!/^https?:\/\/[^\s@]+$/i.test(v)) return false;
  return !/[?&](token|key|secret|sig|signature|password|code|auth)=/i.test(v);
}

/** A webhook URL whose path or query holds a random-looking segment of 16 characters or more. */
function urlCarriesToken(v: string): boolean {
  if (!/^https?:\/\//i.test(v)) return false;
  return v
    .replace(/^https?:\/\/[^/]+/i, "")
    .split(/[/?&=#]+/)
    .some((seg) => seg.length >= 16 && shannonEntropy(seg) >= 3.3 && !isPlaceholder(seg));
}

/**
 * Options of {@link nameHint}.
 *
 * @example
 * ```ts
 * nameHint("DB_PASSWORD", motoCiphertext, { emulator: "moto" }); // false: sealed
 * ```
 */
export interface NameHintOptions {
  /** Emulator mode for the "already sealed" check (see `looksSealed`). Default: none. */
  readonly emulator?: Emulator | undefined;
}

/**
 * Name + entropy: true when the name says secret and the value looks like one for that kind of name. Values that are
 * sealed (KMS ciphertext by structure), references (ARNs, SSM paths, `${…}`), URLs without credentials, trivial or
 * placeholder values never count.
 *
 * @example
 * ```ts
 * nameHint("DB_PASS", "admin");                              // true
 * nameHint("DB_PASSWORD", "changeme");                       // false (a placeholder)
 * nameHint("DB_PASSWORD_ARN", "arn:aws:secretsmanager:…");   // false
 * nameHint("CACHE_KEY", "users:v2");                         // false
 * ```
 */
export function nameHint(name: string, value: string, options: NameHintOptions = {}): boolean {
  const kind = nameKind(name);
  if (!kind) return false;
  const v = value.trim();
  if (v.length < 3 || isReferenceOrSetting(v) || isPlaceholder(v) || decidedByValueRules(v)) return false;
  if (looksSealed(v, options).sealed) return false;
  switch (kind) {
    case "password":
      return v.length >= 4 && !isPlainUrl(v);
    case "webhook":
      return urlCarriesToken(v);
    case "secret":
      return v.length >= 8 && !isPlainUrl(v) && !isPhrase(v) && shannonEntropy(v) >= 2.5;
    case "key":
      return (
        v.length >= 16 &&
        !/\s/.test(v) &&
        !/^https?:\/\//i.test(v) &&
        /\d/.test(v) &&
        /[A-Za-z]/.test(v) &&
        !(v.includes("/") && !/[+=]/.test(v)) &&
        shannonEntropy(v) >= 3.2
      );
  }
}
