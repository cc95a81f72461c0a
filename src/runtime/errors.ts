/**
 * KMS and transport failures at run time → {@link UnsealError}: names the variable and the KMS error code, says what
 * to do, and never holds a value (the cause is reduced to name, HTTP status and request id).
 * @module
 */
import { EnvsealError, UnsealError } from "../core/errors.js";

/** What was being opened when the failure happened. */
export interface UnsealFailure {
  /** The variable being opened (`ENVSEAL_BUNDLE` for the bundle). */
  variable: string;
  /** The function name in the encryption context. */
  functionName: string;
  /** The time bound in force, for timeout messages. */
  timeoutMs: number;
}

const KEY_ARN = /arn:aws[a-zA-Z-]*:kms:[a-z0-9-]+:\d{12}:(?:key|alias)\/[A-Za-z0-9/_-]+/;
const THROTTLED = /Throttl|TooManyRequests|RequestLimitExceeded|LimitExceededException|SlowDown/;
const TIMEOUTS = new Set(["AbortError", "TimeoutError", "RequestTimeout", "RequestTimeoutException", "ETIMEDOUT"]);
const NETWORK = new Set(["ECONNREFUSED", "ECONNRESET", "ENOTFOUND", "EAI_AGAIN", "EPIPE", "EHOSTUNREACH", "ENETUNREACH"]);
const UNAVAILABLE = new Set(["KeyUnavailableException", "DependencyTimeoutException", "KMSInternalException"]);

/** The AWS error code (or Node error code) of anything thrown. */
function errorCode(err: unknown): string {
  const e = (err ?? {}) as { name?: unknown; code?: unknown };
  if (typeof e.name === "string" && e.name !== "Error" && e.name !== "TypeError") return e.name;
  if (typeof e.code === "string") return e.code;
  return "UnknownError";
}

/** The key ARN KMS names in its error message, if any: an identifier, never data of the request. */
function keyOf(err: unknown): string | undefined {
  const message = (err as { message?: unknown } | undefined)?.message;
  return typeof message === "string" ? KEY_ARN.exec(message)?.[0] : undefined;
}

function nodeCode(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | undefined)?.code;
  return typeof code === "string" ? code : undefined;
}

/**
 * Map anything a Decrypt threw to an {@link UnsealError}. Envseal errors other than `UnsealError` are wrapped so that
 * callers can catch one class; their message and hint are kept (they are value-free by construction).
 */
export function toUnsealError(err: unknown, at: UnsealFailure): UnsealError {
  if (err instanceof UnsealError) return err;
  const v = at.variable;
  if (err instanceof EnvsealError) {
    const code = (err as { code?: unknown }).code;
    return new UnsealError(`${v}: ${err.message}`, { variable: v, code: typeof code === "string" ? code : err.name, hint: err.hint, cause: err });
  }
  const code = errorCode(err);
  const sys = nodeCode(err) ?? code;
  const key = keyOf(err);
  const keyText = key ?? "the KMS key it was sealed with";
  const make = (message: string, hint: string, asCode = code) => new UnsealError(`${v}: ${message}`, { variable: v, code: asCode, hint, cause: err });

  switch (code) {
    case "InvalidCiphertextException":
      return make(
        `does not open with encryption context LambdaFunctionName=${at.functionName} (InvalidCiphertextException): sealed for another function name? see \`envseal copy\``,
        "values are bound to the function name; re-bind them with `envseal copy --from OLD --to NEW`, or pass `functionName` if the value belongs to another name",
      );
    case "AccessDeniedException":
      return make(
        `the execution role lacks kms:Decrypt on ${keyText}; see \`envseal policy\``,
        "allow kms:Decrypt on the key with the condition kms:EncryptionContext:LambdaFunctionName, and check the key policy",
      );
    case "DisabledException":
      return make(`${key ? `KMS key ${key}` : "the KMS key it was sealed with"} is disabled (DisabledException)`, "enable the key (aws kms enable-key) or re-seal with another key (envseal rotate)");
    case "NotFoundException":
      return make(`${key ? `KMS key ${key}` : "the KMS key it was sealed with"} was not found (NotFoundException)`, "the key was deleted, or the function runs in another account or region than the key");
    case "KMSInvalidStateException":
      return make(`${key ? `KMS key ${key}` : "the KMS key it was sealed with"} is not usable: pending deletion or import (KMSInvalidStateException)`, "cancel the key deletion (aws kms cancel-key-deletion) or re-seal with another key");
    case "IncorrectKeyException":
    case "InvalidKeyUsageException":
      return make(`the key cannot open this value (${code})`, "re-seal the value with `envseal push`");
    case "EmptyPlaintext":
      return make("KMS answered without a plaintext", "try again; if it persists, re-seal the value");
  }
  if (THROTTLED.test(code)) {
    return make(`KMS throttled kms:Decrypt and the retries ran out (${code})`, "seal with --bundle so one Decrypt opens every value, or ask for a higher KMS request quota", code);
  }
  // Before timeouts: the SDK names some socket errors "TimeoutError"; the Node code says what really happened.
  if (NETWORK.has(sys)) {
    return make(`network error reaching KMS (${sys})`, "a function in a VPC needs a KMS VPC endpoint or a NAT gateway", sys);
  }
  if (TIMEOUTS.has(code) || TIMEOUTS.has(sys)) {
    return make(`kms:Decrypt timed out after ${at.timeoutMs} ms`, "raise timeoutMs (or the function's timeout), and check the network path to KMS (VPC endpoint or NAT)", "Timeout");
  }
  if (UNAVAILABLE.has(code)) {
    return make(`KMS could not use the key just now (${code})`, "retry; the next invocation tries again", code);
  }
  if (code === "CredentialsProviderError" || code === "UnrecognizedClientException" || code === "ExpiredTokenException" || code === "InvalidSignatureException") {
    return make(`KMS rejected or found no credentials (${code})`, "the execution role's credentials come from the Lambda environment; outside Lambda set AWS credentials", code);
  }
  if (isTlsFailureCode(sys)) {
    const explained = (err as Record<symbol, unknown> | undefined)?.[TLS_EXPLANATION];
    if (typeof explained === "string") {
      return make(`KMS at ${explainedHost(err)}: ${explained}`, "KMS endpoints must offer TLS 1.2+ with forward-secret suites and a trusted certificate (AWS_CA_BUNDLE for a private CA)", sys);
    }
    return make(`the TLS connection to KMS was refused by envseal's policy or failed verification (${sys})`, "KMS endpoints must offer TLS 1.2+ with forward-secret suites and a trusted certificate (AWS_CA_BUNDLE for a private CA)", sys);
  }
  const bundled = bundledRequire(err);
  if (bundled) {
    return make(
      `the handler's bundle cannot load ${bundled} at run time: a CommonJS require() inside an ESM bundle (esbuild's "Dynamic require … is not supported")`,
      "bundle with --external:@aws-sdk/* (Lambda's Node.js runtimes provide the SDK), or add the createRequire banner the README shows; retrying will not help",
      "BundledRequire",
    );
  }
  const status = (err as { $metadata?: { httpStatusCode?: number } } | undefined)?.$metadata?.httpStatusCode;
  return make(`kms:Decrypt failed (${code}${status ? `, HTTP ${status}` : ""})`, "the next invocation retries; see the cause's request id for AWS support");
}

/**
 * The module an ESM bundle failed to `require()` ("Dynamic require of "node:https" is not supported", esbuild's
 * shim), or `undefined`. Only the module name is taken from the message.
 *
 * @example
 * ```ts
 * bundledRequire(new Error('Dynamic require of "node:https" is not supported')); // "node:https"
 * ```
 */
export function bundledRequire(err: unknown): string | undefined {
  const message = (err as { message?: unknown } | undefined)?.message;
  const m = typeof message === "string" ? /Dynamic require of "([@\w./:-]{1,100})" is not supported/.exec(message) : null;
  return m?.[1];
}

/** Where the lean path puts its explanation of a refused TLS handshake (what the peer offered); never a value. */
export const TLS_EXPLANATION = Symbol.for("envseal.tlsExplanation");
const TLS_HOST = Symbol.for("envseal.tlsHost");

/** Node and OpenSSL codes of TLS failures. */
export function isTlsFailureCode(code: string | undefined): boolean {
  return code !== undefined && (code === "EPROTO" || /^(ERR_SSL|ERR_TLS|CERT_|DEPTH_ZERO|SELF_SIGNED|UNABLE_TO_VERIFY)/.test(code));
}

/** Attach an explanation of a TLS failure to `err` for {@link toUnsealError}. */
export function explainTlsFailure(err: unknown, host: string, message: string): void {
  if (typeof err !== "object" || err === null) return;
  Object.defineProperty(err, TLS_EXPLANATION, { value: message, enumerable: false, configurable: true });
  Object.defineProperty(err, TLS_HOST, { value: host, enumerable: false, configurable: true });
}

function explainedHost(err: unknown): string {
  const host = (err as Record<symbol, unknown>)[TLS_HOST];
  return typeof host === "string" ? host : "its endpoint";
}
