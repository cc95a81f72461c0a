/**
 * `unset`: remove variables from a function (and from the manifest or the bundle), keeping every other variable.
 * @module
 */
import { InputError } from "../core/errors.js";
import type { EnvDiff } from "../core/diff.js";
import { assertNamesToChange } from "../core/limits.js";
import { mergeEnvironment } from "../core/merge.js";
import { BUNDLE_VAR } from "../core/manifest.js";
import { functionNameOf } from "../core/format.js";
import { KmsKeySource } from "../kms/source.js";
import { readFunction, writeEnvironment, type FunctionState } from "../lambda/config.js";
import type { AwsDeps } from "./deps.js";
import { confirmOrAbort } from "./guard.js";
import { openBundle, sealBundle } from "./bundle.js";
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
  readonly revisionId: string | undefined;
}

/**
 * Remove `names` from the function: variables directly, bundled names by re-sealing the bundle without them
 * (kms:Decrypt and kms:Encrypt on the bundle's key). Every name must exist; otherwise nothing is written.
 */
export async function unset(deps: AwsDeps, req: UnsetRequest): Promise<UnsetResult> {
  functionNameOf(req.functionName);
  assertNamesToChange("unset", req.names);
  const state = await readFunction(deps.lambda(), req.functionName);
  const inEnv = req.names.filter((n) => n in state.variables);
  let rest = req.names.filter((n) => !(n in state.variables));
  let bundle: string | null | undefined;
  let opened: Awaited<ReturnType<typeof openBundle>> | undefined;
  let bundleAfter: Record<string, string> | undefined;
  if (rest.length > 0 && state.variables[BUNDLE_VAR] !== undefined) {
    const source = new KmsKeySource(deps.kms());
    opened = await openBundle(source, state.name, state.variables[BUNDLE_VAR], "removing a bundled secret");
    const fromBundle = rest.filter((n) => n in opened!.entries);
    rest = rest.filter((n) => !(n in opened!.entries));
    if (rest.length === 0 && fromBundle.length > 0) {
      bundleAfter = { ...opened.entries };
      for (const n of fromBundle) delete bundleAfter[n];
      bundle = Object.keys(bundleAfter).length === 0 ? null : await sealBundle(source, opened.keyArn, state.name, bundleAfter);
    }
  }
  if (rest.length > 0) {
    throw new InputError(`${rest.join(", ")} ${rest.length === 1 ? "is" : "are"} not set on ${state.name}`, {
      hint: "see the names with `envseal show`",
    });
  }
  const change = { remove: inEnv, ...(bundle !== undefined ? { bundle } : {}) };
  const plan = (s: FunctionState) => ({ variables: mergeEnvironment(s.variables, change) });
  const diff = describeChange(state.variables, plan(state).variables, opened?.entries, bundleAfter ?? opened?.entries);
  await confirmOrAbort(req.confirm, { functionName: state.name, diff });
  const result = await writeEnvironment(deps.lambda(), state, plan);
  return { functionName: state.name, functionArn: state.arn, diff, revisionId: result.revisionId };
}
