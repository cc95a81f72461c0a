/**
 * Wire format v1: the contract between the CLI, the runtime and the auditor (DESIGN.md).
 *
 * - A sealed variable's value is the standard base64 of a KMS `CiphertextBlob` produced by `Encrypt` with the
 *   encryption context `{"LambdaFunctionName": "<function name>"}` — what the Lambda console's helpers produce.
 * - The bundle (`ENVSEAL_BUNDLE`) is the same, over the UTF-8 JSON object `{"NAME": "value", ...}`.
 *
 * Pure: no AWS imports.
 * @module
 */
import { InputError } from "./errors.js";
import { ENVSEAL_NAMES, isReservedName, isValidName } from "./limits.js";

/** The encryption-context key Lambda's console helpers use, and so does envseal. */
export const CONTEXT_KEY = "LambdaFunctionName";

/** KMS accepts ciphertext blobs of at most this many bytes. */
export const MAX_CIPHERTEXT_BYTES = 6144;
/**
 * Fewer decoded bytes than this cannot be a KMS ciphertext: a real AWS KMS blob carries ~150 bytes of header
 * (key reference, IV, tag) even for one byte of plaintext; KMS-compatible emulators use at least 64.
 */
export const MIN_CIPHERTEXT_BYTES = 48;
/** KMS `Encrypt` takes at most 4096 bytes of plaintext. */
export const MAX_PLAINTEXT_BYTES = 4096;

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/**
 * The encryption context a value sealed for `functionName` is bound to.
 *
 * @param functionName a function name or ARN; the context always holds the bare name.
 * @example
 * ```ts
 * encryptionContext("orders-api"); // { LambdaFunctionName: "orders-api" }
 * ```
 */
export function encryptionContext(functionName: string): Record<string, string> {
  return { [CONTEXT_KEY]: functionNameOf(functionName) };
}

const FUNCTION_ARN = /^arn:aws[a-zA-Z-]*:lambda:[a-z0-9-]+:\d{12}:function:([a-zA-Z0-9-_]+)(?::(\$LATEST|[a-zA-Z0-9-_]+))?$/;
const PARTIAL_ARN = /^\d{12}:function:([a-zA-Z0-9-_]+)(?::(\$LATEST|[a-zA-Z0-9-_]+))?$/;
const BARE_NAME = /^[a-zA-Z0-9-_]{1,140}$/;

/**
 * The bare function name of a name, ARN or partial ARN — what `AWS_LAMBDA_FUNCTION_NAME` holds at run time.
 * Throws {@link InputError} for anything else, since sealing with a malformed context would bind the value
 * to a name no function has.
 *
 * @example
 * ```ts
 * functionNameOf("arn:aws:lambda:eu-west-1:123456789012:function:orders-api:live"); // "orders-api"
 * ```
 */
export function functionNameOf(functionRef: string): string {
  const ref = functionRef.trim();
  const m = FUNCTION_ARN.exec(ref) ?? PARTIAL_ARN.exec(ref);
  if (m?.[1]) return m[1];
  if (BARE_NAME.test(ref) && ref.length <= 64) return ref;
  throw new InputError(`invalid function name "${clip(ref)}"`, {
    hint: "give a function name (letters, digits, - and _, at most 64) or its ARN",
  });
}

/** Encode a KMS ciphertext blob as a sealed value. */
export function encodeSealed(blob: Uint8Array): string {
  return Buffer.from(blob.buffer, blob.byteOffset, blob.byteLength).toString("base64");
}

/** Why a string is not a plausible sealed value, or `undefined` when it is. */
export function ciphertextProblem(value: string): string | undefined {
  const v = value.trim();
  if (v.length === 0) return "is empty";
  if (!BASE64.test(v)) return "is not standard base64";
  const bytes = (v.length / 4) * 3 - (v.endsWith("==") ? 2 : v.endsWith("=") ? 1 : 0);
  if (bytes < MIN_CIPHERTEXT_BYTES) return `is too short to be KMS ciphertext (${bytes} bytes)`;
  if (bytes > MAX_CIPHERTEXT_BYTES) return `is too long to be KMS ciphertext (${bytes} bytes)`;
  return undefined;
}

/** True when `value` could be a sealed value (base64 of a KMS ciphertext blob of plausible size). */
export function isPlausibleCiphertext(value: string): boolean {
  return ciphertextProblem(value) === undefined;
}

/**
 * Decode a sealed value to the ciphertext blob. Throws {@link InputError} naming `label` (a variable name or
 * "the value") when it is not plausible ciphertext; the value itself is never echoed.
 */
export function decodeSealed(value: string, label = "the value"): Uint8Array {
  const problem = ciphertextProblem(value);
  if (problem) {
    throw new InputError(`${label} ${problem}, so it is not a sealed value`, {
      hint: "pass the base64 text that `envseal encrypt` or the Lambda console produced",
    });
  }
  return new Uint8Array(Buffer.from(value.trim(), "base64"));
}

/** Serialize a bundle's plaintext: compact UTF-8 JSON of the name → value map, names sorted. */
export function encodeBundle(values: Readonly<Record<string, string>>): Uint8Array {
  const sorted: Record<string, string> = {};
  for (const name of Object.keys(values).sort()) sorted[name] = values[name] as string;
  return new TextEncoder().encode(JSON.stringify(sorted));
}

/**
 * Parse a bundle's plaintext. Throws {@link InputError} when it is not a JSON object of strings;
 * the message never quotes the content.
 */
export function decodeBundle(plaintext: Uint8Array): Record<string, string> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(plaintext));
  } catch {
    throw new InputError("the bundle opened but is not UTF-8 JSON", { hint: "re-create it with `envseal push --bundle`" });
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    throw new InputError("the bundle opened but is not a JSON object", { hint: "re-create it with `envseal push --bundle`" });
  }
  const out: Record<string, string> = {};
  let position = 0;
  for (const [k, v] of Object.entries(parsed as Record<string, unknown>)) {
    position++;
    // The same rules as for variables: a bundle must not smuggle in AWS_REGION, NODE_OPTIONS-like reserved names or
    // envseal's own. The name is not echoed: whoever sealed the bundle chose it.
    if (!isValidName(k) || isReservedName(k) || ENVSEAL_NAMES.has(k)) {
      throw new InputError(`the bundle's entry ${position} has a name Lambda refuses or reserves, or envseal manages`, {
        hint: "re-create the bundle with `envseal push --bundle`",
      });
    }
    if (typeof v !== "string") {
      throw new InputError(`the bundle entry ${k} is not a string`, { hint: "re-create it with `envseal push --bundle`" });
    }
    out[k] = v;
  }
  return out;
}

/** Shorten untrusted text before it goes into a message (used only for names, never for values). */
export function clip(text: string, max = 80): string {
  const oneLine = text.replace(/[\r\n\t]+/g, " ");
  return oneLine.length > max ? `${oneLine.slice(0, max)}…` : oneLine;
}
