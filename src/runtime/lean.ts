/**
 * The lean KMS path: a {@link DecryptFn} that sends a SigV4-signed `TrentService.Decrypt` JSON request over one
 * keep-alive `https.Agent` with envseal's TLS policy — no AWS SDK import. Credentials and region come from Lambda's
 * environment (`AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, `AWS_SESSION_TOKEN`, `AWS_REGION`); the endpoint from
 * `AWS_ENDPOINT_URL_KMS` / `AWS_ENDPOINT_URL` (checked by `checkEndpoint`) or `kms[-fips].<region>.<suffix>`.
 *
 * Failures reject with errors shaped like the SDK's (`name` = the KMS error code, `$metadata` with the HTTP status
 * and request id), so `errors.ts` turns both paths into the same {@link UnsealError}s. Throttling, 5xx answers and
 * dropped connections are retried with full-jitter backoff, at most `maxAttempts` attempts, never past the abort
 * signal. No request or response body ever reaches an error.
 * @module
 */
import type { Agent as HttpAgent, IncomingMessage } from "node:http";
import type { Agent as HttpsAgent } from "node:https";
import { tlsAgentOptions } from "../transport/tls.js";
import type { DecryptFn, DefaultClientSettings } from "./decrypt.js";
import { caBundle, kmsEndpointFromEnv } from "./env.js";
import { explainTlsFailure, isTlsFailureCode } from "./errors.js";
import { DEFAULT_MAX_ATTEMPTS, DEFAULT_MAX_CONNECTIONS } from "./options.js";
import { type Credentials, signPost } from "./sigv4.js";
import { runtimeState } from "./state.js";

/** Where and as whom the lean path talks to KMS. */
export interface LeanTarget {
  url: URL;
  region: string;
  credentials: Credentials;
}

/** Static credentials from the environment, or `undefined` when they are not all there. */
export function credentialsFromEnv(env: NodeJS.ProcessEnv = process.env): Credentials | undefined {
  const accessKeyId = env.AWS_ACCESS_KEY_ID;
  const secretAccessKey = env.AWS_SECRET_ACCESS_KEY;
  if (!accessKeyId || !secretAccessKey) return undefined;
  return { accessKeyId, secretAccessKey, ...(env.AWS_SESSION_TOKEN ? { sessionToken: env.AWS_SESSION_TOKEN } : {}) };
}

/** The region from `AWS_REGION` (Lambda) or `AWS_DEFAULT_REGION`. */
export function regionFromEnv(env: NodeJS.ProcessEnv = process.env): string | undefined {
  return env.AWS_REGION || env.AWS_DEFAULT_REGION || undefined;
}

/** `kms.<region>.amazonaws.com`, `kms-fips.<region>...` with `AWS_USE_FIPS_ENDPOINT=true`, `.amazonaws.com.cn` in China. */
export function kmsHost(region: string, fips: boolean): string {
  const suffix = region.startsWith("cn-") ? "amazonaws.com.cn" : "amazonaws.com";
  return `${fips ? "kms-fips" : "kms"}.${region}.${suffix}`;
}

/**
 * Everything the lean path needs from the environment, or `undefined` when it cannot run there (no static
 * credentials or no region: the SDK's credential chain takes over). Throws `TransportError` for an endpoint that
 * breaks the transport policy, as the SDK path does.
 */
export function leanTargetFromEnv(env: NodeJS.ProcessEnv = process.env): LeanTarget | undefined {
  const credentials = credentialsFromEnv(env);
  const region = regionFromEnv(env);
  if (!credentials || !region) return undefined;
  const endpoint = kmsEndpointFromEnv(env);
  const url = new URL(endpoint ?? `https://${kmsHost(region, /^true$/i.test(env.AWS_USE_FIPS_ENDPOINT ?? ""))}`);
  return { url, region, credentials };
}

interface Transport {
  https: HttpsAgent;
  http: HttpAgent;
  request: typeof import("node:https").request;
  httpRequest: typeof import("node:http").request;
}

async function createTransport(settings: DefaultClientSettings): Promise<Transport> {
  const [https, http] = await Promise.all([import("node:https"), import("node:http")]);
  const ca = caBundle();
  const maxSockets = settings.maxConnections ?? DEFAULT_MAX_CONNECTIONS;
  return {
    https: new https.Agent({ ...tlsAgentOptions({ maxSockets, ...(ca !== undefined ? { ca } : {}) }), timeout: settings.timeoutMs }),
    // Only ever used for a loopback emulator: checkEndpoint refuses plain http anywhere else.
    http: new http.Agent({ keepAlive: true, maxSockets, timeout: settings.timeoutMs }),
    request: https.request,
    httpRequest: http.request,
  };
}

function leanTransport(settings: DefaultClientSettings): Promise<Transport> {
  const state = runtimeState();
  state.leanTransport ??= createTransport(settings).catch((err: unknown) => {
    state.leanTransport = undefined;
    throw err;
  });
  return state.leanTransport as Promise<Transport>;
}

/** Forget the lean transport and close its sockets. For tests, through `resetSecrets`. */
export function resetLeanTransport(): void {
  const state = runtimeState();
  const pending = state.leanTransport as Promise<Transport> | undefined;
  state.leanTransport = undefined;
  void pending?.then(
    (t) => (t.https.destroy(), t.http.destroy()),
    () => undefined,
  );
}

/** An error shaped like the SDK's service exceptions: the KMS code as `name`, `$metadata`, never a body. */
function serviceError(code: string, message: string, status: number, requestId: string | undefined): Error {
  return Object.assign(new Error(message), {
    name: code,
    $fault: status >= 500 ? "server" : "client",
    $metadata: { httpStatusCode: status, ...(requestId ? { requestId } : {}) },
  });
}

/** The error code of a KMS JSON error: `x-amzn-errortype` or `__type`, without namespace (`a.b#Code`) or suffix (`Code:...`). */
function errorCodeOf(res: IncomingMessage, parsed: Record<string, unknown> | undefined): string {
  const raw = String(res.headers["x-amzn-errortype"] ?? parsed?.__type ?? parsed?.code ?? "");
  const code = raw.split(":")[0]!.split("#").at(-1)!.trim();
  return code || (res.statusCode && res.statusCode >= 500 ? "KMSInternalException" : "UnknownError");
}

function isRetryable(err: unknown): boolean {
  const e = err as { name?: string; code?: string; $metadata?: { httpStatusCode?: number } };
  if (e.name === "AbortError") return false;
  if (/Throttl|TooManyRequests|RequestLimitExceeded|SlowDown/.test(e.name ?? "")) return true;
  const status = e.$metadata?.httpStatusCode;
  if (status !== undefined) return status >= 500 || status === 429;
  return ["ECONNRESET", "EPIPE", "ETIMEDOUT", "ECONNREFUSED", "EAI_AGAIN"].includes(e.code ?? "") || e.name === "TimeoutError";
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(Object.assign(new Error("aborted"), { name: "AbortError" }));
    const onAbort = () => (clearTimeout(timer), reject(Object.assign(new Error("aborted"), { name: "AbortError" })));
    const timer = setTimeout(() => (signal.removeEventListener("abort", onAbort), resolve()), ms);
    signal.addEventListener("abort", onAbort, { once: true });
  });
}

/** True for an IPv4 or IPv6 address (brackets already removed). */
export function isIpLiteral(host: string): boolean {
  return /^\d{1,3}(\.\d{1,3}){3}$/.test(host) || host.includes(":");
}

/** Not signed (SigV4 leaves user-agent out); lets logs and the bench rig tell this path from the SDK's. */
const USER_AGENT = "envseal-runtime-lean";

/** Backoff before attempt `n + 1` (n ≥ 1): full jitter over 50 ms × 2^(n-1), at most 1 s. */
const BASE_DELAY_MS = 50;
const MAX_DELAY_MS = 1000;

function post(t: Transport, target: LeanTarget, body: string, timeoutMs: number, signal: AbortSignal): Promise<Uint8Array> {
  const { url } = target;
  const secure = url.protocol === "https:";
  const defaultPort = secure ? "443" : "80";
  const host = url.port && url.port !== defaultPort ? `${url.hostname}:${url.port}` : url.hostname;
  const path = url.pathname || "/";
  const hostname = url.hostname.replace(/^\[(.*)\]$/, "$1");
  const headers = signPost({
    credentials: target.credentials,
    region: target.region,
    service: "kms",
    host,
    path,
    headers: { "content-type": "application/x-amz-json-1.1", "x-amz-target": "TrentService.Decrypt" },
    body,
  });
  return new Promise((resolve, reject) => {
    const req = (secure ? t.request : t.httpRequest)({
      protocol: url.protocol,
      hostname,
      port: url.port || defaultPort,
      path,
      method: "POST",
      agent: secure ? t.https : t.http,
      signal,
      timeout: timeoutMs,
      headers: { ...headers, "content-length": String(Buffer.byteLength(body)), "user-agent": USER_AGENT },
      // SNI carries host names only (RFC 6066): never an IP literal.
      ...(secure && !isIpLiteral(hostname) ? { servername: hostname } : {}),
    });
    req.on("timeout", () => req.destroy(Object.assign(new Error(`no answer from KMS within ${timeoutMs} ms`), { name: "TimeoutError" })));
    req.on("error", reject);
    req.on("response", (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("error", reject);
      res.on("end", () => {
        const status = res.statusCode ?? 0;
        const requestId = res.headers["x-amzn-requestid"] as string | undefined;
        let parsed: Record<string, unknown> | undefined;
        try {
          parsed = JSON.parse(Buffer.concat(chunks).toString("utf8")) as Record<string, unknown>;
        } catch {
          parsed = undefined;
        }
        if (status >= 200 && status < 300 && parsed) {
          const plaintext = parsed.Plaintext;
          if (typeof plaintext !== "string" || plaintext.length === 0) return reject(serviceError("EmptyPlaintext", "KMS returned no plaintext", status, requestId));
          return resolve(new Uint8Array(Buffer.from(plaintext, "base64")));
        }
        const code = status >= 200 && status < 300 ? "SerializationException" : errorCodeOf(res, parsed);
        // KMS messages name keys and principals; they may echo input, so errors.ts keeps only what it can name.
        const message = typeof parsed?.message === "string" ? parsed.message : typeof parsed?.Message === "string" ? parsed.Message : "";
        reject(serviceError(code, message, status, requestId));
      });
    });
    req.end(body);
  });
}

/**
 * A {@link DecryptFn} over signed https requests to `target`, sharing one keep-alive agent per process (at most
 * `maxConnections` sockets; the call that creates it decides its settings, as with the SDK's default client).
 */
export function leanDecrypt(target: LeanTarget, settings: DefaultClientSettings): DecryptFn {
  const maxAttempts = Math.max(1, settings.maxAttempts ?? DEFAULT_MAX_ATTEMPTS);
  return async (ciphertext, context, signal) => {
    const t = await leanTransport(settings);
    const body = JSON.stringify({ CiphertextBlob: Buffer.from(ciphertext).toString("base64"), EncryptionContext: context });
    for (let attempt = 1; ; attempt++) {
      try {
        return await post(t, target, body, settings.timeoutMs, signal);
      } catch (err) {
        if (attempt >= maxAttempts || signal.aborted || !isRetryable(err)) throw await explainTls(err, target.url);
        await sleep(Math.random() * Math.min(MAX_DELAY_MS, BASE_DELAY_MS * 2 ** (attempt - 1)), signal);
      }
    }
  };
}

/**
 * A refused TLS handshake gets what the peer offered ("the endpoint offered TLS 1.1; envseal requires 1.2+"): one
 * extra handshake, made only on this failure path, by the same probe the CLI uses (loaded only now).
 */
async function explainTls(err: unknown, url: URL): Promise<unknown> {
  const code = (err as { code?: unknown } | null)?.code;
  if (url.protocol !== "https:" || typeof code !== "string" || !isTlsFailureCode(code)) return err;
  const [{ annotateTlsRefusal }, { describeTlsFailure }] = await Promise.all([import("../transport/probe.js"), import("../transport/tls-errors.js")]);
  const host = url.hostname.replace(/^\[(.*)\]$/, "$1");
  await annotateTlsRefusal(err, { host, port: Number(url.port || 443) });
  const tls = describeTlsFailure(err);
  if (tls) explainTlsFailure(err, url.port ? `${host}:${url.port}` : host, tls.message);
  return err;
}
