import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import middy from "@middy/core";
import { getSecret, loadSecrets, withSecrets, UnsealError, type Secrets } from "../../src/runtime/index.js";
import { envsealMiddleware } from "../../src/runtime/middy.js";
import { fakeVault, type FakeVault } from "../support/runtime.js";
import { kmsBackends, resetRuntimeEnv } from "../support/runtime-backends.js";

const backends = kmsBackends();
const FN = "orders-api";

function lambdaContext(remainingMs: number) {
  return { functionName: FN, getRemainingTimeInMillis: () => remainingMs } as Record<string, unknown> & { getRemainingTimeInMillis: () => number };
}

describe.each(backends)("getSecret, withSecrets and the middy middleware ($transport)", (kms) => {
  beforeAll(() => kms.start());
  afterAll(() => kms.stop());
  let vault: FakeVault;
  beforeEach(() => {
    resetRuntimeEnv(FN);
    vault = fakeVault();
    vi.stubEnv("DB_PASSWORD", vault.seal("pw", FN));
    vi.stubEnv("API_KEY", vault.seal("ak", FN));
    vi.stubEnv("ENVSEAL_SEALED", "API_KEY,DB_PASSWORD");
    kms.reset();
    kms.install(vault);
  });
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it("getSecret returns one value and reuses the cache", async () => {
    await expect(getSecret("DB_PASSWORD")).resolves.toBe("pw");
    await expect(getSecret("API_KEY")).resolves.toBe("ak");
    expect(kms.calls()).toHaveLength(2);
  });

  it("getSecret finds a value opened earlier through options.names", async () => {
    vi.stubEnv("CONSOLE_TOKEN", vault.seal("tok", FN));
    await loadSecrets({ names: ["CONSOLE_TOKEN"] });
    await expect(getSecret("CONSOLE_TOKEN")).resolves.toBe("tok");
    expect(kms.calls()).toHaveLength(3);
  });

  it("getSecret rejects a name that is not sealed", async () => {
    const err = await getSecret("NOT_THERE").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UnsealError);
    expect(err).toMatchObject({ variable: "NOT_THERE", code: "NotSealed" });
  });

  it("withSecrets passes the secrets and decrypts only on the first invocation", async () => {
    const seen: Secrets[] = [];
    const handler = withSecrets(async (event: { n: number }, _context: unknown, secrets: Secrets) => {
      seen.push(secrets);
      return event.n + secrets.DB_PASSWORD!.length;
    });
    await expect(handler({ n: 1 }, lambdaContext(30_000))).resolves.toBe(3);
    await expect(handler({ n: 2 }, lambdaContext(30_000))).resolves.toBe(4);
    expect(seen[1]).toBe(seen[0]);
    expect(kms.calls()).toHaveLength(2);
  });

  it("withSecrets bounds the unseal by the invocation's remaining time, then retries on the next invocation", async () => {
    kms.hang();
    const inner = vi.fn(async () => "ran");
    const handler = withSecrets(inner, { reserveMs: 500 });
    // 600 ms left minus the 500 ms reserve: the unseal gets exactly 100 ms, and the error names the bound in force.
    const err = await handler({}, lambdaContext(600)).catch((e: unknown) => e);
    expect(err).toMatchObject({ name: "UnsealError", code: "Timeout" });
    expect((err as Error).message).toContain("timed out after 100 ms");
    expect(inner).not.toHaveBeenCalled();
    kms.install(vault);
    await expect(handler({}, lambdaContext(30_000))).resolves.toBe("ran");
  });

  it("the middy middleware sets context.secrets before the handler runs", async () => {
    const handler = middy()
      .use(envsealMiddleware())
      .handler(async (_event: unknown, context: Record<string, unknown>) => (context.secrets as Secrets).API_KEY);
    await expect(handler({}, lambdaContext(30_000) as never)).resolves.toBe("ak");
    await expect(handler({}, lambdaContext(30_000) as never)).resolves.toBe("ak");
    expect(kms.calls()).toHaveLength(2);
  });

  it("the middy middleware honours contextKey and fails the invocation on an unseal error", async () => {
    vi.stubEnv("DB_PASSWORD", vault.seal("pw", "other-fn"));
    const handler = middy()
      .use(envsealMiddleware({ contextKey: "vault" }))
      .handler(async (_event: unknown, context: Record<string, unknown>) => Object.keys(context.vault as Secrets));
    await expect(handler({}, lambdaContext(30_000) as never)).rejects.toMatchObject({ variable: "DB_PASSWORD", code: "InvalidCiphertextException" });
    vi.stubEnv("DB_PASSWORD", vault.seal("pw", FN));
    await expect(handler({}, lambdaContext(30_000) as never)).resolves.toEqual(["API_KEY", "DB_PASSWORD"]);
  });
});
