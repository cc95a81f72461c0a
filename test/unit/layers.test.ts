/**
 * The one-way imports of the design (core ← transport ← kms/lambda ← doctor/audit/ops ← cli), read from the source:
 * every relative import, static or dynamic, of every module under src/ and handlers/. Above all, the runtime (what
 * handlers load at cold start) reaches only core and transport: never the CLI, the auditor or the SDK-based layers.
 */
import { describe, expect, it } from "vitest";
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");

/** Top-level layer → the layers it may import (itself always allowed). */
const ALLOWED: Record<string, readonly string[]> = {
  core: [],
  transport: ["core"],
  kms: ["core", "transport"],
  lambda: ["core", "transport"],
  runtime: ["core", "transport"],
  doctor: ["core", "transport", "kms", "lambda"],
  audit: ["core", "transport", "kms", "lambda", "doctor"],
  ops: ["core", "transport", "kms", "lambda", "doctor", "audit"],
  cli: ["core", "transport", "kms", "lambda", "doctor", "audit", "ops"],
  handlers: ["core", "transport", "kms", "lambda", "doctor", "audit", "runtime"],
};

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(join(dir, e.name)) : e.name.endsWith(".ts") ? [join(dir, e.name)] : []));
}

/** The layer of a file: `handlers`, or the folder right under src/ (`src/index.ts` is the package root, any layer). */
function layerOf(file: string): string | undefined {
  const rel = relative(ROOT, file).split("/");
  if (rel[0] === "handlers") return "handlers";
  return rel[0] === "src" && rel.length > 2 ? rel[1] : undefined;
}

const IMPORT = /(?:\bfrom\s+|\bimport\s*\(\s*)["'](\.{1,2}\/[^"']+)["']/g;

const edges = [...files(join(ROOT, "src")), ...files(join(ROOT, "handlers"))].flatMap((file) => {
  const from = layerOf(file);
  if (!from) return [];
  return [...readFileSync(file, "utf8").matchAll(IMPORT)].map((m) => ({
    file: relative(ROOT, file),
    from,
    to: layerOf(resolve(dirname(file), m[1]!)) ?? "src-root",
  }));
});

describe("layers: one-way imports", () => {
  it("reads the imports of every layer", () => {
    expect(new Set(edges.map((e) => e.from))).toEqual(new Set(Object.keys(ALLOWED)));
    expect(edges.length).toBeGreaterThan(300);
  });

  it("every import goes down the design's layers, never up", () => {
    const wrong = edges.filter((e) => e.to !== e.from && !ALLOWED[e.from]?.includes(e.to)).map((e) => `${e.file} → ${e.to}`);
    expect(wrong).toEqual([]);
  });

  it("the runtime reaches only core and transport, also through what it imports", () => {
    const reach = new Set(["runtime"]);
    for (let grew = true; grew; ) {
      grew = false;
      for (const e of edges) if (reach.has(e.from) && !reach.has(e.to)) (reach.add(e.to), (grew = true));
    }
    expect([...reach].sort()).toEqual(["core", "runtime", "transport"]);
  });
});
