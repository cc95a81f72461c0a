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
/** Wire format v2's second context key: the variable that holds the ciphertext (`ENVSEAL_BUNDLE` for the bundle). */
export const VARIABLE_CONTEXT_KEY = "EnvsealVariable";

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
 * The encryption context a value sealed for `functionName` is bound to: wire format v1 names the function (what the
 * Lambda console's helpers use); v2, given `variable`, also names the variable that holds the ciphertext, so KMS itself
 * refuses a value swapped, renamed or moved between variables.
 *
 * @param functionName a function name or ARN; the context always holds the bare name.
 * @example
 * ```ts
 * encryptionContext("orders-api");                 // { LambdaFunctionName: "orders-api" }
 * encryptionContext("orders-api", "DB_PASSWORD");  // { LambdaFunctionName: "orders-api", EnvsealVariable: "DB_PASSWORD" }
 * ```
 */
export function encryptionContext(functionName: string, variable?: string): Record<string, string> {
  const fn = functionNameOf(functionName);
  return variable === undefined ? { [CONTEXT_KEY]: fn } : { [CONTEXT_KEY]: fn, [VARIABLE_CONTEXT_KEY]: variable };
}

/**
 * The context of the value in `variable` sealed with wire format `version`.
 *
 * @example
 * ```ts
 * contextFor("orders-api", "DB_PASSWORD", 1); // { LambdaFunctionName: "orders-api" }
 * ```
 */
export function contextFor(functionName: string, variable: string, version: 1 | 2): Record<string, string> {
  return version === 2 ? encryptionContext(functionName, variable) : encryptionContext(functionName);
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

/** Serialize a v1 bundle's plaintext: compact UTF-8 JSON of the name → value map, names sorted. */
export function encodeBundle(values: Readonly<Record<string, string>>): Uint8Array {
  return new TextEncoder().encode(JSON.stringify(sortedEntries(values)));
}

function sortedEntries(values: Readonly<Record<string, string>>): Record<string, string> {
  const sorted: Record<string, string> = {};
  for (const name of Object.keys(values).sort()) sorted[name] = values[name] as string;
  return sorted;
}

/** An opened bundle: its entries and, for a v2 bundle, its generation and the time it was sealed. */
export interface BundleDocument {
  readonly version: 1 | 2;
  readonly entries: Record<string, string>;
  /** v2: 1 for the first bundle of a function, one more on every re-seal. */
  readonly generation?: number;
  /** v2: when it was sealed (ISO 8601). */
  readonly sealedAt?: string;
}

/**
 * Serialize a v2 bundle: `{"envseal":2,"generation":N,"sealedAt":"…","secrets":{NAME: value, …}}`, compact UTF-8
 * JSON, names sorted.
 *
 * @example
 * ```ts
 * encodeBundleDocument({ A_KEY: "x" }, { generation: 3, sealedAt: "2026-11-30T07:00:00.000Z" });
 * ```
 */
export function encodeBundleDocument(values: Readonly<Record<string, string>>, meta: { generation: number; sealedAt: string }): Uint8Array {
  return new TextEncoder().encode(JSON.stringify({ envseal: 2, generation: meta.generation, sealedAt: meta.sealedAt, secrets: sortedEntries(values) }));
}

/**
 * Parse a bundle's plaintext, v1 (a JSON object of strings) or v2 (the document of {@link encodeBundleDocument}).
 * Throws {@link InputError} when it is neither; the message never quotes the content.
 *
 * @example
 * ```ts
 * decodeBundleDocument(encodeBundle({ A_KEY: "x" })).version; // 1
 * ```
 */
export function decodeBundleDocument(plaintext: Uint8Array): BundleDocument {
  let parsed: unknown;
  try {
    parsed = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(plaintext));
  } catch {
    throw new InputError("the bundle opened but is not UTF-8 JSON", { hint: "re-create it with `envseal push --bundle`" });
  }
  const doc = parsed as { envseal?: unknown; generation?: unknown; sealedAt?: unknown; secrets?: unknown } | null;
  if (doc && typeof doc === "object" && !Array.isArray(doc) && doc.envseal === 2) {
    if (!Number.isSafeInteger(doc.generation) || (doc.generation as number) < 1 || typeof doc.sealedAt !== "string") {
      throw new InputError("the bundle opened but its generation or seal time is malformed", { hint: "re-create it with `envseal push --bundle`" });
    }
    return { version: 2, entries: checkEntries(doc.secrets), generation: doc.generation as number, sealedAt: doc.sealedAt };
  }
  return { version: 1, entries: checkEntries(parsed) };
}

/**
 * Parse a bundle's plaintext (v1 or v2) to its entries. Throws {@link InputError} when it is not a JSON object of
 * strings; the message never quotes the content.
 */
export function decodeBundle(plaintext: Uint8Array): Record<string, string> {
  return decodeBundleDocument(plaintext).entries;
}

function checkEntries(parsed: unknown): Record<string, string> {
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
