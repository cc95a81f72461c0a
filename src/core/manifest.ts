/**
 * The manifest (`ENVSEAL_SEALED`) and the bundle variable (`ENVSEAL_BUNDLE`): which variables of a function are sealed,
 * and with which wire format. Pure: no AWS imports.
 *
 * Syntax: comma-separated entries, sorted by name. An entry is `NAME` (wire format v1: the encryption context names the
 * function only — what envseal 0.1 and the Lambda console's helpers produce) or `NAME:v2` (v2: the context also names
 * the variable). `ENVSEAL_BUNDLE:v2` marks a v2 bundle; a bundle without that entry is v1. A manifest written by envseal
 * 0.1 (bare names only) therefore keeps its exact meaning.
 * @module
 */
import { InputError } from "./errors.js";
import { isValidName } from "./limits.js";

/** Variable holding the comma-separated, sorted names of the sealed variables. */
export const MANIFEST_VAR = "ENVSEAL_SEALED";
/** Variable holding the bundle: base64 KMS ciphertext of a JSON object of every bundled secret. */
export const BUNDLE_VAR = "ENVSEAL_BUNDLE";

/** Wire format of one sealed value: 1 (function-bound) or 2 (function- and variable-bound). */
export type WireVersion = 1 | 2;

/**
 * Parse a manifest into name → wire version (the bundle's entry included when marked). An absent or empty manifest
 * is no names. Throws {@link InputError} when an entry is not `NAME` or `NAME:v2`.
 *
 * @example
 * ```ts
 * parseManifestEntries("API_KEY:v2,LEGACY,ENVSEAL_BUNDLE:v2"); // Map { API_KEY → 2, LEGACY → 1, ENVSEAL_BUNDLE → 2 }
 * ```
 */
export function parseManifestEntries(value: string | undefined): Map<string, WireVersion> {
  const out = new Map<string, WireVersion>();
  if (value === undefined) return out;
  let position = 0;
  for (const raw of value.split(",")) {
    const entry = raw.trim();
    if (entry.length === 0) continue;
    position++;
    const m = /^([^:]+)(?::(v[12]))?$/.exec(entry);
    const name = m?.[1] ?? "";
    if (!m || !isValidName(name)) {
      // The entry is not echoed: whoever wrote the configuration chose it.
      throw new InputError(`${MANIFEST_VAR}'s entry ${position} is not NAME or NAME:v2`, {
        hint: `fix ${MANIFEST_VAR} (comma-separated names) or re-push with envseal`,
      });
    }
    out.set(name, m[2] === "v2" ? 2 : 1);
  }
  return new Map([...out].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/**
 * The sealed variables a manifest lists (sorted, unique; the bundle's own entry left out).
 *
 * @example
 * ```ts
 * parseManifest("DB_PASSWORD:v2,API_KEY"); // ["API_KEY", "DB_PASSWORD"]
 * ```
 */
export function parseManifest(value: string | undefined): string[] {
  return [...parseManifestEntries(value).keys()].filter((n) => n !== BUNDLE_VAR);
}

/**
 * The wire version of `name` in a manifest: its marker, else 1 (bare, or not listed — values the console sealed).
 *
 * @example
 * ```ts
 * versionIn("A:v2,B", "A"); // 2
 * ```
 */
export function versionIn(value: string | undefined, name: string): WireVersion {
  return parseManifestEntries(value).get(name) ?? 1;
}

/**
 * Format a manifest: entries sorted by name, v2 ones marked; `undefined` when there are none (remove the variable).
 *
 * @example
 * ```ts
 * formatManifest(new Map([["B", 2], ["A", 1]])); // "A,B:v2"
 * ```
 */
export function formatManifest(entries: Iterable<string> | ReadonlyMap<string, WireVersion>): string | undefined {
  const map = entries instanceof Map ? entries : new Map([...(entries as Iterable<string>)].map((n) => [n, 1 as WireVersion]));
  const sorted = [...map].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return sorted.length === 0 ? undefined : sorted.map(([n, v]) => (v === 2 ? `${n}:v2` : n)).join(",");
}
