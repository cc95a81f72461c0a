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
