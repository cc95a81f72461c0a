/**
 * AWS Signature Version 4 for one kind of request: a JSON `POST /` to an AWS service (KMS's `TrentService.*`), with
 * headers only (no query string). The runtime's lean KMS path signs with this instead of `@smithy/signature-v4`,
 * whose import pulls in most of `@smithy/core` (≈ 300 KB of JavaScript, +11 MB peak RSS as CommonJS and +18 MB as
 * ESM on Node 20, measured in docs/performance.md) — more than the runtime's whole memory budget. The unit tests sign
 * the same requests with `@smithy/signature-v4` and require byte-identical `Authorization` headers.
 * @module
 */
import { createHash, createHmac } from "node:crypto";

/** Static credentials, as Lambda puts them in the environment. */
export interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

/** What to sign. */
export interface SignInput {
  credentials: Credentials;
  region: string;
  service: string;
  /** The `Host` header value (hostname, plus `:port` when not the scheme's default). */
  host: string;
  /** The request path, as sent (percent-encoded, as `URL.pathname` gives it). Default: `/`. */
  path?: string;
  /** Headers besides host, date, token and content hash; names in lower case. */
  headers: Readonly<Record<string, string>>;
  body: string;
  date?: Date;
}

const sha256Hex = (data: string): string => createHash("sha256").update(data, "utf8").digest("hex");
const hmac = (key: string | Buffer, data: string): Buffer => createHmac("sha256", key).update(data, "utf8").digest();

const signingKeys = new Map<string, Buffer>();

function signingKey(secret: string, day: string, region: string, service: string): Buffer {
  const id = `${day}\n${region}\n${service}\n${sha256Hex(secret)}`;
  let key = signingKeys.get(id);
  if (!key) {
    key = hmac(hmac(hmac(hmac(`AWS4${secret}`, day), region), service), "aws4_request");
    if (signingKeys.size > 8) signingKeys.clear();
    signingKeys.set(id, key);
  }
  return key;
}

/** RFC 3986 unreserved characters stay; everything else is percent-encoded (what SigV4 calls URI-encoding). */
function uriEncode(text: string): string {
  return encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/**
 * The canonical URI of SigV4 for services other than S3: the path normalized (empty, `.` and `..` segments removed) and
 * URI-encoded once more on top of the encoding it was sent with.
 *
 * @example
 * ```ts
 * canonicalPath("/a/./b/../c%20d"); // "/a/c%2520d"
 * ```
 */
export function canonicalPath(path: string): string {
  const segments: string[] = [];
  for (const segment of path.split("/")) {
    if (segment === "" || segment === ".") continue;
    if (segment === "..") segments.pop();
    else segments.push(segment);
  }
  const normalized = `${path.startsWith("/") ? "/" : ""}${segments.join("/")}${segments.length > 0 && path.endsWith("/") ? "/" : ""}`;
  return uriEncode(normalized).replace(/%2F/g, "/");
}

/** `20240102T030405Z` */
export function amzDate(date: Date): string {
  return date.toISOString().replace(/[-:]/g, "").replace(/\.\d{3}/, "");
}

/**
 * Sign a `POST` request to `path` (default `/`): returns every header to send (the given ones plus host, `x-amz-date`,
 * `x-amz-security-token`, `x-amz-content-sha256` and `authorization`).
 *
 * @example
 * ```ts
 * const headers = signPost({ credentials, region: "eu-west-1", service: "kms", host: "kms.eu-west-1.amazonaws.com",
 *   headers: { "content-type": "application/x-amz-json-1.1", "x-amz-target": "TrentService.Decrypt" }, body });
 * ```
 */
export function signPost(input: SignInput): Record<string, string> {
  const longDate = amzDate(input.date ?? new Date());
  const day = longDate.slice(0, 8);
  const payloadHash = sha256Hex(input.body);
  const headers: Record<string, string> = { ...input.headers, host: input.host, "x-amz-date": longDate, "x-amz-content-sha256": payloadHash };
  if (input.credentials.sessionToken) headers["x-amz-security-token"] = input.credentials.sessionToken;
  const names = Object.keys(headers).sort();
  const canonicalHeaders = names.map((n) => `${n}:${String(headers[n]).trim().replace(/\s+/g, " ")}\n`).join("");
  const signedHeaders = names.join(";");
  const canonicalRequest = ["POST", canonicalPath(input.path ?? "/"), "", canonicalHeaders, signedHeaders, payloadHash].join("\n");
  const scope = `${day}/${input.region}/${input.service}/aws4_request`;
  const stringToSign = ["AWS4-HMAC-SHA256", longDate, scope, sha256Hex(canonicalRequest)].join("\n");
  const signature = createHmac("sha256", signingKey(input.credentials.secretAccessKey, day, input.region, input.service)).update(stringToSign, "utf8").digest("hex");
  headers.authorization = `AWS4-HMAC-SHA256 Credential=${input.credentials.accessKeyId}/${scope}, SignedHeaders=${signedHeaders}, Signature=${signature}`;
  return headers;
}
