import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { inspect } from "node:util";
import { loadSecrets, resetSecrets, UnsealError } from "../../src/runtime/index.js";
import { canary, expectNoCanary } from "../support/canary.js";
import { fakeVault, kmsError, type FakeVault } from "../support/runtime.js";
import { kmsBackends, resetRuntimeEnv } from "../support/runtime-backends.js";

const backends = kmsBackends();
const FN = "orders-api";
const KEY = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";

/** Everything an error exposes: message, hint, cause, inspect output and JSON. */
function surfaces(err: unknown): Record<string, string> {
  const e = err as UnsealError;
  return {
    message: e.message,
    hint: String(e.hint),
    cause: JSON.stringify(e.cause ?? null),
    inspect: inspect(e, { depth: 10, showHidden: true }),
    json: JSON.stringify(e),
    stack: String(e.stack),
  };
}

describe.each(backends)("loadSecrets errors ($transport)", (kms) => {
  beforeAll(() => kms.start());
  afterAll(() => kms.stop());
  let vault: FakeVault;
  beforeEach(() => {
    resetRuntimeEnv(FN);
    vault = fakeVault();
    kms.reset();
  });
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  const table: { kms: string; message?: string; code: string; text: RegExp }[] = [
    { kms: "InvalidCiphertextException", code: "InvalidCiphertextException", text: /^DB_PASSWORD: .*LambdaFunctionName=orders-api.*sealed for another function name\? see `envseal copy`$/ },
    {
      kms: "AccessDeniedException",
      message: `User: arn:aws:sts::123456789012:assumed-role/r/orders-api is not authorized to perform: kms:Decrypt on resource: ${KEY} because no identity-based policy allows the kms:Decrypt action`,
      code: "AccessDeniedException",
      text: new RegExp(`^DB_PASSWORD: the execution role lacks kms:Decrypt on ${KEY.replace(/[/.]/g, "\\$&")}; see \`envseal policy\`$`),
    },
    { kms: "AccessDeniedException", message: "denied", code: "AccessDeniedException", text: /^DB_PASSWORD: the execution role lacks kms:Decrypt on the KMS key it was sealed with; see `envseal policy`$/ },
    { kms: "DisabledException", message: `${KEY} is disabled.`, code: "DisabledException", text: /DB_PASSWORD: KMS key arn:aws:kms:.* is disabled/ },
    { kms: "NotFoundException", code: "NotFoundException", text: /DB_PASSWORD: the KMS key it was sealed with was not found/ },
    { kms: "KMSInvalidStateException", code: "KMSInvalidStateException", text: /DB_PASSWORD: .*pending deletion/ },
    { kms: "ThrottlingException", code: "ThrottlingException", text: /DB_PASSWORD: KMS throttled kms:Decrypt and the retries ran out/ },
    { kms: "TimeoutError", code: "Timeout", text: /DB_PASSWORD: kms:Decrypt timed out after 5000 ms/ },
    { kms: "KMSInternalException", code: "KMSInternalException", text: /DB_PASSWORD: KMS could not use the key just now/ },
    { kms: "SomethingNew", code: "SomethingNew", text: /DB_PASSWORD: kms:Decrypt failed \(SomethingNew, HTTP 400\)/ },
  ];

  it.each(table)("maps $kms to an UnsealError naming the variable ($code)", async (row) => {
    vi.stubEnv("DB_PASSWORD", vault.seal("pw", FN));
    vi.stubEnv("ENVSEAL_SEALED", "DB_PASSWORD");
    kms.rejects(kmsError(row.kms, row.message));
    const err = await loadSecrets().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UnsealError);
    expect(err).toMatchObject({ name: "UnsealError", variable: "DB_PASSWORD", code: row.code });
    expect((err as Error).message).toMatch(row.text);
    expect((err as UnsealError).cause).toMatchObject({ name: row.kms, requestId: "req-1" });
  });

  it("maps a network failure with the Node error code", async () => {
    vi.stubEnv("DB_PASSWORD", vault.seal("pw", FN));
    vi.stubEnv("ENVSEAL_SEALED", "DB_PASSWORD");
    kms.refuse();
    await expect(loadSecrets()).rejects.toMatchObject({ variable: "DB_PASSWORD", code: "ECONNREFUSED" });
  });

  it("opens nothing sealed for another function name, naming the variable", async () => {
    kms.install(vault);
    vi.stubEnv("DB_PASSWORD", vault.seal("pw", "another-fn"));
    vi.stubEnv("ENVSEAL_SEALED", "DB_PASSWORD");
    await expect(loadSecrets()).rejects.toMatchObject({ variable: "DB_PASSWORD", code: "InvalidCiphertextException" });
  });

  it("names the first failing variable in plan order, whatever order KMS answers in", async () => {
    vi.stubEnv("A_SECRET", vault.seal("a", "other-fn"));
    vi.stubEnv("B_SECRET", vault.seal("b", "other-fn"));
    vi.stubEnv("ENVSEAL_SEALED", "A_SECRET,B_SECRET");
    // A_SECRET's answer comes last.
    kms.answer(async (input: { CiphertextBlob: Uint8Array }) => {
      const slow = Buffer.from(input.CiphertextBlob).toString("base64") === process.env.A_SECRET;
      await new Promise((r) => setTimeout(r, slow ? 40 : 1));
      throw kmsError("InvalidCiphertextException", "");
    });
    await expect(loadSecrets()).rejects.toMatchObject({ variable: "A_SECRET", code: "InvalidCiphertextException" });
  });

  it("never puts a value in a message, hint or cause (canaries on every failing path)", async () => {
    kms.install(vault);
    const planted: string[] = [];
    const failures: unknown[] = [];
    const attempt = async (setup: () => void) => {
      resetSecrets();
      vi.stubEnv("ENVSEAL_SEALED", undefined);
      vi.stubEnv("ENVSEAL_BUNDLE", undefined);
      setup();
      failures.push(await loadSecrets().then(() => new Error("expected a failure"), (e: unknown) => e));
    };
    // The bundle opens but an entry is not a string, next to a valid secret.
    await attempt(() => {
      const c = canary("bundle");
      planted.push(c);
      vi.stubEnv("ENVSEAL_BUNDLE", vault.seal(JSON.stringify({ OK_SECRET: c, BAD: { nested: c } }), FN));
    });
    // The bundle opens but is not JSON.
    await attempt(() => {
      const c = canary("notjson");
      planted.push(c);
      vi.stubEnv("ENVSEAL_BUNDLE", vault.seal(`{"A": "${c}"`, FN));
    });
    // A conflict between the bundle and a sealed variable.
    await attempt(() => {
      const [a, b] = [canary("conflictA"), canary("conflictB")];
      planted.push(a, b);
      vi.stubEnv("DB_PASSWORD", vault.seal(a, FN));
      vi.stubEnv("ENVSEAL_SEALED", "DB_PASSWORD");
      vi.stubEnv("ENVSEAL_BUNDLE", vault.seal(JSON.stringify({ DB_PASSWORD: b }), FN));
    });
    // One value opens, the other is sealed for another function.
    await attempt(() => {
      const [a, b] = [canary("opened"), canary("wrongfn")];
      planted.push(a, b);
      vi.stubEnv("A_SECRET", vault.seal(a, FN));
      vi.stubEnv("B_SECRET", vault.seal(b, "other-fn"));
      vi.stubEnv("ENVSEAL_SEALED", "A_SECRET,B_SECRET");
    });
    // A manifest name whose variable holds plaintext instead of ciphertext.
    await attempt(() => {
      const c = canary("plain");
      planted.push(c);
      vi.stubEnv("DB_PASSWORD", c);
      vi.stubEnv("ENVSEAL_SEALED", "DB_PASSWORD");
    });
    // KMS's own error text echoes something that looks like a value.
    await attempt(() => {
      const c = canary("kmsmessage");
      planted.push(c);
      vi.stubEnv("DB_PASSWORD", vault.seal("pw", FN));
      vi.stubEnv("ENVSEAL_SEALED", "DB_PASSWORD");
      kms.rejectsOnce(kmsError("ValidationException", `bad input ${c}`));
    });
    expect(failures).toHaveLength(6);
    for (const [i, err] of failures.entries()) {
      expect(err, `attempt ${i}`).toBeInstanceOf(UnsealError);
      expectNoCanary(planted, Object.fromEntries(Object.entries(surfaces(err)).map(([k, v]) => [`attempt ${i} ${k}`, v])));
    }
  });
});

describe("a handler bundle that turned a CommonJS require() into esbuild's 'Dynamic require' error", () => {
  it("is reported as what it is (BundledRequire), with the fix, never as 'the next invocation retries'", async () => {
    const { toUnsealError, bundledRequire } = await import("../../src/runtime/errors.js");
    const err = new Error('Dynamic require of "node:https" is not supported');
    expect(bundledRequire(err)).toBe("node:https");
    expect(bundledRequire(new Error("Dynamic require of something else"))).toBeUndefined();
    const mapped = toUnsealError(err, { variable: "DB_PASSWORD", functionName: "fn", timeoutMs: 1000 });
    expect(mapped).toBeInstanceOf(UnsealError);
    expect(mapped.code).toBe("BundledRequire");
    expect(mapped.message).toBe(`DB_PASSWORD: the handler's bundle cannot load node:https at run time: a CommonJS require() inside an ESM bundle (esbuild's "Dynamic require … is not supported")`);
    expect(mapped.hint).toContain("--external:@aws-sdk/*");
    expect(mapped.oneLine).not.toContain("the next invocation retries");
  });
});
