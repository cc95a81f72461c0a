/** KmsCache and the sealing helpers over a scripted KeySource: what is sealed or opened once, what is retried, the labels. */
import { describe, expect, it } from "vitest";
import type { KeySource } from "../../src/core/keysource.js";
import { AwsError } from "../../src/core/errors.js";
import { KmsCache } from "../../src/ops/cache.js";
import { openBundle } from "../../src/ops/bundle.js";
import { openValue, sealValues } from "../../src/ops/sealing.js";

const KEY = "arn:aws:kms:eu-west-1:111122223333:key/a";
const b64 = (tag: string) => Buffer.from(tag.padEnd(120, "#")).toString("base64");

function source(opens: (ciphertext: string, fn: string) => string | Error = () => "plain") {
  const calls: string[] = [];
  let n = 0;
  const s: KeySource = {
    async seal(keyId, plaintext, context) {
      calls.push(`seal ${keyId} ${context.LambdaFunctionName} ${new TextDecoder().decode(plaintext)}`);
      return { ciphertext: new Uint8Array(100).fill(++n), keyArn: keyId };
    },
    async open(ciphertext, context) {
      const c = Buffer.from(ciphertext).toString("utf8").replace(/#+$/, "");
      calls.push(`open ${c} ${context.LambdaFunctionName}`);
      const out = opens(c, context.LambdaFunctionName!);
      if (out instanceof Error) throw out;
      return { plaintext: new TextEncoder().encode(out), keyArn: KEY };
    },
    async reseal() {
      throw new Error("not used");
    },
  };
  return { s, calls };
}
const sealedOf = (n: number) => Buffer.from(new Uint8Array(100).fill(n)).toString("base64");

describe("KmsCache", () => {
  it("seals a name, key, function and value once; a new value or function is sealed again", async () => {
    const { s, calls } = source();
    const cache = new KmsCache(s);
    expect(await cache.seal(KEY, "f1", { A1: "a", B1: "b" })).toEqual({ A1: sealedOf(1), B1: sealedOf(2) });
    expect(await cache.seal(KEY, "f1", { B1: "b", A1: "a2" })).toEqual({ B1: sealedOf(2), A1: sealedOf(3) });
    await cache.seal(KEY, "f2", { B1: "b" });
    expect(calls).toEqual([`seal ${KEY} f1 a`, `seal ${KEY} f1 b`, `seal ${KEY} f1 a2`, `seal ${KEY} f2 b`]);
  });

  it("seals a bundle's entries once whatever their order", async () => {
    const { s, calls } = source();
    const cache = new KmsCache(s);
    const first = await cache.sealBundle(KEY, "f1", { B1: "b", A1: "a" });
    expect(await cache.sealBundle(KEY, "f1", { A1: "a", B1: "b" })).toBe(first);
    await cache.sealBundle(KEY, "f1", { A1: "a", B1: "c" });
    await cache.sealBundle(KEY, "f2", { A1: "a", B1: "b" });
    const doc = (secrets: string) => `{"envseal":2,"generation":1,"sealedAt":"T","secrets":${secrets}}`;
    expect(calls.map((c) => c.replace(/"sealedAt":"[^"]+"/, '"sealedAt":"T"'))).toEqual([
      `seal ${KEY} f1 ${doc('{"A1":"a","B1":"b"}')}`,
      `seal ${KEY} f1 ${doc('{"A1":"a","B1":"c"}')}`,
      `seal ${KEY} f2 ${doc('{"A1":"a","B1":"b"}')}`,
    ]);
  });

  it("opens a value or a bundle once, but forgets a failure so the next call tries again", async () => {
    let fail = true;
    const { s, calls } = source((c) => (fail ? new Error("boom") : c === "bundle" ? '{"X1":"x"}' : "pw"));
    const cache = new KmsCache(s);
    await expect(cache.openValue("f1", b64("v"), "A1")).rejects.toThrow("A1: boom");
    await expect(cache.openBundle("f1", b64("bundle"), "why")).rejects.toThrow("ENVSEAL_BUNDLE: boom");
    fail = false;
    expect(await cache.openValue("f1", b64("v"), "A1")).toBe("pw");
    expect(await cache.openValue("f1", b64("v"), "A1")).toBe("pw");
    expect(await cache.openBundle("f1", b64("bundle"), "why")).toEqual({ entries: { X1: "x" }, keyArn: KEY, version: 1, generation: 0, sealedAt: undefined });
    expect(await cache.openBundle("f1", b64("bundle"), "why")).toEqual({ entries: { X1: "x" }, keyArn: KEY, version: 1, generation: 0, sealedAt: undefined });
    await cache.openValue("f2", b64("v"), "A1");
    expect(calls).toEqual(["open v f1", "open bundle f1", "open v f1", "open bundle f1", "open v f2"]);
  });
});

describe("openBundle, sealValues and openValue", () => {
  it("a denied Decrypt says which step needed it", async () => {
    const denied = new AwsError("access denied", { code: "AccessDeniedException", operation: "kms:Decrypt" });
    const { s } = source(() => denied);
    await expect(openBundle(s, "orders-api", b64("bundle"), "changing a function that has a bundle")).rejects.toThrow(
      expect.objectContaining({
        message: "changing a function that has a bundle needs kms:Decrypt to open ENVSEAL_BUNDLE of orders-api, and it was denied",
        code: "AccessDeniedException",
        operation: "kms:Decrypt",
        hint: "grant kms:Decrypt on the bundle's key with kms:EncryptionContext:LambdaFunctionName (see `envseal policy`)",
      }),
    );
    const other = new AwsError("throttled", { code: "ThrottlingException", operation: "kms:Decrypt" });
    await expect(openBundle(source(() => other).s, "orders-api", b64("bundle"), "w")).rejects.toThrow("ENVSEAL_BUNDLE: throttled");
    const already = new Error("ENVSEAL_BUNDLE: said so");
    await expect(openBundle(source(() => already).s, "orders-api", b64("bundle"), "w")).rejects.toThrow(/^ENVSEAL_BUNDLE: said so$/);
  });

  it("sealValues seals in name order, checks sizes first, and prefixes errors with the name once", async () => {
    const { s, calls } = source();
    expect(Object.keys(await sealValues(s, KEY, "f1", { ZZ: "z", AA: "a" }))).toEqual(["AA", "ZZ"]);
    expect(calls).toEqual([`seal ${KEY} f1 a`, `seal ${KEY} f1 z`]);
    await expect(sealValues(s, KEY, "f1", { AA: "a", BIG: "x".repeat(4097) })).rejects.toThrow("BIG is 4097 bytes; KMS seals at most 4096");
    expect(calls).toHaveLength(2);
    const failing: KeySource = { ...s, seal: async () => Promise.reject(new Error("AA: denied")) };
    await expect(sealValues(failing, KEY, "f1", { AA: "a" })).rejects.toThrow(/^AA: denied$/);
  });

  it("openValue decodes UTF-8 and leaves 'the value' unprefixed", async () => {
    const { s } = source(() => "é");
    expect(await openValue(s, "f1", b64("v"), "A1")).toEqual({ plaintext: "é", keyArn: KEY });
    await expect(openValue(source(() => new Error("nope")).s, "f1", b64("v"), "the value")).rejects.toThrow(/^nope$/);
  });
});
