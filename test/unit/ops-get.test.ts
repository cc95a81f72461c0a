/**
 * get: a plain value as is, a sealed one opened with its context, a bundled one from the opened bundle; envseal's own
 * variables, a name not set, an invalid name and an unreadable environment are refused (the value never in the error).
 */
import { beforeEach, describe, expect, it } from "vitest";
import { DecryptCommand } from "@aws-sdk/client-kms";
import { GetFunctionConfigurationCommand } from "@aws-sdk/client-lambda";
import { get } from "../../src/ops/get.js";
import { AwsError, InputError } from "../../src/core/errors.js";
import { sdkError } from "../support/sdk-errors.js";
import { canary, expectNoCanary } from "../support/canary.js";
import { kmsMock, lambdaMock, deps, config } from "../support/ops-mocks.js";

const KEY = "arn:aws:kms:eu-west-1:111122223333:key/00000000-0000-0000-0000-0000000000aa";
const BUNDLE = Buffer.from("bundle".padEnd(140, "#")).toString("base64");
const SEALED = Buffer.from("sealed".padEnd(140, "#")).toString("base64");

let secret: string;
let bundled: string;
const decrypts = () => kmsMock.commandCalls(DecryptCommand).map((c) => c.args[0].input);
const fn = (vars: Record<string, string>, extra = {}) => lambdaMock.on(GetFunctionConfigurationCommand).resolves(config(vars, extra));
const failure = (p: Promise<unknown>) => p.then(() => expect.unreachable("get resolved"), (e: unknown) => e as Error & { hint?: string; code?: string });

beforeEach(() => {
  kmsMock.reset();
  lambdaMock.reset();
  secret = canary("sealed");
  bundled = canary("bundled");
  kmsMock.on(DecryptCommand).callsFake(async (input) => {
    if (input.EncryptionContext?.LambdaFunctionName !== "orders-api") throw sdkError("InvalidCiphertextException");
    const c = Buffer.from(input.CiphertextBlob).toString("base64");
    if (c === BUNDLE) return { Plaintext: new TextEncoder().encode(JSON.stringify({ BUND1: bundled })), KeyId: KEY };
    if (c === SEALED) return { Plaintext: new TextEncoder().encode(secret), KeyId: KEY };
    throw sdkError("InvalidCiphertextException");
  });
});

describe("get", () => {
  it("a variable the manifest does not list is plain: returned as is, nothing opened", async () => {
    fn({ ENVSEAL_SEALED: "S1", S1: SEALED, PLAIN: "p-value" });
    expect(await get(deps, { functionName: "orders-api", name: "PLAIN" })).toEqual({ functionName: "orders-api", name: "PLAIN", kind: "plain", value: "p-value" });
    expect(kmsMock.calls()).toHaveLength(0);
    expect(lambdaMock.commandCalls(GetFunctionConfigurationCommand)[0]!.args[0].input).toEqual({ FunctionName: "orders-api" });
  });

  it("a sealed variable is opened with the function's context (v1) or with the variable's too (v2)", async () => {
    fn({ ENVSEAL_SEALED: "S1", S1: SEALED });
    expect(await get(deps, { functionName: "orders-api", name: "S1" })).toEqual({ functionName: "orders-api", name: "S1", kind: "sealed", value: secret });
    expect(decrypts()).toHaveLength(1);
    expect(decrypts()[0]!.EncryptionContext).toEqual({ LambdaFunctionName: "orders-api" });
    expect(Buffer.from(decrypts()[0]!.CiphertextBlob!).toString("base64")).toBe(SEALED);
    kmsMock.resetHistory();
    fn({ ENVSEAL_SEALED: "S1:v2", S1: SEALED });
    expect((await get(deps, { functionName: "orders-api", name: "S1" })).kind).toBe("sealed");
    expect(decrypts()[0]!.EncryptionContext).toEqual({ LambdaFunctionName: "orders-api", EnvsealVariable: "S1" });
  });

  it("a name found only in the bundle is read from the opened bundle", async () => {
    fn({ ENVSEAL_SEALED: "ENVSEAL_BUNDLE", ENVSEAL_BUNDLE: BUNDLE, PLAIN: "p" });
    expect(await get(deps, { functionName: "orders-api", name: "BUND1" })).toEqual({ functionName: "orders-api", name: "BUND1", kind: "bundled", value: bundled });
    expect(decrypts().map((i) => i.EncryptionContext)).toEqual([{ LambdaFunctionName: "orders-api" }]);
  });

  it("a name neither in the environment nor in the bundle is not set (the bundle was opened to look)", async () => {
    fn({ ENVSEAL_SEALED: "ENVSEAL_BUNDLE", ENVSEAL_BUNDLE: BUNDLE });
    const err = await failure(get(deps, { functionName: "orders-api", name: "OTHER" }));
    expect(err).toBeInstanceOf(InputError);
    expect(err.message).toBe("OTHER is not set on orders-api");
    expect(err.hint).toBe("see the names with `envseal show --function orders-api`");
    expect(decrypts()).toHaveLength(1);
    expectNoCanary([bundled, secret], { message: err.message, hint: err.hint ?? "" });
  });

  it("without a bundle, a missing name is not set and nothing is opened", async () => {
    fn({ ENVSEAL_SEALED: "S1", S1: SEALED });
    const err = await failure(get(deps, { functionName: "orders-api", name: "OTHER" }));
    expect(err).toBeInstanceOf(InputError);
    expect(err.message).toBe("OTHER is not set on orders-api");
    expect(kmsMock.calls()).toHaveLength(0);
  });

  it("envseal's own variables are not values: ENVSEAL_BUNDLE and ENVSEAL_SEALED are not set", async () => {
    fn({ ENVSEAL_SEALED: "ENVSEAL_BUNDLE", ENVSEAL_BUNDLE: BUNDLE });
    const bundleErr = await failure(get(deps, { functionName: "orders-api", name: "ENVSEAL_BUNDLE" }));
    expect(bundleErr).toBeInstanceOf(InputError);
    expect(bundleErr.message).toBe("ENVSEAL_BUNDLE is not set on orders-api");
    fn({ ENVSEAL_SEALED: "S1", S1: SEALED });
    const manifestErr = await failure(get(deps, { functionName: "orders-api", name: "ENVSEAL_SEALED" }));
    expect(manifestErr).toBeInstanceOf(InputError);
    expect(manifestErr.message).toBe("ENVSEAL_SEALED is not set on orders-api");
    expect(decrypts()).toHaveLength(1);
  });

  it("a bundle the caller may not open says a bundled secret needs kms:Decrypt", async () => {
    kmsMock.on(DecryptCommand).rejects(sdkError("AccessDeniedException"));
    fn({ ENVSEAL_SEALED: "ENVSEAL_BUNDLE", ENVSEAL_BUNDLE: BUNDLE });
    const err = await failure(get(deps, { functionName: "orders-api", name: "BUND1" }));
    expect(err).toBeInstanceOf(AwsError);
    expect(err.message).toBe("reading a bundled secret needs kms:Decrypt to open ENVSEAL_BUNDLE of orders-api, and it was denied");
  });

  it("an invalid NAME is refused before the function is read", async () => {
    const err = await failure(get(deps, { functionName: "orders-api", name: "1BAD" }));
    expect(err).toBeInstanceOf(InputError);
    expect(err.message).toBe("NAME is not a variable name");
    expect(err.hint).toBe("names match [a-zA-Z][a-zA-Z0-9_]+");
    expect(lambdaMock.calls()).toHaveLength(0);
  });

  it("an environment Lambda could not decrypt is refused naming get", async () => {
    fn({}, { KMSKeyArn: KEY, Environment: { Error: { ErrorCode: "AccessDeniedException", Message: "no" } } });
    const err = await failure(get(deps, { functionName: "orders-api", name: "PLAIN" }));
    expect(err).toBeInstanceOf(AwsError);
    expect(err.code).toBe("EnvironmentUnreadable");
    expect(err.message.startsWith("get refused: Lambda could not decrypt the environment of orders-api")).toBe(true);
    expect(err.hint).toContain("then run get again");
  });
});
