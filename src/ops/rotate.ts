/**
 * `rotate`: re-encrypt every sealed variable and the bundle to another key with KMS ReEncrypt (the plaintext never
 * leaves KMS), then set `KMSKeyArn` — one configuration update with RevisionId. A retry re-plans from the fresh read:
 * a value another writer added or changed meanwhile is re-encrypted too, so no sealed value is left under the old key.
 * @module
 */
import { InputError } from "../core/errors.js";
import { decodeSealed, encodeSealed, encryptionContext, functionNameOf } from "../core/format.js";
import { BUNDLE_VAR, MANIFEST_VAR, parseManifest } from "../core/manifest.js";
import { KmsKeySource } from "../kms/source.js";
import { assertKeyEnabled, describeKey } from "../kms/keys.js";
import { assertEnvironmentReadable, atRestLabel, readFunction, type FunctionState } from "../lambda/config.js";
import { writeEnvironment, type EnvironmentUpdate } from "../lambda/write.js";
import type { AwsDeps } from "./deps.js";
import { mapLimit } from "./sealing.js";
import { confirmOrAbort } from "./guard.js";

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
  /** True when `LastUpdateStatus: Successful` was seen after the write. */
  readonly live: boolean;
  readonly notLiveReason?: string | undefined;
  readonly revisionId: string | undefined;
}

/** The names `rotate` re-encrypts in a state: the manifest's (those set) and the bundle. */
function sealedNames(vars: Readonly<Record<string, string>>): string[] {
  return [...parseManifest(vars[MANIFEST_VAR]).filter((n) => n in vars), ...(vars[BUNDLE_VAR] !== undefined ? [BUNDLE_VAR] : [])];
}

/**
 * Re-encrypt a function's sealed values to `toKey` and make it the at-rest key.
 *
 * @example
 * ```ts
 * await rotate(lazyDeps({}), { functionName: "orders-api", toKey: "alias/app-2026" });
 * ```
 */
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
  assertEnvironmentReadable(state, "rotate");
  const source = new KmsKeySource(deps.kms());
  // Ciphertext in → ciphertext under the new key, and the key it came from. Our own output maps to itself.
  const done = new Map<string, { value: string; from: string }>();
  /** Keys the values re-encrypted by KMS were under (our own output is not counted). */
  const sources = new Set<string>();

  const reencrypt = async (s: FunctionState, name: string): Promise<{ value: string; from: string }> => {
    const value = s.variables[name] as string;
    const known = done.get(value);
    if (known) return known;
    const context = encryptionContext(s.name);
    const out = await source.reseal(decodeSealed(value, name), context, key.arn, context).catch((err: unknown) => {
      if (err instanceof Error && !err.message.startsWith(`${name}:`)) err.message = `${name}: ${err.message}`;
      throw err;
    });
    const result = { value: encodeSealed(out.ciphertext), from: out.sourceKeyArn };
    sources.add(out.sourceKeyArn);
    done.set(value, result);
    done.set(result.value, { value: result.value, from: key.arn });
    return result;
  };
  const planner = async (s: FunctionState): Promise<{ update: EnvironmentUpdate; names: string[]; from: string[] }> => {
    const names = sealedNames(s.variables);
    const results = await mapLimit(names, 8, (n) => reencrypt(s, n));
    const rotated = Object.fromEntries(names.map((n, i) => [n, (results[i] as { value: string }).value]));
    return {
      update: { variables: { ...s.variables, ...rotated }, kmsKeyArn: s.kmsKeyArn === key.arn ? undefined : key.arn },
      names,
      from: [...new Set(results.map((r) => r.from))].sort(),
    };
  };

  const first = await planner(state);
  if (first.names.length === 0) {
    throw new InputError(`${state.name} has no sealed values to rotate`, {
      hint: "seal values with `envseal push`; to change only the at-rest key use `envseal push --at-rest-key`",
    });
  }
  if (first.from.length === 1 && first.from[0] === key.arn) {
    throw new InputError(`every sealed value of ${state.name} is already under ${key.ref}; nothing to rotate`, {
      hint: "pass another key to --to-key",
    });
  }
  const base = { functionName: state.name, functionArn: state.arn, toKeyArn: key.arn };
  if (req.dryRun) {
    return { ...base, names: first.names, fromKeyArns: first.from, atRestKey: atRestLabel(state.kmsKeyArn), dryRun: true, written: false, live: true, revisionId: state.revisionId };
  }
  await confirmOrAbort(req.confirm, { functionName: state.name, names: first.names, toKeyArn: key.arn });
  let last = first;
  const result = await writeEnvironment(
    deps.lambda(),
    state,
    async (s) => {
      last = s === state ? first : await planner(s);
      return last.update;
    },
    { ...deps.writeOptions, command: "rotate" },
  );
  return {
    ...base,
    names: last.names,
    fromKeyArns: [...sources].sort(),
    atRestKey: atRestLabel(key.arn),
    dryRun: false,
    written: result.written !== null,
    live: result.live,
    notLiveReason: result.notLiveReason,
    revisionId: result.revisionId,
  };
}
