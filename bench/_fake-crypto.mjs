// What the bench fakes share: a throwaway TLS certificate, and a fake KMS cipher that really encrypts (AES-256-GCM
// with the encryption context as additional authenticated data, so a wrong context fails like KMS's
// InvalidCiphertextException). Ciphertext: "FAKEKMS1" ‖ 24 filler bytes ‖ IV ‖ tag ‖ body — about KMS's size.
import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { execFileSync } from "node:child_process";
import { join } from "node:path";

const MAGIC = Buffer.from("FAKEKMS1");

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

/** A fake KMS cipher with its own random master key: encrypt(plaintext, context) and decrypt(blob, context) → Buffer | undefined. */
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
    decrypt(blob, context) {
      if (blob.length < 60 || !blob.subarray(0, 8).equals(MAGIC)) return undefined;
      try {
        const d = createDecipheriv("aes-256-gcm", masterKey, blob.subarray(32, 44));
        d.setAAD(aad(context));
        d.setAuthTag(blob.subarray(44, 60));
        return Buffer.concat([d.update(blob.subarray(60)), d.final()]);
      } catch {
        return undefined;
      }
    },
  };
}
