/**
 * The bundle (`ENVSEAL_BUNDLE`): every bundled secret of a function in one KMS ciphertext of a JSON object.
 * Opening and re-sealing it, and the size a set of secrets would take as a bundle.
 * @module
 */
import { AwsError, InputError } from "../core/errors.js";
import {
  MAX_PLAINTEXT_BYTES,
  decodeBundle,
  decodeSealed,
  encodeBundle,
  encodeSealed,
  encryptionContext,
} from "../core/format.js";
import type { KeySource } from "../core/keysource.js";
import { BUNDLE_VAR } from "../core/manifest.js";

/** An opened bundle: its entries and the key that sealed it. */
export interface OpenedBundle {
  readonly entries: Record<string, string>;
  readonly keyArn: string;
}

/**
 * Open `ENVSEAL_BUNDLE` of a function. An AccessDenied says that the bundle needs kms:Decrypt, and why.
 * The plaintext stays in memory only as long as the caller keeps the result.
 */
export async function openBundle(source: KeySource, functionName: string, sealed: string, why: string): Promise<OpenedBundle> {
  const blob = decodeSealed(sealed, BUNDLE_VAR);
  try {
    const { plaintext, keyArn } = await source.open(blob, encryptionContext(functionName));
    return { entries: decodeBundle(plaintext), keyArn };
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

/** Seal `entries` as a bundle for `functionName`; throws {@link InputError} above KMS's 4096-byte plaintext limit. */
export async function sealBundle(source: KeySource, keyArn: string, functionName: string, entries: Readonly<Record<string, string>>): Promise<string> {
  const plaintext = encodeBundle(entries);
  if (plaintext.byteLength > MAX_PLAINTEXT_BYTES) {
    throw new InputError(`the bundle would hold ${plaintext.byteLength} bytes; KMS seals at most ${MAX_PLAINTEXT_BYTES}`, {
      hint: "keep large secrets per variable (--no-bundle) or in Secrets Manager",
    });
  }
  const { ciphertext } = await source.seal(keyArn, plaintext, encryptionContext(functionName));
  return encodeSealed(ciphertext);
}

/** Length of standard base64 for `n` bytes. */
export function base64Length(n: number): number {
  return 4 * Math.ceil(n / 3);
}
