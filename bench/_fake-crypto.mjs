// What the bench fakes share: a throwaway TLS certificate, and a fake KMS cipher that really encrypts (AES-256-GCM
// with the encryption context as additional authenticated data, so a wrong context fails like KMS's
// InvalidCiphertextException). Two ciphertext layouts, both opened by decrypt:
// - compact (what the fake's Encrypt API returns, so the push and cold-path figures stay comparable run to run):
//   "FAKEKMS1" ‖ 24 filler bytes ‖ IV ‖ tag ‖ body;
// - KMS-shaped (encryptKmsShaped; the audit and detection benches pre-seal with it, so the auditor takes it for sealed,
//   see src/core/ciphertext.ts): header 01 02 02 00 78 ‖ "FAKEKMS1" + 24 filler bytes (the key-derived field) ‖
//   01 + 16 bytes ‖ length ‖ CMS EncryptedData holding the IV and body ‖ tag — AWS's layout and size.
import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { execFileSync } from "node:child_process";
import { join } from "node:path";

const MAGIC = Buffer.from("FAKEKMS1");
const GCM_OID = Buffer.from("060960864801650304012e", "hex");

/** DER element: tag, length (short or long form), content. */
function der(tag, content) {
  const n = content.length;
  const len = n < 0x80 ? [n] : n < 0x100 ? [0x81, n] : [0x82, n >> 8, n & 0xff];
  return Buffer.concat([Buffer.from([tag, ...len]), content]);
}

/** A KMS-shaped blob around an IV and body ‖ tag. */
function kmsShaped(iv, sealed) {
  const header = Buffer.concat([Buffer.from([0x01, 0x02, 0x02, 0x00, 0x78]), MAGIC, randomBytes(24), Buffer.from([0x01]), randomBytes(16)]);
  const algorithm = der(0x30, Buffer.concat([GCM_OID, der(0x30, Buffer.concat([der(0x04, iv), der(0x02, Buffer.from([0x10]))]))]));
  const info = der(0x30, Buffer.concat([Buffer.from("06092a864886f70d010701", "hex"), algorithm, der(0x80, sealed)]));
  const cms = der(0x30, Buffer.concat([Buffer.from("06092a864886f70d010706", "hex"), der(0xa0, der(0x30, Buffer.concat([der(0x02, Buffer.from([0])), info])))]));
  const length = Buffer.alloc(4);
  length.writeUInt32BE(cms.length);
  return Buffer.concat([header, length, cms]);
}

/** IV and body ‖ tag of a blob made by kmsShaped, or undefined. */
function unshape(blob) {
  if (blob.length < 100 || blob[0] !== 0x01 || !blob.subarray(5, 13).equals(MAGIC)) return undefined;
  const at = blob.indexOf(GCM_OID);
  if (at < 0) return undefined;
  const ivAt = at + GCM_OID.length + 4; // SEQUENCE header (2) + OCTET STRING header (2)
  let p = ivAt + 12 + 3; // INTEGER 16
  if (blob[p] !== 0x80) return undefined;
  const first = blob[p + 1];
  const octets = first < 0x80 ? 0 : first & 0x7f;
  const len = octets === 0 ? first : octets === 1 ? blob[p + 2] : (blob[p + 2] << 8) | blob[p + 3];
  p += 2 + octets;
  return { iv: blob.subarray(ivAt, ivAt + 12), sealed: blob.subarray(p, p + len) };
}

/** Canonical bytes of an encryption context (sorted keys). */
const aad = (context = {}) => Buffer.from(JSON.stringify(Object.keys(context).sort().map((k) => [k, context[k]])));

/** A self-signed certificate for localhost and 127.0.0.1 in `dir`; returns the two file paths. */
export function throwawayCert(dir) {
  const certFile = join(dir, "cert.pem");
  const keyFile = join(dir, "key.pem");
  execFileSync("openssl", [
    "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "1",
    "-keyout", keyFile, "-out", certFile, "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
  ], { stdio: "ignore" });
  return { certFile, keyFile };
}

/**
 * A fake KMS cipher with its own random master key: encrypt(plaintext, context) (compact layout),
 * encryptKmsShaped(plaintext, context) (AWS KMS's layout), decrypt(blob, context) → Buffer | undefined (either layout).
 */
export function fakeKmsCipher() {
  const masterKey = randomBytes(32);
  return {
    encrypt(plaintext, context) {
      const iv = randomBytes(12);
      const cipher = createCipheriv("aes-256-gcm", masterKey, iv);
      cipher.setAAD(aad(context));
      const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
      return Buffer.concat([MAGIC, randomBytes(24), iv, cipher.getAuthTag(), body]);
    },
    encryptKmsShaped(plaintext, context) {
      const iv = randomBytes(12);
      const cipher = createCipheriv("aes-256-gcm", masterKey, iv);
      cipher.setAAD(aad(context));
      const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
      return kmsShaped(iv, Buffer.concat([body, cipher.getAuthTag()]));
    },
    decrypt(blob, context) {
      const compact = blob.length >= 60 && blob.subarray(0, 8).equals(MAGIC);
      const parts = compact ? { iv: blob.subarray(32, 44), sealed: Buffer.concat([blob.subarray(60), blob.subarray(44, 60)]) } : unshape(blob);
      if (!parts || parts.sealed.length < 16) return undefined;
      try {
        const d = createDecipheriv("aes-256-gcm", masterKey, parts.iv);
        d.setAAD(aad(context));
        d.setAuthTag(parts.sealed.subarray(parts.sealed.length - 16));
        return Buffer.concat([d.update(parts.sealed.subarray(0, parts.sealed.length - 16)), d.final()]);
      } catch {
        return undefined;
      }
    },
  };
}
