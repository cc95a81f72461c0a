/**
 * `show`: a function's variables by name — sealed or plain — the bytes used of 4096 and the at-rest key.
 * Values only with `reveal`.
 * @module
 */
import { ENV_LIMIT_BYTES, envSize } from "../core/limits.js";
import { BUNDLE_VAR, MANIFEST_VAR, parseManifest } from "../core/manifest.js";
import type { VariableKind } from "../core/diff.js";
import { KmsKeySource } from "../kms/source.js";
import { atRestLabel, readFunction, unreadableReason } from "../lambda/config.js";
import type { AwsDeps } from "./deps.js";
import { mapLimit, openValue } from "./sealing.js";
import { openBundle } from "./bundle.js";
import { AwsError } from "../core/errors.js";

/** What to show. */
export interface ShowRequest {
  functionName: string;
  /** Open sealed values and include every value. Default: false. */
  reveal?: boolean;
}

/** One variable as `show` reports it. */
export interface ShownVariable {
  readonly name: string;
  readonly kind: VariableKind;
  /** Bytes the variable adds to the environment's JSON (for a bundled name: to the bundle's plaintext). */
  readonly bytes: number;
  /** Only with `reveal`: the plaintext (opened when sealed). */
  readonly value?: string;
}

/** What `show` returns. */
export interface ShowResult {
  readonly functionName: string;
  readonly functionArn: string;
  readonly variables: readonly ShownVariable[];
  readonly bytes: number;
  readonly limit: number;
  /** ARN of the customer managed at-rest key, or `aws/lambda`. */
  readonly atRestKey: string;
  /** Names the manifest lists that the environment lacks. */
  readonly missingSealed: readonly string[];

  /** Set when the bundle exists but could not be opened to list its names. */
  readonly bundleNote: string | undefined;
}

/**
 * Read and describe a function's environment. Throws {@link AwsError} (exit 3) when Lambda could not decrypt it for
 * the caller: an empty list would say "no variables", which is not what the function holds.
 *
 * @example
 * ```ts
 * const r = await show(lazyDeps({}), { functionName: "orders-api" });
 * ```
 */
export async function show(deps: AwsDeps, req: ShowRequest): Promise<ShowResult> {
  const state = await readFunction(deps.lambda(), req.functionName);
  const unreadable = unreadableReason(state);
  if (unreadable) {
    throw new AwsError(`the variables of ${state.name} could not be read: ${unreadable}`, {
      code: "EnvironmentUnreadable",
      operation: "kms:Decrypt",
      hint: `grant your identity kms:Decrypt on ${atRestLabel(state.kmsKeyArn)} (see \`envseal policy\`)`,
    });
  }
  const vars = state.variables;
  const manifest = parseManifest(vars[MANIFEST_VAR]);
  const names = Object.keys(vars).sort();
  const source = req.reveal ? new KmsKeySource(deps.kms()) : undefined;
  const shown = await mapLimit(names, 8, async (name): Promise<ShownVariable> => {
    const value = vars[name] as string;
    const kind: VariableKind =
      name === MANIFEST_VAR || name === BUNDLE_VAR ? "envseal" : manifest.includes(name) ? "sealed" : "plain";
    const bytes = Buffer.byteLength(JSON.stringify({ [name]: value }), "utf8") - 2;
    if (!source || name === BUNDLE_VAR) return { name, kind, bytes };
    const shown = kind === "sealed" ? (await openValue(source, state.name, value, name)).plaintext : value;
    return { name, kind, bytes, value: shown };
  });
  const bundled = await bundledNames(deps, state.name, vars[BUNDLE_VAR], Boolean(req.reveal));
  const variables = [...shown, ...bundled.variables].sort((a, b) => a.name.localeCompare(b.name));
  return {
    functionName: state.name,
    functionArn: state.arn,
    variables,
    bytes: envSize(vars),
    limit: ENV_LIMIT_BYTES,
    atRestKey: atRestLabel(state.kmsKeyArn),
    missingSealed: manifest.filter((n) => !(n in vars)),
    bundleNote: bundled.note,
  };
}

/** The bundle's names (and values with reveal); a bundle that cannot be opened is noted, not fatal. */
async function bundledNames(
  deps: AwsDeps,
  functionName: string,
  sealed: string | undefined,
  reveal: boolean,
): Promise<{ variables: ShownVariable[]; note: string | undefined }> {
  if (sealed === undefined) return { variables: [], note: undefined };
  try {
    const { entries } = await openBundle(new KmsKeySource(deps.kms()), functionName, sealed, "listing bundled names");
    const variables = Object.entries(entries).map(([name, value]) => ({
      name,
      kind: "bundled" as const,
      bytes: Buffer.byteLength(JSON.stringify({ [name]: value }), "utf8") - 2,
      ...(reveal ? { value } : {}),
    }));
    return { variables, note: undefined };
  } catch (err) {
    if (reveal) throw err;
    const code = err instanceof AwsError ? err.code : err instanceof Error ? err.name : "Error";
    return { variables: [], note: `the bundle's names are not listed: it did not open (${code}); listing them needs kms:Decrypt` };
  }
}
