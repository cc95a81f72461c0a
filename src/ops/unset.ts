/**
 * `unset`: remove variables from a function (and from the manifest), keeping every other variable.
 * @module
 */
import { InputError } from "../core/errors.js";
import { diffEnv, type EnvDiff } from "../core/diff.js";
import { ENVSEAL_NAMES, isValidName } from "../core/limits.js";
import { mergeEnvironment } from "../core/merge.js";
import { functionNameOf } from "../core/format.js";
import { readFunction, writeEnvironment, type FunctionState } from "../lambda/config.js";
import type { AwsDeps } from "./deps.js";
import { kindIn } from "./push.js";

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

/** Remove `names` from the function. Every name must exist; otherwise nothing is written. */
export async function unset(deps: AwsDeps, req: UnsetRequest): Promise<UnsetResult> {
  functionNameOf(req.functionName);
  if (req.names.length === 0) throw new InputError("unset needs at least one NAME", { hint: "envseal unset --function F NAME ..." });
  for (const name of req.names) {
    if (!isValidName(name)) throw new InputError(`invalid variable name "${name.slice(0, 64)}"`, { hint: "names match [a-zA-Z][a-zA-Z0-9_]+" });
    if (ENVSEAL_NAMES.has(name)) throw new InputError(`${name} is managed by envseal`, { hint: "unset the secrets it lists instead" });
  }
  const state = await readFunction(deps.lambda(), req.functionName);
  const missing = req.names.filter((n) => !(n in state.variables));
  if (missing.length > 0) {
    throw new InputError(`${missing.join(", ")} ${missing.length === 1 ? "is" : "are"} not set on ${state.name}`, {
      hint: "see the names with `envseal show`",
    });
  }
  const plan = (s: FunctionState) => {
    const present = req.names.filter((n) => n in s.variables);
    return present.length === 0 ? null : { variables: mergeEnvironment(s.variables, { remove: present }) };
  };
  const after = plan(state)?.variables ?? state.variables;
  const diff = diffEnv(state.variables, after, (n) => kindIn(state.variables, n));
  if (req.confirm && !(await req.confirm({ functionName: state.name, diff }))) {
    throw new InputError("aborted at the prompt; nothing was written", { hint: "pass --yes to skip the question" });
  }
  const result = await writeEnvironment(deps.lambda(), state, plan);
  return { functionName: state.name, functionArn: state.arn, diff, revisionId: result.revisionId };
}
