/**
 * `unset`: remove variables from a function (and from the manifest or the bundle), keeping every other variable.
 * A name the manifest lists but the environment lacks (drift, audit ES003) is removed from the manifest.
 * @module
 */
import { InputError } from "../core/errors.js";
import type { EnvDiff } from "../core/diff.js";
import { assertNamesToChange } from "../core/limits.js";
import { mergeEnvironment, type EnvChange } from "../core/merge.js";
import { BUNDLE_VAR, MANIFEST_VAR, parseManifest } from "../core/manifest.js";
import { functionNameOf } from "../core/format.js";
import { KmsKeySource } from "../kms/source.js";
import { assertEnvironmentReadable, readFunction, type FunctionState } from "../lambda/config.js";
import { writeEnvironment, type EnvironmentUpdate } from "../lambda/write.js";
import type { AwsDeps } from "./deps.js";
import { confirmOrAbort } from "./guard.js";
import { KmsCache } from "./cache.js";
import { describeChange } from "./describe.js";

/** What to remove. */
export interface UnsetRequest {
  functionName: string;
  names: readonly string[];
  /** Asked before writing; resolve `false` to abort. Default: proceed. */
  confirm?: (preview: { functionName: string; diff: EnvDiff }) => Promise<boolean>;
}

/** What `unset` did. */
export interface UnsetResult {
  readonly functionName: string;
  readonly functionArn: string;
  readonly diff: EnvDiff;
  /** True when the change was written (false when nothing was left to remove). */
  readonly written: boolean;
  /** True when `LastUpdateStatus: Successful` was seen after the write. */
  readonly live: boolean;
  readonly notLiveReason?: string | undefined;
  /** Size of the environment after the change (compact JSON bytes of Lambda's 4096). */
  readonly bytes: number;
  readonly revisionId: string | undefined;
}

interface PlannedUnset {
  update: EnvironmentUpdate;
  bundleBefore: Record<string, string> | undefined;
  bundleAfter: Record<string, string> | undefined;
  /** Names found nowhere in this state. */
  absent: string[];
}

/**
 * Remove `names` from the function: variables directly, bundled names by re-sealing the bundle without them
 * (kms:Decrypt and kms:Encrypt on the bundle's key), stale manifest entries by rewriting the manifest. Every name must
 * be somewhere on the first read; otherwise nothing is written. Each retry re-plans from the fresh read.
 *
 * @example
 * ```ts
 * await unset(lazyDeps({}), { functionName: "orders-api", names: ["OLD_TOKEN"] });
 * ```
 */
export async function unset(deps: AwsDeps, req: UnsetRequest): Promise<UnsetResult> {
  functionNameOf(req.functionName);
  assertNamesToChange("unset", req.names);
  const names = [...new Set(req.names)];
  const state = await readFunction(deps.lambda(), req.functionName);
  assertEnvironmentReadable(state, "unset");
  let cache: KmsCache | undefined;
  const kms = () => (cache ??= new KmsCache(new KmsKeySource(deps.kms())));

  const planner = async (s: FunctionState): Promise<PlannedUnset> => {
    const vars = s.variables;
    const manifest = parseManifest(vars[MANIFEST_VAR]);
    const inEnv = names.filter((n) => n in vars);
    const inManifestOnly = names.filter((n) => !(n in vars) && manifest.includes(n));
    let rest = names.filter((n) => !(n in vars) && !manifest.includes(n));
    const change: { remove: string[]; bundle?: string | null } = { remove: [...inEnv, ...inManifestOnly] };
    let bundleBefore: Record<string, string> | undefined;
    let bundleAfter: Record<string, string> | undefined;
    if (rest.length > 0 && vars[BUNDLE_VAR] !== undefined) {
      const opened = await kms().openBundle(s.name, vars[BUNDLE_VAR], "removing a bundled secret");
      bundleBefore = opened.entries;
      const fromBundle = rest.filter((n) => n in opened.entries);
      rest = rest.filter((n) => !(n in opened.entries));
      if (fromBundle.length > 0) {
        bundleAfter = { ...opened.entries };
        for (const n of fromBundle) delete bundleAfter[n];
        change.bundle = Object.keys(bundleAfter).length === 0 ? null : await kms().sealBundle(opened.keyArn, s.name, bundleAfter);
      }
    }
    return { update: { variables: mergeEnvironment(vars, change as EnvChange) }, bundleBefore, bundleAfter, absent: rest };
  };

  const first = await planner(state);
  if (first.absent.length > 0) {
    throw new InputError(`${first.absent.join(", ")} ${first.absent.length === 1 ? "is" : "are"} not set on ${state.name}`, {
      hint: `see the names with \`envseal show --function ${state.name}\``,
    });
  }
  const diff = describeChange(state.variables, first.update.variables, first.bundleBefore, first.bundleAfter ?? first.bundleBefore);
  await confirmOrAbort(req.confirm, { functionName: state.name, diff });
  // On a retry, a name already gone (removed by us or by someone else) is simply not there to remove.
  const result = await writeEnvironment(deps.lambda(), state, async (s) => (s === state ? first : await planner(s)).update, {
    ...deps.writeOptions,
    command: "unset",
  });
  const after = result.written?.variables ?? state.variables;
  return {
    functionName: state.name,
    functionArn: state.arn,
    diff,
    written: result.written !== null,
    live: result.live,
    notLiveReason: result.notLiveReason,
    bytes: Buffer.byteLength(JSON.stringify(after), "utf8"),
    revisionId: result.revisionId,
  };
}
