/** Small ops helpers with exact answers: the diff with bundle entries, wait budgets, bundle-size estimates, mapLimit. */
import { describe, expect, it } from "vitest";
import { describeChange, kindIn } from "../../src/ops/describe.js";
import { lazyDeps, waitBudgetSeconds } from "../../src/ops/deps.js";
import { estimateAsBundle, sealingOverhead } from "../../src/ops/estimate.js";
import { base64Length } from "../../src/ops/bundle.js";
import { mapLimit, assertSealable } from "../../src/ops/sealing.js";
import { sameEntries } from "../../src/ops/cache.js";

const blob = (bytes: number) => Buffer.alloc(bytes, 5).toString("base64");

describe("describeChange", () => {
  it("kinds: envseal's own, sealed by the manifest, else plain", () => {
    const vars = { ENVSEAL_SEALED: "A1", A1: "c" };
    expect([kindIn(vars, "ENVSEAL_SEALED"), kindIn(vars, "ENVSEAL_BUNDLE"), kindIn(vars, "A1"), kindIn(vars, "B1")]).toEqual(["envseal", "envseal", "sealed", "plain"]);
  });

  it("merges bundle entries as 'bundled', sorted by name then kind, and adds the unchanged counts", () => {
    const d = describeChange(
      { ENVSEAL_BUNDLE: "b1", KEEP: "1", ENVSEAL_SEALED: "OUT1", OUT1: "c" },
      { ENVSEAL_BUNDLE: "b2", KEEP: "1", ZZ: "p" },
      { OUT1: "x", SAME: "s", GONE: "g" },
      { OUT1: "y", SAME: "s", NEW1: "n" },
    );
    expect(d).toEqual({
      added: [
        { name: "NEW1", kind: "bundled" },
        { name: "ZZ", kind: "plain" },
      ],
      changed: [
        { name: "ENVSEAL_BUNDLE", kind: "envseal" },
        { name: "OUT1", kind: "bundled" },
      ],
      removed: [
        { name: "ENVSEAL_SEALED", kind: "envseal" },
        { name: "GONE", kind: "bundled" },
        { name: "OUT1", kind: "sealed" },
      ],
      unchanged: 2,
    });
    expect(describeChange({ A1: "1" }, { A1: "2" }, undefined, undefined)).toEqual({ added: [], changed: [{ name: "A1", kind: "plain" }], removed: [], unchanged: 0 });
    expect(describeChange({}, {}, undefined, { X1: "1" }).added).toEqual([{ name: "X1", kind: "bundled" }]);
  });

  it("a name moving between a variable and the bundle is one change, sealed → bundled (and back)", () => {
    const into = describeChange({ A1: "c1", ENVSEAL_SEALED: "A1:v2" }, { ENVSEAL_BUNDLE: "b", ENVSEAL_SEALED: "ENVSEAL_BUNDLE:v2" }, undefined, { A1: "v" });
    expect(into.changed).toContainEqual({ name: "A1", kind: "bundled", from: "sealed" });
    expect(into.added.map((c) => c.name)).not.toContain("A1");
    expect(into.removed.map((c) => c.name)).not.toContain("A1");
    const out = describeChange({ ENVSEAL_BUNDLE: "b" }, { A1: "c1", ENVSEAL_SEALED: "A1:v2" }, { A1: "v" }, undefined);
    expect(out.changed).toContainEqual({ name: "A1", kind: "sealed", from: "bundled" });
  });
});

describe("waitBudgetSeconds", () => {
  it("60 s by default; else twice timeout × attempts, between 5 and 300 s", () => {
    expect(waitBudgetSeconds({})).toBe(60);
    expect(waitBudgetSeconds({ timeoutMs: 1000, maxAttempts: 2 })).toBe(5);
    expect(waitBudgetSeconds({ timeoutMs: 4000 })).toBe(24);
    expect(waitBudgetSeconds({ maxAttempts: 1 })).toBe(20);
    expect(waitBudgetSeconds({ timeoutMs: 2600, maxAttempts: 1 })).toBe(6);
    expect(waitBudgetSeconds({ timeoutMs: 100_000, maxAttempts: 5 })).toBe(300);
    expect(lazyDeps({ timeoutMs: 4000 }).writeOptions).toEqual({ maxWaitSeconds: 24 });
  });

  it("lazyDeps makes each client once", () => {
    const deps = lazyDeps({ region: "eu-west-1" });
    expect(deps.kms()).toBe(deps.kms());
    expect(deps.lambda()).toBe(deps.lambda());
    deps.close!();
  });
});

describe("sizes", () => {
  it("base64 length rounds up to whole groups", () => {
    expect([0, 1, 2, 3, 4, 6, 7].map(base64Length)).toEqual([0, 4, 4, 4, 8, 8, 12]);
  });

  it("sealing overhead is ciphertext bytes minus plaintext UTF-8 bytes, from the first pair that has both", () => {
    expect(sealingOverhead({ A1: "é" }, { A1: blob(150) })).toBe(148);
    expect(sealingOverhead({ B1: "x" }, { A1: blob(150), B1: blob(160) })).toBe(159);
    expect(sealingOverhead({}, { A1: blob(150) })).toBeUndefined();
  });

  it("estimates the map with the sealed values moved into one bundle", () => {
    expect(estimateAsBundle({ A1: "x" }, undefined)).toBeUndefined();
    expect(estimateAsBundle({ A1: "x" }, 100)).toBe(10);
    // Two sealed values of 10 plaintext bytes each (110 bytes sealed, overhead 100): {"AA":10 bytes,"BB":10 bytes} is 2 + 2×(4+3+10) + 1 = 37 bytes.
    const vars = { ENVSEAL_SEALED: "AA,BB", AA: blob(110), BB: blob(110), P1: "v" };
    const bundleChars = base64Length(37 + 100);
    expect(estimateAsBundle(vars, 100)).toBe(Buffer.byteLength(JSON.stringify({ P1: "v", ENVSEAL_BUNDLE: "x".repeat(bundleChars) })));
    // A value smaller than the overhead counts as empty, not negative.
    expect(estimateAsBundle({ ENVSEAL_SEALED: "AA", AA: blob(60) }, 100)).toBe(Buffer.byteLength(JSON.stringify({ ENVSEAL_BUNDLE: "x".repeat(base64Length(2 + 4 + 3 + 0 + 100)) })));
  });
});

describe("mapLimit, assertSealable and sameEntries", () => {
  it("keeps order and never runs more than the limit at once", async () => {
    let running = 0;
    let peak = 0;
    const out = await mapLimit([5, 1, 4, 2, 3], 2, async (n) => {
      running++;
      peak = Math.max(peak, running);
      await new Promise((r) => setTimeout(r, n));
      running--;
      return n * 10;
    });
    expect(out).toEqual([50, 10, 40, 20, 30]);
    expect(peak).toBe(2);
    expect(await mapLimit([], 3, async () => 1)).toEqual([]);
  });

  it("4096 UTF-8 bytes seal, 4097 do not, nor does an empty value", () => {
    expect(() => assertSealable("A1", "x".repeat(4096))).not.toThrow();
    expect(() => assertSealable("A1", `${"x".repeat(4095)}é`)).toThrow("A1 is 4097 bytes; KMS seals at most 4096");
    expect(() => assertSealable("A1", "")).toThrow("A1 is empty; there is nothing to seal");
  });

  it("sameEntries compares names and values both ways", () => {
    expect(sameEntries({ A: "1", B: "2" }, { B: "2", A: "1" })).toBe(true);
    expect(sameEntries({ A: "1" }, { A: "2" })).toBe(false);
    expect(sameEntries({ A: "1" }, { A: "1", B: "2" })).toBe(false);
    expect(sameEntries({ A: "1", C: "3" }, { A: "1", B: "2" })).toBe(false);
    expect(sameEntries({}, {})).toBe(true);
  });
});
