/**
 * `encrypt` and `decrypt`: seal values for a function (printing them, writing nothing to AWS) and open one value.
 * @module
 */
import { assertSettableName, isValidName } from "../core/limits.js";
import { functionNameOf } from "../core/format.js";
import { InputError } from "../core/errors.js";
import { KmsKeySource } from "../kms/source.js";
import { assertSealingKey, describeKey } from "../kms/keys.js";
import type { AwsDeps } from "./deps.js";
import { openValue, sealValues } from "./sealing.js";
import { sealBundle } from "./bundle.js";
import { BUNDLE_VAR, formatManifest } from "../core/manifest.js";

/** What to seal. */
export interface EncryptRequest {
  functionName: string;
  key: string;
  values: Readonly<Record<string, string>>;
  /** Seal all values as one `ENVSEAL_BUNDLE` instead of one value each. Default: false. */
  bundle?: boolean;
  /** Wire format: 2 binds each value to its variable's name; 1 to the function only (the console's snippet). Default: 2. */
  wireVersion?: 1 | 2;
}

/** Sealed values, ready to paste into a function's configuration. */
export interface EncryptResult {
  readonly functionName: string;
  readonly keyArn: string;
  /** Name → sealed value (base64 ciphertext). */
  readonly sealed: Readonly<Record<string, string>>;
  /**
   * The `ENVSEAL_SEALED` value that goes with them: without it the runtime opens nothing (and, for v2 values, would
   * not know their format).
   */
  readonly manifest: string;
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
  const version = req.wireVersion ?? 2;
  const sealed = req.bundle
    ? { [BUNDLE_VAR]: await sealBundle(source, key.arn, functionName, req.values, { version }) }
    : await sealValues(source, key.arn, functionName, req.values, version);
  const entries = new Map<string, 1 | 2>(Object.keys(sealed).map((n) => [n, version]));
  const manifest = formatManifest(entries) ?? "";
  return { functionName, keyArn: key.arn, sealed, manifest };
}

/** What to open. */
export interface DecryptRequest {
  functionName: string;
  value: string;
  /** The variable a wire format v2 value was sealed for; omitted for v1 (console-sealed) values. */
  variable?: string | undefined;
}

/** An opened value. */
export interface DecryptResult {
  readonly functionName: string;
  readonly keyArn: string;
  readonly plaintext: string;
}

function assertVariableName(name: string): string {
  if (!isValidName(name)) throw new InputError("--variable is not a variable name", { hint: "names match [a-zA-Z][a-zA-Z0-9_]+" });
  return name;
}

/** Open one sealed value bound to the function's name (and, for v2, to `variable`). */
export async function decrypt(deps: AwsDeps, req: DecryptRequest): Promise<DecryptResult> {
  const functionName = functionNameOf(req.functionName);
  const { plaintext, keyArn } =
    req.variable === undefined
      ? await openValue(new KmsKeySource(deps.kms()), functionName, req.value, "the value")
      : await openValue(new KmsKeySource(deps.kms()), functionName, req.value, assertVariableName(req.variable), 2);
  return { functionName, keyArn, plaintext };
}
