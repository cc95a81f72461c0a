/**
 * Canary secrets: unique values planted in tests, then searched for in every captured stream and written file.
 *
 * Every value made by {@link canary} joins a per-test-file registry. The leak scanner (`leak-setup.ts`, a vitest
 * setup file) checks, after each test file, every CLI run's stdout and stderr (`cli.ts` records them), everything
 * the test process itself wrote to stdout/stderr or console, and every file under the temp folders made with
 * {@link tempDir} — for every registered canary, in plain, base64 and JSON-escaped forms.
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "vitest";

interface LeakRegistry {
  canaries: Set<string>;
  outputs: Array<{ where: string; text: string }>;
  dirs: Set<string>;
}

/** The registry of this test file (each vitest worker runs one file at a time). */
export function leakRegistry(): LeakRegistry {
  const g = globalThis as { __envsealLeaks?: LeakRegistry };
  g.__envsealLeaks ??= { canaries: new Set(), outputs: [], dirs: new Set() };
  return g.__envsealLeaks;
}

/** A unique, recognisable secret value, registered with the leak scanner. */
export function canary(label = "secret"): string {
  const value = `CANARY_${label}_${randomBytes(9).toString("hex")}`;
  leakRegistry().canaries.add(value);
  return value;
}

/** Record text a test captured (CLI output, a log) so the leak scanner checks it after the file. */
export function recordOutput(where: string, text: string): void {
  if (text) leakRegistry().outputs.push({ where, text });
}

/** A temp folder whose files the leak scanner reads after the file. */
export function tempDir(prefix = "envseal-test-"): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  leakRegistry().dirs.add(dir);
  return dir;
}

/** The forms a leaked canary could take: as is, JSON-escaped, and base64 at each of the three alignments. */
export function leakForms(c: string): string[] {
  const forms = [c, JSON.stringify(c).slice(1, -1)];
  for (let pad = 0; pad < 3; pad++) {
    const b = Buffer.from("\0".repeat(pad) + c).toString("base64");
    forms.push(b.slice(4, -4));
  }
  return forms;
}

/** Where `text` holds any of `canaries`, or undefined. */
export function findCanary(canaries: Iterable<string>, text: string): string | undefined {
  for (const c of canaries) if (leakForms(c).some((f) => text.includes(f))) return c;
  return undefined;
}

/** Assert none of `canaries` appears in any of `texts` (labels say where, on failure). */
export function expectNoCanary(canaries: readonly string[], texts: Record<string, string>): void {
  for (const [where, text] of Object.entries(texts)) {
    const hit = findCanary(canaries, text);
    expect(hit, `canary ${hit} leaked into ${where}`).toBeUndefined();
  }
}

/** Every regular file under `dir`, as text, keyed by path. */
export function filesUnder(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    let names: string[];
    try {
      names = readdirSync(d);
    } catch {
      return;
    }
    for (const name of names) {
      const p = join(d, name);
      const st = statSync(p);
      if (st.isDirectory()) walk(p);
      else if (st.isFile()) out[p] = readFileSync(p, "latin1");
    }
  };
  walk(dir);
  return out;
}
