/**
 * src/core/ciphertext.ts's module-level wire-format constants, exactly: the base64 grammar, the minimum sizes of a KMS
 * and a moto blob, the content-type OID, moto's key id forms, the emulator variable and the `secure:` prefix.
 * The module is loaded in beforeAll so the run credits its constants to these tests.
 */
import { beforeAll, describe, expect, it } from "vitest";

type Ciphertext = typeof import("../../src/core/ciphertext.js");
let C: Ciphertext;

beforeAll(async () => {
  C = await import("../../src/core/ciphertext.js");
});

const OID = [0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x06];

/** A minimal layout-1 KMS blob: header, length field, a DER SEQUENCE of the OID (or `oid`) and `body` filler bytes. */
function blob(body = 47, oid: number[] = OID): Buffer {
  const header = [0x01, 0x01, 0x02, 0x00, 0x78, ...new Array(32).fill(0x11)];
  const content = [...oid, ...new Array(body).fill(0x22)];
  const cms = [0x30, ...(content.length < 0x80 ? [content.length] : [0x81, content.length]), ...content];
  const rest = Buffer.alloc(4);
  rest.writeUInt32BE(cms.length);
  return Buffer.concat([Buffer.from(header), rest, Buffer.from(cms)]);
}

const NOT_BASE64 = { sealed: false, problem: "is not standard base64" };
const NOT_KMS = { sealed: false, problem: "does not have the structure of an AWS KMS ciphertext blob" };

describe("base64 grammar", () => {
  it("whole groups of four, with or without one or two padding characters at the end", () => {
    expect(C.looksSealed("AAAA")).toEqual(NOT_KMS);
    expect(C.looksSealed("AAAAAA==")).toEqual(NOT_KMS);
    expect(C.looksSealed("AAAAAAA=")).toEqual(NOT_KMS);
  });

  it("anything before or after, short groups and wrong padding are not base64", () => {
    for (const v of ["!AAAA", "AAAA!", "AAA", "AAAAAAA", "AAAAA", "AAAAAAA==", "AA=A", "AAAA AAAA"]) expect(C.looksSealed(v)).toEqual(NOT_BASE64);
  });

  it("a real-layout blob passes whichever padding its length gives", () => {
    for (const body of [47, 48, 49]) {
      const b64 = blob(body).toString("base64");
      expect(C.looksSealed(b64)).toEqual({ sealed: true, kind: "aws-kms" });
    }
  });
});

describe("KMS blob size and content type", () => {
  it("101 bytes is the minimum: 100 bytes of the same layout are refused", () => {
    expect(blob(47).length).toBe(101);
    expect(C.isKmsBlob(blob(47))).toBe(true);
    expect(C.isKmsBlob(blob(46))).toBe(false);
  });

  it("the SEQUENCE must start with the EncryptedData OID", () => {
    const wrong = [...OID];
    wrong[10] = 0x01; // 1.2.840.113549.1.7.1 (Data)
    expect(C.isKmsBlob(blob(47, wrong))).toBe(false);
    expect(C.looksSealed(blob(60, wrong).toString("base64"))).toEqual(NOT_KMS);
  });
});

describe("moto blobs", () => {
  const uuid = "0123abcd-0123-4abc-8def-0123456789ab";
  const moto = (id: string, extra: number) => Buffer.concat([Buffer.from(id, "latin1"), Buffer.alloc(extra, 7)]);

  it("65 bytes at least: a key id and 29 more bytes", () => {
    expect(C.isMotoBlob(moto(uuid, 29))).toBe(true);
    expect(C.isMotoBlob(moto(uuid, 28))).toBe(false);
  });

  it("the key id is a lowercase uuid or mrk- and 32 lowercase hex digits", () => {
    expect(C.isMotoBlob(moto(`mrk-${"0a".repeat(16)}`, 40))).toBe(true);
    expect(C.isMotoBlob(moto(`mrk-${"g".repeat(32)}`, 40))).toBe(false);
    expect(C.isMotoBlob(moto(`mrk-${"0a".repeat(15)}zz`, 40))).toBe(false);
    expect(C.looksSealed(moto(`mrk-${"0a".repeat(16)}`, 40).toString("base64"), { emulator: "moto" })).toEqual({ sealed: true, kind: "moto" });
  });
});

describe("emulator variable and the secure: prefix", () => {
  it("ENVSEAL_EMULATOR names the emulator; an unknown one is refused with the known ones as hint", () => {
    expect(C.EMULATOR_VAR).toBe("ENVSEAL_EMULATOR");
    expect(C.emulatorFrom({ ENVSEAL_EMULATOR: " MOTO " })).toBe("moto");
    expect(C.emulatorFrom({ ENVSEAL_EMULATOR: "" })).toBeUndefined();
    let caught: unknown;
    try {
      C.emulatorFrom({ ENVSEAL_EMULATOR: "localstack" });
    } catch (e) {
      caught = e;
    }
    expect((caught as Error).message).toBe("ENVSEAL_EMULATOR names an unknown KMS emulator");
    expect((caught as { hint?: string }).hint).toBe("set it to moto, or unset it for AWS");
  });

  it("contextlessCiphertext: only after `secure:`, trimmed, and only when what follows is sealed", () => {
    const b64 = blob(48).toString("base64");
    expect(C.CONTEXTLESS_PREFIX).toBe("secure:");
    expect(C.contextlessCiphertext(`secure:${b64}`)).toBe(b64);
    expect(C.contextlessCiphertext(`secure:  ${b64} `)).toBe(b64);
    expect(C.contextlessCiphertext(`xxxxxxx${b64}`)).toBeUndefined();
    expect(C.contextlessCiphertext(b64)).toBeUndefined();
    expect(C.contextlessCiphertext("secure:hunter2")).toBeUndefined();
  });
});
