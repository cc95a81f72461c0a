/**
 * src/core/errors.ts across builds: `instanceof` decided by the kinds an instance carries under the registered symbol
 * (as an instance thrown by another copy of envseal — the CommonJS build, another entry point — carries them), the
 * fallback to the prototype check for a caller's subclass, and the request id kept only when it is a string.
 * The module is loaded in beforeAll so the run credits its constants (kinds, the symbol) to these tests.
 */
import { beforeAll, describe, expect, it } from "vitest";

type Errors = typeof import("../../src/core/errors.js");
let E: Errors;

beforeAll(async () => {
  E = await import("../../src/core/errors.js");
});

/** What an error thrown by another copy of envseal looks like to this one: its kinds under the registered symbol. */
function foreign(...kinds: string[]): object {
  const e = new Error("from another build");
  Object.defineProperty(e, Symbol.for("envseal.error.kinds/1"), { value: Object.freeze(kinds), enumerable: false });
  return e;
}

describe("instanceof across builds", () => {
  it("each class recognises its own stable kind, and only its own chain", () => {
    const cases: Array<[keyof Errors, string[]]> = [
      ["EnvsealError", ["EnvsealError"]],
      ["InputError", ["InputError", "EnvsealError"]],
      ["Declined", ["Declined", "EnvsealError"]],
      ["ConfigError", ["ConfigError", "InputError", "EnvsealError"]],
      ["AwsError", ["AwsError", "EnvsealError"]],
      ["TransportError", ["TransportError", "AwsError", "EnvsealError"]],
      ["UnsealError", ["UnsealError", "EnvsealError"]],
      ["FindingsError", ["FindingsError", "EnvsealError"]],
    ];
    for (const [name, chain] of cases) {
      const cls = E[name] as unknown as { kind: string };
      expect(cls.kind).toBe(name);
      const other = foreign(...chain);
      expect(other instanceof (E[name] as unknown as new () => object)).toBe(true);
      expect(other instanceof E.EnvsealError).toBe(true);
    }
    expect(foreign("InputError", "EnvsealError") instanceof E.AwsError).toBe(false);
    expect(foreign("AwsError", "EnvsealError") instanceof E.TransportError).toBe(false);
    expect(foreign("SomethingElse") instanceof E.EnvsealError).toBe(false);
    expect(new Error("plain") instanceof E.EnvsealError).toBe(false);
  });

  it("an instance carries its chain's kinds under the registered symbol", () => {
    const e = new E.TransportError("x", { code: "C", operation: "kms:Decrypt" });
    expect((e as unknown as Record<symbol, unknown>)[Symbol.for("envseal.error.kinds/1")]).toEqual(["TransportError", "AwsError", "EnvsealError"]);
  });

  it("a caller's subclass without its own kind uses the ordinary prototype check", () => {
    class Mine extends E.InputError {}
    expect(new Mine("x") instanceof Mine).toBe(true);
    expect(new Mine("x") instanceof E.InputError).toBe(true);
    expect(new E.InputError("x") instanceof Mine).toBe(false);
    expect(foreign("InputError", "EnvsealError") instanceof Mine).toBe(false);
  });
});

describe("toCause", () => {
  it("keeps a request id only when it is a string of id characters", () => {
    expect(E.toCause({ name: "X", requestId: 12345 })).toEqual({ name: "X" });
    expect(E.toCause({ name: "X", $metadata: { requestId: 42 } })).toEqual({ name: "X" });
    expect(E.toCause({ name: "X", requestId: "abc-123" })).toEqual({ name: "X", requestId: "abc-123" });
  });

  it("an error with neither a useful name nor a code is named Error", () => {
    expect(E.toCause({})).toEqual({ name: "Error" });
    expect(E.toCause(new Error("m"))).toEqual({ name: "Error" });
  });
});
