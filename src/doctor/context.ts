/**
 * Which encryption context each sealed value of a function is bound to: the one place doctor asks it, so wire format
 * v2 (`EnvsealVariable`) switches on here alone.
 * @module
 */
import { BUNDLE_VAR } from "../core/manifest.js";
import { contextFor as coreContextFor } from "../core/format.js";
import { isValidName } from "../core/limits.js";

/**
 * The wire-format version of one sealed value: `v1` binds it to the function name, `v2` also to the variable.
 *
 * @example
 * ```ts
 * const v: WireVersion = "v2";
 * ```
 */
export type WireVersion = "v1" | "v2";

export { VARIABLE_CONTEXT_KEY } from "../core/format.js";

/**
 * The encryption context a value held in `variable` of `functionName` is sealed with — the wire format's own
 * {@link coreContextFor}, with doctor's version labels.
 *
 * @example
 * ```ts
 * contextFor("orders-api", "DB_PASSWORD", "v1"); // { LambdaFunctionName: "orders-api" }
 * contextFor("orders-api", "ENVSEAL_BUNDLE", "v2"); // { LambdaFunctionName: "orders-api", EnvsealVariable: "ENVSEAL_BUNDLE" }
 * ```
 */
export function contextFor(functionName: string, variable: string, version: WireVersion): Record<string, string> {
  return coreContextFor(functionName, variable, version === "v2" ? 2 : 1);
}

/**
 * One entry of the manifest: a name and its wire-format version (`NAME` is v1, `NAME:v2` is v2).
 *
 * @example
 * ```ts
 * const e: ManifestEntry = { name: "DB_PASSWORD", version: "v2" };
 * ```
 */
export interface ManifestEntry {
  readonly name: string;
  readonly version: WireVersion;
}

/**
 * Parse `ENVSEAL_SEALED` as doctor reads it: entries `NAME` (v1) or `NAME:v2`. Returns the entries and the items that
 * are neither, so doctor can report them instead of stopping.
 *
 * @example
 * ```ts
 * parseManifestEntries("B,A:v2").entries; // [{ name: "A", version: "v2" }, { name: "B", version: "v1" }]
 * ```
 */
export function parseManifestEntries(value: string | undefined): { entries: ManifestEntry[]; invalid: string[] } {
  const entries = new Map<string, ManifestEntry>();
  const invalid: string[] = [];
  for (const raw of (value ?? "").split(",").map((s) => s.trim()).filter(Boolean)) {
    const m = /^([^:]+)(?::(v1|v2))?$/.exec(raw);
    if (!m || !isValidName(m[1] as string)) {
      invalid.push(raw.slice(0, 64));
      continue;
    }
    entries.set(m[1] as string, { name: m[1] as string, version: (m[2] as WireVersion | undefined) ?? "v1" });
  }
  return { entries: [...entries.values()].sort((a, b) => a.name.localeCompare(b.name)), invalid };
}

/**
 * The wire version of the bundle: v2 when the manifest marks `ENVSEAL_BUNDLE:v2`, else v1.
 *
 * @example
 * ```ts
 * bundleVersion([{ name: "ENVSEAL_BUNDLE", version: "v2" }]); // "v2"
 * ```
 */
export function bundleVersion(entries: readonly ManifestEntry[]): WireVersion {
  return entries.find((e) => e.name === BUNDLE_VAR)?.version ?? "v1";
}

/**
 * Context entries for `iam:SimulatePrincipalPolicy`: one `kms:EncryptionContext:<key>` per context pair, and
 * `kms:EncryptionContextKeys` with every key.
 *
 * @example
 * ```ts
 * simulationContext({ LambdaFunctionName: "api" })[0]; // { ContextKeyName: "kms:EncryptionContext:LambdaFunctionName", ... }
 * ```
 */
export function simulationContext(context: Readonly<Record<string, string>>): Array<{
  ContextKeyName: string;
  ContextKeyValues: string[];
  ContextKeyType: "string" | "stringList";
}> {
  const keys = Object.keys(context).sort();
  return [
    ...keys.map((k) => ({ ContextKeyName: `kms:EncryptionContext:${k}`, ContextKeyValues: [context[k] as string], ContextKeyType: "string" as const })),
    ...(keys.length ? [{ ContextKeyName: "kms:EncryptionContextKeys", ContextKeyValues: keys, ContextKeyType: "stringList" as const }] : []),
  ];
}
