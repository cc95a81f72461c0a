/** Every core input error tells the user what to do: the exact hint per failure, and the error identity markers. */
import { describe, expect, it } from "vitest";
import { assertNamesToChange, assertSettableName, assertWithinLimit } from "../../src/core/limits.js";
import { ciphertextProblem, decodeBundle, decodeSealed, functionNameOf } from "../../src/core/format.js";
import { parseManifest } from "../../src/core/manifest.js";
import { EnvsealError, InputError, UnsealError } from "../../src/core/errors.js";

function caught(fn: () => unknown): { message: string; hint: string | undefined } {
  try {
    fn();
  } catch (e) {
    return { message: (e as Error).message, hint: (e as InputError).hint };
  }
  throw new Error("expected a throw");
}
const enc = (s: string) => new TextEncoder().encode(s);
const BUNDLE_HINT = "re-create it with `envseal push --bundle`";

describe("hints", () => {
  it("names", () => {
    expect(caught(() => assertSettableName("1x")).hint).toBe("names start with a letter and hold at least two letters, digits or underscores ([a-zA-Z][a-zA-Z0-9_]+)");
    expect(caught(() => assertSettableName("AWS_REGION")).hint).toBe("choose another name; Lambda sets this variable itself");
    expect(caught(() => assertSettableName("ENVSEAL_SEALED")).hint).toBe("choose another name");
    expect(caught(() => assertNamesToChange("unset", [])).hint).toBe("envseal unset --function F NAME ...");
    expect(caught(() => assertNamesToChange("unset", ["b-c"])).hint).toBe("names match [a-zA-Z][a-zA-Z0-9_]+");
    const long = `b-${"c".repeat(80)}`;
    expect(caught(() => assertNamesToChange("unset", [long])).message).toBe("invalid variable name (82 characters, not shown in case it is a value): it holds a character other than letters, digits and _");
    expect(caught(() => assertNamesToChange("unset", ["ENVSEAL_BUNDLE"])).hint).toBe("unset the secrets it lists instead");
    expect(caught(() => parseManifest(`A1,${"b-".repeat(40)}`))).toEqual({
      message: "ENVSEAL_SEALED's entry 2 is not NAME or NAME:v2",
      hint: "fix ENVSEAL_SEALED (comma-separated names) or re-push with envseal",
    });
  });

  it("function names, sealed values and bundles", () => {
    expect(caught(() => functionNameOf("bad name")).hint).toBe("give a function name (letters, digits, - and _, at most 64) or its ARN");
    expect(caught(() => decodeSealed("abc"))).toEqual({
      message: "the value is not standard base64, so it is not a sealed value",
      hint: "pass the base64 text that `envseal encrypt` or the Lambda console produced",
    });
    expect(caught(() => decodeBundle(new Uint8Array([0xff]))).hint).toBe(BUNDLE_HINT);
    expect(caught(() => decodeBundle(enc("[]"))).hint).toBe(BUNDLE_HINT);
    expect(caught(() => decodeBundle(enc('{"A1":2}'))).hint).toBe(BUNDLE_HINT);
    expect(caught(() => decodeBundle(enc('{"AWS_REGION":"x"}'))).hint).toBe("re-create the bundle with `envseal push --bundle`");
    expect(caught(() => assertWithinLimit({ A1: "x".repeat(5000) })).hint).toBe("remove or shorten variables, or keep large secrets in Secrets Manager");
  });

  it("a bundle must be valid UTF-8 even where a lenient decoder would produce valid JSON", () => {
    const bytes = Buffer.concat([Buffer.from('{"A1":"'), Buffer.from([0xff]), Buffer.from('"}')]);
    expect(() => decodeBundle(new Uint8Array(bytes))).toThrow("the bundle opened but is not UTF-8 JSON");
  });

  it("ciphertext byte counts with one '=' of padding at the 6144 limit", () => {
    const b64 = (n: number) => Buffer.alloc(n, 9).toString("base64");
    expect(b64(6143).endsWith("=") && !b64(6143).endsWith("==")).toBe(true);
    expect(ciphertextProblem(b64(6143))).toBeUndefined();
    expect(ciphertextProblem(b64(6142))).toBeUndefined();
  });
});

describe("error identity markers", () => {
  const KINDS = Symbol.for("envseal.error.kinds/1");
  it("each error carries the kinds of its class chain, hidden and frozen; the cause cannot be replaced", () => {
    const e = new UnsealError("m", { variable: "V1", code: "C", cause: { name: "X" } });
    expect((e as unknown as Record<symbol, unknown>)[KINDS]).toEqual(["UnsealError", "EnvsealError"]);
    expect(Object.getOwnPropertyDescriptor(e, KINDS)).toMatchObject({ enumerable: false, writable: false });
    expect(Object.getOwnPropertyDescriptor(e, "cause")).toMatchObject({ enumerable: false, writable: false, value: { name: "X" } });
    class Sub extends InputError {}
    expect((new Sub("m") as unknown as Record<symbol, unknown>)[KINDS]).toEqual(["InputError", "EnvsealError"]);
  });

  it("instanceof answers false for non-objects instead of throwing", () => {
    for (const v of [undefined, null, "text", 3, () => undefined]) expect((v as unknown as object) instanceof EnvsealError).toBe(false);
  });
});
