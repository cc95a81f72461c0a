/**
 * What to open: the names in `ENVSEAL_SEALED`, `options.names`, and `ENVSEAL_BUNDLE`, read from the environment and
 * checked before any KMS call. Pure apart from reading the given environment.
 * @module
 */
import { UnsealError } from "../core/errors.js";
import { contextFor, decodeSealed, encryptionContext } from "../core/format.js";
import { BUNDLE_VAR, MANIFEST_VAR, parseManifestEntries, type WireVersion } from "../core/manifest.js";
import { isValidName } from "../core/limits.js";

/** One ciphertext to open. */
export interface PlanItem {
  /** The variable that holds it. */
  readonly variable: string;
  /** The KMS ciphertext blob. */
  readonly ciphertext: Uint8Array;
  /** True for `ENVSEAL_BUNDLE`, whose plaintext is a JSON object of several secrets. */
  readonly bundle: boolean;
  /** Its wire format: 2 when the manifest marks it `NAME:v2`, else 1. */
  readonly version: WireVersion;
  /** The encryption context its Decrypt carries (v2 names the variable too). */
  readonly context: Readonly<Record<string, string>>;
}

/** Everything one unseal needs. */
export interface UnsealPlan {
  /** The bare function name in the encryption context. */
  readonly functionName: string;
  /** The function-only (v1) context; each item carries its own. */
  readonly context: Readonly<Record<string, string>>;
  /** Values to open, individually sealed first, then the bundle. */
  readonly items: readonly PlanItem[];
}

const FUNCTION_VAR = "AWS_LAMBDA_FUNCTION_NAME";

/** The manifest's entries (name → wire version), or an UnsealError when it is malformed. */
function manifestOf(env: NodeJS.ProcessEnv): Map<string, WireVersion> {
  try {
    return parseManifestEntries(env[MANIFEST_VAR]);
  } catch (err) {
    throw new UnsealError(`${MANIFEST_VAR} is malformed`, { variable: MANIFEST_VAR, code: "InvalidManifest", hint: "re-push the function with envseal", cause: err });
  }
}

/** The sorted, unique names to open individually: the manifest's and `names`. */
export function namesToOpen(env: NodeJS.ProcessEnv, names: readonly string[] = []): string[] {
  const listed = [...manifestOf(env).keys()].filter((n) => n !== BUNDLE_VAR);
  for (const name of names) {
    if (!isValidName(name)) {
      throw new UnsealError(`options.names holds "${name.slice(0, 64)}", which is not a variable name`, { variable: name.slice(0, 64), code: "InvalidName" });
    }
  }
  return [...new Set([...listed, ...names])].sort();
}

/** The bare function name for the encryption context; fails hard when there is none or it is malformed. */
export function contextFunctionName(env: NodeJS.ProcessEnv, override?: string): string {
  const raw = override ?? env[FUNCTION_VAR];
  const source = override !== undefined ? "options.functionName" : FUNCTION_VAR;
  if (raw === undefined || raw.trim() === "") {
    throw new UnsealError(`no function name for the encryption context: ${FUNCTION_VAR} is not set and no functionName was given`, {
      variable: FUNCTION_VAR,
      code: "NoFunctionName",
      hint: "outside Lambda pass loadSecrets({ functionName }); envseal never decrypts without an encryption context",
    });
  }
  try {
    return encryptionContext(raw)["LambdaFunctionName"] as string;
  } catch (err) {
    throw new UnsealError(`${source} is not a function name or ARN`, { variable: source, code: "InvalidFunctionName", cause: err });
  }
}

function ciphertextOf(env: NodeJS.ProcessEnv, variable: string, why: string): Uint8Array {
  const value = env[variable];
  if (value === undefined || value === "") {
    throw new UnsealError(`${variable} is ${why} but is not set`, {
      variable,
      code: "MissingVariable",
      hint: "re-push the function with envseal, or remove the name from the manifest (envseal unset)",
    });
  }
  try {
    return decodeSealed(value, variable);
  } catch (err) {
    const hint = "seal it with `envseal push` (or the Lambda console's encryption helpers)";
    throw new UnsealError((err as Error).message, { variable, code: "NotCiphertext", hint, cause: err });
  }
}

/**
 * Build the plan from the environment. Returns `undefined` when there is nothing to open (no manifest, no bundle,
 * no names), in which case no function name is required and no KMS call is made.
 */
export function planUnseal(env: NodeJS.ProcessEnv, options: { names?: readonly string[]; functionName?: string } = {}): UnsealPlan | undefined {
  const names = namesToOpen(env, options.names);
  const hasBundle = env[BUNDLE_VAR] !== undefined && env[BUNDLE_VAR] !== "";
  if (names.length === 0 && !hasBundle) return undefined;
  const functionName = contextFunctionName(env, options.functionName);
  const fromNames = new Set(options.names ?? []);
  const versions = manifestOf(env);
  const item = (variable: string, why: string, bundle: boolean): PlanItem => {
    // Names given only in options.names are console-sealed (v1); the manifest's marker decides for the rest.
    const version = versions.get(variable) ?? 1;
    return { variable, ciphertext: ciphertextOf(env, variable, why), bundle, version, context: Object.freeze(contextFor(functionName, variable, version)) };
  };
  const items: PlanItem[] = names.map((variable) => item(variable, fromNames.has(variable) && !versions.has(variable) ? "named in options.names" : `listed in ${MANIFEST_VAR}`, false));
  if (hasBundle) items.push(item(BUNDLE_VAR, "present", true));
  return { functionName, context: Object.freeze(encryptionContext(functionName)), items };
}
