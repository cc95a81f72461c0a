/**
 * Which key sealed a value — without decrypting it, and without ReEncrypt.
 *
 * - A moto blob (emulator mode only) starts with the key id in ASCII: the key is known.
 * - A real AWS KMS blob does not name its key in any form the caller can resolve: bytes 5–37 are derived from the key
 *   (the same for every blob of one key, see `core/ciphertext.ts`), so values can be grouped by key, but the key itself
 *   is what the user says (`--sealing-key`), or, as an assumption only, the function's customer managed at-rest key
 *   (`envseal push --key K` sets both to K unless `--at-rest-key` says otherwise).
 * @module
 */
import { isKmsBlob, isMotoBlob, looksSealed, type Emulator } from "../core/ciphertext.js";

/**
 * How doctor knows a value's sealing key.
 *
 * @example
 * ```ts
 * const s: KeySource = "assumed-at-rest"; // checked, but never reported as a pass
 * ```
 */
export type KeySource = "embedded" | "given" | "assumed-at-rest" | "unknown";

/**
 * The sealing key of one value, and how doctor knows it.
 *
 * @example
 * ```ts
 * const k: SealingKey = { key: "arn:aws:kms:…", source: "given", group: "3f…" };
 * ```
 */
export interface SealingKey {
  /** Key id or ARN; `undefined` with source `unknown`. */
  readonly key: string | undefined;
  readonly source: KeySource;
  /** Hex of the key-derived header bytes of a real AWS blob (values with the same group share a key). */
  readonly group: string | undefined;
}

/**
 * Find the sealing key of `value` (already known to look sealed).
 *
 * @example
 * ```ts
 * sealingKeyOf(value, { given: "alias/app", atRestKey: undefined }); // { key: "alias/app", source: "given", group: "…" }
 * ```
 */
export function sealingKeyOf(
  value: string,
  opts: { given?: string | undefined; atRestKey?: string | undefined; emulator?: Emulator | undefined; groups?: number },
): SealingKey {
  const blob = Buffer.from(value.trim(), "base64");
  if (opts.emulator === "moto" && isMotoBlob(blob)) return { key: blob.subarray(0, 36).toString("latin1"), source: "embedded", group: undefined };
  const group = isKmsBlob(blob) ? blob.subarray(5, 37).toString("hex") : undefined;
  if (opts.given) return { key: opts.given, source: "given", group };
  // Values sealed with different keys cannot all be the at-rest key's: then assume nothing.
  if (opts.atRestKey && (opts.groups ?? 1) <= 1) return { key: opts.atRestKey, source: "assumed-at-rest", group };
  return { key: undefined, source: "unknown", group };
}

/**
 * How many distinct key groups the sealed values of a function fall into (real AWS blobs only).
 *
 * @example
 * ```ts
 * keyGroups(["AQICAH…", "AQICAH…"]); // 1 when both were sealed with one key
 * ```
 */
export function keyGroups(values: readonly string[], emulator?: Emulator): number {
  const groups = new Set<string>();
  for (const v of values) {
    if (!looksSealed(v, { emulator }).sealed) continue;
    const blob = Buffer.from(v.trim(), "base64");
    if (isKmsBlob(blob)) groups.add(blob.subarray(5, 37).toString("hex"));
  }
  return groups.size;
}
