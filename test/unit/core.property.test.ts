import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { formatManifest, parseManifest, parseManifestEntries, MANIFEST_VAR, BUNDLE_VAR } from "../../src/core/manifest.js";
import { assertSettableName, assertWithinLimit, envSize, isReservedName, isValidName, largestVariables, ENV_LIMIT_BYTES } from "../../src/core/limits.js";
import { mergeEnvironment } from "../../src/core/merge.js";
import {
  ciphertextProblem,
  decodeBundle,
  decodeSealed,
  encodeBundle,
  encodeSealed,
  encryptionContext,
  functionNameOf,
  MIN_CIPHERTEXT_BYTES,
} from "../../src/core/format.js";
import { InputError } from "../../src/core/errors.js";

const nameArb = fc.stringMatching(/^[a-zA-Z][a-zA-Z0-9_]{1,20}$/).filter((n) => !isReservedName(n) && n !== MANIFEST_VAR && n !== BUNDLE_VAR);
const varsArb = fc.dictionary(nameArb, fc.string({ maxLength: 40 }), { maxKeys: 12 });

describe("manifest", () => {
  it("round-trips any set of names: sorted, unique, comma-separated", () => {
    fc.assert(
      fc.property(fc.array(nameArb, { maxLength: 20 }), (names) => {
        const formatted = formatManifest(names);
        const unique = [...new Set(names)].sort();
        if (unique.length === 0) expect(formatted).toBeUndefined();
        else {
          expect(formatted).toBe(unique.join(","));
          expect(parseManifest(formatted)).toEqual(unique);
        }
      }),
    );
  });

  it("tolerates spaces and empty entries but rejects anything that is not a name", () => {
    expect(parseManifest(" B1 , A1,,A1 ")).toEqual(["A1", "B1"]);
    expect(parseManifest(undefined)).toEqual([]);
    expect(() => parseManifest("GOOD,bad-name")).toThrow(InputError);
    // The rejected entry is not echoed, only its position.
    expect(() => parseManifest("GOOD,bad-name")).toThrow(/^ENVSEAL_SEALED's entry 2 is not NAME or NAME:v2$/);
    expect(() => parseManifest("GOOD,BAD:v3")).toThrow(InputError);
  });
});

describe("Lambda's rules", () => {
  it("accepts exactly [a-zA-Z][a-zA-Z0-9_]+", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 12 }), (s) => {
        expect(isValidName(s)).toBe(/^[a-zA-Z][a-zA-Z0-9_]+$/.test(s));
      }),
    );
    expect(isValidName("A")).toBe(false); // at least two characters
    expect(isValidName("_A")).toBe(false);
    expect(isValidName("A1_")).toBe(true);
  });

  it.each(["AWS_REGION", "AWS_DEFAULT_REGION", "AWS_LAMBDA_FUNCTION_NAME", "AWS_LAMBDA_ANYTHING", "AWS_ACCESS_KEY_ID", "AWS_ACCESS_KEY", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "_HANDLER", "_X_AMZN_TRACE_ID", "LAMBDA_TASK_ROOT", "LAMBDA_RUNTIME_DIR", "AWS_EXECUTION_ENV"])(
    "refuses the reserved name %s",
    (name) => {
      expect(() => assertSettableName(name)).toThrow(/reserved by Lambda|invalid variable name/);
    },
  );

  it("never repeats a rejected name in its error (it may be a value typed in the wrong place)", () => {
    fc.assert(
      fc.property(fc.string({ minLength: 3, maxLength: 40 }).filter((s) => !isValidName(s) && s.trim().length >= 3), (s) => {
        let message = "";
        try {
          assertSettableName(s);
        } catch (err) {
          message = `${(err as Error).message} ${(err as { hint?: string }).hint ?? ""}`;
        }
        expect(message).toMatch(/^invalid variable name \(\d+ characters, not shown in case it is a value\): it /);
        expect(message).not.toContain(s);
      }),
    );
  });

  it.each(["TZ", "LANG", "NODE_OPTIONS", "AWS_XRAY_CONTEXT_MISSING", "DB_PASSWORD"])("allows the unreserved name %s", (name) => {
    expect(() => assertSettableName(name)).not.toThrow();
  });

  it("measures the map as compact UTF-8 JSON", () => {
    fc.assert(
      fc.property(varsArb, (vars) => {
        expect(envSize(vars)).toBe(Buffer.byteLength(JSON.stringify(vars), "utf8"));
      }),
    );
    expect(envSize({ A1: "é" })).toBe(11); // {"A1":"é"} with a 2-byte character
  });

  it("accepts 4096 bytes and refuses 4097, naming the largest variables", () => {
    const at = (n: number) => ({ BIG: "x".repeat(n - 18), AB: "" }); // {"BIG":"…","AB":""} is 18 bytes besides the value
    expect(envSize(at(4096))).toBe(4096);
    expect(() => assertWithinLimit(at(4096))).not.toThrow();
    expect(() => assertWithinLimit(at(4097))).toThrow(/would be 4097 bytes, over Lambda's limit of 4096 \(largest: BIG 4087 B, AB 7 B\)/);
    expect(ENV_LIMIT_BYTES).toBe(4096);
  });

  it("lists the largest variables largest first", () => {
    fc.assert(
      fc.property(varsArb, (vars) => {
        const top = largestVariables(vars, 50);
        for (let i = 1; i < top.length; i++) expect(top[i - 1]!.bytes).toBeGreaterThanOrEqual(top[i]!.bytes);
      }),
    );
  });
});

describe("merge", () => {
  it("keeps every variable the change does not name, and keeps the manifest equal to the sealed names", () => {
    fc.assert(
      fc.property(varsArb, varsArb, varsArb, (current, sealed, plain) => {
        for (const n of Object.keys(sealed)) delete plain[n];
        const next = mergeEnvironment(current, { sealed, plain });
        for (const [n, v] of Object.entries(current)) {
          if (!(n in sealed) && !(n in plain)) expect(next[n]).toBe(v);
        }
        for (const [n, v] of Object.entries({ ...plain, ...sealed })) expect(next[n]).toBe(v);
        expect(parseManifest(next[MANIFEST_VAR])).toEqual(Object.keys(sealed).sort());
      }),
    );
  });

  it("takes removed and re-pushed-as-plain names out of the manifest, and drops an empty manifest", () => {
    const current = { A1: "x", B1: "y", ENVSEAL_SEALED: "A1,B1" };
    expect(mergeEnvironment(current, { remove: ["A1"], plain: { B1: "plain" } })).toEqual({ B1: "plain" });
    expect(mergeEnvironment(current, { remove: ["A1"] })).toEqual({ B1: "y", ENVSEAL_SEALED: "B1" });
  });

  it("sets and deletes the bundle, marking a v2 bundle in the manifest", () => {
    expect(mergeEnvironment({}, { bundle: "AAAA" })).toEqual({ ENVSEAL_BUNDLE: "AAAA", ENVSEAL_SEALED: "ENVSEAL_BUNDLE:v2" });
    expect(mergeEnvironment({}, { bundle: "AAAA", bundleVersion: 1 })).toEqual({ ENVSEAL_BUNDLE: "AAAA" });
    expect(mergeEnvironment({ ENVSEAL_BUNDLE: "AAAA", X1: "1", ENVSEAL_SEALED: "ENVSEAL_BUNDLE:v2" }, { bundle: null })).toEqual({ X1: "1" });
  });

  it("marks sealed values v2 unless told v1, keeps bare (v1) entries of 0.1 manifests as they are", () => {
    const current = { OLD_ONE: "c", ENVSEAL_SEALED: "OLD_ONE" };
    expect(mergeEnvironment(current, { sealed: { NEW_ONE: "n" } }).ENVSEAL_SEALED).toBe("NEW_ONE:v2,OLD_ONE");
    expect(mergeEnvironment(current, { sealed: { CONSOLE: "c" }, versions: { CONSOLE: 1 } }).ENVSEAL_SEALED).toBe("CONSOLE,OLD_ONE");
    expect(parseManifestEntries("B1:v2,A1,ENVSEAL_BUNDLE:v2")).toEqual(new Map<string, number>([["A1", 1], ["B1", 2], ["ENVSEAL_BUNDLE", 2]]));
    expect(parseManifest("B1:v2,A1,ENVSEAL_BUNDLE:v2")).toEqual(["A1", "B1"]);
  });

  it("does not modify its input", () => {
    const current = Object.freeze({ A1: "x" });
    expect(() => mergeEnvironment(current, { sealed: { B1: "y" } })).not.toThrow();
  });
});

describe("wire format v1", () => {
  it("binds the context to the bare function name, also when given an ARN", () => {
    expect(encryptionContext("orders-api")).toEqual({ LambdaFunctionName: "orders-api" });
    expect(encryptionContext("arn:aws:lambda:eu-west-1:123456789012:function:orders-api")).toEqual({ LambdaFunctionName: "orders-api" });
    expect(functionNameOf("arn:aws:lambda:eu-west-1:123456789012:function:orders-api:live")).toBe("orders-api");
    expect(functionNameOf("123456789012:function:orders-api")).toBe("orders-api");
    expect(() => functionNameOf("orders api")).toThrow(/invalid function name/);
    expect(() => functionNameOf("arn:aws:s3:::bucket")).toThrow(InputError);
  });

  it("round-trips any ciphertext blob through standard base64", () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: MIN_CIPHERTEXT_BYTES, maxLength: 600 }), (blob) => {
        const sealed = encodeSealed(blob);
        expect(sealed).toBe(Buffer.from(blob).toString("base64"));
        expect(ciphertextProblem(sealed)).toBeUndefined();
        expect(Buffer.from(decodeSealed(sealed))).toEqual(Buffer.from(blob));
      }),
    );
  });

  it("refuses values that cannot be KMS ciphertext, without echoing them", () => {
    const secretish = "hunter2-not-base64!";
    expect(() => decodeSealed(secretish, "DB_PASSWORD")).toThrow(/DB_PASSWORD is not standard base64/);
    expect(() => decodeSealed(secretish)).not.toThrow(/hunter2/);
    expect(ciphertextProblem(Buffer.alloc(10).toString("base64"))).toMatch(/too short/);
    expect(ciphertextProblem("")).toBe("is empty");
    expect(ciphertextProblem(Buffer.alloc(7000).toString("base64"))).toMatch(/too long/);
    expect(ciphertextProblem(Buffer.alloc(100).toString("base64url").replace(/A/g, "-"))).toMatch(/not standard base64/);
  });

  it("round-trips bundles of any names and values, names sorted", () => {
    fc.assert(
      fc.property(varsArb, (vars) => {
        expect(decodeBundle(encodeBundle(vars))).toEqual(vars);
        expect(Object.keys(JSON.parse(Buffer.from(encodeBundle(vars)).toString()))).toEqual(Object.keys(vars).sort());
      }),
    );
    expect(() => decodeBundle(new TextEncoder().encode("[1]"))).toThrow(/not a JSON object/);
    expect(() => decodeBundle(new TextEncoder().encode('{"AB":1}'))).toThrow(/bundle entry AB is not a string/);
  });

  it.each(["AWS_REGION", "AWS_LAMBDA_FUNCTION_NAME", "ENVSEAL_SEALED", "ENVSEAL_BUNDLE", "_HANDLER", "1BAD", "A", "has-dash"])(
    "refuses a bundle entry named %s (same name rules as variables), without echoing the name",
    (name) => {
      const plaintext = new TextEncoder().encode(JSON.stringify({ GOOD_ONE: "x", [name]: "y" }));
      expect(() => decodeBundle(plaintext)).toThrow(InputError);
      expect(() => decodeBundle(plaintext)).toThrow(/^the bundle's entry 2 has a name Lambda refuses or reserves, or envseal manages$/);
    },
  );
});
