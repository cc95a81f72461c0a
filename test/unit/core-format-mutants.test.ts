/**
 * The wire format's exact contract: the encryption-context key names, the base64 a sealed value must be (padding forms,
 * lengths, alphabet), the function ARN/partial ARN/bare name forms the context is built from, and v2 bundle metadata.
 *
 * The module is loaded with `await import()` in `beforeAll`: its constants and patterns are built when it loads, and the
 * mutation run credits only code run in tests or hooks to this file's tests.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { InputError } from "../../src/core/errors.js";

let format: typeof import("../../src/core/format.js");

beforeAll(async () => {
  format = await import("../../src/core/format.js");
});

/** The error `fn` throws (fails the test when it throws nothing). */
function thrown(fn: () => unknown): InputError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(InputError);
    return e as InputError;
  }
  throw new Error("expected an InputError");
}

/** 64 base64 characters: 48 bytes, the smallest plausible ciphertext. */
const B48 = "A".repeat(64);

describe("encryption context keys", () => {
  it("are LambdaFunctionName (v1, what the Lambda console uses) and EnvsealVariable (v2)", () => {
    expect(format.CONTEXT_KEY).toBe("LambdaFunctionName");
    expect(format.VARIABLE_CONTEXT_KEY).toBe("EnvsealVariable");
    expect(format.encryptionContext("orders-api")).toEqual({ LambdaFunctionName: "orders-api" });
    expect(format.encryptionContext("orders-api", "DB_PASSWORD")).toEqual({ LambdaFunctionName: "orders-api", EnvsealVariable: "DB_PASSWORD" });
    expect(format.contextFor("arn:aws:lambda:eu-west-1:123456789012:function:orders-api", "DB_PASSWORD", 1)).toEqual({
      LambdaFunctionName: "orders-api",
    });
    expect(format.contextFor("orders-api", "ENVSEAL_BUNDLE", 2)).toEqual({ LambdaFunctionName: "orders-api", EnvsealVariable: "ENVSEAL_BUNDLE" });
  });

  it("wire limits: 48 to 6144 bytes of ciphertext, 4096 bytes of plaintext", () => {
    expect(format.MIN_CIPHERTEXT_BYTES).toBe(48);
    expect(format.MAX_CIPHERTEXT_BYTES).toBe(6144);
    expect(format.MAX_PLAINTEXT_BYTES).toBe(4096);
  });
});

describe("sealed values: standard base64 of 48 to 6144 bytes", () => {
  it("accepts whole quads and both padding forms", () => {
    expect(format.ciphertextProblem(B48)).toBeUndefined();
    expect(format.ciphertextProblem(`${B48}AA==`)).toBeUndefined(); // 49 bytes
    expect(format.ciphertextProblem(`${B48}AAA=`)).toBeUndefined(); // 50 bytes
    expect(format.ciphertextProblem(`${B48}+/9z`)).toBeUndefined();
    expect(format.ciphertextProblem(`  ${B48}\n`)).toBeUndefined();
  });

  it("counts padding out of the decoded size", () => {
    expect(format.ciphertextProblem(`${"A".repeat(60)}AAA=`)).toBe("is too short to be KMS ciphertext (47 bytes)");
    expect(format.ciphertextProblem(`${"A".repeat(60)}AA==`)).toBe("is too short to be KMS ciphertext (46 bytes)");
    expect(format.ciphertextProblem("AAAA")).toBe("is too short to be KMS ciphertext (3 bytes)");
    expect(format.ciphertextProblem("A".repeat(8192))).toBe(undefined); // 6144 bytes
    expect(format.ciphertextProblem("A".repeat(8196))).toBe("is too long to be KMS ciphertext (6147 bytes)");
  });

  it("refuses the empty string and whitespace", () => {
    expect(format.ciphertextProblem("")).toBe("is empty");
    expect(format.ciphertextProblem(" \n\t")).toBe("is empty");
  });

  it("refuses a length that is not a multiple of 4, whatever precedes or follows", () => {
    for (const v of ["A", "AA", "AAA", "AAAAA", `${B48}A`, `${B48}AA`, `${B48}AAA`, `${B48}AAAAA`, `${B48}A=`, `${B48}AAAAA=`]) {
      expect(format.ciphertextProblem(v), v).toBe("is not standard base64");
    }
  });

  it("refuses characters outside the alphabet at the start, the end or in a padded tail", () => {
    for (const v of [`!${B48}`, `${B48}!`, `-${B48.slice(1)}`, `${B48.slice(1)}_`, `${B48}A!==`, `${B48}AA!=`, `${B48}!!==`, `${B48}!!!=`, `${B48}AA.A`]) {
      expect(format.ciphertextProblem(v), v).toBe("is not standard base64");
    }
    expect(format.ciphertextProblem("!AAAA")).toBe("is not standard base64");
    expect(format.ciphertextProblem("AAAA!")).toBe("is not standard base64");
  });

  it("refuses padding anywhere but at the end, and more than two '='", () => {
    for (const v of [`AA==${B48}`, `AAA=${B48}`, `${B48}A===`, `${B48}====`, `${B48}AAA=AAAA`]) {
      expect(format.ciphertextProblem(v), v).toBe("is not standard base64");
    }
  });

  it("isPlausibleCiphertext is true exactly when there is no problem", () => {
    expect(format.isPlausibleCiphertext(B48)).toBe(true);
    expect(format.isPlausibleCiphertext(`${B48}AA==`)).toBe(true);
    expect(format.isPlausibleCiphertext("AAAA")).toBe(false);
    expect(format.isPlausibleCiphertext(`${B48}!`)).toBe(false);
    expect(format.isPlausibleCiphertext("")).toBe(false);
  });

  it("decodeSealed names the label and the problem, never the value", () => {
    const e = thrown(() => format.decodeSealed(`${B48}!`, "DB_PASSWORD"));
    expect(e.message).toBe("DB_PASSWORD is not standard base64, so it is not a sealed value");
    expect(e.hint).toBe("pass the base64 text that `envseal encrypt` or the Lambda console produced");
    expect(thrown(() => format.decodeSealed("AAAA")).message).toBe("the value is too short to be KMS ciphertext (3 bytes), so it is not a sealed value");
  });

  it("decodeSealed decodes what ciphertextProblem checked: the value without surrounding Unicode whitespace", () => {
    const blob = Uint8Array.from({ length: 51 }, (_, i) => (i * 37 + 11) & 0xff);
    const sealed = format.encodeSealed(blob);
    expect(sealed).toHaveLength(68);
    expect(format.decodeSealed(sealed)).toEqual(blob);
    // U+202F (narrow no-break space) and U+205F are trimmed as whitespace, but Node's base64 decoder would read them
    // as '/' and '_' and add a byte.
    expect(format.decodeSealed(`\u202f${sealed}\u205f`)).toEqual(blob);
    expect(format.decodeSealed(`\n ${sealed}\t`)).toEqual(blob);
  });
});

describe("function names, ARNs and partial ARNs", () => {
  it("full ARNs in any partition, with or without a qualifier, give the bare name", () => {
    const cases: Array<[string, string]> = [
      ["arn:aws:lambda:eu-west-1:123456789012:function:orders-api", "orders-api"],
      ["arn:aws:lambda:eu-west-1:123456789012:function:orders_api-2", "orders_api-2"],
      ["arn:aws-cn:lambda:cn-north-1:123456789012:function:orders-api", "orders-api"],
      ["arn:aws-us-gov:lambda:us-gov-west-1:123456789012:function:Orders", "Orders"],
      ["arn:aws:lambda:eu-west-1:123456789012:function:orders-api:$LATEST", "orders-api"],
      ["arn:aws:lambda:eu-west-1:123456789012:function:orders-api:live", "orders-api"],
      ["arn:aws:lambda:eu-west-1:123456789012:function:orders-api:12", "orders-api"],
      ["arn:aws:lambda:eu-west-1:123456789012:function:orders-api:blue_green-2", "orders-api"],
    ];
    for (const [ref, name] of cases) expect(format.functionNameOf(ref), ref).toBe(name);
  });

  it("refuses ARNs with text before or after, a bad account, region, partition or qualifier", () => {
    for (const ref of [
      "xarn:aws:lambda:eu-west-1:123456789012:function:orders-api",
      "arn:aws:lambda:eu-west-1:123456789012:function:orders-api:live:extra",
      "arn:aws:lambda:eu-west-1:123456789012:function:orders-api:li.ve",
      "arn:aws:lambda:eu-west-1:123456789012:function:orders.api",
      "arn:aws:lambda:eu-west-1:123456789012:function:",
      "arn:aws:lambda:eu-west-1:12345678901:function:orders-api",
      "arn:aws:lambda:eu-west-1:1234567890123:function:orders-api",
      "arn:aws:lambda:eu-west-1:12345678901a:function:orders-api",
      "arn:aws:lambda::123456789012:function:orders-api",
      "arn:aws:lambda:EU-WEST-1:123456789012:function:orders-api",
      "arn:aws1:lambda:eu-west-1:123456789012:function:orders-api",
      "arn:aws:s3:eu-west-1:123456789012:function:orders-api",
    ]) {
      expect(() => format.functionNameOf(ref), ref).toThrow(`invalid function name "${ref}"`);
    }
  });

  it("partial ARNs (account:function:name[:qualifier]) give the bare name", () => {
    expect(format.functionNameOf("123456789012:function:orders-api")).toBe("orders-api");
    expect(format.functionNameOf("123456789012:function:orders_api-2:$LATEST")).toBe("orders_api-2");
    expect(format.functionNameOf("123456789012:function:orders-api:live-2")).toBe("orders-api");
    expect(format.functionNameOf("123456789012:function:orders-api:7")).toBe("orders-api");
    for (const ref of [
      "x123456789012:function:orders-api",
      "1234567890123:function:orders-api",
      "12345678901:function:orders-api",
      "abcdefghijkl:function:orders-api",
      "123456789012:function:orders-api:live:extra",
      "123456789012:function:orders-api:li.ve",
      "123456789012:function:orders.api",
    ]) {
      expect(() => format.functionNameOf(ref), ref).toThrow(`invalid function name "${ref}"`);
    }
  });

  it("bare names: letters, digits, - and _, 1 to 64 characters, nothing before or after", () => {
    for (const ref of ["a", "Z", "7", "-", "orders-api_2", "a".repeat(64)]) expect(format.functionNameOf(ref), ref).toBe(ref);
    for (const ref of ["!orders", "orders!", "orders.api", "orders api", "a".repeat(65), ""]) {
      expect(() => format.functionNameOf(ref), ref).toThrow(`invalid function name "${ref}"`);
    }
    const e = thrown(() => format.functionNameOf("orders/api"));
    expect(e.hint).toBe("give a function name (letters, digits, - and _, at most 64) or its ARN");
  });
});

describe("bundle documents", () => {
  const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);

  it("a plain JSON object of strings is a v1 bundle", () => {
    expect(format.decodeBundleDocument(format.encodeBundle({ B_KEY: "2", A_KEY: "1" }))).toEqual({
      version: 1,
      entries: { A_KEY: "1", B_KEY: "2" },
    });
    // A string "2" is an entry's value, not the v2 marker.
    expect(format.decodeBundleDocument(bytes('{"envseal":"2"}'))).toEqual({ version: 1, entries: { envseal: "2" } });
    expect(format.decodeBundleDocument(bytes("{}"))).toEqual({ version: 1, entries: {} });
  });

  it("a v2 document round-trips with its generation and seal time", () => {
    const doc = format.encodeBundleDocument({ A_KEY: "x" }, { generation: 1, sealedAt: "2026-11-30T07:00:00.000Z" });
    expect(new TextDecoder().decode(doc)).toBe('{"envseal":2,"generation":1,"sealedAt":"2026-11-30T07:00:00.000Z","secrets":{"A_KEY":"x"}}');
    expect(format.decodeBundleDocument(doc)).toEqual({ version: 2, entries: { A_KEY: "x" }, generation: 1, sealedAt: "2026-11-30T07:00:00.000Z" });
    expect(format.decodeBundle(doc)).toEqual({ A_KEY: "x" });
  });

  it("refuses a v2 document whose generation is not a safe integer ≥ 1, or whose seal time is not a string", () => {
    const at = '"sealedAt":"2026-11-30T07:00:00.000Z"';
    for (const text of [
      `{"envseal":2,"generation":0,${at},"secrets":{}}`,
      `{"envseal":2,"generation":-3,${at},"secrets":{}}`,
      `{"envseal":2,"generation":1.5,${at},"secrets":{}}`,
      `{"envseal":2,"generation":"3",${at},"secrets":{}}`,
      `{"envseal":2,"generation":9007199254740992,${at},"secrets":{}}`,
      `{"envseal":2,${at},"secrets":{}}`,
      '{"envseal":2,"generation":3,"secrets":{}}',
      '{"envseal":2,"generation":3,"sealedAt":1764486000,"secrets":{}}',
    ]) {
      const e = thrown(() => format.decodeBundleDocument(bytes(text)));
      expect(e.message, text).toBe("the bundle opened but its generation or seal time is malformed");
      expect(e.hint).toBe("re-create it with `envseal push --bundle`");
    }
  });
});
