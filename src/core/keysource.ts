/**
 * The one interface every key backend implements (KMS first). The wire format stays in `format.ts`;
 * a key source only turns bytes into ciphertext and back under an encryption context.
 * @module
 */

/** Result of sealing: the ciphertext and the full ARN of the key that sealed it. */
export interface SealResult {
  readonly ciphertext: Uint8Array;
  readonly keyArn: string;
}

/** Result of opening: the plaintext bytes and the key that had sealed them. */
export interface OpenResult {
  readonly plaintext: Uint8Array;
  readonly keyArn: string;
}

/** Result of re-sealing: also the key that had sealed the value before. */
export interface ResealResult extends SealResult {
  readonly sourceKeyArn: string;
}

/** A key backend. Implementations map their own errors to envseal errors and never put plaintext in them. */
export interface KeySource {
  /** Encrypt `plaintext` under `keyId`, bound to `context`. */
  seal(keyId: string, plaintext: Uint8Array, context: Readonly<Record<string, string>>): Promise<SealResult>;
  /** Decrypt `ciphertext` bound to `context`. */
  open(ciphertext: Uint8Array, context: Readonly<Record<string, string>>): Promise<OpenResult>;
  /** Re-encrypt server-side, so the plaintext never leaves the backend. */
  reseal(
    ciphertext: Uint8Array,
    from: Readonly<Record<string, string>>,
    toKeyId: string,
    to: Readonly<Record<string, string>>,
  ): Promise<ResealResult>;
}
