/** The runtime cache with a scripted KMS client: shared loads, a shorter bound for a caller who joins, cache keys, getSecret. */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { KMSClient } from "@aws-sdk/client-kms";
import { getSecret, loadSecrets, resetSecrets } from "../../src/runtime/load.js";

const blob = (n: number) => Buffer.alloc(120, n).toString("base64");

/** A KMS client whose Decrypt answers when the test says so. */
function scriptedClient() {
  const pending: Array<{ resolve: (v: { Plaintext: Uint8Array }) => void; input: { CiphertextBlob: Uint8Array; EncryptionContext: Record<string, string> } }> = [];
  const client = {
    send: (command: { input: { CiphertextBlob: Uint8Array; EncryptionContext: Record<string, string> } }) =>
      new Promise((resolve) => pending.push({ resolve: resolve as never, input: command.input })),
  } as unknown as KMSClient;
  const answerAll = (text = "pw") => {
    for (const p of pending.splice(0)) p.resolve({ Plaintext: new TextEncoder().encode(`${text}-${p.input.CiphertextBlob[0]}`) });
  };
  return { client, pending, answerAll };
}

beforeEach(() => {
  resetSecrets();
  vi.stubEnv("AWS_LAMBDA_FUNCTION_NAME", "orders-api");
  vi.stubEnv("ENVSEAL_SEALED", "A1");
  vi.stubEnv("A1", blob(1));
  vi.stubEnv("B1", blob(2));
});
afterEach(() => {
  vi.unstubAllEnvs();
  resetSecrets();
});

describe("runtime cache", () => {
  it("a caller joining a load in flight waits at most its own timeoutMs, then gets a Timeout naming the bound", async () => {
    const kms = scriptedClient();
    const first = loadSecrets({ client: kms.client, timeoutMs: 60_000 });
    const joined = loadSecrets({ client: kms.client, timeoutMs: 25 });
    await expect(joined).rejects.toMatchObject({
      name: "UnsealError",
      code: "Timeout",
      variable: "ENVSEAL_SEALED",
      message: "ENVSEAL_SEALED: the secrets did not open within 25 ms",
      hint: "raise timeoutMs (or the function's timeout), and check the network path to KMS (VPC endpoint or NAT)",
    });
    await vi.waitFor(() => expect(kms.pending).toHaveLength(1));
    kms.answerAll();
    await expect(first).resolves.toEqual({ A1: "pw-1" });
    // Settled: later callers get the value at once, whatever their bound.
    await expect(loadSecrets({ client: kms.client, timeoutMs: 1 })).resolves.toEqual({ A1: "pw-1" });
  });

  it("a joining caller within its bound gets the shared result, with one Decrypt per value", async () => {
    const kms = scriptedClient();
    const a = loadSecrets({ client: kms.client });
    const b = loadSecrets({ client: kms.client, timeoutMs: 60_000 });
    await vi.waitFor(() => expect(kms.pending).toHaveLength(1));
    kms.answerAll();
    const [ra, rb] = await Promise.all([a, b]);
    expect(rb).toBe(ra);
  });

  it("names are a set: order and repeats share one cache entry; another function name does not", async () => {
    const kms = scriptedClient();
    const one = loadSecrets({ client: kms.client, names: ["B1", "A1"] });
    const two = loadSecrets({ client: kms.client, names: ["A1", "B1", "B1"] });
    await vi.waitFor(() => expect(kms.pending).toHaveLength(2));
    expect(kms.pending.map((p) => p.input.CiphertextBlob[0])).toEqual([1, 2]);
    expect(kms.pending.map((p) => p.input.EncryptionContext)).toEqual([{ LambdaFunctionName: "orders-api" }, { LambdaFunctionName: "orders-api" }]);
    kms.answerAll();
    expect(await two).toBe(await one);
    const other = loadSecrets({ client: kms.client, names: ["A1", "B1"], functionName: "other-fn" });
    await vi.waitFor(() => expect(kms.pending).toHaveLength(2));
    expect(kms.pending.map((p) => p.input.EncryptionContext)).toEqual([{ LambdaFunctionName: "other-fn" }, { LambdaFunctionName: "other-fn" }]);
    kms.answerAll("o");
    await expect(other).resolves.toEqual({ A1: "o-1", B1: "o-2" });
  });

  it("getSecret looks in every opened set first; a name nowhere is NotSealed, its name cut to 64 characters", async () => {
    const kms = scriptedClient();
    const p = loadSecrets({ client: kms.client, names: ["B1"] });
    await vi.waitFor(() => expect(kms.pending).toHaveLength(2));
    kms.answerAll();
    await p;
    await expect(getSecret("B1")).resolves.toBe("pw-2");
    expect(kms.pending).toHaveLength(0);
    const long = `N${"X".repeat(99)}`;
    await expect(getSecret(long, { client: kms.client, names: ["B1"] })).rejects.toMatchObject({
      code: "NotSealed",
      variable: long.slice(0, 64),
      message: `${long.slice(0, 64)} is not a sealed variable of this function`,
    });
  });

  it("exportToEnv writes the opened values into process.env, also for a warm call", async () => {
    const kms = scriptedClient();
    const p = loadSecrets({ client: kms.client, exportToEnv: true });
    await vi.waitFor(() => expect(kms.pending).toHaveLength(1));
    kms.answerAll();
    await p;
    expect(process.env.A1).toBe("pw-1");
    vi.stubEnv("A1", blob(1));
    await loadSecrets({ client: kms.client, exportToEnv: true });
    expect(process.env.A1).toBe("pw-1");
  });
});

/** A KMS client whose Decrypts the test answers or fails, one by one. */
function controlledClient() {
  const pending: Array<{ resolve: (v: { Plaintext: Uint8Array }) => void; reject: (e: Error) => void; tag: number; context: Record<string, string> }> = [];
  const client = {
    send: (command: { input: { CiphertextBlob: Uint8Array; EncryptionContext: Record<string, string> } }) =>
      new Promise((resolve, reject) => pending.push({ resolve: resolve as never, reject, tag: command.input.CiphertextBlob[0]!, context: command.input.EncryptionContext })),
  } as unknown as KMSClient;
  const answerAll = () => {
    for (const p of pending.splice(0)) p.resolve({ Plaintext: new TextEncoder().encode(`pw-${p.tag}`) });
  };
  const failAll = (name: string) => {
    for (const p of pending.splice(0)) p.reject(Object.assign(new Error(`${name} from the test`), { name, $metadata: { httpStatusCode: 400 } }));
  };
  return { client, pending, answerAll, failAll };
}

describe("runtime cache keys and failures", () => {
  it("minBundleGeneration and kmsEndpoint are part of the key: each value opens on its own", async () => {
    const kms = controlledClient();
    const plain = loadSecrets({ client: kms.client });
    await vi.waitFor(() => expect(kms.pending).toHaveLength(1));
    kms.answerAll();
    await plain;
    const withMin = loadSecrets({ client: kms.client, minBundleGeneration: 1 });
    await vi.waitFor(() => expect(kms.pending).toHaveLength(1));
    kms.answerAll();
    await expect(withMin).resolves.toEqual({ A1: "pw-1" });
    const withEndpoint = loadSecrets({ client: kms.client, kmsEndpoint: "https://kms.internal.example" });
    await vi.waitFor(() => expect(kms.pending).toHaveLength(1));
    kms.answerAll();
    await expect(withEndpoint).resolves.toEqual({ A1: "pw-1" });
    // Each is cached under its own key now.
    await loadSecrets({ client: kms.client, minBundleGeneration: 1 });
    await loadSecrets({ client: kms.client, kmsEndpoint: "https://kms.internal.example" });
    expect(kms.pending).toHaveLength(0);
  });

  it("the key's parts cannot run into each other (function name, names)", async () => {
    vi.stubEnv("A1B1", blob(3));
    const kms = controlledClient();
    const a = loadSecrets({ client: kms.client, functionName: "orders-api", names: ["B1"] });
    await vi.waitFor(() => expect(kms.pending).toHaveLength(2));
    kms.answerAll();
    await a;
    const b = loadSecrets({ client: kms.client, functionName: "orders-apiB1" });
    await vi.waitFor(() => expect(kms.pending).toHaveLength(1));
    expect(kms.pending[0]!.context).toEqual({ LambdaFunctionName: "orders-apiB1" });
    kms.answerAll();
    await b;
    const c = loadSecrets({ client: kms.client, names: ["A1", "B1"] });
    await vi.waitFor(() => expect(kms.pending).toHaveLength(2));
    kms.answerAll();
    await expect(c).resolves.toEqual({ A1: "pw-1", B1: "pw-2" });
    const d = loadSecrets({ client: kms.client, names: ["A1B1"] });
    await vi.waitFor(() => expect(kms.pending).toHaveLength(2));
    kms.answerAll();
    await expect(d).resolves.toEqual({ A1: "pw-1", A1B1: "pw-3" });
  });

  it("a caller who joined a load that fails gets its error at once, not a Timeout", async () => {
    const kms = controlledClient();
    const first = loadSecrets({ client: kms.client });
    const joined = loadSecrets({ client: kms.client, timeoutMs: 2000 });
    await vi.waitFor(() => expect(kms.pending).toHaveLength(1));
    kms.failAll("AccessDeniedException");
    await expect(first).rejects.toMatchObject({ code: "AccessDeniedException" });
    await expect(joined).rejects.toMatchObject({ code: "AccessDeniedException" });
  });

  it("a failure is not cached, and a stale failure never evicts the load that replaced it", async () => {
    const kms = controlledClient();
    const stale = loadSecrets({ client: kms.client });
    await vi.waitFor(() => expect(kms.pending).toHaveLength(1));
    const staleCall = kms.pending.splice(0);
    resetSecrets();
    const fresh = loadSecrets({ client: kms.client });
    await vi.waitFor(() => expect(kms.pending).toHaveLength(1));
    kms.answerAll();
    await expect(fresh).resolves.toEqual({ A1: "pw-1" });
    staleCall[0]!.reject(Object.assign(new Error("late"), { name: "AccessDeniedException" }));
    await expect(stale).rejects.toMatchObject({ code: "AccessDeniedException" });
    await expect(loadSecrets({ client: kms.client })).resolves.toEqual({ A1: "pw-1" });
    expect(kms.pending).toHaveLength(0);
    // A failure of the current load is evicted: the next call asks KMS again.
    resetSecrets();
    const failing = loadSecrets({ client: kms.client });
    await vi.waitFor(() => expect(kms.pending).toHaveLength(1));
    kms.failAll("KMSInternalException");
    await expect(failing).rejects.toMatchObject({ code: "KMSInternalException" });
    const retry = loadSecrets({ client: kms.client });
    await vi.waitFor(() => expect(kms.pending).toHaveLength(1));
    kms.answerAll();
    await expect(retry).resolves.toEqual({ A1: "pw-1" });
  });

  it("required: all present opens; several missing are listed, each name cut to 64 characters", async () => {
    const kms = controlledClient();
    const ok = loadSecrets({ client: kms.client, required: ["A1"] });
    await vi.waitFor(() => expect(kms.pending).toHaveLength(1));
    kms.answerAll();
    await expect(ok).resolves.toEqual({ A1: "pw-1" });
    const long = `L${"Y".repeat(80)}`;
    await expect(loadSecrets({ client: kms.client, required: ["A1", long, "B9"] })).rejects.toMatchObject({
      code: "MissingSecret",
      variable: long.slice(0, 64),
      message: `${long.slice(0, 64)}, B9 are required but not sealed in this function (not in ENVSEAL_SEALED, options.names or the bundle)`,
      hint: "push it with envseal; a name dropped from ENVSEAL_SEALED (or the bundle) by a configuration edit is refused here",
    });
  });
});
