/**
 * KMS as a {@link KeySource}: Encrypt, Decrypt and ReEncrypt with an encryption context.
 * @module
 */
import { DecryptCommand, EncryptCommand, ReEncryptCommand, type KMSClient } from "@aws-sdk/client-kms";
import type { KeySource, OpenResult, ResealResult, SealResult } from "../core/keysource.js";
import { CONTEXT_KEY, VARIABLE_CONTEXT_KEY } from "../core/format.js";
import { mapKmsError } from "./errors.js";

function fnOf(context: Readonly<Record<string, string>>): string | undefined {
  return context[CONTEXT_KEY];
}

/**
 * The KMS key source.
 *
 * @example
 * ```ts
 * const source = new KmsKeySource(new KMSClient({}));
 * const { ciphertext } = await source.seal(keyArn, bytes, encryptionContext("orders-api"));
 * ```
 */
export class KmsKeySource implements KeySource {
  constructor(private readonly kms: KMSClient) {}

  async seal(keyId: string, plaintext: Uint8Array, context: Readonly<Record<string, string>>): Promise<SealResult> {
    try {
      const out = await this.kms.send(new EncryptCommand({ KeyId: keyId, Plaintext: plaintext, EncryptionContext: { ...context } }));
      if (!out.CiphertextBlob) throw Object.assign(new Error("empty"), { name: "EmptyCiphertext" });
      return { ciphertext: out.CiphertextBlob, keyArn: out.KeyId ?? keyId };
    } catch (err) {
      throw mapKmsError(err, { operation: "kms:Encrypt", key: keyId, functionName: fnOf(context) });
    }
  }

  async open(ciphertext: Uint8Array, context: Readonly<Record<string, string>>): Promise<OpenResult> {
    try {
      const out = await this.kms.send(
        new DecryptCommand({ CiphertextBlob: ciphertext, ...(Object.keys(context).length > 0 ? { EncryptionContext: { ...context } } : {}) }),
      );
      if (!out.Plaintext) throw Object.assign(new Error("empty"), { name: "EmptyPlaintext" });
      return { plaintext: out.Plaintext, keyArn: out.KeyId ?? "" };
    } catch (err) {
      throw mapKmsError(err, { operation: "kms:Decrypt", functionName: fnOf(context), ...(context[VARIABLE_CONTEXT_KEY] ? { boundTo: context[VARIABLE_CONTEXT_KEY] } : {}) });
    }
  }

  async reseal(
    ciphertext: Uint8Array,
    from: Readonly<Record<string, string>>,
    toKeyId: string,
    to: Readonly<Record<string, string>>,
  ): Promise<ResealResult> {
    try {
      const out = await this.kms.send(
        new ReEncryptCommand({
          CiphertextBlob: ciphertext,
          ...(Object.keys(from).length > 0 ? { SourceEncryptionContext: { ...from } } : {}),
          DestinationKeyId: toKeyId,
          DestinationEncryptionContext: { ...to },
        }),
      );
      if (!out.CiphertextBlob) throw Object.assign(new Error("empty"), { name: "EmptyCiphertext" });
      return { ciphertext: out.CiphertextBlob, keyArn: out.KeyId ?? toKeyId, sourceKeyArn: out.SourceKeyId ?? "" };
    } catch (err) {
      throw mapKmsError(err, { operation: "kms:ReEncrypt*", key: toKeyId, functionName: fnOf(from) });
    }
  }
}
