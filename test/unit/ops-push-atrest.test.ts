/** push and KMSKeyArn: which at-rest key is written, when it is left alone, and the preview the prompt sees. */
import { beforeEach, describe, expect, it } from "vitest";
import { DescribeKeyCommand, EncryptCommand } from "@aws-sdk/client-kms";
import { GetFunctionConfigurationCommand, UpdateFunctionConfigurationCommand } from "@aws-sdk/client-lambda";
import { push, type PushPreview } from "../../src/ops/push.js";
import { kmsMock, lambdaMock, deps, FN_ARN, config, meta } from "../support/ops-mocks.js";

const APP = "arn:aws:kms:eu-west-1:111122223333:key/00000000-0000-0000-0000-00000000000a";
const REST = "arn:aws:kms:eu-west-1:111122223333:key/00000000-0000-0000-0000-00000000000b";
const AWS_MANAGED = "arn:aws:kms:eu-west-1:111122223333:key/00000000-0000-0000-0000-00000000000c";
const updates = () => lambdaMock.commandCalls(UpdateFunctionConfigurationCommand).map((c) => c.args[0].input);
const described = () => kmsMock.commandCalls(DescribeKeyCommand).map((c) => c.args[0].input.KeyId);

beforeEach(() => {
  kmsMock.reset();
  lambdaMock.reset();
  kmsMock.on(DescribeKeyCommand, { KeyId: "alias/app" }).resolves(meta(APP));
  kmsMock.on(DescribeKeyCommand, { KeyId: "alias/rest" }).resolves(meta(REST));
  kmsMock.on(DescribeKeyCommand, { KeyId: "alias/aws/lambda" }).resolves(meta(AWS_MANAGED, "AWS"));
  kmsMock.on(DescribeKeyCommand, { KeyId: "alias/off" }).resolves(meta(REST, "CUSTOMER", "Disabled"));
  kmsMock.on(EncryptCommand).resolves({ CiphertextBlob: new Uint8Array(150).fill(1), KeyId: APP });
  lambdaMock.on(UpdateFunctionConfigurationCommand).resolves({ RevisionId: "rev-2" });
});

describe("push and the at-rest key", () => {
  it("sealing with a customer key also protects at rest with it, unless the function already is", async () => {
    lambdaMock.on(GetFunctionConfigurationCommand).resolves(config({}));
    await push(deps, { functionName: "orders-api", key: "alias/app", secrets: { A1: "a" } });
    expect(updates()[0]!.KMSKeyArn).toBe(APP);
    lambdaMock.on(GetFunctionConfigurationCommand).resolves(config({}, { KMSKeyArn: APP }));
    await push(deps, { functionName: "orders-api", key: "alias/app", secrets: { A1: "a" } });
    expect(updates()[1]).not.toHaveProperty("KMSKeyArn");
  });

  it("--at-rest-key equal to --key is described once; another key is described and written", async () => {
    lambdaMock.on(GetFunctionConfigurationCommand).resolves(config({}));
    await push(deps, { functionName: "orders-api", key: "alias/app", atRestKey: "alias/app", secrets: { A1: "a" } });
    expect(described()).toEqual(["alias/app"]);
    await push(deps, { functionName: "orders-api", key: "alias/app", atRestKey: "alias/rest", secrets: { A1: "a" } });
    expect(described()).toEqual(["alias/app", "alias/app", "alias/rest"]);
    expect(updates().map((u) => u.KMSKeyArn)).toEqual([APP, REST]);
  });

  it("a disabled --at-rest-key (or --at-rest-only key) is refused and nothing is written", async () => {
    lambdaMock.on(GetFunctionConfigurationCommand).resolves(config({}));
    await expect(push(deps, { functionName: "orders-api", key: "alias/app", atRestKey: "alias/off", secrets: { A1: "a" } })).rejects.toThrow(
      "KMS key alias/off is disabled, so envseal will not protect at rest with it",
    );
    await expect(push(deps, { functionName: "orders-api", key: "alias/off", atRestOnly: true, secrets: { A1: "a" } })).rejects.toThrow(
      "KMS key alias/off is disabled, so envseal will not protect at rest with it",
    );
    expect(updates()).toEqual([]);
  });

  it("--at-rest-only with aws/lambda on a function under aws/lambda: values plain, KMSKeyArn untouched", async () => {
    lambdaMock.on(GetFunctionConfigurationCommand).resolves(config({ K1: "k" }));
    const r = await push(deps, { functionName: "orders-api", key: "aws/lambda", atRestOnly: true, secrets: { A1: "a" } });
    expect(updates()).toEqual([{ FunctionName: FN_ARN, RevisionId: "rev-1", Environment: { Variables: { K1: "k", A1: "a" } } }]);
    expect([r.atRestKey, r.sealingKeyArn]).toEqual(["aws/lambda", undefined]);
    expect(kmsMock.commandCalls(EncryptCommand)).toHaveLength(0);
  });

  it("the prompt sees the preview: function, diff, size, at-rest key after the push, sealing key and storage", async () => {
    lambdaMock.on(GetFunctionConfigurationCommand).resolves(config({ K1: "k" }));
    const seen: PushPreview[] = [];
    await push(deps, { functionName: "orders-api", key: "alias/app", secrets: { A1: "a" }, confirm: async (p) => (seen.push(p), true) });
    const variables = updates()[0]!.Environment!.Variables!;
    expect(seen).toEqual([
      {
        functionName: "orders-api",
        functionArn: FN_ARN,
        diff: { added: [{ name: "A1", kind: "sealed" }, { name: "ENVSEAL_SEALED", kind: "envseal" }], changed: [], removed: [], unchanged: 1 },
        bytes: Buffer.byteLength(JSON.stringify(variables)),
        atRestKey: APP,
        sealingKeyArn: APP,
        storage: "variables",
      },
    ]);
  });
});
