/**
 * Classify SDK and network failures that any AWS call can meet (credentials, region, throttling, TLS, sockets)
 * into envseal errors. Service modules handle their own codes first and fall back to {@link mapCommonAwsError}.
 * Messages are built from error names and codes, never from request data.
 * @module
 */
import { AwsError, EnvsealError, InputError, TransportError } from "../core/errors.js";

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

const TLS_CODES: Record<string, string> = {
  ERR_SSL_UNSUPPORTED_PROTOCOL: "the endpoint offered only a TLS version older than 1.2; envseal requires 1.2+",
  ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION: "the endpoint refused TLS 1.2+; envseal requires 1.2+",
  ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE: "the endpoint offered no forward-secret cipher suite (ECDHE or TLS 1.3); envseal requires one",
  ERR_SSL_NO_SHARED_CIPHER: "the endpoint offered no forward-secret cipher suite (ECDHE or TLS 1.3); envseal requires one",
  ERR_SSL_WRONG_VERSION_NUMBER: "the endpoint did not speak TLS (is it plain HTTP?)",
  DEPTH_ZERO_SELF_SIGNED_CERT: "the endpoint's certificate is self-signed and not trusted",
  SELF_SIGNED_CERT_IN_CHAIN: "the endpoint's certificate chain is not trusted",
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: "the endpoint's certificate is not trusted",
  ERR_TLS_CERT_ALTNAME_INVALID: "the endpoint's certificate does not match its host name",
  CERT_HAS_EXPIRED: "the endpoint's certificate has expired",
};

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

  const tls = TLS_CODES[nodeCode] ?? TLS_CODES[code];
  if (tls || /tlsv1 alert protocol version|unsupported protocol/i.test(message)) {
    return new TransportError(`${operation}: ${tls ?? TLS_CODES.ERR_SSL_UNSUPPORTED_PROTOCOL}`, {
      code: nodeCode,
      operation,
      hint: nodeCode.includes("CERT") || nodeCode.includes("SIGNED") || nodeCode.includes("VERIFY")
        ? "pass the CA with --ca-bundle (or AWS_CA_BUNDLE) if it is a private CA"
        : "point --endpoint-url at an endpoint with TLS 1.2+ and ECDHE suites",
      cause: err,
    });
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
