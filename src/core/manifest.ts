/**
 * The manifest (`ENVSEAL_SEALED`) and the bundle variable (`ENVSEAL_BUNDLE`): which variables of a function are sealed.
 * Pure: no AWS imports.
 * @module
 */
import { InputError } from "./errors.js";
import { isValidName } from "./limits.js";

/** Variable holding the comma-separated, sorted names of the sealed variables. */
export const MANIFEST_VAR = "ENVSEAL_SEALED";
/** Variable holding the bundle: base64 KMS ciphertext of a JSON object of every bundled secret. */
export const BUNDLE_VAR = "ENVSEAL_BUNDLE";

/**
 * Parse a manifest value into sorted, unique names. An absent or empty manifest is no names.
 * Throws {@link InputError} when an entry is not a valid variable name.
 *
 * @example
 * ```ts
 * parseManifest("DB_PASSWORD,API_KEY"); // ["API_KEY", "DB_PASSWORD"]
 * ```
 */
export function parseManifest(value: string | undefined): string[] {
  if (value === undefined) return [];
  const names = value
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
  for (const name of names) {
    if (!isValidName(name)) {
      throw new InputError(`${MANIFEST_VAR} lists "${name.slice(0, 64)}", which is not a variable name`, {
        hint: `fix ${MANIFEST_VAR} (comma-separated names) or re-push with envseal`,
      });
    }
  }
  return [...new Set(names)].sort();
}

/**
 * Format names as a manifest value: sorted, unique, comma-separated; `undefined` when there are none,
 * meaning the variable should be removed.
 */
export function formatManifest(names: Iterable<string>): string | undefined {
  const sorted = [...new Set(names)].sort();
  return sorted.length === 0 ? undefined : sorted.join(",");
}
