/** Limits at their boundaries: 64-character function names, 4096 bytes of UTF-8 environment, ciphertext sizes, names. */
import { describe, expect, it } from "vitest";
import {
  assertNamesToChange,
  assertSettableName,
  assertWithinLimit,
  envSize,
  isReservedName,
  isValidName,
  largestVariables,
} from "../../src/core/limits.js";
import { ciphertextProblem, clip, decodeBundle, decodeSealed, encodeBundle, encodeSealed, functionNameOf } from "../../src/core/format.js";

describe("function names", () => {
  it("accepts 64 characters and refuses 65; ARNs and partial ARNs give the bare name", () => {
    expect(functionNameOf("a".repeat(64))).toBe("a".repeat(64));
    expect(() => functionNameOf("a".repeat(65))).toThrow(`invalid function name "${"a".repeat(65)}"`);
    expect(functionNameOf("  orders-api_2  ")).toBe("orders-api_2");
    expect(functionNameOf("arn:aws:lambda:eu-west-1:111122223333:function:orders-api")).toBe("orders-api");
    expect(functionNameOf("arn:aws-cn:lambda:cn-north-1:111122223333:function:orders-api:$LATEST")).toBe("orders-api");
    expect(functionNameOf("111122223333:function:orders-api:prod")).toBe("orders-api");
    expect(() => functionNameOf("")).toThrow("invalid function name");
    expect(() => functionNameOf("orders api")).toThrow("invalid function name");
    expect(() => functionNameOf("arn:aws:lambda:eu-west-1:1111:function:x")).toThrow("invalid function name");
  });

  it("clips what it echoes to 80 characters on one line", () => {
    expect(clip("a\r\n\tb")).toBe("a b");
    expect(clip("x".repeat(80))).toBe("x".repeat(80));
    expect(clip("x".repeat(81))).toBe(`${"x".repeat(80)}…`);
    expect(clip("abcdef", 3)).toBe("abc…");
  });
});

describe("the 4096-byte environment", () => {
  it("measures compact JSON in UTF-8 bytes, not characters", () => {
    expect(envSize({ A: "é" })).toBe(Buffer.byteLength('{"A":"é"}'));
    expect(envSize({ A: "é" })).toBe(10);
    expect(envSize({})).toBe(2);
  });

  it("passes at exactly 4096 bytes and fails at 4097, counting multi-byte characters as bytes", () => {
    // {"AB":"…"} is 9 bytes around the value.
    const at = { AB: "x".repeat(4096 - 9) };
    expect(envSize(at)).toBe(4096);
    expect(() => assertWithinLimit(at)).not.toThrow();
    // 4087 characters, 4088 bytes: counted in characters this would fit exactly.
    const over = { AB: `${"x".repeat(4096 - 9 - 1)}é` };
    expect(over.AB.length + 9).toBe(4096);
    expect(() => assertWithinLimit(over)).toThrow("the environment would be 4097 bytes, over Lambda's limit of 4096 (largest: AB 4095 B)");
  });

  it("the error lists the three largest variables and takes a caller's hint", () => {
    const vars = { SMALL: "x", BIG: "y".repeat(3000), MID: "z".repeat(1000), MID2: "w".repeat(1000) };
    expect(largestVariables(vars)).toEqual([
      { name: "BIG", bytes: 3008 },
      { name: "MID2", bytes: 1009 },
      { name: "MID", bytes: 1008 },
    ]);
    expect(largestVariables({ BB: "1", AA: "2" })).toEqual([{ name: "AA", bytes: 8 }, { name: "BB", bytes: 8 }]);
    expect(largestVariables(vars, 1)).toEqual([{ name: "BIG", bytes: 3008 }]);
    let err: unknown;
    try {
      assertWithinLimit(vars, "push with --bundle");
    } catch (e) {
      err = e;
    }
    expect((err as Error).message).toContain("(largest: BIG 3008 B, MID2 1009 B, MID 1008 B)");
    expect(err).toMatchObject({ hint: "push with --bundle" });
    expect(() => assertWithinLimit(vars)).toThrow(expect.objectContaining({ hint: "remove or shorten variables, or keep large secrets in Secrets Manager" }));
  });
});

describe("variable names", () => {
  it("need a letter then at least one letter, digit or underscore", () => {
    expect(isValidName("AB")).toBe(true);
    expect(isValidName("A")).toBe(false);
    expect(isValidName("1A")).toBe(false);
    expect(isValidName("A-B")).toBe(false);
    expect(isValidName("xA_9")).toBe(true);
    expect(isValidName(" AB")).toBe(false);
    expect(isValidName("AB ")).toBe(false);
  });

  it("reserved names and prefixes, and envseal's own names, cannot be set", () => {
    expect(isReservedName("AWS_REGION")).toBe(true);
    expect(isReservedName("AWS_LAMBDA_ANYTHING")).toBe(true);
    expect(isReservedName("AWS_ACCESS_KEY_OTHER")).toBe(true);
    expect(isReservedName("MY_AWS_REGION")).toBe(false);
    expect(() => assertSettableName("AWS_REGION")).toThrow("AWS_REGION is reserved by Lambda");
    expect(() => assertSettableName("ENVSEAL_BUNDLE")).toThrow("ENVSEAL_BUNDLE is managed by envseal");
    expect(() => assertSettableName(`9${"X".repeat(99)}`)).toThrow("invalid variable name (100 characters, not shown in case it is a value): it starts with a digit");
    expect(() => assertSettableName("DB_PASSWORD")).not.toThrow();
  });

  it("names to change: at least one, valid, not envseal's; reserved ones may be removed", () => {
    expect(() => assertNamesToChange("unset", [])).toThrow("unset needs at least one NAME");
    expect(() => assertNamesToChange("unset", ["AWS_REGION"])).not.toThrow();
    expect(() => assertNamesToChange("adopt", ["ENVSEAL_SEALED"])).toThrow(expect.objectContaining({ message: "ENVSEAL_SEALED is managed by envseal", hint: "adopt the secrets it lists instead" }));
    expect(() => assertNamesToChange("unset", ["OK_NAME", "bad-name"])).toThrow("invalid variable name (8 characters, not shown in case it is a value): it holds a character other than letters, digits and _");
  });
});

describe("ciphertext and bundle encoding", () => {
  const b64 = (bytes: number) => Buffer.alloc(bytes, 7).toString("base64");
  it("accepts 48 to 6144 bytes of standard base64, whatever the padding", () => {
    expect(ciphertextProblem(b64(48))).toBeUndefined();
    expect(ciphertextProblem(b64(47))).toBe("is too short to be KMS ciphertext (47 bytes)");
    expect(ciphertextProblem(b64(46))).toBe("is too short to be KMS ciphertext (46 bytes)");
    expect(ciphertextProblem(b64(6144))).toBeUndefined();
    expect(ciphertextProblem(b64(6145))).toBe("is too long to be KMS ciphertext (6145 bytes)");
    expect(ciphertextProblem(`  ${b64(49)}\n`)).toBeUndefined();
    expect(ciphertextProblem("   ")).toBe("is empty");
    expect(ciphertextProblem(`${b64(48)}-`)).toBe("is not standard base64");
    expect(ciphertextProblem(b64(48).replace(/.$/, "_"))).toBe("is not standard base64");
  });

  it("decodes what it encodes, and names the label in the error", () => {
    const blob = new Uint8Array(Buffer.alloc(60, 3));
    expect(decodeSealed(` ${encodeSealed(blob)} `)).toEqual(blob);
    const view = new Uint8Array(Buffer.alloc(100, 1).buffer, 10, 50);
    expect(encodeSealed(view)).toBe(Buffer.alloc(50, 1).toString("base64"));
    expect(() => decodeSealed("abc", "DB_PASSWORD")).toThrow("DB_PASSWORD is not standard base64, so it is not a sealed value");
  });

  it("a bundle is sorted compact JSON; decoding refuses non-objects, bad names and non-strings", () => {
    expect(new TextDecoder().decode(encodeBundle({ ZZ: "1", AA: "é" }))).toBe('{"AA":"é","ZZ":"1"}');
    const enc = (s: string) => new TextEncoder().encode(s);
    expect(decodeBundle(enc('{"AA":"1","BB":"2"}'))).toEqual({ AA: "1", BB: "2" });
    expect(() => decodeBundle(new Uint8Array([0xff, 0xfe]))).toThrow("the bundle opened but is not UTF-8 JSON");
    expect(() => decodeBundle(enc("[1]"))).toThrow("the bundle opened but is not a JSON object");
    expect(() => decodeBundle(enc("null"))).toThrow("the bundle opened but is not a JSON object");
    expect(() => decodeBundle(enc('"s"'))).toThrow("the bundle opened but is not a JSON object");
    expect(() => decodeBundle(enc('{"OK":"1","AWS_REGION":"x"}'))).toThrow("the bundle's entry 2 has a name Lambda refuses or reserves, or envseal manages");
    expect(() => decodeBundle(enc('{"ENVSEAL_SEALED":"x"}'))).toThrow("entry 1 ");
    expect(() => decodeBundle(enc('{"a b":"x"}'))).toThrow("entry 1 ");
    expect(() => decodeBundle(enc('{"OK":1}'))).toThrow("the bundle entry OK is not a string");
  });
});
