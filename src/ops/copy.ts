/**
 * `copy`: copy sealed values from one function to another, re-bound to the target's encryption context.
 * Per-variable values go through KMS ReEncrypt (Source/DestinationEncryptionContext; the plaintext never leaves
 * KMS). Bundled entries are one ciphertext, so they are opened in memory and re-sealed for the target.
 * This is the fix for "renamed or copied function, now InvalidCiphertextException".
 * @module
 */
import { InputError } from "../core/errors.js";
import { decodeSealed, encodeSealed, encryptionContext, functionNameOf } from "../core/format.js";
import { BUNDLE_VAR, MANIFEST_VAR, parseManifest } from "../core/manifest.js";
import { assertWithinLimit } from "../core/limits.js";
import { mergeEnvironment, type EnvChange } from "../core/merge.js";
import type { EnvDiff } from "../core/diff.js";
import { KmsKeySource } from "../kms/source.js";
import { assertSealingKey, describeKey } from "../kms/keys.js";
import { readFunction, writeEnvironment, type FunctionState } from "../lambda/config.js";
import type { AwsDeps } from "./deps.js";
import { confirmOrAbort } from "./guard.js";
import { mapLimit, openValue, sealValues } from "./sealing.js";
import { openBundle, sealBundle, type OpenedBundle } from "./bundle.js";
import { describeChange } from "./describe.js";

/** What to copy. */
export interface CopyRequest {
  from: string;
  to: string;
  /** Names to copy. Default: every sealed and bundled name of `from`. */
  names?: readonly string[];
  /** Key to seal under for the target. Default: the target's at-rest key, else the source's, when customer managed. */
  key?: string | undefined;
  /** Replace names the target already has. Default: false. */
  overwrite?: boolean;
  /** Compute, write nothing. Default: false. */
  dryRun?: boolean;
  /** Asked before writing; resolve `false` to abort. Default: proceed. */
  confirm?: (preview: { functionName: string; diff: EnvDiff }) => Promise<boolean>;
}

/** What `copy` did. */
export interface CopyResult {
  readonly from: string;
  readonly to: string;
  readonly toArn: string;
  readonly names: readonly string[];
  readonly keyArn: string;
  readonly diff: EnvDiff;
  readonly dryRun: boolean;
  readonly written: boolean;
  readonly revisionId: string | undefined;
}

async function resolveTargetKey(deps: AwsDeps, req: CopyRequest, src: FunctionState, dst: FunctionState, srcBundle?: OpenedBundle): Promise<string> {
  const ref = req.key ?? dst.kmsKeyArn ?? src.kmsKeyArn ?? srcBundle?.keyArn;
  if (!ref) {
    throw new InputError(`no key to seal for ${dst.name}: neither function has a customer managed at-rest key`, {
      hint: "pass --key with a customer managed KMS key",
    });
  }
  const key = await describeKey(deps.kms(), ref);
  assertSealingKey(key);
  return key.arn;
}

/** Copy sealed values from `req.from` into `req.to`. */
export async function copy(deps: AwsDeps, req: CopyRequest): Promise<CopyResult> {
  functionNameOf(req.from);
  functionNameOf(req.to);
  const lambda = deps.lambda();
  const [src, dst] = await Promise.all([readFunction(lambda, req.from), readFunction(lambda, req.to)]);
  if (src.arn === dst.arn) throw new InputError("--from and --to are the same function", { hint: "copy to another function" });
  const source = new KmsKeySource(deps.kms());
  const srcManifest = parseManifest(src.variables[MANIFEST_VAR]).filter((n) => n in src.variables);
  const srcBundle =
    src.variables[BUNDLE_VAR] !== undefined ? await openBundle(source, src.name, src.variables[BUNDLE_VAR], "copying bundled secrets") : undefined;
  const available = new Set([...srcManifest, ...Object.keys(srcBundle?.entries ?? {})]);
  if (available.size === 0) throw new InputError(`${src.name} has nothing sealed to copy`, { hint: "check --from; see `envseal show`" });
  const names = req.names && req.names.length > 0 ? [...new Set(req.names)].sort() : [...available].sort();
  const missing = names.filter((n) => !available.has(n));
  if (missing.length > 0) {
    throw new InputError(`${missing.join(", ")} ${missing.length === 1 ? "is" : "are"} not sealed on ${src.name}`, {
      hint: "copy copies sealed values only; see `envseal show --function " + src.name + "`",
    });
  }
  const dstBundle =
    dst.variables[BUNDLE_VAR] !== undefined ? await openBundle(source, dst.name, dst.variables[BUNDLE_VAR], "copying into a function with a bundle") : undefined;
  const taken = names.filter((n) => n in dst.variables || n in (dstBundle?.entries ?? {}));
  if (taken.length > 0 && !req.overwrite) {
    throw new InputError(`${taken.join(", ")} already ${taken.length === 1 ? "exists" : "exist"} on ${dst.name}`, {
      hint: "pass --overwrite to replace, or name only the others",
    });
  }
  const keyArn = await resolveTargetKey(deps, req, src, dst, srcBundle);
  const fromCtx = encryptionContext(src.name);
  const toCtx = encryptionContext(dst.name);
  const perVariable = names.filter((n) => srcManifest.includes(n) && !(srcBundle && n in srcBundle.entries));
  const bundled = names.filter((n) => !perVariable.includes(n));

  let change: EnvChange;
  let bundleAfter: Record<string, string> | undefined;
  if (dstBundle) {
    const opened = await mapLimit(perVariable, 8, async (n) => (await openValue(source, src.name, src.variables[n] as string, n)).plaintext);
    bundleAfter = { ...dstBundle.entries };
    perVariable.forEach((n, i) => (bundleAfter![n] = opened[i] as string));
    for (const n of bundled) bundleAfter[n] = srcBundle!.entries[n] as string;
    change = { bundle: await sealBundle(source, keyArn, dst.name, bundleAfter), remove: names.filter((n) => n in dst.variables) };
  } else {
    const rebound = await mapLimit(perVariable, 8, async (n) => {
      const out = await source.reseal(decodeSealed(src.variables[n] as string, n), fromCtx, keyArn, toCtx).catch((err: unknown) => {
        if (err instanceof Error) err.message = `${n}: ${err.message}`;
        throw err;
      });
      return encodeSealed(out.ciphertext);
    });
    const fromBundle = Object.fromEntries(bundled.map((n) => [n, srcBundle!.entries[n] as string]));
    const sealed = { ...Object.fromEntries(perVariable.map((n, i) => [n, rebound[i] as string])), ...(bundled.length ? await sealValues(source, keyArn, dst.name, fromBundle) : {}) };
    change = { sealed };
  }
  const plan = (s: FunctionState) => {
    const variables = mergeEnvironment(s.variables, change);
    assertWithinLimit(variables);
    return { variables };
  };
  const after = plan(dst).variables;
  const diff = describeChange(dst.variables, after, dstBundle?.entries, bundleAfter ?? dstBundle?.entries);
  const base = { from: src.name, to: dst.name, toArn: dst.arn, names, keyArn, diff };
  if (req.dryRun) return { ...base, dryRun: true, written: false, revisionId: dst.revisionId };
  await confirmOrAbort(req.confirm, { functionName: dst.name, diff });
  const result = await writeEnvironment(lambda, dst, plan);
  return { ...base, dryRun: false, written: true, revisionId: result.revisionId };
}
