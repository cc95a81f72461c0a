/** show: kinds, byte counts in UTF-8, reveal opening with this function's context, the bundle note, unreadable env. */
import { beforeEach, describe, expect, it } from "vitest";
import { DecryptCommand } from "@aws-sdk/client-kms";
import { GetFunctionConfigurationCommand } from "@aws-sdk/client-lambda";
import { show } from "../../src/ops/show.js";
import { sdkError } from "../support/sdk-errors.js";
import { kmsMock, lambdaMock, deps, FN_ARN, config } from "../support/ops-mocks.js";

const KEY = "arn:aws:kms:eu-west-1:111122223333:key/00000000-0000-0000-0000-0000000000aa";
const BUNDLE = Buffer.from("bundle".padEnd(140, "#")).toString("base64");
const SEALED = Buffer.from("sealed".padEnd(140, "#")).toString("base64");

beforeEach(() => {
  kmsMock.reset();
  lambdaMock.reset();
  kmsMock.on(DecryptCommand).callsFake(async (input) => {
    if (input.EncryptionContext?.LambdaFunctionName !== "orders-api") throw sdkError("InvalidCiphertextException");
    const c = Buffer.from(input.CiphertextBlob).toString("base64");
    return { Plaintext: new TextEncoder().encode(c === BUNDLE ? '{"BUND1":"bé"}' : "opened"), KeyId: KEY };
  });
});

describe("show", () => {
  it("lists names, kinds and UTF-8 byte counts without opening anything", async () => {
    lambdaMock.on(GetFunctionConfigurationCommand).resolves(config({ ZPLAIN: "é", ENVSEAL_SEALED: "S1,GONE", S1: SEALED }, { KMSKeyArn: KEY }));
    const r = await show(deps, { functionName: "orders-api" });
    expect(r.variables).toEqual([
      { name: "ENVSEAL_SEALED", kind: "envseal", bytes: Buffer.byteLength('"ENVSEAL_SEALED":"S1,GONE"') },
      { name: "S1", kind: "sealed", bytes: Buffer.byteLength(`"S1":"${SEALED}"`), format: "v1" },
      { name: "ZPLAIN", kind: "plain", bytes: 13 },
    ]);
    expect(kmsMock.calls()).toHaveLength(0);
    lambdaMock.on(GetFunctionConfigurationCommand).resolves(config({ ENVSEAL_SEALED: "S1:v2", S1: SEALED }));
    expect((await show(deps, { functionName: "orders-api" })).variables.find((v) => v.name === "S1")!.format).toBe("v2");
    expect([r.functionName, r.functionArn, r.limit, r.atRestKey, r.missingSealed, r.bundleNote]).toEqual(["orders-api", FN_ARN, 4096, KEY, ["GONE"], undefined]);
    expect(r.bytes).toBe(Buffer.byteLength(JSON.stringify({ ZPLAIN: "é", ENVSEAL_SEALED: "S1,GONE", S1: SEALED })));
  });

  it("lists bundled names (opened with this function's context) among the rest, values only with reveal", async () => {
    lambdaMock.on(GetFunctionConfigurationCommand).resolves(config({ ENVSEAL_BUNDLE: BUNDLE, APLAIN: "p" }));
    const r = await show(deps, { functionName: "orders-api" });
    expect(r.variables).toEqual([
      { name: "APLAIN", kind: "plain", bytes: 12 },
      { name: "BUND1", kind: "bundled", bytes: Buffer.byteLength('"BUND1":"bé"'), format: "v1" },
      { name: "ENVSEAL_BUNDLE", kind: "envseal", bytes: Buffer.byteLength(`"ENVSEAL_BUNDLE":"${BUNDLE}"`), format: "v1" },
    ]);
    expect(r.atRestKey).toBe("aws/lambda");
    const revealed = await show(deps, { functionName: "orders-api", reveal: true });
    expect(revealed.variables.map((v) => [v.name, v.value])).toEqual([
      ["APLAIN", "p"],
      ["BUND1", "bé"],
      ["ENVSEAL_BUNDLE", undefined],
    ]);
  });

  it("reveal opens sealed values with the function's context", async () => {
    lambdaMock.on(GetFunctionConfigurationCommand).resolves(config({ ENVSEAL_SEALED: "S1", S1: SEALED }));
    const r = await show(deps, { functionName: "orders-api", reveal: true });
    expect(r.variables.find((v) => v.name === "S1")!.value).toBe("opened");
    expect(kmsMock.commandCalls(DecryptCommand)[0]!.args[0].input.EncryptionContext).toEqual({ LambdaFunctionName: "orders-api" });
  });

  it("a bundle that does not open is a note without reveal, and an error with it", async () => {
    kmsMock.on(DecryptCommand).rejects(sdkError("AccessDeniedException", 400));
    lambdaMock.on(GetFunctionConfigurationCommand).resolves(config({ ENVSEAL_BUNDLE: BUNDLE }));
    const r = await show(deps, { functionName: "orders-api" });
    expect(r.bundleNote).toBe("the bundle's names are not listed: it did not open (AccessDeniedException); listing them needs kms:Decrypt");
    await expect(show(deps, { functionName: "orders-api", reveal: true })).rejects.toThrow("listing bundled names needs kms:Decrypt to open ENVSEAL_BUNDLE of orders-api");
  });

  it("an environment Lambda cannot decrypt is an AWS error naming the key to grant", async () => {
    lambdaMock.on(GetFunctionConfigurationCommand).resolves(
      config({}, { KMSKeyArn: KEY, Environment: { Error: { ErrorCode: "AccessDeniedException", Message: "Lambda was unable to decrypt" } } }),
    );
    const err = await show(deps, { functionName: "orders-api" }).catch((e: unknown) => e);
    expect(err).toMatchObject({ name: "AwsError", code: "EnvironmentUnreadable", operation: "kms:Decrypt", hint: `grant your identity kms:Decrypt on ${KEY} (see \`envseal policy\`)` });
    expect((err as Error).message.startsWith("the variables of orders-api could not be read: ")).toBe(true);
  });
});
