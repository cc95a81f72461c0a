/**
 * `rotate`: re-encrypt every sealed variable and the bundle to another key with KMS ReEncrypt (the plaintext never
 * leaves KMS), then set `KMSKeyArn` — one configuration update with RevisionId.
 * @module
 */
import { InputError } from "../core/errors.js";
import { decodeSealed, encodeSealed, encryptionContext, functionNameOf } from "../core/format.js";
import { BUNDLE_VAR, MANIFEST_VAR, parseManifest } from "../core/manifest.js";
import { KmsKeySource } from "../kms/source.js";
import { assertKeyEnabled, describeKey } from "../kms/keys.js";
import { readFunction, writeEnvironment, type FunctionState } from "../lambda/config.js";
import type { AwsDeps } from "./deps.js";
import { mapLimit } from "./sealing.js";
import { assertUnchanged, confirmOrAbort } from "./guard.js";
import { atRestLabel } from "./push.js";

/** What to rotate. */
export interface RotateRequest {
  functionName: string;
  /** The customer managed key to re-encrypt to. */
  toKey: string;
  /** Re-encrypt to measure and check permissions, but write nothing. Default: false. */
  dryRun?: boolean;
  /** Asked before writing; resolve `false` to abort. Default: proceed. */
  confirm?: (preview: { functionName: string; names: readonly string[]; toKeyArn: string }) => Promise<boolean>;
}

/** What `rotate` did. */
export interface RotateResult {
  readonly functionName: string;
  readonly functionArn: string;
  readonly toKeyArn: string;
  /** Variables re-encrypted (`ENVSEAL_BUNDLE` for the bundle). */
  readonly names: readonly string[];
  /** Keys the values were under before. */
  readonly fromKeyArns: readonly string[];
  readonly atRestKey: string;
  readonly dryRun: boolean;
  readonly written: boolean;
  readonly revisionId: string | undefined;
}

/** Re-encrypt a function's sealed values to `toKey` and make it the at-rest key. */
export async function rotate(deps: AwsDeps, req: RotateRequest): Promise<RotateResult> {
  functionNameOf(req.functionName);
  const key = await describeKey(deps.kms(), req.toKey);
  if (key.manager === "AWS") {
    throw new InputError(`${key.ref} is an AWS managed key; sealed values can only be re-encrypted to a customer managed key`, {
      hint: "pass a customer managed key to --to-key",
    });
  }
  assertKeyEnabled(key, "re-encrypt to");
  const state = await readFunction(deps.lambda(), req.functionName);
  const vars = state.variables;
  const names = [...parseManifest(vars[MANIFEST_VAR]).filter((n) => n in vars), ...(vars[BUNDLE_VAR] !== undefined ? [BUNDLE_VAR] : [])];
  if (names.length === 0) {
    throw new InputError(`${state.name} has no sealed values to rotate`, {
      hint: "seal values with `envseal push`; to change only the at-rest key use `envseal push --at-rest-key`",
    });
  }
  const source = new KmsKeySource(deps.kms());
  const context = encryptionContext(state.name);
  const results = await mapLimit(names, 8, async (name) => {
    const out = await source.reseal(decodeSealed(vars[name] as string, name), context, key.arn, context).catch((err: unknown) => {
      if (err instanceof Error) err.message = `${name}: ${err.message}`;
      throw err;
    });
    return { name, value: encodeSealed(out.ciphertext), from: out.sourceKeyArn };
  });
  const fromKeyArns = [...new Set(results.map((r) => r.from))].sort();
  if (fromKeyArns.length === 1 && fromKeyArns[0] === key.arn) {
    throw new InputError(`every sealed value of ${state.name} is already under ${key.ref}; nothing to rotate`, {
      hint: "pass another key to --to-key",
    });
  }
  const originals = Object.fromEntries(names.map((n) => [n, vars[n] as string]));
  const rotated = Object.fromEntries(results.map((r) => [r.name, r.value]));
  const plan = (s: FunctionState) => {
    assertUnchanged(s, originals, "rotate");
    return { variables: { ...s.variables, ...rotated }, kmsKeyArn: s.kmsKeyArn === key.arn ? undefined : key.arn };
  };
  const base = { functionName: state.name, functionArn: state.arn, toKeyArn: key.arn, names, fromKeyArns, atRestKey: atRestLabel(key.arn) };
  if (req.dryRun) return { ...base, atRestKey: atRestLabel(state.kmsKeyArn), dryRun: true, written: false, revisionId: state.revisionId };
  await confirmOrAbort(req.confirm, { functionName: state.name, names, toKeyArn: key.arn });
  const result = await writeEnvironment(deps.lambda(), state, plan);
  return { ...base, dryRun: false, written: true, revisionId: result.revisionId };
}
