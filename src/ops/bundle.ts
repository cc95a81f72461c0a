/**
 * The bundle (`ENVSEAL_BUNDLE`): every bundled secret of a function in one KMS ciphertext of a JSON object.
 * Opening and re-sealing it, and the size a set of secrets would take as a bundle.
 * @module
 */
import { AwsError, InputError } from "../core/errors.js";
import {
  MAX_PLAINTEXT_BYTES,
  contextFor,
  decodeBundleDocument,
  decodeSealed,
  encodeBundle,
  encodeBundleDocument,
  encodeSealed,
} from "../core/format.js";
import type { KeySource } from "../core/keysource.js";
import { BUNDLE_VAR, type WireVersion } from "../core/manifest.js";

/** An opened bundle: its entries, the key that sealed it, its wire version and (v2) generation. */
export interface OpenedBundle {
  readonly entries: Record<string, string>;
  readonly keyArn: string;
  readonly version: WireVersion;
  /** v2: the bundle's generation (0 for a v1 bundle). */
  readonly generation: number;
  /** v2: when it was sealed. */
  readonly sealedAt?: string | undefined;
}

/**
 * Open `ENVSEAL_BUNDLE` of a function. An AccessDenied says that the bundle needs kms:Decrypt, and why.
 * The plaintext stays in memory only as long as the caller keeps the result.
 */
export async function openBundle(source: KeySource, functionName: string, sealed: string, why: string, version: WireVersion = 1): Promise<OpenedBundle> {
  const blob = decodeSealed(sealed, BUNDLE_VAR);
  try {
    const { plaintext, keyArn } = await source.open(blob, contextFor(functionName, BUNDLE_VAR, version));
    const doc = decodeBundleDocument(plaintext);
    return { entries: doc.entries, keyArn, version, generation: doc.generation ?? 0, sealedAt: doc.sealedAt };
  } catch (err) {
    if (err instanceof AwsError && err.code === "AccessDeniedException") {
      throw new AwsError(`${why} needs kms:Decrypt to open ${BUNDLE_VAR} of ${functionName}, and it was denied`, {
        code: err.code,
        operation: "kms:Decrypt",
        hint: "grant kms:Decrypt on the bundle's key with kms:EncryptionContext:LambdaFunctionName (see `envseal policy`)",
        cause: err.cause,
      });
    }
    if (err instanceof Error && !err.message.startsWith(BUNDLE_VAR)) err.message = `${BUNDLE_VAR}: ${err.message}`;
    throw err;
  }
}

/**
 * Seal `entries` as a bundle for `functionName`: v2 (default) carries `generation` and the time it was sealed and is
 * bound to `EnvsealVariable=ENVSEAL_BUNDLE`; v1 is the bare object. Throws {@link InputError} above KMS's 4096-byte
 * plaintext limit.
 *
 * @example
 * ```ts
 * const sealed = await sealBundle(source, keyArn, "orders-api", { DB_PASSWORD: pw }, { generation: 2 });
 * ```
 */
export async function sealBundle(
  source: KeySource,
  keyArn: string,
  functionName: string,
  entries: Readonly<Record<string, string>>,
  options: { version?: WireVersion; generation?: number; sealedAt?: string } = {},
): Promise<string> {
  const version = options.version ?? 2;
  const plaintext =
    version === 2 ? encodeBundleDocument(entries, { generation: options.generation ?? 1, sealedAt: options.sealedAt ?? new Date().toISOString() }) : encodeBundle(entries);
  if (plaintext.byteLength > MAX_PLAINTEXT_BYTES) {
    throw new InputError(`the bundle would hold ${plaintext.byteLength} bytes; KMS seals at most ${MAX_PLAINTEXT_BYTES}`, {
      hint: "keep large secrets per variable (--no-bundle) or in Secrets Manager",
    });
  }
  const { ciphertext } = await source.seal(keyArn, plaintext, contextFor(functionName, BUNDLE_VAR, version));
  return encodeSealed(ciphertext);
}

/** Length of standard base64 for `n` bytes. */
export function base64Length(n: number): number {
  return 4 * Math.ceil(n / 3);
}
