/** estimateAsBundle: the exact size with three sealed names moved into one bundle, for each rounding of base64. */
import { describe, expect, it } from "vitest";
import { estimateAsBundle } from "../../src/ops/estimate.js";

const blob = (bytes: number) => Buffer.alloc(bytes, 5).toString("base64");
const size = (vars: Record<string, string>) => Buffer.byteLength(JSON.stringify(vars), "utf8");

describe("estimateAsBundle", () => {
  const vars = { ENVSEAL_SEALED: "A1,B1,C1", A1: blob(100), B1: blob(100), C1: blob(100), PLAIN: "p" };

  it("bundle JSON is {} plus, per name, its quoted name, ':' and quotes, its plaintext, and a comma between entries", () => {
    // overhead 50: plaintexts 50 bytes; JSON 2 + 3 × (4 + 3 + 50) + 2 commas = 175; sealed 225 bytes → 300 base64 chars.
    expect(estimateAsBundle(vars, 50)).toBe(size({ PLAIN: "p", ENVSEAL_BUNDLE: "x".repeat(300) }));
    // overhead 51: JSON 172; sealed 223 bytes → 300 chars (a byte less would be 296).
    expect(estimateAsBundle(vars, 51)).toBe(size({ PLAIN: "p", ENVSEAL_BUNDLE: "x".repeat(300) }));
    // overhead 52: JSON 169; sealed 221 bytes → 296 chars.
    expect(estimateAsBundle(vars, 52)).toBe(size({ PLAIN: "p", ENVSEAL_BUNDLE: "x".repeat(296) }));
  });

  it("a manifest name with no variable is left out, not read", () => {
    const withGhost = { ...vars, ENVSEAL_SEALED: "A1,B1,C1,GHOST" };
    expect(estimateAsBundle(withGhost, 50)).toBe(size({ PLAIN: "p", ENVSEAL_BUNDLE: "x".repeat(300) }));
  });
});
