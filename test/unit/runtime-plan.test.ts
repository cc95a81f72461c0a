/** What the runtime plans to open: names from the manifest and options.names once each, the context, the errors. */
import { describe, expect, it } from "vitest";
import { contextFunctionName, namesToOpen, planUnseal } from "../../src/runtime/plan.js";
import { invocationTimeout, DEFAULT_RESERVE_MS } from "../../src/runtime/with-secrets.js";
import { DEFAULT_TIMEOUT_MS } from "../../src/runtime/options.js";

const blob = (n: number) => Buffer.from(Array.from({ length: 150 }, (_, i) => (i * 11 + n) % 256)).toString("base64");
const FN = "orders-api";

describe("namesToOpen and planUnseal", () => {
  it("a name both in the manifest and in names is opened once, sorted with the rest", () => {
    const env = { ENVSEAL_SEALED: "DB_PASSWORD,API_KEY", DB_PASSWORD: blob(1), API_KEY: blob(2), EXTRA: blob(3), AWS_LAMBDA_FUNCTION_NAME: FN };
    expect(namesToOpen(env, ["DB_PASSWORD", "EXTRA", "EXTRA"])).toEqual(["API_KEY", "DB_PASSWORD", "EXTRA"]);
    const plan = planUnseal(env, { names: ["DB_PASSWORD"] })!;
    expect(plan.items.map((i) => i.variable)).toEqual(["API_KEY", "DB_PASSWORD"]);
    expect(plan.items.every((i) => i.bundle === false)).toBe(true);
    expect(plan.functionName).toBe(FN);
    expect(plan.context).toEqual({ LambdaFunctionName: FN });
    expect(Object.isFrozen(plan.context)).toBe(true);
    expect(Buffer.from(plan.items[0]!.ciphertext).toString("base64")).toBe(blob(2));
  });

  it("nothing to open: no plan, and no function name needed", () => {
    expect(planUnseal({})).toBeUndefined();
    expect(planUnseal({ ENVSEAL_SEALED: "", ENVSEAL_BUNDLE: "" })).toBeUndefined();
  });

  it("the bundle comes last, marked as a bundle", () => {
    const plan = planUnseal({ ENVSEAL_BUNDLE: blob(4), ENVSEAL_SEALED: "A_KEY", A_KEY: blob(5), AWS_LAMBDA_FUNCTION_NAME: FN })!;
    expect(plan.items.map((i) => [i.variable, i.bundle])).toEqual([
      ["A_KEY", false],
      ["ENVSEAL_BUNDLE", true],
    ]);
  });

  it("names why a missing variable was expected", () => {
    const env = { ENVSEAL_SEALED: "LISTED", AWS_LAMBDA_FUNCTION_NAME: FN };
    expect(() => planUnseal(env)).toThrow("LISTED is listed in ENVSEAL_SEALED but is not set");
    expect(() => planUnseal({ ...env, LISTED: blob(1) }, { names: ["ASKED"] })).toThrow("ASKED is named in options.names but is not set");
    expect(() => planUnseal({ ...env, LISTED: "" })).toThrow(expect.objectContaining({ code: "MissingVariable", variable: "LISTED" }));
    expect(() => planUnseal({ ...env, LISTED: "not base64 ciphertext!" })).toThrow(expect.objectContaining({ code: "NotCiphertext", variable: "LISTED" }));
  });

  it("rejects a malformed manifest and invalid names, truncating a long name to 64 characters", () => {
    expect(() => namesToOpen({ ENVSEAL_SEALED: "not a list!" })).toThrow(expect.objectContaining({ code: "InvalidManifest", variable: "ENVSEAL_SEALED" }));
    const long = `1${"A".repeat(100)}`;
    expect(() => namesToOpen({}, [long])).toThrow(expect.objectContaining({ code: "InvalidName", variable: long.slice(0, 64) }));
    expect(() => namesToOpen({}, [long])).toThrow(`options.names holds "${long.slice(0, 64)}", which is not a variable name`);
  });

  it("the function name comes from the option first, then AWS_LAMBDA_FUNCTION_NAME, and must be valid", () => {
    expect(contextFunctionName({ AWS_LAMBDA_FUNCTION_NAME: "env-fn" }, "opt-fn")).toBe("opt-fn");
    expect(contextFunctionName({ AWS_LAMBDA_FUNCTION_NAME: "env-fn" })).toBe("env-fn");
    expect(contextFunctionName({}, "arn:aws:lambda:eu-west-1:111122223333:function:from-arn")).toBe("from-arn");
    expect(() => contextFunctionName({})).toThrow(expect.objectContaining({ code: "NoFunctionName", variable: "AWS_LAMBDA_FUNCTION_NAME" }));
    expect(() => contextFunctionName({ AWS_LAMBDA_FUNCTION_NAME: "  " })).toThrow(expect.objectContaining({ code: "NoFunctionName" }));
    expect(() => contextFunctionName({}, "bad name!")).toThrow(expect.objectContaining({ code: "InvalidFunctionName", variable: "options.functionName", message: "options.functionName is not a function name or ARN" }));
    expect(() => contextFunctionName({ AWS_LAMBDA_FUNCTION_NAME: "bad name!" })).toThrow(expect.objectContaining({ variable: "AWS_LAMBDA_FUNCTION_NAME" }));
  });
});

describe("invocationTimeout: the reserve is subtracted from the remaining time", () => {
  const ctx = (ms: number) => ({ getRemainingTimeInMillis: () => ms });
  it("remaining − reserve, capped by timeoutMs, at least 1 ms", () => {
    expect(DEFAULT_RESERVE_MS).toBe(500);
    expect(invocationTimeout(ctx(1500), {})).toBe(1000);
    expect(invocationTimeout(ctx(1500), { reserveMs: 200 })).toBe(1300);
    expect(invocationTimeout(ctx(60_000), {})).toBe(DEFAULT_TIMEOUT_MS);
    expect(invocationTimeout(ctx(60_000), { timeoutMs: 700 })).toBe(700);
    expect(invocationTimeout(ctx(400), {})).toBe(1);
    expect(invocationTimeout(ctx(501), {})).toBe(1);
    expect(invocationTimeout(ctx(502), {})).toBe(2);
  });
  it("no usable remaining time: the configured bound", () => {
    expect(invocationTimeout(undefined, {})).toBe(DEFAULT_TIMEOUT_MS);
    expect(invocationTimeout({}, { timeoutMs: 1234 })).toBe(1234);
    expect(invocationTimeout(ctx(Number.NaN), { timeoutMs: 1234 })).toBe(1234);
    expect(invocationTimeout(ctx(Number.POSITIVE_INFINITY), {})).toBe(DEFAULT_TIMEOUT_MS);
  });
});

describe("planUnseal: exact order, messages and hints", () => {
  it("names from options.names sort in with the manifest's", () => {
    expect(namesToOpen({ ENVSEAL_SEALED: "ZED_KEY" }, ["AAA_KEY"])).toEqual(["AAA_KEY", "ZED_KEY"]);
  });

  it("a name both listed and named that is missing is reported as listed in the manifest", () => {
    expect(() => planUnseal({ ENVSEAL_SEALED: "A_KEY", AWS_LAMBDA_FUNCTION_NAME: FN }, { names: ["A_KEY"] })).toThrow(
      expect.objectContaining({
        code: "MissingVariable",
        variable: "A_KEY",
        message: "A_KEY is listed in ENVSEAL_SEALED but is not set",
        hint: "re-push the function with envseal, or remove the name from the manifest (envseal unset)",
      }),
    );
    expect(() => planUnseal({ AWS_LAMBDA_FUNCTION_NAME: FN }, { names: ["B_KEY"] })).toThrow(
      expect.objectContaining({ code: "MissingVariable", message: "B_KEY is named in options.names but is not set" }),
    );
  });

  it("a malformed manifest, a missing function name and a value that is no ciphertext carry their hints", () => {
    expect(() => planUnseal({ ENVSEAL_SEALED: "not a name!", AWS_LAMBDA_FUNCTION_NAME: FN })).toThrow(
      expect.objectContaining({ code: "InvalidManifest", variable: "ENVSEAL_SEALED", message: "ENVSEAL_SEALED is malformed", hint: "re-push the function with envseal" }),
    );
    expect(() => planUnseal({ ENVSEAL_SEALED: "A_KEY", A_KEY: blob(1) })).toThrow(
      expect.objectContaining({
        code: "NoFunctionName",
        hint: "outside Lambda pass loadSecrets({ functionName }); envseal never decrypts without an encryption context",
      }),
    );
    expect(() => planUnseal({ ENVSEAL_SEALED: "A_KEY", A_KEY: "plain text", AWS_LAMBDA_FUNCTION_NAME: FN })).toThrow(
      expect.objectContaining({ code: "NotCiphertext", variable: "A_KEY", hint: "seal it with `envseal push` (or the Lambda console's encryption helpers)" }),
    );
  });
});
