/** Small runtime rules with exact answers: transport choice, the CA bundle, the cache key, getSecret with options, empty plaintext. */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { KMSClient } from "@aws-sdk/client-kms";
import { chooseDecrypt, transportOf } from "../../src/runtime/choose.js";
import { caBundle } from "../../src/runtime/env.js";
import { getSecret, loadSecrets, resetSecrets } from "../../src/runtime/load.js";

const dir = mkdtempSync(join(tmpdir(), "envseal-runtime-misc-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const blob = (n: number) => Buffer.alloc(120, n).toString("base64");

beforeEach(() => {
  resetSecrets();
  vi.stubEnv("AWS_LAMBDA_FUNCTION_NAME", "orders-api");
  vi.stubEnv("ENVSEAL_SEALED", "A1");
  vi.stubEnv("A1", blob(1));
});
afterEach(() => {
  vi.unstubAllEnvs();
  resetSecrets();
});

/** Answers every Decrypt at once with "v<first byte>", recording the calls and their options. */
function client(plaintext = true) {
  const calls: Array<{ input: { CiphertextBlob: Uint8Array; EncryptionContext: Record<string, string> }; options: { abortSignal?: unknown } }> = [];
  const c = {
    send: async (command: { input: { CiphertextBlob: Uint8Array; EncryptionContext: Record<string, string> } }, options: { abortSignal?: unknown }) => {
      calls.push({ input: command.input, options });
      return plaintext ? { Plaintext: new TextEncoder().encode(`v${command.input.CiphertextBlob[0]}`) } : {};
    },
  } as unknown as KMSClient;
  return { c, calls };
}

describe("transportOf and chooseDecrypt", () => {
  it("the option wins over ENVSEAL_KMS_TRANSPORT; empty means auto; anything else is refused, naming its source", () => {
    expect(transportOf("sdk", { ENVSEAL_KMS_TRANSPORT: "lean" })).toBe("sdk");
    expect(transportOf(undefined, { ENVSEAL_KMS_TRANSPORT: "lean" })).toBe("lean");
    expect(transportOf(undefined, { ENVSEAL_KMS_TRANSPORT: "" })).toBe("auto");
    expect(transportOf(undefined, {})).toBe("auto");
    expect(() => transportOf(undefined, { ENVSEAL_KMS_TRANSPORT: "fast" })).toThrow(
      expect.objectContaining({
        message: "ENVSEAL_KMS_TRANSPORT must be one of auto, lean, sdk",
        variable: "ENVSEAL_KMS_TRANSPORT",
        code: "InvalidOption",
        hint: "set ENVSEAL_KMS_TRANSPORT to auto (the default), lean or sdk",
      }),
    );
    expect(() => transportOf("fast" as never, {})).toThrow(expect.objectContaining({ message: "kmsTransport must be one of auto, lean, sdk", variable: "kmsTransport" }));
  });

  it("lean forced without static credentials rejects every Decrypt with NoCredentials", async () => {
    vi.stubEnv("AWS_ACCESS_KEY_ID", "");
    vi.stubEnv("AWS_SECRET_ACCESS_KEY", "");
    const decrypt = chooseDecrypt(undefined, "lean", { timeoutMs: 100 });
    await expect(decrypt(new Uint8Array([1]), {}, new AbortController().signal)).rejects.toMatchObject({
      name: "AwsError",
      code: "NoCredentials",
      operation: "kms:Decrypt",
      message: "kmsTransport is lean, but the environment holds no static credentials and region (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_REGION)",
      hint: 'run inside Lambda (which sets them), set them, or use kmsTransport: "sdk" for the SDK\'s credential chain',
    });
  });
});

describe("caBundle", () => {
  it("reads AWS_CA_BUNDLE as UTF-8 text, nothing when unset, and names an unreadable file", () => {
    const pem = join(dir, "ca.pem");
    writeFileSync(pem, "-----BEGIN CERTIFICATE-----\né\n");
    vi.stubEnv("AWS_CA_BUNDLE", pem);
    expect(caBundle()).toBe("-----BEGIN CERTIFICATE-----\né\n");
    vi.stubEnv("AWS_CA_BUNDLE", "");
    expect(caBundle()).toBeUndefined();
    const missing = join(dir, "missing.pem");
    vi.stubEnv("AWS_CA_BUNDLE", missing);
    expect(() => caBundle()).toThrow(expect.objectContaining({ message: `cannot read the CA bundle named by AWS_CA_BUNDLE (${missing})`, hint: "point AWS_CA_BUNDLE at a readable PEM file" }));
  });
});

describe("loadSecrets and getSecret", () => {
  it("sends each Decrypt with the context and the abort signal", async () => {
    const k = client();
    await loadSecrets({ client: k.c });
    expect(k.calls).toHaveLength(1);
    expect(k.calls[0]!.input.EncryptionContext).toEqual({ LambdaFunctionName: "orders-api" });
    expect(k.calls[0]!.options.abortSignal).toBeInstanceOf(AbortSignal);
  });

  it("names joined differently are different cache entries (ABC+DE is not AB+CDE)", async () => {
    for (const [n, v] of [["ABC", 3], ["DE", 4], ["AB", 5], ["CDE", 6]] as const) vi.stubEnv(n, blob(v));
    vi.stubEnv("ENVSEAL_SEALED", "");
    const k = client();
    const first = await loadSecrets({ client: k.c, names: ["ABC", "DE"] });
    const second = await loadSecrets({ client: k.c, names: ["AB", "CDE"] });
    expect(first).toEqual({ ABC: "v3", DE: "v4" });
    expect(second).toEqual({ AB: "v5", CDE: "v6" });
  });

  it("getSecret with options loads that set only, ignoring what other sets opened", async () => {
    vi.stubEnv("B1", blob(2));
    const k = client();
    await loadSecrets({ client: k.c, names: ["B1"] });
    await expect(getSecret("B1")).resolves.toBe("v2");
    await expect(getSecret("B1", { client: k.c })).rejects.toMatchObject({
      code: "NotSealed",
      hint: "add it with `envseal push` (or `envseal adopt` for console-sealed values), or pass it in options.names",
    });
  });

  it("getSecret without options while a load is in flight joins it", async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const slow = { send: async () => (await gate, { Plaintext: new TextEncoder().encode("late") }) } as unknown as KMSClient;
    const p = loadSecrets({ client: slow });
    const g = getSecret("A1");
    release();
    await expect(p).resolves.toEqual({ A1: "late" });
    await expect(g).resolves.toBe("late");
  });

  it("an answer without a plaintext is EmptyPlaintext for that variable", async () => {
    await expect(loadSecrets({ client: client(false).c })).rejects.toMatchObject({ code: "EmptyPlaintext", variable: "A1", message: "A1: KMS answered without a plaintext" });
  });
});

describe("runtimeState", () => {
  it("is created on first use with an empty cache, then shared", async () => {
    const { runtimeState } = await import("../../src/runtime/state.js");
    const g = globalThis as Record<symbol, unknown>;
    const KEY = Symbol.for("envseal.runtime.state/1");
    const saved = g[KEY];
    delete g[KEY];
    const fresh = runtimeState();
    const again = runtimeState();
    g[KEY] = saved;
    expect(fresh.cache).toBeInstanceOf(Map);
    expect(fresh.cache.size).toBe(0);
    expect(again).toBe(fresh);
    expect(runtimeState()).toBe(saved);
  });
});

describe("kmsEndpointFromEnv and insideLambda", () => {
  it("the explicit endpoint wins and is checked under its own name; inside Lambda the environment is not consulted", async () => {
    const { insideLambda, kmsEndpointFromEnv } = await import("../../src/runtime/env.js");
    expect(insideLambda({ AWS_LAMBDA_RUNTIME_API: "127.0.0.1:9001" })).toBe(true);
    expect(insideLambda({})).toBe(false);
    expect(kmsEndpointFromEnv({ AWS_ENDPOINT_URL_KMS: "https://env.example" }, "https://own.example")).toBe("https://own.example/");
    expect(kmsEndpointFromEnv({ AWS_LAMBDA_RUNTIME_API: "127.0.0.1:9001" }, "https://own.example")).toBe("https://own.example/");
    expect(() => kmsEndpointFromEnv({}, "http://kms.example.com")).toThrow("kmsEndpoint uses http to kms.example.com; envseal requires HTTPS");
    expect(kmsEndpointFromEnv({ AWS_LAMBDA_RUNTIME_API: "127.0.0.1:9001", AWS_ENDPOINT_URL_KMS: "https://env.example" })).toBeUndefined();
    expect(kmsEndpointFromEnv({ AWS_ENDPOINT_URL_KMS: "https://env.example" })).toBe("https://env.example/");
    expect(kmsEndpointFromEnv({})).toBeUndefined();
  });
});
