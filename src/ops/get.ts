/**
 * `get`: one variable of a function — sealed (opened), bundled (the bundle opened) or plain — and nothing else.
 * @module
 */
import { InputError } from "../core/errors.js";
import { functionNameOf } from "../core/format.js";
import { isValidName } from "../core/limits.js";
import { BUNDLE_VAR, MANIFEST_VAR, parseManifest, versionIn } from "../core/manifest.js";
import { KmsKeySource } from "../kms/source.js";
import { assertEnvironmentReadable, readFunction } from "../lambda/config.js";
import type { AwsDeps } from "./deps.js";
import { openBundle } from "./bundle.js";
import { openValue } from "./sealing.js";

/** One variable's value and how it was stored. */
export interface GetResult {
  readonly functionName: string;
  readonly name: string;
  readonly kind: "sealed" | "bundled" | "plain";
  readonly value: string;
}

/**
 * Read one variable of a function, opening it when sealed or bundled.
 *
 * @example
 * ```ts
 * const { value } = await get(lazyDeps({}), { functionName: "orders-api", name: "DB_PASSWORD" });
 * ```
 */
export async function get(deps: AwsDeps, req: { functionName: string; name: string }): Promise<GetResult> {
  functionNameOf(req.functionName);
  if (!isValidName(req.name)) throw new InputError("NAME is not a variable name", { hint: "names match [a-zA-Z][a-zA-Z0-9_]+" });
  const state = await readFunction(deps.lambda(), req.functionName);
  assertEnvironmentReadable(state, "get");
  const vars = state.variables;
  const manifest = vars[MANIFEST_VAR];
  if (req.name in vars && req.name !== BUNDLE_VAR && req.name !== MANIFEST_VAR) {
    if (!parseManifest(manifest).includes(req.name)) return { functionName: state.name, name: req.name, kind: "plain", value: vars[req.name] as string };
    const { plaintext } = await openValue(new KmsKeySource(deps.kms()), state.name, vars[req.name] as string, req.name, versionIn(manifest, req.name));
    return { functionName: state.name, name: req.name, kind: "sealed", value: plaintext };
  }
  if (vars[BUNDLE_VAR] !== undefined) {
    const opened = await openBundle(new KmsKeySource(deps.kms()), state.name, vars[BUNDLE_VAR], "reading a bundled secret", versionIn(manifest, BUNDLE_VAR));
    if (Object.hasOwn(opened.entries, req.name)) return { functionName: state.name, name: req.name, kind: "bundled", value: opened.entries[req.name] as string };
  }
  throw new InputError(`${req.name} is not set on ${state.name}`, { hint: `see the names with \`envseal show --function ${state.name}\`` });
}
