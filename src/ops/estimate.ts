/**
 * How big an environment would be if its sealed variables were one bundle: for the hint when a per-variable push
 * is over 4096 bytes. KMS adds the same overhead to every ciphertext of a key, so one measured value gives it.
 * @module
 */
import { decodeSealed } from "../core/format.js";
import { BUNDLE_VAR, MANIFEST_VAR, parseManifest } from "../core/manifest.js";
import { envSize } from "../core/limits.js";
import { base64Length } from "./bundle.js";

/** Ciphertext bytes minus plaintext bytes of one freshly sealed value, or undefined when none was sealed. */
export function sealingOverhead(plain: Readonly<Record<string, string>>, sealed: Readonly<Record<string, string>>): number | undefined {
  for (const [name, value] of Object.entries(sealed)) {
    const p = plain[name];
    if (p !== undefined) return decodeSealed(value, name).byteLength - Buffer.byteLength(p, "utf8");
  }
  return undefined;
}

/**
 * Estimated size of `variables` with every manifest-listed variable moved into one bundle, or undefined when the
 * overhead is unknown. Plaintext sizes are derived as ciphertext − overhead; JSON escaping is not counted.
 */
export function estimateAsBundle(variables: Readonly<Record<string, string>>, overhead: number | undefined): number | undefined {
  if (overhead === undefined) return undefined;
  const sealedNames = parseManifest(variables[MANIFEST_VAR]).filter((n) => n in variables);
  const rest: Record<string, string> = {};
  for (const [n, v] of Object.entries(variables)) if (!sealedNames.includes(n) && n !== MANIFEST_VAR) rest[n] = v;
  let json = 2; // {}
  sealedNames.forEach((n, i) => {
    const plainBytes = Math.max(0, decodeSealed(variables[n] as string, n).byteLength - overhead);
    json += Buffer.byteLength(JSON.stringify(n)) + 3 + plainBytes + (i > 0 ? 1 : 0);
  });
  if (sealedNames.length === 0) return envSize(variables);
  rest[BUNDLE_VAR] = "x".repeat(base64Length(json + overhead));
  return envSize(rest);
}
