/**
 * "Is this value sealed?" from the bytes alone: the structure of an AWS KMS symmetric ciphertext blob, not its length.
 *
 * A blob returned by KMS `Encrypt` (standard base64 in a Lambda variable, typically starting `AQICAH` or `AQECAH`) is:
 *
 * | bytes | what |
 * |---|---|
 * | 1 | format version, `0x01` |
 * | 1 | header layout: `0x01` (older blobs) or `0x02` (adds a 17-byte field below) |
 * | 1 | a small type byte (`0x02` from `Encrypt`, `0x03` from `GenerateDataKey`) |
 * | 2 | `0x00 0x78` |
 * | 32 | derived from the KMS key (the same for every blob of one key) |
 * | 17 | layout `0x02` only: `0x01` and 16 bytes naming the key material |
 * | 4 | big-endian length of the rest |
 * | rest | a DER CMS `EncryptedData` (OID 1.2.840.113549.1.7.6): AES-256-GCM, its 12-byte IV, the sealed bytes and tag |
 *
 * A random token, a hex key or base64 of a PEM never has that shape, so such values are not mistaken for ciphertext.
 * KMS emulators write other blobs; moto's are the key id in ASCII (36 characters), a 12-byte IV, a 16-byte tag and the
 * body. Those count only in the explicit emulator mode (`ENVSEAL_EMULATOR=moto`, read by the CLI and the scheduled
 * audit and passed down as {@link LooksSealedOptions.emulator}), so production detection is never weakened by it.
 *
 * Pure: no AWS imports.
 * @module
 */
import { InputError } from "./errors.js";
import { MAX_CIPHERTEXT_BYTES } from "./format.js";

/**
 * The environment variable that switches the emulator mode on (tests, local demos).
 *
 * @example
 * ```ts
 * const emulator = emulatorFrom({ [EMULATOR_VAR]: "moto" }); // "moto"
 * ```
 */
export const EMULATOR_VAR = "ENVSEAL_EMULATOR";
/**
 * KMS emulators whose ciphertext blobs are recognised in emulator mode.
 *
 * @example
 * ```ts
 * EMULATORS.includes("moto"); // true
 * ```
 */
export const EMULATORS = ["moto"] as const;
/**
 * A KMS emulator envseal knows the blob layout of.
 *
 * @example
 * ```ts
 * const e: Emulator = "moto";
 * ```
 */
export type Emulator = (typeof EMULATORS)[number];

/**
 * Options of {@link looksSealed}.
 *
 * @example
 * ```ts
 * looksSealed(value, { emulator: "moto" });
 * ```
 */
export interface LooksSealedOptions {
  /** Also accept this emulator's blobs. Default: none (only real AWS KMS blobs count). */
  readonly emulator?: Emulator | undefined;
}

/**
 * What made a value count as sealed.
 *
 * @example
 * ```ts
 * const kind: SealedKind = "aws-kms";
 * ```
 */
export type SealedKind = "aws-kms" | "moto";

/**
 * The answer of {@link looksSealed}: sealed (and how it was recognised), or why not — never the value.
 *
 * @example
 * ```ts
 * const v: SealedVerdict = looksSealed(value);
 * if (!v.sealed) console.log(`DB_PASSWORD ${v.problem}`);
 * ```
 */
export type SealedVerdict = { readonly sealed: true; readonly kind: SealedKind } | { readonly sealed: false; readonly problem: string };

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
/** DER of the OID 1.2.840.113549.1.7.6 (CMS EncryptedData). */
const ENCRYPTED_DATA_OID = Buffer.from("06092a864886f70d010706", "hex");
/** The smallest KMS blob: a 37-byte header, the length, and a CMS structure around one byte. */
const MIN_KMS_BYTES = 37 + 4 + 60;
/** moto: key id (36) + IV (12) + tag (16) + at least one byte. */
const MIN_MOTO_BYTES = 36 + 12 + 16 + 1;
const MOTO_KEY_ID = /^(?:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|mrk-[0-9a-f]{32})$/;

/** Length of a DER element at `at` (tag, length octets and content), or -1 when the length octets are malformed. */
function derElementLength(b: Buffer, at: number): number {
  const first = b[at + 1];
  // Stryker disable next-line all: unreachable from isKmsBlob, which calls with at <= 58 on at least 101 bytes.
  if (first === undefined) return -1;
  if (first < 0x80) return 2 + first;
  const octets = first & 0x7f;
  if (octets === 0 || octets > 3) return -1;
  // Stryker disable next-line all: unreachable from isKmsBlob (at + 2 + 3 <= 63 < 101 bytes); kept for other callers.
  if (at + 2 + octets > b.length) return -1;
  let len = 0;
  for (let i = 0; i < octets; i++) len = len * 256 + (b[at + 2 + i] as number);
  return 2 + octets + len;
}

/**
 * True when `b` has the layout of an AWS KMS symmetric ciphertext blob (see the module comment).
 *
 * @example
 * ```ts
 * isKmsBlob(Buffer.from(sealedValue, "base64")); // true for what KMS Encrypt returned
 * ```
 */
export function isKmsBlob(b: Buffer): boolean {
  if (b.length < MIN_KMS_BYTES || b[0] !== 0x01) return false;
  const layout = b[1];
  if (layout !== 0x01 && layout !== 0x02) return false;
  if ((b[2] as number) < 0x01 || (b[2] as number) > 0x0f || b[3] !== 0x00 || b[4] !== 0x78) return false;
  let at = 37;
  if (layout === 0x02) {
    if (b[at] !== 0x01) return false;
    at += 17;
  }
  // Stryker disable next-line all: unreachable: at <= 54 here and b holds at least MIN_KMS_BYTES (101).
  if (at + 4 > b.length) return false;
  const rest = b.readUInt32BE(at);
  at += 4;
  if (rest !== b.length - at || b[at] !== 0x30) return false;
  if (derElementLength(b, at) !== rest) return false;
  // The SEQUENCE's first element is the content-type OID.
  const lengthByte = b[at + 1] as number;
  // Stryker disable next-line EqualityOperator: lengthByte 0x80 never gets here (derElementLength returned -1 for it).
  const inner = at + (lengthByte < 0x80 ? 2 : 2 + (lengthByte & 0x7f));
  return b.subarray(inner, inner + ENCRYPTED_DATA_OID.length).equals(ENCRYPTED_DATA_OID);
}

/**
 * True when `b` has the layout of a moto ciphertext blob: ASCII key id, IV, tag, body.
 *
 * @example
 * ```ts
 * isMotoBlob(Buffer.from(motoCiphertext, "base64")); // true
 * ```
 */
export function isMotoBlob(b: Buffer): boolean {
  return b.length >= MIN_MOTO_BYTES && MOTO_KEY_ID.test(b.subarray(0, 36).toString("latin1"));
}

/**
 * Decide whether a variable's value is sealed (KMS ciphertext) from its structure. The one place the auditor asks this:
 * values listed in `ENVSEAL_SEALED` must pass (else ES002), and values that pass are not scanned for plaintext secrets.
 *
 * @example
 * ```ts
 * looksSealed(blobFromKmsEncrypt);                       // { sealed: true, kind: "aws-kms" }
 * looksSealed("0123…64 hex characters…cdef");            // { sealed: false, problem: "does not have the structure …" }
 * looksSealed(motoBlob, { emulator: "moto" });           // { sealed: true, kind: "moto" }
 * ```
 */
export function looksSealed(value: string, options: LooksSealedOptions = {}): SealedVerdict {
  const v = value.trim();
  if (v.length === 0) return { sealed: false, problem: "is empty" };
  if (!BASE64.test(v)) return { sealed: false, problem: "is not standard base64" };
  const bytes = (v.length / 4) * 3 - (v.endsWith("==") ? 2 : v.endsWith("=") ? 1 : 0);
  if (bytes > MAX_CIPHERTEXT_BYTES) return { sealed: false, problem: `is too long to be KMS ciphertext (${bytes} bytes)` };
  const blob = Buffer.from(v, "base64");
  if (isKmsBlob(blob)) return { sealed: true, kind: "aws-kms" };
  if (options.emulator === "moto" && isMotoBlob(blob)) return { sealed: true, kind: "moto" };
  const also = options.emulator ? ` (nor of a ${options.emulator} one)` : "";
  return { sealed: false, problem: `does not have the structure of an AWS KMS ciphertext blob${also}` };
}

/**
 * The emulator mode named by `ENVSEAL_EMULATOR` in `env`: `undefined` when unset or empty. Throws {@link InputError} for
 * a name envseal does not know, rather than silently auditing as if it were AWS.
 *
 * @example
 * ```ts
 * emulatorFrom({ ENVSEAL_EMULATOR: "moto" }); // "moto"
 * emulatorFrom({});                           // undefined
 * ```
 */
export function emulatorFrom(env: Readonly<Record<string, string | undefined>>): Emulator | undefined {
  const raw = env[EMULATOR_VAR]?.trim();
  if (!raw) return undefined;
  const known = EMULATORS.find((e) => e === raw.toLowerCase());
  if (!known) {
    throw new InputError(`${EMULATOR_VAR} names an unknown KMS emulator`, { hint: `set it to ${EMULATORS.join(" or ")}, or unset it for AWS` });
  }
  return known;
}

/**
 * The prefix `@mapbox/decrypt-kms-env` (and tools modelled on it) put before a KMS ciphertext sealed with no
 * encryption context.
 */
export const CONTEXTLESS_PREFIX = "secure:";

/**
 * The KMS ciphertext of a `secure:`-prefixed value (`@mapbox/decrypt-kms-env`'s format: sealed with no encryption
 * context, so anyone who may `kms:Decrypt` with the key opens it, for any function), or `undefined` when `value` is
 * not one.
 *
 * @example
 * ```ts
 * contextlessCiphertext("secure:AQICAHh..."); // "AQICAHh..."
 * contextlessCiphertext("hunter2");           // undefined
 * ```
 */
export function contextlessCiphertext(value: string, options: LooksSealedOptions = {}): string | undefined {
  if (!value.startsWith(CONTEXTLESS_PREFIX)) return undefined;
  const rest = value.slice(CONTEXTLESS_PREFIX.length).trim();
  return looksSealed(rest, options).sealed ? rest : undefined;
}
