/**
 * Canary secrets: unique values planted in tests, then searched for in every captured stream and written file.
 */
import { randomBytes } from "node:crypto";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { expect } from "vitest";

/** A unique, recognisable secret value. */
export function canary(label = "secret"): string {
  return `CANARY_${label}_${randomBytes(9).toString("hex")}`;
}

/** Assert none of `canaries` appears in any of `texts` (labels say where, on failure). */
export function expectNoCanary(canaries: readonly string[], texts: Record<string, string>): void {
  for (const [where, text] of Object.entries(texts)) {
    for (const c of canaries) {
      expect(text.includes(c), `canary ${c} leaked into ${where}`).toBe(false);
      // A leak as base64 or JSON-escaped text is still a leak.
      expect(text.includes(Buffer.from(c).toString("base64").slice(0, 16)), `canary ${c} leaked (base64) into ${where}`).toBe(false);
    }
  }
}

/** Every regular file under `dir`, as text, keyed by path. */
export function filesUnder(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      const st = statSync(p);
      if (st.isDirectory()) walk(p);
      else if (st.isFile()) out[p] = readFileSync(p, "latin1");
    }
  };
  walk(dir);
  return out;
}
