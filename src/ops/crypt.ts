/**
 * `encrypt` and `decrypt`: seal values for a function (printing them, writing nothing to AWS) and open one value.
 * @module
 */
import { assertSettableName } from "../core/limits.js";
import { functionNameOf } from "../core/format.js";
import { InputError } from "../core/errors.js";
import { KmsKeySource } from "../kms/source.js";
import { assertSealingKey, describeKey } from "../kms/keys.js";
import type { AwsDeps } from "./deps.js";
import { openValue, sealValues } from "./sealing.js";
import { sealBundle } from "./bundle.js";
import { BUNDLE_VAR } from "../core/manifest.js";

/** What to seal. */
export interface EncryptRequest {
  functionName: string;
  key: string;
  values: Readonly<Record<string, string>>;
  /** Seal all values as one `ENVSEAL_BUNDLE` instead of one value each. Default: false. */
  bundle?: boolean;
}

/** Sealed values, ready to paste into a function's configuration. */
export interface EncryptResult {
  readonly functionName: string;
  readonly keyArn: string;
  /** Name → sealed value (base64 ciphertext). */
  readonly sealed: Readonly<Record<string, string>>;
}

/** Seal values for a function without touching its configuration. */
export async function encrypt(deps: AwsDeps, req: EncryptRequest): Promise<EncryptResult> {
  const functionName = functionNameOf(req.functionName);
  const names = Object.keys(req.values);
  if (names.length === 0) throw new InputError("nothing to encrypt", { hint: "give NAME=VALUE, NAME or --dotenv PATH" });
  for (const name of names) assertSettableName(name);
  const key = await describeKey(deps.kms(), req.key);
  assertSealingKey(key);
  const source = new KmsKeySource(deps.kms());
  const sealed = req.bundle
    ? { [BUNDLE_VAR]: await sealBundle(source, key.arn, functionName, req.values) }
    : await sealValues(source, key.arn, functionName, req.values);
  return { functionName, keyArn: key.arn, sealed };
}

/** What to open. */
export interface DecryptRequest {
  functionName: string;
  value: string;
}

/** An opened value. */
export interface DecryptResult {
  readonly functionName: string;
  readonly keyArn: string;
  readonly plaintext: string;
}

/** Open one sealed value bound to the function's name. */
export async function decrypt(deps: AwsDeps, req: DecryptRequest): Promise<DecryptResult> {
  const functionName = functionNameOf(req.functionName);
  const { plaintext, keyArn } = await openValue(new KmsKeySource(deps.kms()), functionName, req.value, "the value");
  return { functionName, keyArn, plaintext };
}
