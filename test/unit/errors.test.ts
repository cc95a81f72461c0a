import { describe, expect, it } from "vitest";
import { AwsError, ConfigError, EnvsealError, InputError, toCause } from "../../src/core/errors.js";

describe("toCause keeps a name, an HTTP status and a request id — never a message, whatever carries it", () => {
  it.each([
    ["an Error", Object.assign(new Error("the value hunter2 was refused"), { name: "ValidationException" }), { name: "ValidationException" }],
    ["an SDK error", Object.assign(new Error("msg hunter2"), { name: "AccessDeniedException", $metadata: { httpStatusCode: 400, requestId: "abc-123" } }), { name: "AccessDeniedException", httpStatus: 400, requestId: "abc-123" }],
    ["a plain object with a message", { name: "Boom", message: "hunter2" }, { name: "Boom" }],
    ["a cause-shaped object carrying extra text", { name: "X", httpStatus: 500, message: "hunter2", detail: "hunter2" }, { name: "X", httpStatus: 500 }],
    ["an object whose name holds text", { name: "Denied: value hunter2" }, { name: "Denied:" }],
    ["a string", "hunter2", { name: "string" }],
    ["a node error code", Object.assign(new Error("connect ECONNREFUSED hunter2"), { code: "ECONNREFUSED" }), { name: "ECONNREFUSED" }],
    ["a request id that is not an id", { name: "E", $metadata: { requestId: "hunter2 and more text" } }, { name: "E" }],
  ])("%s", (_label, err, expected) => {
    const cause = toCause(err);
    expect(cause).toEqual(expected);
    expect(JSON.stringify(cause)).not.toContain("hunter2");
  });

  it("every envseal error reduces its cause the same way", () => {
    const e = new InputError("bad", { cause: { name: "Y", message: "hunter2" } });
    expect(e.cause).toEqual({ name: "Y" });
    expect(new AwsError("x", { code: "C", operation: "kms:Encrypt", cause: new Error("hunter2") }).cause).toEqual({ name: "Error" });
  });

  it("ConfigError is an InputError (exit 2) with a stable code", () => {
    const e = new ConfigError("--endpoint-url uses http to x; envseal requires HTTPS", { code: "InsecureEndpoint" });
    expect(e).toBeInstanceOf(InputError);
    expect(e).toBeInstanceOf(EnvsealError);
    expect(e.exitCode).toBe(2);
    expect(e.code).toBe("InsecureEndpoint");
  });
});
