/**
 * The KMS path behind one small internal interface: the loader calls a {@link DecryptFn} and knows nothing else.
 * Two implementations: the AWS SDK's `KMSClient` (here; a caller's own client, or the fallback when the environment
 * has no static credentials) and the lean signed-request path (`lean.ts`, the default inside Lambda); `choose.ts`
 * picks one.
 *
 * The SDK is imported on first use (a peer dependency; Lambda's Node.js runtimes ship it), so importing
 * `envseal/runtime` costs nothing until a value has to be opened.
 * @module
 */
import type { KMSClient } from "@aws-sdk/client-kms";
import { ConfigError, EnvsealError } from "../core/errors.js";
import { tlsAgentOptions } from "../transport/tls.js";
import { caBundle, kmsEndpointFromEnv } from "./env.js";
import { bundledRequire } from "./errors.js";
import { DEFAULT_MAX_ATTEMPTS, DEFAULT_MAX_CONNECTIONS } from "./options.js";
import { runtimeState } from "./state.js";

/** Open one ciphertext blob bound to `context`; rejects with the transport's own error (mapped by the caller). */
export type DecryptFn = (ciphertext: Uint8Array, context: Readonly<Record<string, string>>, signal: AbortSignal) => Promise<Uint8Array>;

/** Settings of the default client. */
export interface DefaultClientSettings {
  /** Socket and request timeout in milliseconds. */
  timeoutMs: number;
  /** Attempts per call, first included. */
  maxAttempts?: number;
  /** Sockets opened to KMS at once. */
  maxConnections?: number;
}


type KmsModule = typeof import("@aws-sdk/client-kms");
let kmsModule: Promise<KmsModule> | undefined;

async function importKms(): Promise<KmsModule> {
  kmsModule ??= import("@aws-sdk/client-kms").catch((err: unknown) => {
    kmsModule = undefined;
    const bundled = bundledRequire(err);
    if (bundled) {
      throw new ConfigError(`the handler's bundle cannot load ${bundled} at run time: a CommonJS require() inside an ESM bundle`, {
        code: "BundledRequire",
        hint: "bundle with --external:@aws-sdk/* (Lambda's Node.js runtimes provide the SDK), or add the createRequire banner the README shows; retrying will not help",
        cause: err,
      });
    }
    throw new EnvsealError("envseal/runtime needs @aws-sdk/client-kms, which could not be loaded", {
      hint: "Lambda's Node.js runtimes include it; elsewhere run `npm i @aws-sdk/client-kms`",
      cause: err,
    });
  });
  return kmsModule;
}

async function createDefaultClient(settings: DefaultClientSettings): Promise<KMSClient> {
  const endpoint = kmsEndpointFromEnv();
  const [{ KMSClient }, https, http] = await Promise.all([importKms(), import("node:https"), import("node:http")]);
  const ca = caBundle();
  // The SDK builds its own NodeHttpHandler from these options: the runtime imports nothing but @aws-sdk/client-kms
  // (which Lambda ships), so a bundled handler never carries @smithy/node-http-handler's CommonJS requires.
  const requestHandler = {
    httpsAgent: new https.Agent(tlsAgentOptions({ maxSockets: settings.maxConnections ?? DEFAULT_MAX_CONNECTIONS, ...(ca !== undefined ? { ca } : {}) })),
    // Only ever used for a loopback emulator: checkEndpoint refuses plain http anywhere else.
    httpAgent: new http.Agent({ keepAlive: true, maxSockets: settings.maxConnections ?? DEFAULT_MAX_CONNECTIONS }),
    connectionTimeout: settings.timeoutMs,
    requestTimeout: settings.timeoutMs,
    throwOnRequestTimeout: true,
  };
  return new KMSClient({
    ...(endpoint ? { endpoint } : {}),
    maxAttempts: settings.maxAttempts ?? DEFAULT_MAX_ATTEMPTS,
    requestHandler,
  });
}

/** The process-wide default client, created on first use; a failed creation is not kept. */
export function defaultKmsClient(settings: DefaultClientSettings): Promise<KMSClient> {
  const state = runtimeState();
  const client = (state.sdkClient ??= createDefaultClient(settings).catch((err: unknown) => {
    state.sdkClient = undefined;
    throw err;
  }));
  return client;
}

/** Forget the default client (and close its sockets). For tests, through `resetSecrets`. */
export function resetDefaultClient(): void {
  const state = runtimeState();
  const pending = state.sdkClient;
  state.sdkClient = undefined;
  void pending?.then((c) => c.destroy(), () => undefined);
}

/** A {@link DecryptFn} over the SDK: `client` given, or the default one. */
export function sdkDecrypt(client: KMSClient | undefined, settings: DefaultClientSettings): DecryptFn {
  return async (ciphertext, context, signal) => {
    const [kms, { DecryptCommand }] = await Promise.all([client ?? defaultKmsClient(settings), importKms()]);
    const out = await kms.send(new DecryptCommand({ CiphertextBlob: ciphertext, EncryptionContext: { ...context } }), { abortSignal: signal });
    if (!out.Plaintext) throw Object.assign(new Error("KMS returned no plaintext"), { name: "EmptyPlaintext" });
    return out.Plaintext;
  };
}
