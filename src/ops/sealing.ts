/**
 * Seal and open values of one function with a {@link KeySource}: the wire format applied.
 * @module
 */
import { InputError } from "../core/errors.js";
import { MAX_PLAINTEXT_BYTES, contextFor, decodeSealed, encodeSealed } from "../core/format.js";
import type { WireVersion } from "../core/manifest.js";
import type { KeySource } from "../core/keysource.js";

/** Run `fn` over `items` with at most `limit` in flight; results keep the input order. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

/** Throw {@link InputError} when a plaintext is too large for KMS Encrypt. */
export function assertSealable(name: string, plaintext: string): void {
  const bytes = Buffer.byteLength(plaintext, "utf8");
  if (bytes > MAX_PLAINTEXT_BYTES) {
    throw new InputError(`${name} is ${bytes} bytes; KMS seals at most ${MAX_PLAINTEXT_BYTES}`, {
      hint: "keep large secrets in Secrets Manager or S3 and seal a reference",
    });
  }
  if (bytes === 0) throw new InputError(`${name} is empty; there is nothing to seal`, { hint: "give a value, or use `envseal unset`" });
}

/**
 * Seal each value for `functionName` under `keyArn`, up to 8 Encrypt calls in flight, with wire format `version`
 * (default 2: the context names the function and the variable). Returns name → sealed value (base64 ciphertext).
 *
 * @example
 * ```ts
 * await sealValues(source, keyArn, "orders-api", { DB_PASSWORD: pw }); // { DB_PASSWORD: "AQICAH…" }
 * ```
 */
export async function sealValues(
  source: KeySource,
  keyArn: string,
  functionName: string,
  values: Readonly<Record<string, string>>,
  version: WireVersion = 2,
): Promise<Record<string, string>> {
  const names = Object.keys(values).sort();
  for (const name of names) assertSealable(name, values[name] as string);
  const sealed = await mapLimit(names, 8, async (name) => {
    const context = contextFor(functionName, name, version);
    const { ciphertext } = await source.seal(keyArn, new TextEncoder().encode(values[name]), context).catch((err: unknown) => {
      throw prefixVariable(err, name);
    });
    return encodeSealed(ciphertext);
  });
  return Object.fromEntries(names.map((n, i) => [n, sealed[i] as string]));
}

/**
 * Open one sealed value of `functionName` held in variable `label`, with wire format `version` (default 1: a value
 * sealed by the console or named on the command line); `label` names it in errors.
 *
 * @example
 * ```ts
 * const { plaintext } = await openValue(source, "orders-api", sealed, "DB_PASSWORD", 2);
 * ```
 */
export async function openValue(
  source: KeySource,
  functionName: string,
  sealed: string,
  label: string,
  version: WireVersion = 1,
): Promise<{ plaintext: string; keyArn: string }> {
  const blob = decodeSealed(sealed, label);
  const { plaintext, keyArn } = await source.open(blob, contextFor(functionName, label, version)).catch((err: unknown) => {
    throw prefixVariable(err, label);
  });
  return { plaintext: new TextDecoder().decode(plaintext), keyArn };
}

function prefixVariable(err: unknown, name: string): unknown {
  if (err instanceof Error && !err.message.startsWith(`${name}:`) && name !== "the value") {
    err.message = `${name}: ${err.message}`;
  }
  return err;
}
