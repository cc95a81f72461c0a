/**
 * Turn a failed TLS handshake into one line that says what the endpoint offered.
 *
 * What Node 20 (OpenSSL 3.0) actually reports, measured against `openssl s_server` (see docs/transport.md):
 * - a TLS 1.0/1.1-only peer: `code: "EPROTO"`, message `...SSL routines:ssl3_read_bytes:tlsv1 alert protocol version:...`
 *   (the peer's alert 70; no `ERR_SSL_*` code);
 * - a TLS 1.2 peer with only non-forward-secret suites (`AES128-GCM-SHA256`), or only suites outside the policy:
 *   `code: "EPROTO"`, message `...sslv3 alert handshake failure:...` (alert 40);
 * - an untrusted or mismatched certificate: a specific `code` (`DEPTH_ZERO_SELF_SIGNED_CERT`,
 *   `UNABLE_TO_VERIFY_LEAF_SIGNATURE`, `ERR_TLS_CERT_ALTNAME_INVALID`, ...).
 * The AWS SDK passes the Node error through with `$metadata` added; wrappers that keep it as `cause` are searched too.
 * Messages hold error codes, OpenSSL reason words and the peer's protocol and suite names — never request data.
 * @module
 */
import { TLS12_SUITES, TLS13_SUITES } from "./tls.js";
import { attachedOffer, type TlsPeerOffer } from "./probe.js";

/** A TLS failure, explained. */
export interface TlsFailure {
  /** One line for people, e.g. "the endpoint offered TLS 1.1; envseal requires 1.2+". */
  readonly message: string;
  /** Stable code: the Node code, or `TLS_PROTOCOL_VERSION` / `TLS_NO_ACCEPTABLE_SUITE` / `TLS_NOT_TLS` / `TLS_HANDSHAKE`. */
  readonly code: string;
  /** What to do about it. */
  readonly hint: string;
}

const HINT_POLICY = "point --endpoint-url at an endpoint with TLS 1.2+ and ECDHE or TLS 1.3 suites";
const HINT_CA = "pass the CA with --ca-bundle (or AWS_CA_BUNDLE) if it is a private CA";

const CERT_CODES: Record<string, string> = {
  DEPTH_ZERO_SELF_SIGNED_CERT: "the endpoint's certificate is self-signed and not trusted",
  SELF_SIGNED_CERT_IN_CHAIN: "the endpoint's certificate chain ends in an untrusted root",
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: "the endpoint's certificate is not signed by a trusted CA",
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: "the endpoint's certificate is not signed by a trusted CA",
  UNABLE_TO_GET_ISSUER_CERT: "the endpoint's certificate is not signed by a trusted CA",
  CERT_UNTRUSTED: "the endpoint's certificate is not trusted",
  CERT_SIGNATURE_FAILURE: "the endpoint's certificate signature does not verify",
  ERR_TLS_CERT_ALTNAME_INVALID: "the endpoint's certificate does not match its host name",
  CERT_HAS_EXPIRED: "the endpoint's certificate has expired",
  CERT_NOT_YET_VALID: "the endpoint's certificate is not valid yet",
};

const REQUIRE_VERSION = "envseal requires 1.2+";
const REQUIRE_SUITE = "envseal requires a forward-secret suite (ECDHE with AES-GCM, ChaCha20-Poly1305 or AES-CBC-SHA2, or TLS 1.3)";
const POLICY_SUITES = new Set([...TLS12_SUITES, ...TLS13_SUITES]);

/** `TLSv1.1` → `TLS 1.1`, `TLSv1` → `TLS 1.0`. */
export function versionLabel(protocol: string): string {
  const m = /^(TLS|SSL)v(\d)(?:\.(\d))?$/.exec(protocol);
  return m ? `${m[1]} ${m[2]}.${m[3] ?? "0"}` : protocol;
}

function olderThan12(protocol: string): boolean {
  return /^(SSLv[23]|TLSv1(\.[01])?)$/.test(protocol);
}

function forwardSecret(cipher: string): boolean {
  return /^(ECDHE|DHE|EDH)-/.test(cipher) || cipher.startsWith("TLS_");
}

/** The OpenSSL reason inside a Node error message (`...:SSL routines:func:reason:file...`), lower-cased. */
export function opensslReason(message: string): string | undefined {
  const m = /SSL routines:[^:]*:([a-z0-9 _-]+):/i.exec(message);
  if (m) return m[1]!.toLowerCase();
  const known = /(tlsv1 alert protocol version|sslv3 alert handshake failure|unsupported protocol|no shared cipher|wrong version number|packet length too long)/i.exec(message);
  return known?.[1]!.toLowerCase();
}

function fromOffer(offer: TlsPeerOffer, alert: string): TlsFailure {
  if (olderThan12(offer.protocol)) {
    return { code: "TLS_PROTOCOL_VERSION", message: `the endpoint offered ${versionLabel(offer.protocol)}; ${REQUIRE_VERSION}`, hint: HINT_POLICY };
  }
  if (!POLICY_SUITES.has(offer.cipher)) {
    const why = forwardSecret(offer.cipher) ? "not an accepted suite" : "no forward secrecy";
    return {
      code: "TLS_NO_ACCEPTABLE_SUITE",
      message: `the endpoint offered only ${offer.cipher} (${versionLabel(offer.protocol)}, ${why}); ${REQUIRE_SUITE}`,
      hint: HINT_POLICY,
    };
  }
  return {
    code: "TLS_HANDSHAKE",
    message: `the endpoint refused the TLS handshake (${alert}) although it offers ${versionLabel(offer.protocol)} with ${offer.cipher}`,
    hint: "check the endpoint's certificate type and curves",
  };
}

/** One error object (not its causes): its TLS failure, if it is one. */
function describeOne(err: object): TlsFailure | undefined {
  const e = err as { code?: unknown; message?: unknown };
  const code = typeof e.code === "string" ? e.code : "";
  const cert = CERT_CODES[code];
  if (cert) return { code, message: cert, hint: HINT_CA };

  const reason = opensslReason(typeof e.message === "string" ? e.message : "") ?? "";
  const offer = attachedOffer(err);
  if (code === "ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION" || reason === "tlsv1 alert protocol version") {
    return offer
      ? fromOffer(offer, "protocol_version alert")
      : { code: "TLS_PROTOCOL_VERSION", message: `the endpoint refused TLS 1.2 and 1.3 (protocol_version alert); ${REQUIRE_VERSION}`, hint: HINT_POLICY };
  }
  if (code === "ERR_SSL_UNSUPPORTED_PROTOCOL" || reason === "unsupported protocol") {
    return offer
      ? fromOffer(offer, "unsupported protocol")
      : { code: "TLS_PROTOCOL_VERSION", message: `the endpoint offered a TLS version older than 1.2; ${REQUIRE_VERSION}`, hint: HINT_POLICY };
  }
  if (
    code === "ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE" ||
    code === "ERR_SSL_NO_SHARED_CIPHER" ||
    reason === "sslv3 alert handshake failure" ||
    reason === "no shared cipher"
  ) {
    return offer
      ? fromOffer(offer, "handshake_failure alert")
      : {
          code: "TLS_NO_ACCEPTABLE_SUITE",
          message: `the endpoint offered no cipher suite envseal accepts (handshake_failure alert); ${REQUIRE_SUITE}`,
          hint: HINT_POLICY,
        };
  }
  if (code === "ERR_SSL_WRONG_VERSION_NUMBER" || reason === "wrong version number" || reason === "packet length too long") {
    return { code: "TLS_NOT_TLS", message: "the endpoint did not answer in TLS (is it plain HTTP?)", hint: "use the endpoint's https:// URL" };
  }
  if (code.startsWith("ERR_SSL_") || (code === "EPROTO" && reason)) {
    return { code: "TLS_HANDSHAKE", message: `the TLS handshake failed (${reason || code})`, hint: HINT_POLICY };
  }
  return undefined;
}

/**
 * Explain `err` when it (or an error in its `cause` chain) is a TLS failure; `undefined` otherwise.
 *
 * @example
 * ```ts
 * const tls = describeTlsFailure(err);
 * if (tls) console.error(tls.message); // "the endpoint offered TLS 1.1; envseal requires 1.2+"
 * ```
 */
export function describeTlsFailure(err: unknown): TlsFailure | undefined {
  let e: unknown = err;
  for (let depth = 0; depth < 5 && e && typeof e === "object"; depth++) {
    const found = describeOne(e);
    if (found) return found;
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}
