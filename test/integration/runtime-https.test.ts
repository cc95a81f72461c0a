import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { loadSecrets, resetSecrets, UnsealError } from "../../src/runtime/index.js";
import { canary, expectNoCanary } from "../support/canary.js";

/** The bench's HTTPS fake KMS (real AES-GCM with the context as AAD, throwaway openssl certificate). */
interface FakeKms {
  url: string;
  caFile: string;
  counters: { connections: number; requests: number; leanRequests: number; servernames: string[] };
  seal(plaintext: string, functionName: string): string;
  close(): Promise<void>;
}
const FAKE_KMS = "../../bench/_fake-kms.mjs";

describe.each(["lean", "sdk"] as const)("envseal/runtime's own client over HTTPS (local fake KMS), %s path", (transport) => {
  let kms: FakeKms;
  beforeAll(async () => {
    const mod = (await import(/* @vite-ignore */ FAKE_KMS)) as { startFakeKms(o: { latencyMs: number }): Promise<FakeKms> };
    kms = await mod.startFakeKms({ latencyMs: 20 });
  });
  afterAll(async () => {
    await kms?.close();
  });
  beforeEach(() => {
    resetSecrets();
    vi.stubEnv("AWS_LAMBDA_FUNCTION_NAME", "https-fn");
    vi.stubEnv("AWS_REGION", "us-east-1");
    vi.stubEnv("AWS_ACCESS_KEY_ID", "AKIAIOSFODNN7EXAMPLE");
    vi.stubEnv("AWS_SECRET_ACCESS_KEY", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY");
    vi.stubEnv("AWS_ENDPOINT_URL", undefined);
    vi.stubEnv("AWS_ENDPOINT_URL_KMS", kms.url);
    vi.stubEnv("AWS_CA_BUNDLE", kms.caFile);
    vi.stubEnv("ENVSEAL_BUNDLE", undefined);
    vi.stubEnv("ENVSEAL_KMS_TRANSPORT", transport);
  });
  afterEach(() => {
    resetSecrets();
    vi.unstubAllEnvs();
  });

  it("sends SNI with a host name and none with an IP literal (RFC 6066)", async () => {
    const values = sealMany(1);
    await expect(loadSecrets()).resolves.toEqual(values);
    expect(kms.counters.servernames.at(-1)).toBe("localhost");
    resetSecrets();
    vi.stubEnv("AWS_ENDPOINT_URL_KMS", kms.url.replace("localhost", "127.0.0.1"));
    const warnings: string[] = [];
    const onWarning = (w: Error) => warnings.push(`${w.name}: ${w.message}`);
    process.on("warning", onWarning);
    try {
      await expect(loadSecrets()).resolves.toEqual(values);
    } finally {
      process.off("warning", onWarning);
    }
    expect(kms.counters.servernames.at(-1)).toBe("");
    expect(warnings.filter((w) => /ServerName|RFC 6066/.test(w))).toEqual([]);
  });

  function sealMany(n: number): Record<string, string> {
    const values: Record<string, string> = {};
    for (let i = 0; i < n; i++) {
      const name = `SECRET_${String(i).padStart(2, "0")}`;
      values[name] = canary(`s${i}`);
      vi.stubEnv(name, kms.seal(values[name], "https-fn"));
    }
    vi.stubEnv("ENVSEAL_SEALED", Object.keys(values).join(","));
    return values;
  }

  it("opens 16 values in parallel over at most maxConnections keep-alive connections; a warm call sends nothing", async () => {
    const values = sealMany(16);
    const before = { ...kms.counters };
    await expect(loadSecrets()).resolves.toEqual(values);
    expect(kms.counters.requests - before.requests).toBe(16);
    // The path asked for is the path taken (the lean path sends its own user-agent).
    expect(kms.counters.leanRequests - before.leanRequests).toBe(transport === "lean" ? 16 : 0);
    const conns = kms.counters.connections - before.connections;
    expect(conns).toBeGreaterThanOrEqual(1);
    expect(conns).toBeLessThanOrEqual(8);
    await loadSecrets();
    expect(kms.counters.requests - before.requests).toBe(16);
  });

  it("one connection when maxConnections is 1", async () => {
    const values = sealMany(4);
    const before = { ...kms.counters };
    await expect(loadSecrets({ maxConnections: 1 })).resolves.toEqual(values);
    expect(kms.counters.connections - before.connections).toBe(1);
  });

  it("refuses an endpoint whose certificate is not trusted, naming the variable", async () => {
    const values = sealMany(1);
    vi.stubEnv("AWS_CA_BUNDLE", undefined);
    const err = await loadSecrets().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UnsealError);
    expect(err).toMatchObject({ variable: "SECRET_00" });
    // The lean path says what was wrong with the peer; the SDK path says the TLS connection failed.
    expect((err as UnsealError).message).toMatch(
      transport === "lean" ? /^SECRET_00: KMS at localhost:\d+: the endpoint's certificate is self-signed and not trusted$/ : /TLS connection to KMS/,
    );
    expectNoCanary(Object.values(values), { message: (err as Error).message, cause: JSON.stringify((err as UnsealError).cause) });
  });

  it("aborts real requests at timeoutMs", async () => {
    sealMany(2);
    await expect(loadSecrets({ timeoutMs: 5 })).rejects.toMatchObject({ variable: "SECRET_00", code: "Timeout" });
  });

  it("the fake checks the context: values sealed for another function do not open", async () => {
    vi.stubEnv("AWS_LAMBDA_FUNCTION_NAME", "other-fn");
    sealMany(1);
    await expect(loadSecrets()).rejects.toMatchObject({ variable: "SECRET_00", code: "InvalidCiphertextException" });
  });
});
