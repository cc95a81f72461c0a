/** The manifest, the diff and the merge: exact maps in, exact maps out. */
import { describe, expect, it } from "vitest";
import { formatManifest, parseManifest } from "../../src/core/manifest.js";
import { diffEnv, isEmptyDiff } from "../../src/core/diff.js";
import { mergeEnvironment } from "../../src/core/merge.js";

describe("manifest", () => {
  it("parses comma-separated names, trimmed, unique, sorted; refuses a bad name", () => {
    expect(parseManifest(undefined)).toEqual([]);
    expect(parseManifest("")).toEqual([]);
    expect(parseManifest(" ZZ , AA,,AA ,")).toEqual(["AA", "ZZ"]);
    expect(() => parseManifest("AA,b-c")).toThrow("ENVSEAL_SEALED's entry 2 is not NAME or NAME:v2");
    expect(formatManifest([])).toBeUndefined();
    expect(formatManifest(["ZZ", "AA", "ZZ"])).toBe("AA,ZZ");
  });
});

describe("diffEnv", () => {
  it("sorts added, changed and removed names, counts the unchanged, and asks the kind on the right side", () => {
    const asked: string[] = [];
    const d = diffEnv({ KEEP: "1", CHG: "a", GONE: "x", ZGONE: "y" }, { KEEP: "1", CHG: "b", NEW2: "n", NEW1: "m" }, (n, side) => {
      asked.push(`${n}:${side}`);
      return n.startsWith("NEW") ? "sealed" : "plain";
    });
    expect(d).toEqual({
      added: [
        { name: "NEW1", kind: "sealed" },
        { name: "NEW2", kind: "sealed" },
      ],
      changed: [{ name: "CHG", kind: "plain" }],
      removed: [
        { name: "GONE", kind: "plain" },
        { name: "ZGONE", kind: "plain" },
      ],
      unchanged: 1,
    });
    expect(asked.sort()).toEqual(["CHG:after", "CHG:before", "GONE:before", "NEW1:after", "NEW2:after", "ZGONE:before"]);
    expect(isEmptyDiff(d)).toBe(false);
    // A change of storage kind carries `from`.
    expect(diffEnv({ A1: "1" }, { A1: "2" }, (_n, side) => (side === "before" ? "plain" : "sealed")).changed).toEqual([{ name: "A1", kind: "sealed", from: "plain" }]);
    expect(isEmptyDiff({ added: [], changed: [], removed: [], unchanged: 3 })).toBe(true);
    expect(isEmptyDiff({ added: [], changed: [], removed: [{ name: "A", kind: "plain" }], unchanged: 0 })).toBe(false);
    expect(isEmptyDiff({ added: [], changed: [{ name: "A", kind: "plain" }], removed: [], unchanged: 0 })).toBe(false);
  });
});

describe("mergeEnvironment", () => {
  it("removes, sets plain (out of the manifest) and sealed (into it), rewriting the manifest", () => {
    const current = { ENVSEAL_SEALED: "OLD,TO_PLAIN", OLD: "c1", TO_PLAIN: "c2", GONE: "g", KEEP: "k" };
    expect(mergeEnvironment(current, { remove: ["GONE", "OLD"], plain: { TO_PLAIN: "p" }, sealed: { NEW: "c3" } })).toEqual({
      ENVSEAL_SEALED: "NEW:v2",
      TO_PLAIN: "p",
      KEEP: "k",
      NEW: "c3",
    });
    expect(current.GONE).toBe("g");
  });

  it("drops an empty manifest, and sets, deletes or leaves the bundle", () => {
    expect(mergeEnvironment({ ENVSEAL_SEALED: "A1", A1: "c", ENVSEAL_BUNDLE: "b" }, { remove: ["A1"] })).toEqual({ ENVSEAL_BUNDLE: "b" });
    expect(mergeEnvironment({ ENVSEAL_BUNDLE: "b" }, { bundle: null })).toEqual({});
    expect(mergeEnvironment({ ENVSEAL_BUNDLE: "b" }, { bundle: "b2" })).toEqual({ ENVSEAL_BUNDLE: "b2", ENVSEAL_SEALED: "ENVSEAL_BUNDLE:v2" });
    expect(mergeEnvironment({ ENVSEAL_SEALED: "ENVSEAL_BUNDLE:v2", ENVSEAL_BUNDLE: "b" }, { bundle: "b2", bundleVersion: 1 })).toEqual({ ENVSEAL_BUNDLE: "b2" });
    expect(mergeEnvironment({ ENVSEAL_SEALED: "ENVSEAL_BUNDLE:v2", ENVSEAL_BUNDLE: "b" }, { bundle: null })).toEqual({});
    expect(mergeEnvironment({ X1: "1" }, {})).toEqual({ X1: "1" });
  });
});
