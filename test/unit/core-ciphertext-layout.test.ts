/** isKmsBlob byte by byte: hand-built blobs at each boundary of the header, the length field and the DER framing. */
import { describe, expect, it } from "vitest";
import { emulatorFrom, isKmsBlob, isMotoBlob, looksSealed } from "../../src/core/ciphertext.js";

const OID = [0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x06];

interface Shape {
  layout?: number;
  b2?: number;
  b3?: number;
  b4?: number;
  marker?: number;
  tag?: number;
  /** DER length octets; default: the short or 0x81 form of the content length. */
  lenBytes?: number[];
  /** Filler bytes after the OID. */
  body?: number;
  /** Bytes after the DER element, counted in the length field. */
  trailing?: number;
}

function build(s: Shape = {}): Buffer {
  const layout = s.layout ?? 1;
  const header = [0x01, layout, s.b2 ?? 0x02, s.b3 ?? 0x00, s.b4 ?? 0x78, ...new Array(32).fill(0x11)];
  if (layout === 2) header.push(s.marker ?? 0x01, ...new Array(16).fill(0x12));
  const content = [...OID, ...new Array(s.body ?? 47).fill(0x22)];
  const lenBytes = s.lenBytes ?? (content.length < 0x80 ? [content.length] : [0x81, content.length]);
  const cms = [s.tag ?? 0x30, ...lenBytes, ...content, ...new Array(s.trailing ?? 0).fill(0)];
  const rest = Buffer.alloc(4);
  rest.writeUInt32BE(cms.length);
  return Buffer.concat([Buffer.from(header), rest, Buffer.from(cms)]);
}

describe("isKmsBlob", () => {
  it("the smallest blob, 101 bytes, passes; one byte less does not", () => {
    expect(build().length).toBe(101);
    expect(isKmsBlob(build())).toBe(true);
    expect(isKmsBlob(build({ body: 46 }))).toBe(false);
    expect(isKmsBlob(build({ layout: 2 }))).toBe(true);
  });

  it("header: version 1, layout 1 or 2, byte 2 in 1..15, then 0x00 0x78", () => {
    expect(isKmsBlob(build({ layout: 3 }))).toBe(false);
    expect(isKmsBlob(build({ layout: 0 }))).toBe(false);
    expect(isKmsBlob(Buffer.concat([Buffer.from([0x02]), build().subarray(1)]))).toBe(false);
    expect(isKmsBlob(build({ b2: 0x01 }))).toBe(true);
    expect(isKmsBlob(build({ b2: 0x0f }))).toBe(true);
    expect(isKmsBlob(build({ b2: 0x00 }))).toBe(false);
    expect(isKmsBlob(build({ b2: 0x10 }))).toBe(false);
    expect(isKmsBlob(build({ b3: 0x01 }))).toBe(false);
    expect(isKmsBlob(build({ b4: 0x79 }))).toBe(false);
    expect(isKmsBlob(build({ layout: 2, marker: 0x02 }))).toBe(false);
  });

  it("framing: a SEQUENCE whose DER length is exactly the length field", () => {
    expect(isKmsBlob(build({ tag: 0x31 }))).toBe(false);
    expect(isKmsBlob(build({ trailing: 1 }))).toBe(false);
    const cut = build();
    expect(isKmsBlob(cut.subarray(0, cut.length - 1))).toBe(false);
  });

  it("long-form lengths of 1 to 3 octets pass; 0x80 (indefinite) and 4 octets do not", () => {
    expect(isKmsBlob(build({ body: 200 }))).toBe(true);
    expect(isKmsBlob(build({ body: 300, lenBytes: [0x82, 0x01, 0x37] }))).toBe(true);
    expect(isKmsBlob(build({ body: 300, lenBytes: [0x83, 0x00, 0x01, 0x37] }))).toBe(true);
    // 128 bytes of content after 0x80: read as a short form it would add up.
    expect(isKmsBlob(build({ body: 117, lenBytes: [0x80] }))).toBe(false);
    expect(isKmsBlob(build({ body: 300, lenBytes: [0x84, 0x00, 0x00, 0x01, 0x37] }))).toBe(false);
  });
});

describe("isMotoBlob and looksSealed", () => {
  const keyId = "0123abcd-0123-4abc-8def-0123456789ab";
  it("a moto blob is a key id and at least 29 more bytes", () => {
    expect(isMotoBlob(Buffer.concat([Buffer.from(keyId, "latin1"), Buffer.alloc(29, 7)]))).toBe(true);
    expect(isMotoBlob(Buffer.concat([Buffer.from(keyId, "latin1"), Buffer.alloc(28, 7)]))).toBe(false);
    expect(isMotoBlob(Buffer.concat([Buffer.from(keyId.toUpperCase(), "latin1"), Buffer.alloc(40, 7)]))).toBe(false);
    expect(isMotoBlob(Buffer.concat([Buffer.from(`mrk-${"a".repeat(32)}`, "latin1"), Buffer.alloc(40, 7)]))).toBe(true);
  });

  it("counts bytes from the base64 padding exactly at the 6144-byte limit", () => {
    const random = (n: number) => Buffer.alloc(n, 0x5a).toString("base64");
    const structure = "does not have the structure of an AWS KMS ciphertext blob";
    expect(looksSealed(random(6144))).toEqual({ sealed: false, problem: structure });
    expect(looksSealed(random(6143))).toEqual({ sealed: false, problem: structure });
    expect(looksSealed(random(6142))).toEqual({ sealed: false, problem: structure });
    expect(looksSealed(random(6145))).toEqual({ sealed: false, problem: "is too long to be KMS ciphertext (6145 bytes)" });
    expect(looksSealed(random(6146))).toEqual({ sealed: false, problem: "is too long to be KMS ciphertext (6146 bytes)" });
    expect(looksSealed(random(6147))).toEqual({ sealed: false, problem: "is too long to be KMS ciphertext (6147 bytes)" });
    expect(looksSealed(random(100), { emulator: "moto" })).toEqual({ sealed: false, problem: `${structure} (nor of a moto one)` });
    expect(looksSealed(build().toString("base64"))).toEqual({ sealed: true, kind: "aws-kms" });
  });

  it("an unknown emulator is refused with the known ones in the hint", () => {
    expect(() => emulatorFrom({ ENVSEAL_EMULATOR: "localstack" })).toThrow(
      expect.objectContaining({ message: "ENVSEAL_EMULATOR names an unknown KMS emulator", hint: "set it to moto, or unset it for AWS" }),
    );
    expect(emulatorFrom({ ENVSEAL_EMULATOR: " MOTO " })).toBe("moto");
  });
});
