/**
 * src/core/manifest.ts exactly: the variable names, the refusal message and hint, the bundle's entry, and the sort
 * order of long scrambled manifests.
 * The module is loaded in beforeAll so the run credits its constants to these tests.
 */
import { beforeAll, describe, expect, it } from "vitest";

type Manifest = typeof import("../../src/core/manifest.js");
type Errors = typeof import("../../src/core/errors.js");
let M: Manifest;
let E: Errors;

beforeAll(async () => {
  M = await import("../../src/core/manifest.js");
  E = await import("../../src/core/errors.js");
});

/** `n` distinct names in a scrambled (deterministic) order. */
function scrambled(n: number): string[] {
  const names = Array.from({ length: n }, (_, i) => `VAR_${String(i).padStart(3, "0")}`);
  const out: string[] = [];
  for (let i = 0, k = 0; i < n; i++, k = (k + 37) % n) out.push(names[k]!);
  return out;
}

describe("manifest variables", () => {
  it("are ENVSEAL_SEALED and ENVSEAL_BUNDLE", () => {
    expect(M.MANIFEST_VAR).toBe("ENVSEAL_SEALED");
    expect(M.BUNDLE_VAR).toBe("ENVSEAL_BUNDLE");
  });

  it("a bad entry is an InputError naming the variable and position, with the fix as hint", () => {
    let caught: unknown;
    try {
      M.parseManifestEntries("GOOD, bad name");
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(E.InputError);
    expect((caught as Error).message).toBe("ENVSEAL_SEALED's entry 2 is not NAME or NAME:v2");
    expect((caught as InstanceType<Errors["InputError"]>).hint).toBe("fix ENVSEAL_SEALED (comma-separated names) or re-push with envseal");
  });

  it("parseManifest leaves the bundle's own entry out; versionIn reads it", () => {
    expect(M.parseManifest("BB,ENVSEAL_BUNDLE:v2,AA:v2")).toEqual(["AA", "BB"]);
    expect(M.versionIn("BB,ENVSEAL_BUNDLE:v2,AA:v2", "ENVSEAL_BUNDLE")).toBe(2);
    expect(M.versionIn("BB,ENVSEAL_BUNDLE:v2,AA:v2", "BB")).toBe(1);
  });
});

describe("sort order of long manifests", () => {
  it("parse: 150 names in scrambled order come out sorted", () => {
    const names = scrambled(150);
    const sorted = [...names].sort();
    expect(names).not.toEqual(sorted);
    expect([...M.parseManifestEntries(names.join(",")).keys()]).toEqual(sorted);
    expect(M.parseManifest(names.map((n) => `${n}:v2`).join(","))).toEqual(sorted);
  });

  it("format: 150 names (bare or v2) in scrambled order are written sorted", () => {
    const names = scrambled(150);
    const sorted = [...names].sort();
    expect(M.formatManifest(names)).toBe(sorted.join(","));
    expect(M.formatManifest(new Map(names.map((n) => [n, 2 as const])))).toBe(sorted.map((n) => `${n}:v2`).join(","));
  });
});
