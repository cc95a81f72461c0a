/**
 * `adopt`: add values sealed elsewhere (the Lambda console's helpers; `secure:` values of @mapbox/decrypt-kms-env,
 * sealed with no context, are re-encrypted to the function's context) to the manifest, after checking each opens
 * for this function. The plaintext is dropped as soon as the check passes. A retry re-plans from the fresh read: a value
 * changed meanwhile is checked again before it is listed, and a value removed meanwhile stops the command.
 * @module
 */
import { InputError } from "../core/errors.js";
import { contextFor, decodeSealed, encodeSealed, functionNameOf } from "../core/format.js";
import { CONTEXTLESS_PREFIX } from "../core/ciphertext.js";
import { MANIFEST_VAR, parseManifest } from "../core/manifest.js";
import { assertNamesToChange } from "../core/limits.js";
import { mergeEnvironment } from "../core/merge.js";
import { KmsKeySource } from "../kms/source.js";
import { assertEnvironmentReadable, readFunction, type FunctionState } from "../lambda/config.js";
import { writeEnvironment, type EnvironmentUpdate } from "../lambda/write.js";
import type { AwsDeps } from "./deps.js";
import { mapLimit, openValue } from "./sealing.js";
import { confirmOrAbort } from "./guard.js";

/** The ciphertext of a `secure:` value (KMS itself judges it), else `undefined`. */
function contextless(value: string): string | undefined {
  return value.startsWith(CONTEXTLESS_PREFIX) ? value.slice(CONTEXTLESS_PREFIX.length).trim() : undefined;
}

/** What to adopt. */
export interface AdoptRequest {
  functionName: string;
  names: readonly string[];
  /**
   * Wire format to list them in: 2 (default) re-encrypts each value server-side (ReEncrypt, under the key that sealed
   * it) to the v2 context, bound to its name; 1 keeps the console's ciphertext as it is (the console's snippet still
   * opens it).
   */
  wireVersion?: 1 | 2;
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
  readonly written: boolean;
  /** True when `LastUpdateStatus: Successful` was seen after the write. */
  readonly live: boolean;
  readonly notLiveReason?: string | undefined;
  readonly revisionId: string | undefined;
}

function notSet(names: readonly string[], fn: string, when = ""): InputError {
  return new InputError(`${names.join(", ")} ${names.length === 1 ? "is" : "are"} not set on ${fn}${when}`, {
    hint: "adopt names variables that already hold sealed values",
  });
}

/**
 * Check that each named value opens for the function, then list it in `ENVSEAL_SEALED`.
 *
 * @example
 * ```ts
 * await adopt(lazyDeps({}), { functionName: "orders-api", names: ["LEGACY_TOKEN"] });
 * ```
 */
export async function adopt(deps: AwsDeps, req: AdoptRequest): Promise<AdoptResult> {
  functionNameOf(req.functionName);
  assertNamesToChange("adopt", req.names);
  const state = await readFunction(deps.lambda(), req.functionName);
  assertEnvironmentReadable(state, "adopt");
  const missing = req.names.filter((n) => !(n in state.variables));
  if (missing.length > 0) throw notSet(missing, state.name);
  const manifest = parseManifest(state.variables[MANIFEST_VAR]);
  const alreadySealed = [...new Set(req.names.filter((n) => manifest.includes(n)))].sort();
  const toAdopt = [...new Set(req.names.filter((n) => !manifest.includes(n)))].sort();
  const source = new KmsKeySource(deps.kms());
  /** Sealed value → the key that opened it; only values that opened are kept (the plaintext is not). */
  const verified = new Map<string, string>();
  const verify = async (fn: string, name: string, value: string): Promise<string> => {
    const known = verified.get(`${name}\u0000${value}`);
    if (known) return known;
    const blob = contextless(value);
    const { keyArn } =
      blob !== undefined
        ? await source.open(decodeSealed(blob, name), {}) // `secure:` (decrypt-kms-env): no context to check
        : await openValue(source, fn, value, name);
    verified.set(`${name}\u0000${value}`, keyArn);
    return keyArn;
  };
  const keysOf = async (s: FunctionState) => mapLimit(toAdopt, 8, (n) => verify(s.name, n, s.variables[n] as string));
  const keys = await keysOf(state);
  const base = {
    functionName: state.name,
    functionArn: state.arn,
    adopted: toAdopt,
    alreadySealed,
    keys: Object.fromEntries(toAdopt.map((n, i) => [n, keys[i] as string])),
  };
  if (toAdopt.length === 0) return { ...base, written: false, live: true, revisionId: state.revisionId };
  await confirmOrAbort(req.confirm, { functionName: state.name, names: toAdopt });
  const version = req.wireVersion ?? 2;
  /** v1 ciphertext → its v2 re-encryption (same key), made once. */
  const upgraded = new Map<string, string>();
  const toV2 = async (fn: string, name: string, value: string, keyArn: string): Promise<string> => {
    const id = `${name}\u0000${value}`;
    let out = upgraded.get(id);
    if (out === undefined) {
      const blob = contextless(value);
      const r =
        blob !== undefined
          ? await source.reseal(decodeSealed(blob, name), {}, keyArn, contextFor(fn, name, version))
          : await source.reseal(decodeSealed(value, name), contextFor(fn, name, 1), keyArn, contextFor(fn, name, 2));
      out = encodeSealed(r.ciphertext);
      upgraded.set(id, out);
    }
    return out;
  };
  const planner = async (s: FunctionState): Promise<EnvironmentUpdate> => {
    const gone = toAdopt.filter((n) => !(n in s.variables));
    if (gone.length > 0) throw notSet(gone, s.name, " any more (removed while adopt ran)");
    const keyArns = await keysOf(s);
    const sealed = Object.fromEntries(
      await mapLimit(toAdopt, 8, async (n, ) => {
        const value = s.variables[n] as string;
        // A `secure:` value gets a context whatever the version; a console (v1) value is re-encrypted only for v2.
        const migrate = version === 2 || contextless(value) !== undefined;
        return [n, migrate ? await toV2(s.name, n, value, keyArns[toAdopt.indexOf(n)] as string) : value] as const;
      }),
    );
    return { variables: mergeEnvironment(s.variables, { sealed, versions: Object.fromEntries(toAdopt.map((n) => [n, version])) }) };
  };
  const result = await writeEnvironment(deps.lambda(), state, planner, { ...deps.writeOptions, command: "adopt" });
  return { ...base, written: result.written !== null, live: result.live, notLiveReason: result.notLiveReason, revisionId: result.revisionId };
}
