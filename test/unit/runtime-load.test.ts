import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { KMSClient, type DecryptCommandInput } from "@aws-sdk/client-kms";
import { loadSecrets, resetSecrets, UnsealError } from "../../src/runtime/index.js";
import { fakeVault, kmsError, type FakeVault } from "../support/runtime.js";
import { kmsBackends, resetRuntimeEnv } from "../support/runtime-backends.js";

const backends = kmsBackends();
const FN = "orders-api";

describe.each(backends)("loadSecrets ($transport)", (kms) => {
  beforeAll(() => kms.start());
  afterAll(() => kms.stop());
  let vault: FakeVault;
  beforeEach(() => {
    resetRuntimeEnv(FN);
    vault = fakeVault();
    kms.reset();
    kms.install(vault);
  });
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  function seal(vars: Record<string, string>, fn = FN): void {
    for (const [name, value] of Object.entries(vars)) vi.stubEnv(name, vault.seal(value, fn));
    vi.stubEnv("ENVSEAL_SEALED", Object.keys(vars).sort().join(","));
  }

  it("opens every manifest name with the function-name context and returns a frozen object", async () => {
    seal({ DB_PASSWORD: "pw-1", API_KEY: "key-2" });
    const secrets = await loadSecrets();
    expect(secrets).toEqual({ API_KEY: "key-2", DB_PASSWORD: "pw-1" });
    expect(Object.isFrozen(secrets)).toBe(true);
    const calls = kms.calls();
    expect(calls).toHaveLength(2);
    for (const call of calls) {
      expect(call.EncryptionContext).toEqual({ LambdaFunctionName: FN });
      expect(call.CiphertextBlob).toBeInstanceOf(Uint8Array);
    }
    const sent = calls.map((c) => Buffer.from(c.CiphertextBlob as Uint8Array).toString("base64")).sort();
    expect(sent).toEqual([process.env.API_KEY, process.env.DB_PASSWORD].sort());
  });

  it("makes no KMS call on a second (warm) invocation and returns the same object", async () => {
    seal({ A_SECRET: "a", B_SECRET: "b", C_SECRET: "c" });
    const first = await loadSecrets();
    expect(kms.calls()).toHaveLength(3);
    const second = await loadSecrets();
    expect(second).toBe(first);
    expect(kms.calls()).toHaveLength(3);
  });

  it("shares one set of Decrypts between concurrent first callers", async () => {
    seal({ A_SECRET: "a", B_SECRET: "b" });
    const results = await Promise.all([loadSecrets(), loadSecrets(), loadSecrets(), loadSecrets()]);
    expect(kms.calls()).toHaveLength(2);
    for (const r of results) expect(r).toBe(results[0]);
  });

  it("does not cache a failure: the next call retries and succeeds", async () => {
    seal({ DB_PASSWORD: "pw" });
    // Not retried by either path, so the first call fails.
    kms.rejectsOnce(kmsError("AccessDeniedException", "denied", 400));
    await expect(loadSecrets()).rejects.toMatchObject({ name: "UnsealError", variable: "DB_PASSWORD", code: "AccessDeniedException" });
    kms.install(vault);
    await expect(loadSecrets()).resolves.toEqual({ DB_PASSWORD: "pw" });
    expect(kms.calls()).toHaveLength(2);
  });

  it("opens the manifest, every bundle entry and options.names together", async () => {
    seal({ DB_PASSWORD: "pw" });
    vi.stubEnv("CONSOLE_TOKEN", vault.seal("tok", FN));
    vi.stubEnv("ENVSEAL_BUNDLE", vault.seal(JSON.stringify({ STRIPE_KEY: "sk", SMTP_PASS: "smtp" }), FN));
    const secrets = await loadSecrets({ names: ["CONSOLE_TOKEN"] });
    expect(secrets).toEqual({ CONSOLE_TOKEN: "tok", DB_PASSWORD: "pw", SMTP_PASS: "smtp", STRIPE_KEY: "sk" });
    expect(kms.calls()).toHaveLength(3);
  });

  it("opens a bundle alone with one Decrypt", async () => {
    vi.stubEnv("ENVSEAL_BUNDLE", vault.seal(JSON.stringify({ A_SECRET: "a", B_SECRET: "b" }), FN));
    await expect(loadSecrets()).resolves.toEqual({ A_SECRET: "a", B_SECRET: "b" });
    expect(kms.calls()).toHaveLength(1);
  });

  it("uses options.functionName (a name or an ARN) for the context", async () => {
    seal({ DB_PASSWORD: "pw" }, "billing");
    const arn = "arn:aws:lambda:us-east-1:123456789012:function:billing:live";
    await expect(loadSecrets({ functionName: arn })).resolves.toEqual({ DB_PASSWORD: "pw" });
    expect(kms.calls()[0]?.EncryptionContext).toEqual({ LambdaFunctionName: "billing" });
  });

  it("fails hard, before any KMS call, when there is no function name for the context", async () => {
    seal({ DB_PASSWORD: "pw" });
    vi.stubEnv("AWS_LAMBDA_FUNCTION_NAME", undefined);
    const err = await loadSecrets().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UnsealError);
    expect(err).toMatchObject({ variable: "AWS_LAMBDA_FUNCTION_NAME", code: "NoFunctionName" });
    expect((err as Error).message).toMatch(/no function name/);
    expect(kms.calls()).toHaveLength(0);
  });

  it("returns an empty frozen object without a KMS call when nothing is sealed", async () => {
    vi.stubEnv("AWS_LAMBDA_FUNCTION_NAME", undefined);
    const secrets = await loadSecrets();
    expect(secrets).toEqual({});
    expect(Object.isFrozen(secrets)).toBe(true);
    expect(kms.calls()).toHaveLength(0);
  });

  it("caches per set of names: another names list opens again, the same list does not", async () => {
    seal({ DB_PASSWORD: "pw" });
    vi.stubEnv("CONSOLE_TOKEN", vault.seal("tok", FN));
    await loadSecrets();
    await loadSecrets({ names: ["CONSOLE_TOKEN"] });
    await loadSecrets({ names: ["CONSOLE_TOKEN"] });
    expect(kms.calls()).toHaveLength(3);
  });

  it("resetSecrets forgets the cache so the next call decrypts again", async () => {
    seal({ DB_PASSWORD: "pw" });
    await loadSecrets();
    resetSecrets();
    await loadSecrets();
    expect(kms.calls()).toHaveLength(2);
  });

  it("fails on a manifest name whose variable is missing or not ciphertext, before any KMS call", async () => {
    vi.stubEnv("ENVSEAL_SEALED", "DB_PASSWORD");
    await expect(loadSecrets()).rejects.toMatchObject({ variable: "DB_PASSWORD", code: "MissingVariable" });
    vi.stubEnv("DB_PASSWORD", "not base64 at all!");
    await expect(loadSecrets()).rejects.toMatchObject({ variable: "DB_PASSWORD", code: "NotCiphertext" });
    expect(kms.calls()).toHaveLength(0);
  });

  it("refuses a name that is both in the bundle and sealed on its own", async () => {
    seal({ DB_PASSWORD: "pw" });
    vi.stubEnv("ENVSEAL_BUNDLE", vault.seal(JSON.stringify({ DB_PASSWORD: "other" }), FN));
    await expect(loadSecrets()).rejects.toMatchObject({ variable: "DB_PASSWORD", code: "Conflict" });
  });

  it("aborts at timeoutMs even when the client never answers", async () => {
    seal({ DB_PASSWORD: "pw" });
    kms.hang();
    const started = Date.now();
    await expect(loadSecrets({ timeoutMs: 50 })).rejects.toMatchObject({ variable: "DB_PASSWORD", code: "Timeout" });
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it("writes into process.env only with exportToEnv", async () => {
    seal({ DB_PASSWORD: "pw-x" });
    const sealed = process.env.DB_PASSWORD;
    await loadSecrets();
    expect(process.env.DB_PASSWORD).toBe(sealed);
    await loadSecrets({ exportToEnv: true });
    expect(process.env.DB_PASSWORD).toBe("pw-x");
    expect(kms.calls()).toHaveLength(1);
  });

  it("uses a caller's own KMSClient as it is, whatever the default path", async () => {
    seal({ DB_PASSWORD: "pw" });
    const client = new KMSClient({ region: "eu-west-1" });
    const send = vi.spyOn(client, "send").mockImplementation((async (command: { input: DecryptCommandInput }) => vault.open(command.input)) as never);
    await expect(loadSecrets({ client })).resolves.toEqual({ DB_PASSWORD: "pw" });
    expect(send).toHaveBeenCalledTimes(1);
    expect(kms.calls()).toHaveLength(0);
  });

  it("refuses a plain-http KMS endpoint that is not loopback, before any call", async () => {
    seal({ DB_PASSWORD: "pw" });
    vi.stubEnv("AWS_ENDPOINT_URL_KMS", "http://kms.example.com");
    await expect(loadSecrets()).rejects.toMatchObject({ variable: "DB_PASSWORD", code: "InsecureEndpoint" });
    expect(kms.calls()).toHaveLength(0);
  });
});
