/**
 * Stand-ins for AWS KMS ciphertext blobs with the real layout (see src/core/ciphertext.ts) and random content, so the
 * auditor's "is it sealed?" check can be tested without AWS. They open nowhere.
 */
import { seededRng } from "../../src/audit/detect/fake.js";

function der(tag: number, content: Buffer): Buffer {
  const n = content.length;
  const len = n < 0x80 ? Buffer.from([n]) : n < 0x100 ? Buffer.from([0x81, n]) : Buffer.from([0x82, n >> 8, n & 0xff]);
  return Buffer.concat([Buffer.from([tag]), len, content]);
}
const oid = (hex: string) => Buffer.from(hex, "hex");

/**
 * A KMS-shaped ciphertext blob: header (layout 0x02 by default), key-derived bytes, length, CMS EncryptedData around
 * `plaintextBytes` random bytes plus a 16-byte tag.
 */
export function fakeKmsBlob(seed = "kms-blob", plaintextBytes = 32, layout: 1 | 2 = 2): Buffer {
  const rng = seededRng(seed);
  const header = Buffer.concat([Buffer.from([0x01, layout, 0x02, 0x00, 0x78]), rng.bytes(32), layout === 2 ? Buffer.concat([Buffer.from([0x01]), rng.bytes(16)]) : Buffer.alloc(0)]);
  const gcmParams = der(0x30, Buffer.concat([der(0x04, rng.bytes(12)), der(0x02, Buffer.from([0x10]))]));
  const algorithm = der(0x30, Buffer.concat([oid("060960864801650304012e"), gcmParams]));
  const encryptedContentInfo = der(0x30, Buffer.concat([oid("06092a864886f70d010701"), algorithm, der(0x80, rng.bytes(plaintextBytes + 16))]));
  const encryptedData = der(0x30, Buffer.concat([der(0x02, Buffer.from([0x00])), encryptedContentInfo]));
  const cms = der(0x30, Buffer.concat([oid("06092a864886f70d010706"), der(0xa0, encryptedData)]));
  const length = Buffer.alloc(4);
  length.writeUInt32BE(cms.length);
  return Buffer.concat([header, length, cms]);
}

/** {@link fakeKmsBlob} as a sealed value (standard base64), what a Lambda variable holds. */
export function fakeSealed(seed = "kms-blob", plaintextBytes = 32): string {
  return fakeKmsBlob(seed, plaintextBytes).toString("base64");
}

/** A moto-shaped blob: key id in ASCII, IV, tag, body — sealed only in emulator mode. */
export function fakeMotoSealed(seed = "moto-blob"): string {
  const rng = seededRng(seed);
  const keyId = `${rng.chars("0123456789abcdef", 8)}-${rng.chars("0123456789abcdef", 4)}-4${rng.chars("0123456789abcdef", 3)}-a${rng.chars("0123456789abcdef", 3)}-${rng.chars("0123456789abcdef", 12)}`;
  return Buffer.concat([Buffer.from(keyId, "latin1"), rng.bytes(12 + 16 + 24)]).toString("base64");
}
