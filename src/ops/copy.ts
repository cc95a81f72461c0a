/**
 * `copy`: copy sealed values from one function to another, re-bound to the target's encryption context.
 * Per-variable values go through KMS ReEncrypt (Source/DestinationEncryptionContext; the plaintext never leaves
 * KMS). Bundled entries are one ciphertext, so they are opened in memory and re-sealed for the target.
 * This is the fix for "renamed or copied function, now InvalidCiphertextException". The source is read once; the
 * target is re-read and the change re-planned on every retry.
 * @module
 */
import { InputError } from "../core/errors.js";
import { contextFor, decodeSealed, encodeSealed, functionNameOf } from "../core/format.js";
import { BUNDLE_VAR, MANIFEST_VAR, parseManifest, versionIn } from "../core/manifest.js";
import { assertWithinLimit } from "../core/limits.js";
import { mergeEnvironment, type EnvChange } from "../core/merge.js";
import type { EnvDiff } from "../core/diff.js";
import { KmsKeySource } from "../kms/source.js";
import { assertSealingKey, describeKey } from "../kms/keys.js";
import { assertEnvironmentReadable, readFunction, type FunctionState } from "../lambda/config.js";
import { writeEnvironment, type EnvironmentUpdate } from "../lambda/write.js";
import type { AwsDeps } from "./deps.js";
import { confirmOrAbort } from "./guard.js";
import { mapLimit } from "./sealing.js";
import { KmsCache } from "./cache.js";
import type { OpenedBundle } from "./bundle.js";
import { describeChange } from "./describe.js";

/** What to copy. */
export interface CopyRequest {
  from: string;
  to: string;
  /** Names to copy. Default: every sealed and bundled name of `from`. */
  names?: readonly string[];
  /**
   * Key to seal under for the target. Default: the target's at-rest key, else the source's, when customer managed; else
   * the key the source's ciphertext names (the bundle's, or the first sealed variable's, learnt from one kms:Decrypt
   * whose plaintext is wiped at once).
   */
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
  /** True when `LastUpdateStatus: Successful` was seen after the write. */
  readonly live: boolean;
  readonly notLiveReason?: string | undefined;
  readonly revisionId: string | undefined;
}

async function resolveTargetKey(
  deps: AwsDeps,
  req: CopyRequest,
  src: FunctionState,
  dst: FunctionState,
  srcBundle: OpenedBundle | undefined,
  sealedKey: () => Promise<string | undefined>,
): Promise<string> {
  const ref = req.key ?? dst.kmsKeyArn ?? src.kmsKeyArn ?? srcBundle?.keyArn ?? (await sealedKey());
  if (!ref) {
    throw new InputError(`no key to seal for ${dst.name}: neither function has a customer managed at-rest key, and KMS named no key for ${src.name}'s ciphertext`, {
      hint: "pass --key with a customer managed KMS key",
    });
  }
  const key = await describeKey(deps.kms(), ref);
  assertSealingKey(key);
  return key.arn;
}

interface PlannedCopy {
  update: EnvironmentUpdate;
  bundleBefore: Record<string, string> | undefined;
  bundleAfter: Record<string, string> | undefined;
}

/**
 * Copy sealed values from `req.from` into `req.to`.
 *
 * @example
 * ```ts
 * await copy(lazyDeps({}), { from: "orders-api-old", to: "orders-api", names: ["DB_PASSWORD"] });
 * ```
 */
export async function copy(deps: AwsDeps, req: CopyRequest): Promise<CopyResult> {
  functionNameOf(req.from);
  functionNameOf(req.to);
  const lambda = deps.lambda();
  const [src, dst] = await Promise.all([readFunction(lambda, req.from), readFunction(lambda, req.to)]);
  if (src.arn === dst.arn) throw new InputError("--from and --to are the same function", { hint: "copy to another function" });
  assertEnvironmentReadable(src, "copy");
  assertEnvironmentReadable(dst, "copy");
  const source = new KmsKeySource(deps.kms());
  const cache = new KmsCache(source);
  const srcManifest = parseManifest(src.variables[MANIFEST_VAR]).filter((n) => n in src.variables);
  const srcVersion = (n: string) => versionIn(src.variables[MANIFEST_VAR], n);
  const srcBundle =
    src.variables[BUNDLE_VAR] !== undefined ? await cache.openBundle(src.name, src.variables[BUNDLE_VAR], "copying bundled secrets", srcVersion(BUNDLE_VAR)) : undefined;
  const available = new Set([...srcManifest, ...Object.keys(srcBundle?.entries ?? {})]);
  if (available.size === 0) throw new InputError(`${src.name} has nothing sealed to copy`, { hint: `see \`envseal show --function ${src.name}\`` });
  const names = req.names && req.names.length > 0 ? [...new Set(req.names)].sort() : [...available].sort();
  const missing = names.filter((n) => !available.has(n));
  if (missing.length > 0) {
    throw new InputError(`${missing.join(", ")} ${missing.length === 1 ? "is" : "are"} not sealed on ${src.name}`, {
      hint: `copy copies sealed values only; see \`envseal show --function ${src.name}\``,
    });
  }
  const perVariable = names.filter((n) => srcManifest.includes(n) && !(srcBundle && n in srcBundle.entries));
  // The key a sealed value names: KMS tells it only by opening the value (the blob's key bytes are not an ARN).
  const sealedKey = async (): Promise<string | undefined> => {
    const n = perVariable[0];
    if (n === undefined) return undefined;
    const opened = await source.open(decodeSealed(src.variables[n] as string, n), contextFor(src.name, n, srcVersion(n)));
    opened.plaintext.fill(0);
    return opened.keyArn || undefined;
  };
  const keyArn = await resolveTargetKey(deps, req, src, dst, srcBundle, sealedKey);
  const bundled = names.filter((n) => !perVariable.includes(n));
  // What the source holds is read once; plaintext only for what has to be re-sealed in memory.
  let rebound: Record<string, string> | undefined;
  const reboundValues = async () =>
    (rebound ??= Object.fromEntries(
      await mapLimit(perVariable, 8, async (n) => {
        // Re-bound to the target function and the variable's name (wire format v2), whatever the source's format.
        const out = await source.reseal(decodeSealed(src.variables[n] as string, n), contextFor(src.name, n, srcVersion(n)), keyArn, contextFor(dst.name, n, 2)).catch((err: unknown) => {
          if (err instanceof Error && !err.message.startsWith(`${n}:`)) err.message = `${n}: ${err.message}`;
          throw err;
        });
        return [n, encodeSealed(out.ciphertext)] as const;
      }),
    ));
  const plaintextOf = async (n: string): Promise<string> =>
    perVariable.includes(n) ? cache.openValue(src.name, src.variables[n] as string, n, srcVersion(n)) : (srcBundle!.entries[n] as string);

  const planner = async (d: FunctionState, first: boolean): Promise<PlannedCopy> => {
    const dstBundle =
      d.variables[BUNDLE_VAR] !== undefined
        ? await cache.openBundle(d.name, d.variables[BUNDLE_VAR], "copying into a function with a bundle", versionIn(d.variables[MANIFEST_VAR], BUNDLE_VAR))
        : undefined;
    const taken = names.filter((n) => n in d.variables || n in (dstBundle?.entries ?? {}));
    if (taken.length > 0 && !req.overwrite && first) {
      throw new InputError(`${taken.join(", ")} already ${taken.length === 1 ? "exists" : "exist"} on ${d.name}`, {
        hint: "pass --overwrite to replace, or name only the others",
      });
    }
    let change: EnvChange;
    let bundleAfter: Record<string, string> | undefined;
    if (dstBundle) {
      bundleAfter = { ...dstBundle.entries };
      for (const n of names) bundleAfter[n] = await plaintextOf(n);
      change = {
        bundle: await cache.sealBundle(keyArn, d.name, bundleAfter, { version: 2, generation: dstBundle.generation + 1 }),
        bundleVersion: 2,
        remove: names.filter((n) => n in d.variables),
      };
    } else {
      const fromBundle = Object.fromEntries(bundled.map((n) => [n, srcBundle!.entries[n] as string]));
      const sealed = { ...(await reboundValues()), ...(bundled.length ? await cache.seal(keyArn, d.name, fromBundle) : {}) };
      change = { sealed };
    }
    const variables = mergeEnvironment(d.variables, change);
    assertWithinLimit(variables);
    return { update: { variables }, bundleBefore: dstBundle?.entries, bundleAfter: bundleAfter ?? dstBundle?.entries };
  };

  const first = await planner(dst, true);
  const diff = describeChange(dst.variables, first.update.variables, first.bundleBefore, first.bundleAfter);
  const base = { from: src.name, to: dst.name, toArn: dst.arn, names, keyArn, diff };
  if (req.dryRun) return { ...base, dryRun: true, written: false, live: true, revisionId: dst.revisionId };
  await confirmOrAbort(req.confirm, { functionName: dst.name, diff });
  // A name that appears on the target while copy runs is another writer's: on a retry it is not overwritten silently.
  const result = await writeEnvironment(
    lambda,
    dst,
    async (d) => {
      if (d === dst) return first.update;
      const fresh = names.filter((n) => n in d.variables && d.variables[n] !== first.update.variables[n] && !(n in dst.variables));
      if (fresh.length > 0 && !req.overwrite) {
        throw new InputError(`${fresh.join(", ")} appeared on ${d.name} while copy ran`, { hint: "check the target, then run copy again (with --overwrite to replace)" });
      }
      return (await planner(d, false)).update;
    },
    { ...deps.writeOptions, command: "copy" },
  );
  return { ...base, dryRun: false, written: result.written !== null, live: result.live, notLiveReason: result.notLiveReason, revisionId: result.revisionId };
}
