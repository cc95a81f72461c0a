/**
 * The SDK path's default KMSClient (src/runtime/decrypt.ts): the exact configuration it is built with — endpoint,
 * attempts, the request handler's timeouts and agents under envseal's TLS policy — and its process-wide caching.
 * `KMSClient` is wrapped (vi.mock) only to record what its constructor receives; the real client is built.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import type { Agent as HttpAgent } from "node:http";
import type { Agent as HttpsAgent } from "node:https";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { KMSClientConfig } from "@aws-sdk/client-kms";
import { defaultKmsClient, resetDefaultClient, sdkDecrypt } from "../../src/runtime/decrypt.js";
import { CIPHERS } from "../../src/transport/tls.js";

const built = vi.hoisted(() => [] as Array<Record<string, unknown>>);
vi.mock("@aws-sdk/client-kms", async (importOriginal) => {
  const real = await importOriginal<typeof import("@aws-sdk/client-kms")>();
  class KMSClient extends real.KMSClient {
    constructor(config: KMSClientConfig) {
      super(config);
      built.push(config as Record<string, unknown>);
    }
  }
  return { ...real, KMSClient };
});

interface Handler {
  httpsAgent: HttpsAgent & { options: Record<string, unknown> };
  httpAgent: HttpAgent & { options: Record<string, unknown> };
  connectionTimeout: number;
  requestTimeout: number;
  throwOnRequestTimeout: boolean;
}
const handlerOf = (config: Record<string, unknown>) => config.requestHandler as Handler;

const dir = mkdtempSync(join(tmpdir(), "envseal-decrypt-client-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

beforeEach(() => {
  resetDefaultClient();
  built.length = 0;
  for (const name of ["AWS_LAMBDA_RUNTIME_API", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_KMS", "AWS_CA_BUNDLE", "AWS_USE_FIPS_ENDPOINT", "AWS_DEFAULT_REGION"]) vi.stubEnv(name, undefined);
  vi.stubEnv("AWS_REGION", "eu-west-1");
});
afterEach(() => {
  resetDefaultClient();
  vi.unstubAllEnvs();
});

describe("the SDK path's default client", () => {
  it("is built with the settings' attempts and timeouts, and agents under the TLS policy with maxConnections sockets", async () => {
    await defaultKmsClient({ timeoutMs: 1234, maxAttempts: 5, maxConnections: 7 });
    expect(built).toHaveLength(1);
    const config = built[0]!;
    expect(config.maxAttempts).toBe(5);
    expect("endpoint" in config).toBe(false);
    const h = handlerOf(config);
    expect([h.connectionTimeout, h.requestTimeout, h.throwOnRequestTimeout]).toEqual([1234, 1234, true]);
    expect(h.httpsAgent.options).toMatchObject({ keepAlive: true, maxSockets: 7, minVersion: "TLSv1.2", maxVersion: "TLSv1.3", ciphers: CIPHERS });
    expect("ca" in h.httpsAgent.options).toBe(false);
    expect(h.httpAgent.options).toMatchObject({ keepAlive: true, maxSockets: 7 });
  });

  it("defaults to 3 attempts and 8 sockets", async () => {
    await defaultKmsClient({ timeoutMs: 100 });
    const h = handlerOf(built[0]!);
    expect(built[0]!.maxAttempts).toBe(3);
    expect([h.httpsAgent.options.maxSockets, h.httpAgent.options.maxSockets]).toEqual([8, 8]);
  });

  it("trusts the CA bundle named by AWS_CA_BUNDLE outside Lambda", async () => {
    const file = join(dir, "ca.pem");
    writeFileSync(file, "-----BEGIN CERTIFICATE-----\nnot-a-real-cert\n-----END CERTIFICATE-----\n");
    vi.stubEnv("AWS_CA_BUNDLE", file);
    await defaultKmsClient({ timeoutMs: 100 });
    expect(handlerOf(built[0]!).httpsAgent.options.ca).toBe("-----BEGIN CERTIFICATE-----\nnot-a-real-cert\n-----END CERTIFICATE-----\n");
  });

  it("inside Lambda names AWS's regional host (FIPS for exactly true), so AWS_ENDPOINT_URL_KMS cannot redirect it", async () => {
    vi.stubEnv("AWS_LAMBDA_RUNTIME_API", "127.0.0.1:9001");
    vi.stubEnv("AWS_ENDPOINT_URL_KMS", "https://elsewhere.example");
    await defaultKmsClient({ timeoutMs: 100 });
    expect(built[0]!.endpoint).toBe("https://kms.eu-west-1.amazonaws.com");
    resetDefaultClient();
    vi.stubEnv("AWS_USE_FIPS_ENDPOINT", "TRUE");
    await defaultKmsClient({ timeoutMs: 100 });
    expect(built[1]!.endpoint).toBe("https://kms-fips.eu-west-1.amazonaws.com");
    resetDefaultClient();
    vi.stubEnv("AWS_REGION", "");
    vi.stubEnv("AWS_DEFAULT_REGION", "cn-north-1");
    for (const notExactlyTrue of ["yes", "xtrue", "truex"]) {
      resetDefaultClient();
      vi.stubEnv("AWS_USE_FIPS_ENDPOINT", notExactlyTrue);
      await defaultKmsClient({ timeoutMs: 100 });
      expect(built.at(-1)!.endpoint).toBe("https://kms.cn-north-1.amazonaws.com.cn");
    }
  });

  it("inside Lambda without a region leaves the endpoint to the SDK", async () => {
    vi.stubEnv("AWS_LAMBDA_RUNTIME_API", "127.0.0.1:9001");
    vi.stubEnv("AWS_REGION", "");
    await defaultKmsClient({ timeoutMs: 100 });
    expect("endpoint" in built[0]!).toBe(false);
  });

  it("outside Lambda uses AWS_ENDPOINT_URL_KMS, and the kmsEndpoint setting before it", async () => {
    vi.stubEnv("AWS_ENDPOINT_URL_KMS", "https://kms.internal.example:8443");
    await defaultKmsClient({ timeoutMs: 100 });
    expect(built[0]!.endpoint).toBe("https://kms.internal.example:8443/");
    resetDefaultClient();
    await defaultKmsClient({ timeoutMs: 100, kmsEndpoint: "https://own.example" });
    expect(built[1]!.endpoint).toBe("https://own.example/");
  });

  it("is created once per process; resetDefaultClient forgets it and destroys it", async () => {
    const a = defaultKmsClient({ timeoutMs: 100 });
    const b = defaultKmsClient({ timeoutMs: 999, maxAttempts: 9 });
    expect(b).toBe(a);
    const client = await a;
    expect(built).toHaveLength(1);
    expect(built[0]!.maxAttempts).toBe(3);
    const destroy = vi.spyOn(client, "destroy");
    resetDefaultClient();
    await Promise.resolve();
    await Promise.resolve();
    expect(destroy).toHaveBeenCalledTimes(1);
    const c = await defaultKmsClient({ timeoutMs: 100 });
    expect(c).not.toBe(client);
    expect(built).toHaveLength(2);
  });

  it("a failed creation is not kept: the next call tries again", async () => {
    vi.stubEnv("AWS_CA_BUNDLE", join(dir, "missing.pem"));
    await expect(defaultKmsClient({ timeoutMs: 100 })).rejects.toThrow(/cannot read the CA bundle named by AWS_CA_BUNDLE/);
    vi.stubEnv("AWS_CA_BUNDLE", undefined);
    await expect(defaultKmsClient({ timeoutMs: 100 })).resolves.toBeDefined();
    expect(built).toHaveLength(1);
  });

  it("sdkDecrypt sends the blob and a copy of the context with the abort signal, and refuses an empty plaintext", async () => {
    const sent: Array<{ input: unknown; options: unknown }> = [];
    let out: { Plaintext?: Uint8Array } = { Plaintext: new Uint8Array([7]) };
    const client = { send: async (command: { input: unknown }, options: unknown) => (sent.push({ input: command.input, options }), out) };
    const signal = new AbortController().signal;
    const context = Object.freeze({ LambdaFunctionName: "orders-api" });
    const decrypt = sdkDecrypt(client as never, { timeoutMs: 100 });
    await expect(decrypt(new Uint8Array([1, 2]), context, signal)).resolves.toEqual(new Uint8Array([7]));
    expect(sent).toEqual([{ input: { CiphertextBlob: new Uint8Array([1, 2]), EncryptionContext: { LambdaFunctionName: "orders-api" } }, options: { abortSignal: signal } }]);
    expect((sent[0]!.input as { EncryptionContext: unknown }).EncryptionContext).not.toBe(context);
    expect(built).toHaveLength(0);
    out = {};
    await expect(decrypt(new Uint8Array([1]), {}, signal)).rejects.toMatchObject({ name: "EmptyPlaintext", message: "KMS returned no plaintext" });
  });
});
