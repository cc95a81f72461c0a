/** rotate: the bundle is rotated too, results name both keys, refusals come before any ReEncrypt or write. */
import { beforeEach, describe, expect, it } from "vitest";
import { DescribeKeyCommand, ReEncryptCommand } from "@aws-sdk/client-kms";
import { GetFunctionConfigurationCommand, UpdateFunctionConfigurationCommand, type FunctionConfiguration } from "@aws-sdk/client-lambda";
import { rotate } from "../../src/ops/rotate.js";
import { kmsMock, lambdaMock, deps, FN_ARN, config as baseConfig, meta } from "../support/ops-mocks.js";

const OLD = "arn:aws:kms:eu-west-1:111122223333:key/00000000-0000-0000-0000-000000000001";
const NEW = "arn:aws:kms:eu-west-1:111122223333:key/00000000-0000-0000-0000-000000000002";
const sealed = (tag: string) => Buffer.from(tag.padEnd(140, "#")).toString("base64");
const config = (vars: Record<string, string>, extra: Partial<FunctionConfiguration> = {}): FunctionConfiguration => baseConfig(vars, { KMSKeyArn: OLD, ...extra });
const updates = () => lambdaMock.commandCalls(UpdateFunctionConfigurationCommand).map((c) => c.args[0].input);

beforeEach(() => {
  kmsMock.reset();
  lambdaMock.reset();
  kmsMock.on(DescribeKeyCommand).resolves(meta(NEW));
  kmsMock.on(ReEncryptCommand).callsFake(async (input) => ({ CiphertextBlob: new Uint8Array(150).fill(input.CiphertextBlob![0]!), KeyId: NEW, SourceKeyId: OLD }));
  lambdaMock.on(UpdateFunctionConfigurationCommand).resolves({ RevisionId: "rev-2" });
});

describe("rotate", () => {
  it("re-encrypts the bundle and the sealed variables with this function's context, and moves the at-rest key", async () => {
    lambdaMock.on(GetFunctionConfigurationCommand).resolves(config({ ENVSEAL_BUNDLE: sealed("b"), ENVSEAL_SEALED: "A1", A1: sealed("a"), P1: "p" }));
    const r = await rotate(deps, { functionName: "orders-api", toKey: "alias/new" });
    const calls = kmsMock.commandCalls(ReEncryptCommand).map((c) => c.args[0].input);
    expect(calls.map((c) => [c.DestinationKeyId, c.SourceEncryptionContext, c.DestinationEncryptionContext])).toEqual([
      [NEW, { LambdaFunctionName: "orders-api" }, { LambdaFunctionName: "orders-api", EnvsealVariable: "A1" }],
      [NEW, { LambdaFunctionName: "orders-api" }, { LambdaFunctionName: "orders-api", EnvsealVariable: "ENVSEAL_BUNDLE" }],
    ]);
    const re = (tag: string) => Buffer.from(new Uint8Array(150).fill(tag.charCodeAt(0))).toString("base64");
    expect(updates()).toEqual([
      { FunctionName: FN_ARN, RevisionId: "rev-1", KMSKeyArn: NEW, Environment: { Variables: { ENVSEAL_BUNDLE: re("b"), ENVSEAL_SEALED: "A1:v2,ENVSEAL_BUNDLE:v2", A1: re("a"), P1: "p" } } },
    ]);
    expect([r.names, r.fromKeyArns, r.toKeyArn, r.atRestKey, r.dryRun, r.written, r.functionArn, r.upgraded]).toEqual([["A1", "ENVSEAL_BUNDLE"], [OLD], NEW, NEW, false, true, FN_ARN, ["A1", "ENVSEAL_BUNDLE"]]);
  });

  it("a function already at rest under the target key keeps KMSKeyArn out of the update", async () => {
    lambdaMock.on(GetFunctionConfigurationCommand).resolves(config({ ENVSEAL_SEALED: "A1", A1: sealed("a") }, { KMSKeyArn: NEW }));
    await rotate(deps, { functionName: "orders-api", toKey: NEW });
    expect(updates()[0]).not.toHaveProperty("KMSKeyArn");
  });

  it("a dry run reports names, source keys and the current at-rest key, and writes nothing", async () => {
    lambdaMock.on(GetFunctionConfigurationCommand).resolves(config({ ENVSEAL_SEALED: "A1", A1: sealed("a") }, { KMSKeyArn: undefined }));
    const r = await rotate(deps, { functionName: "orders-api", toKey: "alias/new", dryRun: true });
    expect([r.names, r.fromKeyArns, r.atRestKey, r.dryRun, r.written, r.live, r.revisionId]).toEqual([["A1"], [OLD], "aws/lambda", true, false, true, "rev-1"]);
    expect(updates()).toEqual([]);
  });

  it("refuses an AWS managed key and a function with nothing sealed", async () => {
    kmsMock.on(DescribeKeyCommand).resolves(meta("arn:aws:kms:eu-west-1:111122223333:key/aws", "AWS"));
    await expect(rotate(deps, { functionName: "orders-api", toKey: "aws/lambda" })).rejects.toThrow(
      expect.objectContaining({ message: "alias/aws/lambda is an AWS managed key; sealed values can only be re-encrypted to a customer managed key", hint: "pass a customer managed key to --to-key" }),
    );
    expect(lambdaMock.calls()).toHaveLength(0);
    kmsMock.on(DescribeKeyCommand).resolves(meta(NEW));
    lambdaMock.on(GetFunctionConfigurationCommand).resolves(config({ ENVSEAL_SEALED: "GONE", P1: "p" }));
    await expect(rotate(deps, { functionName: "orders-api", toKey: "alias/new" })).rejects.toThrow("orders-api has no sealed values to rotate");
    expect(kmsMock.commandCalls(ReEncryptCommand)).toHaveLength(0);
    await expect(rotate(deps, { functionName: "bad name", toKey: "alias/new" })).rejects.toThrow("invalid function name");
  });
});
