/** src/core/node-options.ts: NODE_OPTIONS tokenised exactly as Node does, backslashes inside quotes included. Module loaded in beforeAll. */
import { beforeAll, describe, expect, it } from "vitest";

let N: typeof import("../../src/core/node-options.js");

beforeAll(async () => {
  N = await import("../../src/core/node-options.js");
});

describe("nodeOptionNames", () => {
  it("exact tokens: nothing more than the value holds", () => {
    expect(N.nodeOptionNames("")).toEqual([]);
    expect(N.nodeOptionNames("--max-old-space-size=512 --inspect_brk")).toEqual(["--max-old-space-size", "--inspect-brk"]);
  });

  it("a backslash escapes the next character inside quotes only", () => {
    expect(N.nodeOptionNames('"--a\\"b c" d')).toEqual(['--a"b c', "d"]);
    expect(N.nodeOptionNames("--a\\b c")).toEqual(["--a\\b", "c"]);
  });

  it("a backslash that ends the value inside quotes is kept as it is", () => {
    expect(N.nodeOptionNames('"--x\\')).toEqual(["--x\\"]);
    expect(N.nodeOptionNames('x "y\\')).toEqual(["x", "y\\"]);
  });
});
