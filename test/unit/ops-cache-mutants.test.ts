/** KmsCache: what makes two bundle opens or bundle seals the same, and what keeps them apart. */
import { describe, expect, it } from "vitest";
import type { KeySource } from "../../src/core/keysource.js";
import { KmsCache } from "../../src/ops/cache.js";

const KEY = "arn:aws:kms:eu-west-1:111122223333:key/a";
const b64 = (tag: string) => Buffer.from(tag.padEnd(120, "#")).toString("base64");
const sealedOf = (n: number) => Buffer.from(new Uint8Array(100).fill(n)).toString("base64");

function source(opens: (ciphertext: string, fn: string) => string = () => "{}") {
  const calls: string[] = [];
  let n = 0;
  const s: KeySource = {
    async seal(keyId, plaintext, context) {
      const doc = new TextDecoder().decode(plaintext).replace(/"sealedAt":"[^"]+"/, '"sealedAt":"T"');
      calls.push(`seal ${context.LambdaFunctionName} ${context.EnvsealVariable ?? "-"} ${doc}`);
      return { ciphertext: new Uint8Array(100).fill(++n), keyArn: keyId };
    },
    async open(ciphertext, context) {
      const c = Buffer.from(ciphertext).toString("utf8").replace(/#+$/, "");
      calls.push(`open ${c} ${context.LambdaFunctionName}`);
      return { plaintext: new TextEncoder().encode(opens(c, context.LambdaFunctionName!)), keyArn: KEY };
    },
    async reseal() {
      throw new Error("not used");
    },
  };
  return { s, calls };
}

describe("KmsCache bundles", () => {
  it("different bundles, or one bundle of different functions, are opened apart", async () => {
    const { s, calls } = source((c, fn) => JSON.stringify({ [`${c.toUpperCase().replace(/-/g, "_")}_${fn.toUpperCase()}`]: "x" }));
    const cache = new KmsCache(s);
    expect((await cache.openBundle("f1", b64("b-one"), "why")).entries).toEqual({ B_ONE_F1: "x" });
    expect((await cache.openBundle("f1", b64("b-two"), "why")).entries).toEqual({ B_TWO_F1: "x" });
    expect((await cache.openBundle("f2", b64("b-one"), "why")).entries).toEqual({ B_ONE_F2: "x" });
    expect((await cache.openBundle("f1", b64("b-one"), "why")).entries).toEqual({ B_ONE_F1: "x" });
    expect(calls).toEqual(["open b-one f1", "open b-two f1", "open b-one f2"]);
  });

  it("the same entries in any order are sealed once", async () => {
    const { s, calls } = source();
    const cache = new KmsCache(s);
    const names = ["D1", "B1", "E1", "A1", "C1"];
    const orders = [names, [...names].reverse(), [...names].sort(), [...names].sort().reverse(), ["C1", "A1", "E1", "B1", "D1"], ["B1", "D1", "A1", "C1", "E1"]];
    const out = new Set<string>();
    for (const order of orders) out.add(await cache.sealBundle(KEY, "f1", Object.fromEntries(order.map((n) => [n, n.toLowerCase()]))));
    expect([...out]).toEqual([sealedOf(1)]);
    expect(calls).toHaveLength(1);
  });

  it("a large bundle (past the sort's insertion-only size) in shuffled orders is sealed once", async () => {
    const { s, calls } = source();
    const cache = new KmsCache(s);
    const names = Array.from({ length: 150 }, (_, i) => `K${String(i).padStart(3, "0")}`);
    // A fixed pseudo-random shuffle, so the test is the same on every run.
    let seed = 7;
    const shuffled = (xs: string[]) => {
      const out = [...xs];
      for (let i = out.length - 1; i > 0; i--) {
        seed = (seed * 1103515245 + 12345) % 2147483648;
        const j = seed % (i + 1);
        [out[i], out[j]] = [out[j]!, out[i]!];
      }
      return out;
    };
    const orders = [names, [...names].reverse(), shuffled(names), shuffled(names), shuffled(names)];
    for (const order of orders) await cache.sealBundle(KEY, "f1", Object.fromEntries(order.map((n) => [n, "v"])));
    expect(calls).toHaveLength(1);
  });

  it("no options means version 2 and generation 1; another version or generation is sealed apart", async () => {
    const { s, calls } = source();
    const cache = new KmsCache(s);
    const e = { A1: "a" };
    expect(await cache.sealBundle(KEY, "f1", e)).toBe(sealedOf(1));
    expect(await cache.sealBundle(KEY, "f1", e, { version: 2, generation: 1 })).toBe(sealedOf(1));
    expect(await cache.sealBundle(KEY, "f1", e, { version: 1 })).toBe(sealedOf(2));
    expect(await cache.sealBundle(KEY, "f1", e, { generation: 3 })).toBe(sealedOf(3));
    expect(await cache.sealBundle(KEY, "f1", e, { version: 2, generation: 3 })).toBe(sealedOf(3));
    expect(calls).toEqual([
      'seal f1 ENVSEAL_BUNDLE {"envseal":2,"generation":1,"sealedAt":"T","secrets":{"A1":"a"}}',
      'seal f1 - {"A1":"a"}',
      'seal f1 ENVSEAL_BUNDLE {"envseal":2,"generation":3,"sealedAt":"T","secrets":{"A1":"a"}}',
    ]);
  });
});
