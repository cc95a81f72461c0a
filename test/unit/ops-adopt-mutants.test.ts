/** adopt: `secure:` values (no context) opened and re-bound, refusals in adopt's name, the prompt, and the retry's reuse of re-encryptions. */
import { beforeEach, describe, expect, it } from "vitest";
import { DecryptCommand, ReEncryptCommand } from "@aws-sdk/client-kms";
import { GetFunctionConfigurationCommand, UpdateFunctionConfigurationCommand, type FunctionConfiguration } from "@aws-sdk/client-lambda";
import { adopt } from "../../src/ops/adopt.js";
import { AwsError, InputError } from "../../src/core/errors.js";
import { sdkError } from "../support/sdk-errors.js";
import { kmsMock, lambdaMock, deps, FN_ARN, config } from "../support/ops-mocks.js";

const KEY = "arn:aws:kms:eu-west-1:111122223333:key/00000000-0000-0000-0000-0000000000aa";
const sealed = (tag: string) => Buffer.from(tag.padEnd(140, "#")).toString("base64");
const tagOf = (blob: Uint8Array | undefined) => Buffer.from(blob!).toString("utf8").replace(/#+$/, "");
const updates = () => lambdaMock.commandCalls(UpdateFunctionConfigurationCommand).map((c) => c.args[0].input);
const decrypts = () => kmsMock.commandCalls(DecryptCommand).map((c) => [tagOf(c.args[0].input.CiphertextBlob), c.args[0].input.EncryptionContext]);
const reencrypts = () =>
  kmsMock.commandCalls(ReEncryptCommand).map((c) => {
    const i = c.args[0].input;
    return [tagOf(i.CiphertextBlob), i.SourceEncryptionContext, i.DestinationKeyId, i.DestinationEncryptionContext];
  });
function reads(...configs: FunctionConfiguration[]) {
  const q = [...configs];
  lambdaMock.on(GetFunctionConfigurationCommand).callsFake(async () => (q.length > 1 ? q.shift() : q[0]));
}
async function caught(p: Promise<unknown>): Promise<Error & { hint?: string }> {
  try {
    await p;
  } catch (err) {
    return err as Error;
  }
  throw new Error("expected a rejection");
}

beforeEach(() => {
  kmsMock.reset();
  lambdaMock.reset();
  // A blob tagged "s…" was sealed with no context (decrypt-kms-env); any other, for orders-api.
  kmsMock.on(DecryptCommand).callsFake(async (input) => {
    const contextless = tagOf(input.CiphertextBlob).startsWith("s");
    const ok = contextless ? input.EncryptionContext === undefined : input.EncryptionContext?.LambdaFunctionName === "orders-api";
    if (!ok) throw sdkError("InvalidCiphertextException");
    return { Plaintext: new TextEncoder().encode("x"), KeyId: KEY };
  });
  kmsMock.on(ReEncryptCommand).callsFake(async (input) => ({ CiphertextBlob: new TextEncoder().encode(`v2-${tagOf(input.CiphertextBlob)}`.padEnd(140, "#")), KeyId: KEY }));
  lambdaMock.on(UpdateFunctionConfigurationCommand).resolves({ RevisionId: "rev-2" });
});

describe("adopt", () => {
  it("a secure: value is opened without a context and re-encrypted to the v2 context of its name", async () => {
    reads(config({ S1: `secure: ${sealed("s1")}`, KEEP: "k" }));
    const r = await adopt(deps, { functionName: "orders-api", names: ["S1"] });
    expect(decrypts()).toEqual([["s1", undefined]]);
    expect(reencrypts()).toEqual([["s1", undefined, KEY, { LambdaFunctionName: "orders-api", EnvsealVariable: "S1" }]]);
    expect(updates()).toEqual([{ FunctionName: FN_ARN, RevisionId: "rev-1", Environment: { Variables: { S1: sealed("v2-s1"), KEEP: "k", ENVSEAL_SEALED: "S1:v2" } } }]);
    expect([r.adopted, r.keys, r.written]).toEqual([["S1"], { S1: KEY }, true]);
  });

  it("with wire version 1 a secure: value still gets the function's context; a console value is kept as it is", async () => {
    reads(config({ S1: `secure:${sealed("s1")}`, C1: sealed("c1") }));
    await adopt(deps, { functionName: "orders-api", names: ["S1", "C1"], wireVersion: 1 });
    expect(reencrypts()).toEqual([["s1", undefined, KEY, { LambdaFunctionName: "orders-api" }]]);
    expect(updates()[0]!.Environment!.Variables).toEqual({ S1: sealed("v2-s1"), C1: sealed("c1"), ENVSEAL_SEALED: "C1,S1" });
  });

  it("refusals name adopt: no names, an unreadable environment", async () => {
    const none = await caught(adopt(deps, { functionName: "orders-api", names: [] }));
    expect(none).toBeInstanceOf(InputError);
    expect(none.message).toMatch(/^adopt needs at least one NAME/);
    reads(config({}, { Environment: { Error: { ErrorCode: "AccessDeniedException", Message: "no" } } }));
    const unreadable = await caught(adopt(deps, { functionName: "orders-api", names: ["A1"] }));
    expect(unreadable).toBeInstanceOf(AwsError);
    expect(unreadable.message).toMatch(/^adopt refused: Lambda could not decrypt the environment of orders-api /);
  });

  it("names already in the manifest are reported sorted, and nothing new asks no question", async () => {
    reads(config({ ENVSEAL_SEALED: "OLD1,Z1", OLD1: sealed("o"), Z1: sealed("z") }));
    const asked: unknown[] = [];
    const r = await adopt(deps, { functionName: "orders-api", names: ["Z1", "OLD1"], confirm: async (p) => (asked.push(p), true) });
    expect(r.alreadySealed).toEqual(["OLD1", "Z1"]);
    expect([r.written, r.live, r.revisionId]).toEqual([false, true, "rev-1"]);
    expect(asked).toEqual([]);
  });

  it("the prompt sees the function and the names to adopt", async () => {
    reads(config({ B1: sealed("b"), A1: sealed("a") }));
    const asked: unknown[] = [];
    await adopt(deps, { functionName: "orders-api", names: ["B1", "A1"], confirm: async (p) => (asked.push(p), true) });
    expect(asked).toEqual([{ functionName: "orders-api", names: ["A1", "B1"] }]);
  });

  it("a 412 retry reuses each re-encryption and writes the fresh read under its RevisionId", async () => {
    reads(config({ A1: sealed("a"), KEEP: "1" }), config({ A1: sealed("a"), KEEP: "2" }, { RevisionId: "rev-2" }));
    lambdaMock.on(UpdateFunctionConfigurationCommand).rejectsOnce(sdkError("PreconditionFailedException", 412)).resolves({ RevisionId: "rev-3" });
    await adopt(deps, { functionName: "orders-api", names: ["A1"] });
    expect(reencrypts()).toHaveLength(1);
    expect(updates()).toEqual([
      { FunctionName: FN_ARN, RevisionId: "rev-1", Environment: { Variables: { A1: sealed("v2-a"), KEEP: "1", ENVSEAL_SEALED: "A1:v2" } } },
      { FunctionName: FN_ARN, RevisionId: "rev-2", Environment: { Variables: { A1: sealed("v2-a"), KEEP: "2", ENVSEAL_SEALED: "A1:v2" } } },
    ]);
  });

  it("the write runs with deps.writeOptions, in adopt's name", async () => {
    reads(config({ A1: sealed("a") }));
    lambdaMock.on(UpdateFunctionConfigurationCommand).rejects(sdkError("PreconditionFailedException", 412));
    const err = await caught(adopt({ ...deps, writeOptions: { maxConflictAttempts: 1 } }, { functionName: "orders-api", names: ["A1"] }));
    expect(err.message).toMatch(/^function orders-api kept changing under adopt \(1 attempts\)/);
    expect(updates()).toHaveLength(1);
  });
});
