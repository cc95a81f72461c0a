/**
 * `adopt`: add values sealed elsewhere (the Lambda console's helpers) to the manifest, after checking each opens
 * for this function. The plaintext is dropped as soon as the check passes.
 * @module
 */
import { InputError } from "../core/errors.js";
import { functionNameOf } from "../core/format.js";
import { MANIFEST_VAR, parseManifest } from "../core/manifest.js";
import { assertNamesToChange } from "../core/limits.js";
import { mergeEnvironment } from "../core/merge.js";
import { KmsKeySource } from "../kms/source.js";
import { readFunction, writeEnvironment, type FunctionState } from "../lambda/config.js";
import type { AwsDeps } from "./deps.js";
import { mapLimit, openValue } from "./sealing.js";
import { assertUnchanged, confirmOrAbort } from "./guard.js";

/** What to adopt. */
export interface AdoptRequest {
  functionName: string;
  names: readonly string[];
  /** Asked before writing; resolve `false` to abort. Default: proceed. */
  confirm?: (preview: { functionName: string; names: readonly string[] }) => Promise<boolean>;
}

/** What `adopt` did. */
export interface AdoptResult {
  readonly functionName: string;
  readonly functionArn: string;
  /** Names added to the manifest. */
  readonly adopted: readonly string[];
  /** Names that were in the manifest already. */
  readonly alreadySealed: readonly string[];
  /** Key each adopted value is sealed with. */
  readonly keys: Readonly<Record<string, string>>;
  readonly revisionId: string | undefined;
}

/** Check that each named value opens for the function, then list it in `ENVSEAL_SEALED`. */
export async function adopt(deps: AwsDeps, req: AdoptRequest): Promise<AdoptResult> {
  functionNameOf(req.functionName);
  assertNamesToChange("adopt", req.names);
  const state = await readFunction(deps.lambda(), req.functionName);
  const missing = req.names.filter((n) => !(n in state.variables));
  if (missing.length > 0) {
    throw new InputError(`${missing.join(", ")} ${missing.length === 1 ? "is" : "are"} not set on ${state.name}`, {
      hint: "adopt names variables that already hold sealed values",
    });
  }
  const manifest = parseManifest(state.variables[MANIFEST_VAR]);
  const alreadySealed = req.names.filter((n) => manifest.includes(n));
  const toAdopt = [...new Set(req.names.filter((n) => !manifest.includes(n)))].sort();
  const source = new KmsKeySource(deps.kms());
  const keys = await mapLimit(toAdopt, 8, async (name) => {
    // The plaintext is not kept: only the key that opened it.
    const { keyArn } = await openValue(source, state.name, state.variables[name] as string, name);
    return keyArn;
  });
  const base = {
    functionName: state.name,
    functionArn: state.arn,
    adopted: toAdopt,
    alreadySealed,
    keys: Object.fromEntries(toAdopt.map((n, i) => [n, keys[i] as string])),
  };
  if (toAdopt.length === 0) return { ...base, revisionId: state.revisionId };
  await confirmOrAbort(req.confirm, { functionName: state.name, names: toAdopt });
  const originals = Object.fromEntries(toAdopt.map((n) => [n, state.variables[n] as string]));
  const plan = (s: FunctionState) => {
    assertUnchanged(s, originals, "adopt");
    return { variables: mergeEnvironment(s.variables, { sealed: originals }) };
  };
  const result = await writeEnvironment(deps.lambda(), state, plan);
  return { ...base, revisionId: result.revisionId };
}
