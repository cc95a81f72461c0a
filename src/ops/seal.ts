/**
 * `seal`: seal plaintext variables already in a function, in place — the fix for audit ES001 without retyping the
 * secret. One update with RevisionId; the plaintext is read from the configuration, sealed (wire format v2) and never
 * printed or written anywhere else. A retry re-reads: a value changed meanwhile is sealed as it is now.
 * @module
 */
import { InputError } from "../core/errors.js";
import { functionNameOf } from "../core/format.js";
import { assertSettableName } from "../core/limits.js";
import { BUNDLE_VAR, MANIFEST_VAR, parseManifest } from "../core/manifest.js";
import { mergeEnvironment } from "../core/merge.js";
import type { EnvDiff } from "../core/diff.js";
import { assertSealingKey, describeKey } from "../kms/keys.js";
import { KmsKeySource } from "../kms/source.js";
import { assertEnvironmentReadable, readFunction, type FunctionState } from "../lambda/config.js";
import { writeEnvironment, type EnvironmentUpdate } from "../lambda/write.js";
import type { AwsDeps } from "./deps.js";
import { KmsCache } from "./cache.js";
import { confirmOrAbort } from "./guard.js";
import { describeChange } from "./describe.js";

/** What to seal. */
export interface SealRequest {
  functionName: string;
  /** Plaintext variables of the function to seal. */
  names: readonly string[];
  /** Sealing key. Default: the function's customer managed at-rest key. */
  key?: string | undefined;
  /** Asked before writing; resolve `false` to abort. Default: proceed. */
  confirm?: (preview: { functionName: string; diff: EnvDiff }) => Promise<boolean>;
}

/** What `seal` did. */
export interface SealResult {
  readonly functionName: string;
  readonly functionArn: string;
  readonly sealed: readonly string[];
  readonly keyArn: string;
  readonly diff: EnvDiff;
  readonly written: boolean;
  readonly live: boolean;
  readonly notLiveReason?: string | undefined;
  readonly revisionId: string | undefined;
}

/**
 * Seal `names`, plaintext variables of the function, where they are.
 *
 * @example
 * ```ts
 * await seal(lazyDeps({}), { functionName: "orders-api", names: ["DB_PASSWORD"] });
 * ```
 */
export async function seal(deps: AwsDeps, req: SealRequest): Promise<SealResult> {
  functionNameOf(req.functionName);
  if (req.names.length === 0) throw new InputError("seal needs at least one NAME", { hint: "envseal seal --function F NAME ..." });
  const names = [...new Set(req.names)].sort();
  for (const n of names) assertSettableName(n);
  const state = await readFunction(deps.lambda(), req.functionName);
  assertEnvironmentReadable(state, "seal");
  const keyRef = req.key ?? state.kmsKeyArn;
  if (!keyRef) {
    throw new InputError(`seal needs --key: ${state.name} has no customer managed at-rest key to seal with`, { hint: "pass --key with a customer managed KMS key" });
  }
  const key = await describeKey(deps.kms(), keyRef);
  assertSealingKey(key);
  const cache = new KmsCache(new KmsKeySource(deps.kms()));

  const planner = async (s: FunctionState): Promise<EnvironmentUpdate> => {
    const already = parseManifest(s.variables[MANIFEST_VAR]);
    const missing = names.filter((n) => !(n in s.variables));
    if (missing.length > 0) {
      throw new InputError(`${missing.join(", ")} ${missing.length === 1 ? "is" : "are"} not set on ${s.name}`, { hint: `seal seals variables the function has; see \`envseal show --function ${s.name}\`` });
    }
    const sealedAlready = names.filter((n) => already.includes(n) || n === BUNDLE_VAR);
    if (sealedAlready.length > 0) {
      throw new InputError(`${sealedAlready.join(", ")} ${sealedAlready.length === 1 ? "is" : "are"} sealed already`, { hint: "seal takes plaintext variables; `envseal upgrade` re-binds v1 values" });
    }
    const plaintext = Object.fromEntries(names.map((n) => [n, s.variables[n] as string]));
    const sealed = await cache.seal(key.arn, s.name, plaintext, 2);
    return { variables: mergeEnvironment(s.variables, { sealed }), kmsKeyArn: s.kmsKeyArn ? undefined : key.arn };
  };
  const first = await planner(state);
  const diff = describeChange(state.variables, first.variables, undefined, undefined);
  await confirmOrAbort(req.confirm, { functionName: state.name, diff });
  const result = await writeEnvironment(deps.lambda(), state, async (s) => (s === state ? first : await planner(s)), { ...deps.writeOptions, command: "seal" });
  return {
    functionName: state.name,
    functionArn: state.arn,
    sealed: names,
    keyArn: key.arn,
    diff,
    written: result.written !== null,
    live: result.live,
    notLiveReason: result.notLiveReason,
    revisionId: result.revisionId,
  };
}
