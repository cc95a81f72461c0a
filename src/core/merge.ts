/**
 * Merge a change into a function's current variables. Pure: every variable the change does not name stays,
 * and the manifest is recomputed from the change. Used on every write and re-run after a 412 conflict.
 * @module
 */
import { BUNDLE_VAR, MANIFEST_VAR, formatManifest, parseManifestEntries, type WireVersion } from "./manifest.js";

/** What a command wants to change. Names only appear in one of `sealed`, `plain`, `remove`. */
export interface EnvChange {
  /** Per-variable sealed values (base64 ciphertext) to set; added to the manifest. */
  readonly sealed?: Readonly<Record<string, string>>;
  /** Wire version of each `sealed` value. Default: 2 (what envseal seals). */
  readonly versions?: Readonly<Record<string, WireVersion>>;
  /** Unsealed values to set; taken out of the manifest if they were in it. */
  readonly plain?: Readonly<Record<string, string>>;
  /** Variables to delete (and take out of the manifest). */
  readonly remove?: readonly string[];
  /** New bundle ciphertext; `null` deletes `ENVSEAL_BUNDLE`; `undefined` leaves it. */
  readonly bundle?: string | null;
  /** Wire version of a new `bundle`. Default: 2. */
  readonly bundleVersion?: WireVersion;
}

/**
 * Apply `change` to `current` and return the new map (a new object; `current` is not modified).
 *
 * @example
 * ```ts
 * mergeEnvironment({ LOG_LEVEL: "info" }, { sealed: { DB_PASSWORD: "AQICAH..." } });
 * // { LOG_LEVEL: "info", DB_PASSWORD: "AQICAH...", ENVSEAL_SEALED: "DB_PASSWORD:v2" }
 * ```
 */
export function mergeEnvironment(current: Readonly<Record<string, string>>, change: EnvChange): Record<string, string> {
  const next: Record<string, string> = { ...current };
  const manifest = parseManifestEntries(current[MANIFEST_VAR]);
  for (const name of change.remove ?? []) {
    delete next[name];
    manifest.delete(name);
  }
  for (const [name, value] of Object.entries(change.plain ?? {})) {
    next[name] = value;
    manifest.delete(name);
  }
  for (const [name, value] of Object.entries(change.sealed ?? {})) {
    next[name] = value;
    manifest.set(name, change.versions?.[name] ?? 2);
  }
  if (change.bundle === null) {
    delete next[BUNDLE_VAR];
    manifest.delete(BUNDLE_VAR);
  } else if (change.bundle !== undefined) {
    next[BUNDLE_VAR] = change.bundle;
    if ((change.bundleVersion ?? 2) === 2) manifest.set(BUNDLE_VAR, 2);
    else manifest.delete(BUNDLE_VAR);
  }
  const m = formatManifest(manifest);
  if (m === undefined) delete next[MANIFEST_VAR];
  else next[MANIFEST_VAR] = m;
  return next;
}
