import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { emulatorFrom, isKmsBlob, looksSealed } from "../../src/core/ciphertext.js";
import { InputError } from "../../src/core/errors.js";
import { expandTemplate } from "../../src/audit/detect/fake.js";
import { fakeKmsBlob, fakeMotoSealed, fakeSealed } from "../support/kms-blob.js";

describe("looksSealed: AWS KMS ciphertext by structure, not by length", () => {
  it("accepts both header layouts (AQEC… and AQIC…) and any plaintext size", () => {
    for (const layout of [1, 2] as const) {
      for (const size of [1, 32, 200, 4096]) {
        const b64 = fakeKmsBlob(`l${layout}-${size}`, size, layout).toString("base64");
        expect(b64.startsWith(layout === 1 ? "AQEC" : "AQIC")).toBe(true);
        expect(looksSealed(b64)).toEqual({ sealed: true, kind: "aws-kms" });
      }
    }
  });

  it("rejects what used to pass as 'valid base64 of 48+ bytes': hex keys, base64 PEM, random base64, tokens", () => {
    const notSealed = [
      expandTemplate("{h:64}", "hex64"),
      expandTemplate("{b64pem:PRIVATE KEY}", "pem"),
      Buffer.alloc(192, 7).toString("base64"),
      expandTemplate("{b:88}", "b88"),
      expandTemplate("{a:48}", "a48"),
      fakeMotoSealed(),
    ];
    for (const v of notSealed) expect(looksSealed(v)).toEqual({ sealed: false, problem: expect.stringMatching(/structure of an AWS KMS/) });
  });

  it("every damaged blob is refused: a flipped header byte, a wrong length field, a cut tail, a wrong OID", () => {
    const good = fakeKmsBlob("damage", 40);
    const variants: Array<(b: Buffer) => void> = [
      (b) => (b[0] = 0x02),
      (b) => (b[1] = 0x03),
      (b) => (b[4] = 0x79),
      (b) => (b[37] = 0x00),
      (b) => b.writeUInt32BE(b.readUInt32BE(54) + 1, 54),
      (b) => (b[58 + 4] = 0x2b),
    ];
    for (const damage of variants) {
      const b = Buffer.from(good);
      damage(b);
      expect(isKmsBlob(b)).toBe(false);
    }
    expect(isKmsBlob(good.subarray(0, good.length - 1))).toBe(false);
    expect(isKmsBlob(good)).toBe(true);
  });

  it("property: random bytes of any length are not KMS blobs", () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 0, maxLength: 600 }), (bytes) => {
        expect(looksSealed(Buffer.from(bytes).toString("base64")).sealed).toBe(false);
      }),
    );
  });

  it("moto's blobs count only in emulator mode; real blobs count in both", () => {
    const moto = fakeMotoSealed("m1");
    expect(looksSealed(moto, { emulator: "moto" })).toEqual({ sealed: true, kind: "moto" });
    expect(looksSealed(moto).sealed).toBe(false);
    expect(looksSealed(fakeSealed(), { emulator: "moto" })).toEqual({ sealed: true, kind: "aws-kms" });
    expect(looksSealed("plain-text", { emulator: "moto" })).toEqual({ sealed: false, problem: "is not standard base64" });
  });

  it("says why a value is not sealed, never quoting it", () => {
    expect(looksSealed("  ")).toEqual({ sealed: false, problem: "is empty" });
    expect(looksSealed("hunter2!")).toEqual({ sealed: false, problem: "is not standard base64" });
    expect(looksSealed(Buffer.alloc(7000).toString("base64"))).toEqual({ sealed: false, problem: expect.stringMatching(/too long/) });
    const verdict = looksSealed("c2VjcmV0LXZhbHVlLWhlcmUtMTIzNA==");
    expect(JSON.stringify(verdict)).not.toContain("c2VjcmV0");
  });
});

describe("emulatorFrom (ENVSEAL_EMULATOR)", () => {
  it("reads moto, ignores unset or empty, refuses anything else", () => {
    expect(emulatorFrom({ ENVSEAL_EMULATOR: "moto" })).toBe("moto");
    expect(emulatorFrom({ ENVSEAL_EMULATOR: " MOTO " })).toBe("moto");
    expect(emulatorFrom({})).toBeUndefined();
    expect(emulatorFrom({ ENVSEAL_EMULATOR: "" })).toBeUndefined();
    expect(() => emulatorFrom({ ENVSEAL_EMULATOR: "localstack" })).toThrow(InputError);
  });
});
