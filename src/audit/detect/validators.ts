/**
 * Structure checks that a regular expression alone cannot make: a JWT's header is JSON naming an algorithm, a PEM
 * private key has a base64 body, a URL's password is not a placeholder. Each takes what a rule matched (and the whole
 * value) and answers yes or no; none returns or logs any part of it.
 * @module
 */
import { isPlaceholder } from "./placeholder.js";

/**
 * A validator: `match` is what the rule's pattern matched, `value` the whole variable value.
 *
 * @example
 * ```ts
 * const longEnough: Validator = (match) => match.length >= 40;
 * ```
 */
export type Validator = (match: string, value: string) => boolean;

function jsonObject(base64url: string): Record<string, unknown> | undefined {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(base64url, "base64url").toString("utf8"));
    return typeof parsed === "object" && parsed !== null && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * A JWT (JWS compact form): the header decodes to a JSON object with `alg` (or `typ`/`kid`), the payload to a JSON object
 * whose subject, if any, is not a placeholder.
 *
 * @example
 * ```ts
 * validJwt(token, token); // true for a token made by any JWT library
 * ```
 */
export const validJwt: Validator = (match) => {
  const [header, payload] = match.split(".");
  if (!header || !payload) return false;
  const h = jsonObject(header);
  const p = jsonObject(payload);
  if (h === undefined || !("alg" in h || "typ" in h || "kid" in h) || p === undefined) return false;
  // jwt.io's and the RFCs' examples carry a counting subject ("1234567890").
  return !(typeof p.sub === "string" && isPlaceholder(p.sub));
};

const PEM_BLOCK = /-----BEGIN ((?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?)-----([\s\S]*?)(?:-----END \1-----|$)/;

/**
 * A PEM (or PGP) private key with a real body: at least 64 base64 characters once headers (`Proc-Type:`, `Version:`)
 * and line breaks — also JSON-escaped `\n` — are removed. `-----BEGIN PRIVATE KEY-----\nanything` is not one.
 *
 * @example
 * ```ts
 * validPemPrivateKey("-----BEGIN PRIVATE KEY-----\nanything", ""); // false
 * ```
 */
export const validPemPrivateKey: Validator = (match) => {
  const m = PEM_BLOCK.exec(match.replace(/\\r|\\n/g, "\n"));
  if (!m) return false;
  const body = (m[2] ?? "")
    .split("\n")
    .filter((line) => !/^[A-Za-z-]+:/.test(line.trim()))
    .join("")
    .replace(/\s+/g, "");
  if (body.length < 64 || !/^[A-Za-z0-9+/=]+$/.test(body)) return false;
  return !isPlaceholder(body);
};

/**
 * Base64 of a PEM private key (a Kubernetes-style or "put the key in one line" habit): decodes, then
 * {@link validPemPrivateKey}.
 *
 * @example
 * ```ts
 * validBase64Pem(Buffer.from(pemKey).toString("base64"), ""); // true
 * ```
 */
export const validBase64Pem: Validator = (match) => {
  const decoded = Buffer.from(match, "base64").toString("latin1");
  return /PRIVATE KEY/.test(decoded) && validPemPrivateKey(decoded, decoded);
};

/**
 * `scheme://user:password@host`: the password is not empty, not a template and not a placeholder word.
 *
 * @example
 * ```ts
 * validUrlCredentials("postgres://app:${DB_PASSWORD}@db:5432/app", ""); // false
 * ```
 */
export const validUrlCredentials: Validator = (match) => {
  const m = /:\/\/([^:@/\s]*):([^@\s]*)@/.exec(match);
  const password = m?.[2] ?? "";
  return password.length >= 3 && !isPlaceholder(decodeURIComponentSafe(password)) && !/^\*+$/.test(password);
};

function decodeURIComponentSafe(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/**
 * `…;Password=…;` in an ADO.NET / ODBC / JDBC-style connection string that also names a server.
 *
 * @example
 * ```ts
 * validConnectionPassword("Password=s3cr3t!x", "Server=db;User Id=app;Password=s3cr3t!x;"); // true
 * ```
 */
export const validConnectionPassword: Validator = (match, value) => {
  if (!/(?:^|[;"'\s])(?:Server|Data Source|Host|Address|Addr|Network Address|Hostname)\s*=/i.test(value)) return false;
  const password = match.replace(/^[;\s]*(?:Password|Pwd)\s*=\s*/i, "").replace(/^["']|["']$/g, "");
  return password.length >= 3 && !isPlaceholder(password);
};

/**
 * An Azure shared access signature: `sig=` together with a service version `sv=YYYY-MM-DD` in the same value.
 *
 * @example
 * ```ts
 * validAzureSas("sig=…", "https://acct.blob.core.windows.net/c?sv=2022-11-02&sp=r&sig=…"); // true
 * ```
 */
export const validAzureSas: Validator = (_match, value) => /[?&;]sv=\d{4}-\d{2}-\d{2}/.test(value) || /SharedAccessSignature=sv=/.test(value);

/**
 * A Discord bot token: its first segment is the base64 of a numeric user id.
 *
 * @example
 * ```ts
 * validDiscordBot(token, token); // true when the first segment decodes to digits
 * ```
 */
export const validDiscordBot: Validator = (match) => /^\d{17,20}$/.test(Buffer.from(match.split(".")[0] ?? "", "base64url").toString("latin1"));
