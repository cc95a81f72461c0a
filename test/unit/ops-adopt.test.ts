/** adopt: verify each value opens for this function, add names to the manifest only, and re-verify on a 412 retry. */
import { beforeEach, describe, expect, it } from "vitest";
import { DecryptCommand, ReEncryptCommand } from "@aws-sdk/client-kms";
import { GetFunctionConfigurationCommand, UpdateFunctionConfigurationCommand } from "@aws-sdk/client-lambda";
import { adopt } from "../../src/ops/adopt.js";
import { sdkError } from "../support/sdk-errors.js";
import { kmsMock, lambdaMock, deps, FN_ARN, config } from "../support/ops-mocks.js";

const KEY = "arn:aws:kms:eu-west-1:111122223333:key/00000000-0000-0000-0000-0000000000aa";
const sealed = (tag: string) => Buffer.from(tag.padEnd(140, "#")).toString("base64");
const updates = () => lambdaMock.commandCalls(UpdateFunctionConfigurationCommand).map((c) => c.args[0].input);
const reencrypted = () =>
  kmsMock.commandCalls(ReEncryptCommand).map((c) => {
    const i = c.args[0].input;
    return [Buffer.from(i.CiphertextBlob!).toString("utf8").replace(/#+$/, ""), i.SourceEncryptionContext, i.DestinationKeyId, i.DestinationEncryptionContext];
  });
const decrypted = () => kmsMock.commandCalls(DecryptCommand).map((c) => Buffer.from(c.args[0].input.CiphertextBlob!).toString("utf8").replace(/#+$/, ""));

beforeEach(() => {
  kmsMock.reset();
  lambdaMock.reset();
  kmsMock.on(DecryptCommand).callsFake(async (input) => {
    if (input.EncryptionContext?.LambdaFunctionName !== "orders-api") throw sdkError("InvalidCiphertextException");
    return { Plaintext: new TextEncoder().encode("x"), KeyId: KEY };
  });
  // adopt re-encrypts a console (v1) value for the v2 context: the blob comes back tagged "v2-".
  kmsMock.on(ReEncryptCommand).callsFake(async (input) => ({
    CiphertextBlob: new TextEncoder().encode(`v2-${Buffer.from(input.CiphertextBlob).toString("utf8").replace(/#+$/, "")}`.padEnd(140, "#")),
    KeyId: KEY,
  }));
  lambdaMock.on(UpdateFunctionConfigurationCommand).resolves({ RevisionId: "rev-2" });
});

describe("adopt", () => {
  it("adds only new names to the manifest, keeps values as they are, and reports each key", async () => {
    lambdaMock.on(GetFunctionConfigurationCommand).resolves(config({ ENVSEAL_SEALED: "OLD1", OLD1: sealed("old"), B1: sealed("b"), A1: sealed("a") }));
    const r = await adopt(deps, { functionName: "orders-api", names: ["B1", "OLD1", "A1", "B1"] });
    expect(updates()).toEqual([
      { FunctionName: FN_ARN, RevisionId: "rev-1", Environment: { Variables: { ENVSEAL_SEALED: "A1:v2,B1:v2,OLD1", OLD1: sealed("old"), B1: sealed("v2-b"), A1: sealed("v2-a") } } },
    ]);
    expect(reencrypted().sort((x, y) => String(x[0]).localeCompare(String(y[0])))).toEqual([
      ["a", { LambdaFunctionName: "orders-api" }, KEY, { LambdaFunctionName: "orders-api", EnvsealVariable: "A1" }],
      ["b", { LambdaFunctionName: "orders-api" }, KEY, { LambdaFunctionName: "orders-api", EnvsealVariable: "B1" }],
    ]);
    expect(decrypted().sort()).toEqual(["a", "b"]);
    expect([r.adopted, r.alreadySealed, r.keys, r.written]).toEqual([["A1", "B1"], ["OLD1"], { A1: KEY, B1: KEY }, true]);
  });

  it("nothing new: no write", async () => {
    lambdaMock.on(GetFunctionConfigurationCommand).resolves(config({ ENVSEAL_SEALED: "OLD1", OLD1: sealed("old") }));
    const r = await adopt(deps, { functionName: "orders-api", names: ["OLD1"] });
    expect([r.written, r.live, r.revisionId, r.adopted]).toEqual([false, true, "rev-1", []]);
    expect(updates()).toEqual([]);
    expect(kmsMock.calls()).toHaveLength(0);
  });

  it("names not set are refused, with the adopt hint", async () => {
    lambdaMock.on(GetFunctionConfigurationCommand).resolves(config({ A1: sealed("a") }));
    await expect(adopt(deps, { functionName: "orders-api", names: ["X1", "A1", "Y1"] })).rejects.toThrow(
      expect.objectContaining({ message: "X1, Y1 are not set on orders-api", hint: "adopt names variables that already hold sealed values" }),
    );
    await expect(adopt(deps, { functionName: "orders-api", names: ["X1"] })).rejects.toThrow("X1 is not set on orders-api");
    expect(kmsMock.calls()).toHaveLength(0);
  });

  it("on a 412 retry, a value changed meanwhile is verified again; one removed meanwhile stops the run", async () => {
    lambdaMock
      .on(GetFunctionConfigurationCommand)
      .resolvesOnce(config({ A1: sealed("a") }))
      .resolves(config({ A1: sealed("a2"), OTHER: "o" }, { RevisionId: "rev-other" }));
    lambdaMock.on(UpdateFunctionConfigurationCommand).rejectsOnce(sdkError("PreconditionFailedException", 412)).resolves({ RevisionId: "rev-3" });
    await adopt(deps, { functionName: "orders-api", names: ["A1"] });
    expect(decrypted()).toEqual(["a", "a2"]);
    expect(updates()[1]).toEqual({ FunctionName: FN_ARN, RevisionId: "rev-other", Environment: { Variables: { A1: sealed("v2-a2"), OTHER: "o", ENVSEAL_SEALED: "A1:v2" } } });

    lambdaMock.reset();
    kmsMock.resetHistory();
    lambdaMock.on(GetFunctionConfigurationCommand).resolvesOnce(config({ A1: sealed("a") })).resolves(config({ OTHER: "o" }, { RevisionId: "rev-other" }));
    lambdaMock.on(UpdateFunctionConfigurationCommand).rejectsOnce(sdkError("PreconditionFailedException", 412)).resolves({ RevisionId: "rev-3" });
    await expect(adopt(deps, { functionName: "orders-api", names: ["A1"] })).rejects.toThrow("A1 is not set on orders-api any more (removed while adopt ran)");
    expect(updates()).toHaveLength(1);
  });
});
