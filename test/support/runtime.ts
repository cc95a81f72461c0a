/**
 * Helpers for runtime tests: fake ciphertext blobs and a KMS mock that opens them only with the right context.
 */
import { randomBytes } from "node:crypto";
import { DecryptCommand, KMSClient, type DecryptCommandInput } from "@aws-sdk/client-kms";
import type { AwsClientStub } from "aws-sdk-client-mock";
import { sdkError } from "./sdk-errors.js";

/** A plausible sealed value (base64 of 64 random bytes) that a {@link FakeVault} maps to a plaintext. */
export interface FakeVault {
  /**
   * Seal `plaintext` for `functionName` (and, for wire format v2, for `variable`): returns the base64 value to put in
   * the environment. It opens only with exactly that context.
   */
  seal(plaintext: string, functionName: string, variable?: string): string;
  /** Answer one Decrypt like KMS would for the sealed values (InvalidCiphertextException on a wrong context). */
  open(input: Pick<DecryptCommandInput, "CiphertextBlob" | "EncryptionContext">): Promise<{ Plaintext: Uint8Array; KeyId: string }>;
  /** Make `kms` answer Decrypt like KMS would for the sealed values (InvalidCiphertextException on a wrong context). */
  install(kms: AwsClientStub<KMSClient>): void;
}

/** A KMS error as the SDK throws it. */
export function kmsError(name: string, message = `${name} from the mock`, status = 400): Error {
  return sdkError(name, status, message);
}

export function fakeVault(): FakeVault {
  const blobs = new Map<string, { plaintext: string; context: Record<string, string> }>();
  const same = (a: Record<string, string>, b: Record<string, string> | undefined) =>
    b !== undefined && Object.keys(a).length === Object.keys(b).length && Object.entries(a).every(([k, v]) => b[k] === v);
  return {
    seal(plaintext, functionName, variable) {
      const value = randomBytes(64).toString("base64");
      blobs.set(value, { plaintext, context: variable === undefined ? { LambdaFunctionName: functionName } : { LambdaFunctionName: functionName, EnvsealVariable: variable } });
      return value;
    },
    async open(input) {
      const key = Buffer.from(input.CiphertextBlob as Uint8Array).toString("base64");
      const entry = blobs.get(key);
      if (!entry || !same(entry.context, input.EncryptionContext)) {
        throw kmsError("InvalidCiphertextException", "");
      }
      return { Plaintext: new TextEncoder().encode(entry.plaintext), KeyId: "arn:aws:kms:us-east-1:123456789012:key/test" };
    },
    install(kms) {
      kms.on(DecryptCommand).callsFake(async (input: DecryptCommandInput) => this.open(input));
    },
  };
}
