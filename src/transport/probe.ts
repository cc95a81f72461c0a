/**
 * Name what a refusing TLS peer offered. When the policy handshake fails with a `protocol_version` or
 * `handshake_failure` alert, OpenSSL only says "the peer gave up"; a second, permissive handshake (no request is
 * ever sent on it, and its certificate is not trusted for anything) tells which version and suite the peer picks,
 * so the error can say "the endpoint offered TLS 1.1" instead of guessing.
 *
 * SDK-free, like `tls.ts`, so the runtime may use it too.
 * @module
 */
import type { TLSSocket } from "node:tls";

/** What a peer chose when offered everything. */
export interface TlsPeerOffer {
  /** Protocol the peer settled on, e.g. `TLSv1.1`. */
  readonly protocol: string;
  /** OpenSSL name of the suite the peer picked, e.g. `AES128-GCM-SHA256`. */
  readonly cipher: string;
}

/** Where to probe. */
export interface ProbeTarget {
  /** Host name or IP address of the endpoint. */
  readonly host: string;
  /** TCP port. Default: 443. */
  readonly port?: number;
}

/** How long a probe may take before it gives up, in milliseconds. */
export const PROBE_TIMEOUT_MS = 3_000;

/** Protocol and suite names come from the peer's choice among OpenSSL's tables; keep only that alphabet. */
const NAME = /^[A-Za-z0-9._-]{1,64}$/;

/**
 * Handshake once with every version (TLS 1.0–1.3) and every suite offered, then close without sending anything.
 * Resolves to the peer's choice, or `undefined` when even that handshake fails or times out. Never rejects.
 *
 * @example
 * ```ts
 * const offer = await probeTlsPeer({ host: "legacy.example.com", port: 443 }); // { protocol: "TLSv1.1", ... }
 * ```
 */
export async function probeTlsPeer(target: ProbeTarget, timeoutMs = PROBE_TIMEOUT_MS): Promise<TlsPeerOffer | undefined> {
  // Loaded here, not at the top: the runtime reaches this module only after a refused handshake.
  const [{ connect }, { isIP }] = await Promise.all([import("node:tls"), import("node:net")]);
  return new Promise((resolve) => {
    let socket: TLSSocket | undefined;
    const finish = (offer: TlsPeerOffer | undefined) => {
      clearTimeout(timer);
      socket?.destroy();
      resolve(offer);
    };
    const timer = setTimeout(() => finish(undefined), timeoutMs);
    const host = target.host.replace(/^\[(.*)\]$/, "$1");
    try {
      socket = connect({
        host,
        port: target.port ?? 443,
        ...(isIP(host) ? {} : { servername: host }),
        minVersion: "TLSv1",
        maxVersion: "TLSv1.3",
        // Security level 0 lets this client speak TLS 1.0/1.1 and weak suites: only to learn what the peer picks.
        ciphers: "ALL:@SECLEVEL=0",
        rejectUnauthorized: false,
      });
    } catch {
      finish(undefined);
      return;
    }
    socket.once("secureConnect", () => {
      const protocol = socket?.getProtocol() ?? "";
      const cipher = socket?.getCipher()?.name ?? "";
      finish(NAME.test(protocol) && NAME.test(cipher) ? { protocol, cipher } : undefined);
    });
    socket.once("error", () => finish(undefined));
  });
}

/** Property under which {@link annotateTlsRefusal} leaves the peer's offer on the original error. */
export const TLS_PEER_OFFER = Symbol.for("envseal.tlsPeerOffer");

/** OpenSSL reasons after which the peer's offer is worth asking for (alerts 70 and 40, and a too-old ServerHello). */
const PROBE_REASONS = /tlsv1 alert protocol version|sslv3 alert handshake failure|unsupported protocol|no shared cipher|no ciphers available/i;

/** True when `err` is a handshake refusal the probe can explain. */
export function isExplainableTlsRefusal(err: unknown): boolean {
  const e = err as { code?: unknown; message?: unknown } | null;
  if (!e || typeof e !== "object") return false;
  if (typeof e.code === "string" && /^ERR_SSL_(TLSV1_ALERT_PROTOCOL_VERSION|SSLV3_ALERT_HANDSHAKE_FAILURE|UNSUPPORTED_PROTOCOL|NO_SHARED_CIPHER)$/.test(e.code)) return true;
  return typeof e.message === "string" && PROBE_REASONS.test(e.message);
}

/**
 * When `err` is a handshake refusal, probe the peer and attach its offer to `err` (non-enumerable, under
 * {@link TLS_PEER_OFFER}) for the error mapper. Other errors pass untouched. Never rejects.
 */
export async function annotateTlsRefusal(err: unknown, target: ProbeTarget, timeoutMs = PROBE_TIMEOUT_MS): Promise<void> {
  if (!isExplainableTlsRefusal(err) || typeof err !== "object" || err === null) return;
  if (TLS_PEER_OFFER in err) return;
  const offer = await probeTlsPeer(target, timeoutMs);
  if (offer) Object.defineProperty(err, TLS_PEER_OFFER, { value: offer, enumerable: false, configurable: true });
}

/** The offer attached by {@link annotateTlsRefusal}, searching `cause` chains (the SDK may wrap errors). */
export function attachedOffer(err: unknown): TlsPeerOffer | undefined {
  let e: unknown = err;
  for (let depth = 0; depth < 5 && e && typeof e === "object"; depth++) {
    const offer = (e as Record<symbol, unknown>)[TLS_PEER_OFFER];
    if (offer) return offer as TlsPeerOffer;
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}
