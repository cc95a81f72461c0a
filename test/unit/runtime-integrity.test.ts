/**
 * Wire format v2 in the runtime: a value opens only under the variable it was sealed for. Property: no permutation of
 * names and ciphertexts in a v2 configuration opens under a wrong name; marking a v2 value v1 (or the reverse) only
 * makes KMS refuse it; `required` fails closed on a name dropped from the manifest; a bundle older than
 * `minBundleGeneration` is refused.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import fc from "fast-check";
import { mockClient } from "aws-sdk-client-mock";
import { DecryptCommand, KMSClient } from "@aws-sdk/client-kms";
import { loadSecrets, resetSecrets, UnsealError } from "../../src/runtime/index.js";
import { encodeBundleDocument } from "../../src/core/format.js";
import { fakeVault } from "../support/runtime.js";

const FN = "orders-api";
const kms = mockClient(KMSClient);
const client = new KMSClient({ region: "us-east-1" });

beforeEach(() => {
  resetSecrets();
  kms.reset();
  vi.stubEnv("AWS_LAMBDA_FUNCTION_NAME", FN);
  vi.stubEnv("ENVSEAL_BUNDLE", undefined);
  vi.stubEnv("ENVSEAL_SEALED", undefined);
});
afterEach(() => {
  resetSecrets();
  vi.unstubAllEnvs();
});

/** Put `vars` in the environment (and nothing else of envseal's). */
function setEnv(vars: Record<string, string>): void {
  for (const [k, v] of Object.entries(vars)) vi.stubEnv(k, v);
}

describe("v2 values open only under their own names", () => {
  it("no permutation of names and ciphertexts opens under a wrong name (property)", async () => {
    const names = fc.uniqueArray(fc.stringMatching(/^[A-Z][A-Z0-9_]{2,10}$/).filter((n) => !n.startsWith("AWS_") && !n.startsWith("ENVSEAL_") && !n.startsWith("LAMBDA_")), { minLength: 2, maxLength: 5 });
    await fc.assert(
      fc.asyncProperty(names.chain((ns) => fc.tuple(fc.constant(ns), fc.shuffledSubarray(ns, { minLength: ns.length, maxLength: ns.length }))), async ([ns, perm]) => {
        resetSecrets();
        kms.reset();
        const vault = fakeVault();
        vault.install(kms);
        const sealed = Object.fromEntries(ns.map((n) => [n, vault.seal(`value-of-${n}`, FN, n)]));
        // The attacker's edit: each name gets the ciphertext of perm's name at the same position.
        const swapped = Object.fromEntries(ns.map((n, i) => [n, sealed[perm[i]!]!]));
        for (const n of ns) vi.stubEnv(n, swapped[n]);
        vi.stubEnv("ENVSEAL_SEALED", ns.map((n) => `${n}:v2`).join(","));
        const identity = ns.every((n, i) => perm[i] === n);
        const result = await loadSecrets({ client }).then(
          (s) => ({ ok: true as const, s }),
          (e: unknown) => ({ ok: false as const, e }),
        );
        for (const n of ns) vi.stubEnv(n, undefined);
        if (identity) return result.ok && ns.every((n) => result.s[n] === `value-of-${n}`);
        return !result.ok && result.e instanceof UnsealError && (result.e as UnsealError).code === "InvalidCiphertextException";
      }),
      { numRuns: 60 },
    );
  });

  it("a swapped value fails naming the variable and saying it was sealed for another variable", async () => {
    const vault = fakeVault();
    vault.install(kms);
    setEnv({ DB_PASSWORD: vault.seal("pw", FN, "SENTRY_DSN"), SENTRY_DSN: vault.seal("dsn", FN, "DB_PASSWORD"), ENVSEAL_SEALED: "DB_PASSWORD:v2,SENTRY_DSN:v2" });
    const err = await loadSecrets({ client }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UnsealError);
    expect(err).toMatchObject({ variable: "DB_PASSWORD", code: "InvalidCiphertextException" });
    expect((err as Error).message).toBe(
      "DB_PASSWORD: does not open with encryption context LambdaFunctionName=orders-api, EnvsealVariable=DB_PASSWORD (InvalidCiphertextException): sealed for another variable or function? a value moved, swapped or renamed between variables fails here",
    );
    expect(kms.commandCalls(DecryptCommand).map((c) => c.args[0].input.EncryptionContext)).toContainEqual({ LambdaFunctionName: FN, EnvsealVariable: "DB_PASSWORD" });
  });

  it.each([
    ["a v2 value marked v1 (downgrade)", (v: ReturnType<typeof fakeVault>) => ({ DB_PASSWORD: v.seal("pw", FN, "DB_PASSWORD"), ENVSEAL_SEALED: "DB_PASSWORD" })],
    ["a v1 value marked v2", (v: ReturnType<typeof fakeVault>) => ({ DB_PASSWORD: v.seal("pw", FN), ENVSEAL_SEALED: "DB_PASSWORD:v2" })],
    ["the bundle's ciphertext under a variable's name", (v: ReturnType<typeof fakeVault>) => ({ DB_PASSWORD: v.seal('{"envseal":2}', FN, "ENVSEAL_BUNDLE"), ENVSEAL_SEALED: "DB_PASSWORD:v2" })],
    ["a variable's ciphertext as the bundle", (v: ReturnType<typeof fakeVault>) => ({ ENVSEAL_BUNDLE: v.seal("pw", FN, "DB_PASSWORD"), ENVSEAL_SEALED: "ENVSEAL_BUNDLE:v2" })],
  ])("%s: KMS refuses it", async (_label, make) => {
    const vault = fakeVault();
    vault.install(kms);
    setEnv(make(vault));
    await expect(loadSecrets({ client })).rejects.toMatchObject({ code: "InvalidCiphertextException" });
  });
});

describe("functions written by envseal 0.1 keep working", () => {
  it("a 0.1 manifest (bare names) and v1 values and a v1 bundle open with the function-only context", async () => {
    const vault = fakeVault();
    vault.install(kms);
    setEnv({ DB_PASSWORD: vault.seal("pw", FN), ENVSEAL_SEALED: "DB_PASSWORD", ENVSEAL_BUNDLE: vault.seal(JSON.stringify({ API_KEY: "k" }), FN) });
    await expect(loadSecrets({ client })).resolves.toEqual({ DB_PASSWORD: "pw", API_KEY: "k" });
    expect(kms.commandCalls(DecryptCommand).map((c) => c.args[0].input.EncryptionContext)).toEqual([{ LambdaFunctionName: FN }, { LambdaFunctionName: FN }]);
  });
});

describe("rollback and removal", () => {
  it("required: a name dropped from ENVSEAL_SEALED fails closed, naming it (code MissingSecret)", async () => {
    const vault = fakeVault();
    vault.install(kms);
    setEnv({ DB_PASSWORD: vault.seal("pw", FN, "DB_PASSWORD"), API_KEY: vault.seal("k", FN, "API_KEY"), ENVSEAL_SEALED: "API_KEY:v2" });
    await expect(loadSecrets({ client })).resolves.toEqual({ API_KEY: "k" });
    await expect(loadSecrets({ client, required: ["DB_PASSWORD", "API_KEY"] })).rejects.toMatchObject({
      code: "MissingSecret",
      variable: "DB_PASSWORD",
      message: "DB_PASSWORD is required but not sealed in this function (not in ENVSEAL_SEALED, options.names or the bundle)",
    });
    vi.stubEnv("ENVSEAL_SEALED", undefined);
    resetSecrets();
    await expect(loadSecrets({ client, required: ["API_KEY"] })).rejects.toMatchObject({ code: "MissingSecret" });
  });

  it("minBundleGeneration: an older bundle put back is refused; the current one opens", async () => {
    const vault = fakeVault();
    vault.install(kms);
    const doc = (generation: number) => Buffer.from(encodeBundleDocument({ DB_PASSWORD: `pw${generation}` }, { generation, sealedAt: "2026-11-30T07:00:00.000Z" })).toString("utf8");
    setEnv({ ENVSEAL_BUNDLE: vault.seal(doc(1), FN, "ENVSEAL_BUNDLE"), ENVSEAL_SEALED: "ENVSEAL_BUNDLE:v2" });
    await expect(loadSecrets({ client, minBundleGeneration: 2 })).rejects.toMatchObject({
      code: "BundleRolledBack",
      message: "ENVSEAL_BUNDLE is generation 1, sealed 2026-11-30T07:00:00.000Z: older than the handler's minBundleGeneration 2",
    });
    vi.stubEnv("ENVSEAL_BUNDLE", vault.seal(doc(2), FN, "ENVSEAL_BUNDLE"));
    resetSecrets();
    await expect(loadSecrets({ client, minBundleGeneration: 2 })).resolves.toEqual({ DB_PASSWORD: "pw2" });
  });
});
