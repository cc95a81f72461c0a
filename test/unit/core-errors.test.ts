/** Exit codes per error class, the unexpected-error exit code, one-line messages and the cause reduction. */
import { describe, expect, it } from "vitest";
import {
  AwsError,
  ConfigError,
  EnvsealError,
  ExitCode,
  FindingsError,
  InputError,
  TransportError,
  UnsealError,
  exitCodeOf,
  toCause,
} from "../../src/core/errors.js";

describe("exit codes", () => {
  it("0 ok, 1 findings, 2 usage, 3 AWS; an unexpected error exits 3", () => {
    expect(ExitCode).toEqual({ Ok: 0, Findings: 1, Usage: 2, Aws: 3 });
    expect(exitCodeOf(new InputError("x"))).toBe(2);
    expect(exitCodeOf(new ConfigError("x", { code: "C" }))).toBe(2);
    expect(exitCodeOf(new EnvsealError("x"))).toBe(2);
    expect(exitCodeOf(new AwsError("x", { code: "C", operation: "kms:Encrypt" }))).toBe(3);
    expect(exitCodeOf(new TransportError("x", { code: "C", operation: "kms:Encrypt" }))).toBe(3);
    expect(exitCodeOf(new UnsealError("x", { code: "C", variable: "V1" }))).toBe(3);
    expect(exitCodeOf(new FindingsError("x"))).toBe(1);
    expect(exitCodeOf(new TypeError("boom"))).toBe(3);
    expect(exitCodeOf("a string")).toBe(3);
    expect(exitCodeOf(undefined)).toBe(3);
  });
});

describe("error identity and shape", () => {
  it("names, codes, instanceof along the hierarchy only", () => {
    const t = new TransportError("m", { code: "ECONNRESET", operation: "kms:Decrypt" });
    expect([t.name, t.code, t.operation]).toEqual(["TransportError", "ECONNRESET", "kms:Decrypt"]);
    expect(t instanceof AwsError && t instanceof EnvsealError && t instanceof Error).toBe(true);
    expect(t instanceof InputError).toBe(false);
    expect(new AwsError("m", { code: "c", operation: "o" }) instanceof TransportError).toBe(false);
    expect(new ConfigError("m", { code: "c" }) instanceof InputError).toBe(true);
    expect(new InputError("m") instanceof ConfigError).toBe(false);
    expect({} instanceof EnvsealError).toBe(false);
    expect((null as unknown as object) instanceof UnsealError).toBe(false);
    expect([new InputError("m").name, new ConfigError("m", { code: "c" }).name, new UnsealError("m", { code: "c", variable: "v" }).name, new FindingsError("m").name, new EnvsealError("m").name]).toEqual([
      "InputError",
      "ConfigError",
      "UnsealError",
      "FindingsError",
      "EnvsealError",
    ]);
    class Plain extends InputError {}
    expect(new Plain("m") instanceof Plain).toBe(true);
    expect(new InputError("m") instanceof Plain).toBe(false);
  });

  it("oneLine joins message and hint; the cause is not enumerable", () => {
    expect(new InputError("bad", { hint: "fix it" }).oneLine).toBe("bad; fix it");
    expect(new InputError("bad").oneLine).toBe("bad");
    const e = new InputError("bad", { cause: { name: "X" } });
    expect(Object.keys(e)).not.toContain("cause");
    expect(e.cause).toEqual({ name: "X" });
  });
});

describe("toCause", () => {
  it("keeps name (or code), status and a well-formed request id only", () => {
    expect(toCause(undefined)).toBeUndefined();
    expect(toCause(null)).toBeUndefined();
    expect(toCause("text")).toEqual({ name: "string" });
    expect(toCause(new Error("msg"))).toEqual({ name: "Error" });
    expect(toCause({ name: "Error", code: "ENOENT" })).toEqual({ name: "ENOENT" });
    expect(toCause({ code: 5 })).toEqual({ name: "Error" });
    expect(toCause({ name: "ThrottlingException", $metadata: { httpStatusCode: 400, requestId: "abc-123" } })).toEqual({
      name: "ThrottlingException",
      httpStatus: 400,
      requestId: "abc-123",
    });
    expect(toCause({ name: "N1", httpStatus: 500, requestId: "r-1" })).toEqual({ name: "N1", httpStatus: 500, requestId: "r-1" });
    expect(toCause({ name: "N1", httpStatus: "500", requestId: "has space" })).toEqual({ name: "N1" });
    expect(toCause({ name: "N1", requestId: "x".repeat(129) })).toEqual({ name: "N1" });
    expect(toCause({ name: "N1", requestId: "x".repeat(128) })).toEqual({ name: "N1", requestId: "x".repeat(128) });
    expect(toCause({ name: "9bad name" })).toEqual({ name: "Error" });
    expect(toCause({ name: `A${"b".repeat(200)}` })!.name).toHaveLength(100);
    expect(toCause({ name: "Name with secret" })).toEqual({ name: "Name" });
  });
});
