/**
 * Classify SDK and network failures that any AWS call can meet (credentials, region, throttling, TLS, sockets)
 * into envseal errors. Service modules handle their own codes first and fall back to {@link mapCommonAwsError}.
 * Messages are built from error names and codes, never from request data.
 * @module
 */
import { AwsError, EnvsealError, InputError, TransportError } from "../core/errors.js";
import { describeTlsFailure } from "./tls-errors.js";

/** Fields of an SDK or Node error envseal looks at. */
interface ErrorLike {
  name?: string;
  code?: string;
  message?: string;
  $metadata?: { httpStatusCode?: number };
  $fault?: string;
}

/** The AWS error code (or Node error code) of anything thrown. */
export function errorCode(err: unknown): string {
  const e = (err ?? {}) as ErrorLike;
  if (typeof e.name === "string" && e.name !== "Error" && e.name !== "TypeError") return e.name;
  if (typeof e.code === "string") return e.code;
  return "UnknownError";
}

const NETWORK_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ENOTFOUND",
  "EAI_AGAIN",
  "ETIMEDOUT",
  "EPIPE",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "TimeoutError",
  "RequestTimeout",
  "AbortError",
]);

/**
 * Map a failure common to every AWS service. `operation` is the IAM action, e.g. `kms:Encrypt`.
 * Returns an {@link EnvsealError}; never throws.
 */
export function mapCommonAwsError(err: unknown, operation: string): EnvsealError {
  if (err instanceof EnvsealError) return err;
  const e = (err ?? {}) as ErrorLike;
  const code = errorCode(err);
  const nodeCode = typeof e.code === "string" ? e.code : code;
  const message = typeof e.message === "string" ? e.message : "";

  const tls = describeTlsFailure(err);
  if (tls) {
    return new TransportError(`${operation}: ${tls.message}`, { code: tls.code, operation, hint: tls.hint, cause: err });
  }
  if (/Region is missing/i.test(message) || code === "RegionMissing") {
    return new InputError("no AWS region is set", { hint: "pass --region or set AWS_REGION", cause: err });
  }
  if (code === "CredentialsProviderError" || /Could not load credentials/i.test(message)) {
    return new AwsError(`${operation}: no AWS credentials found`, {
      code: "CredentialsProviderError",
      operation,
      hint: "set AWS_PROFILE or pass --profile, or export AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY",
      cause: err,
    });
  }
  if (code === "AccessDeniedException" || code === "AccessDenied" || e.$metadata?.httpStatusCode === 403) {
    if (code === "UnrecognizedClientException" || code === "InvalidSignatureException" || code === "ExpiredTokenException") {
      return new AwsError(`${operation}: AWS rejected the credentials (${code})`, {
        code,
        operation,
        hint: "refresh your credentials or choose another --profile",
        cause: err,
      });
    }
    return new AwsError(`access denied: the caller lacks ${operation}`, {
      code,
      operation,
      hint: `grant ${operation} to your identity (see \`envseal policy\`)`,
      cause: err,
    });
  }
  if (/Throttl|TooManyRequests|RequestLimitExceeded|SlowDown/.test(code)) {
    return new AwsError(`${operation}: AWS throttled the request and retries ran out (${code})`, {
      code,
      operation,
      hint: "try again later, or raise --max-attempts",
      cause: err,
    });
  }
  if (NETWORK_CODES.has(nodeCode) || NETWORK_CODES.has(code)) {
    return new AwsError(`${operation}: network error (${nodeCode})`, {
      code: nodeCode,
      operation,
      hint: "check the network, --endpoint-url and --region, then try again",
      cause: err,
    });
  }
  const status = e.$metadata?.httpStatusCode;
  return new AwsError(`${operation} failed: ${code}${status ? ` (HTTP ${status})` : ""}`, {
    code,
    operation,
    hint: "run again with --verbose for details",
    cause: err,
  });
}
