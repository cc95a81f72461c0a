/** unset: refusals in unset's name, no KMS work without a bundled name, the bundle's generation, and 412 retries re-planned from the fresh read. */
import { beforeEach, describe, expect, it } from "vitest";
import { DecryptCommand, EncryptCommand } from "@aws-sdk/client-kms";
import { GetFunctionConfigurationCommand, UpdateFunctionConfigurationCommand, type FunctionConfiguration } from "@aws-sdk/client-lambda";
import { unset } from "../../src/ops/unset.js";
import { AwsError } from "../../src/core/errors.js";
import { sdkError } from "../support/sdk-errors.js";
import { kmsMock, lambdaMock, deps, FN_ARN, config } from "../support/ops-mocks.js";

const BUNDLE_KEY = "arn:aws:kms:eu-west-1:111122223333:key/00000000-0000-0000-0000-0000000000bb";
const blob = (tag: string) => Buffer.from(tag.padEnd(140, "#")).toString("base64");
const BUNDLE = blob("bundle");
const BUNDLE2 = blob("bundle-2");
const SEALED = Buffer.from(new Uint8Array(150).fill(7)).toString("base64");
/** bundle ciphertext → the plaintext Decrypt answers. */
const docs = new Map<string, string>();
const updates = () => lambdaMock.commandCalls(UpdateFunctionConfigurationCommand).map((c) => c.args[0].input);
const encrypts = () => kmsMock.commandCalls(EncryptCommand).map((c) => c.args[0].input);
function reads(...configs: FunctionConfiguration[]) {
  const q = [...configs];
  lambdaMock.on(GetFunctionConfigurationCommand).callsFake(async () => (q.length > 1 ? q.shift() : q[0]));
}
const conflictOnce = () => lambdaMock.on(UpdateFunctionConfigurationCommand).rejectsOnce(sdkError("PreconditionFailedException", 412)).resolves({ RevisionId: "rev-3" });
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
  docs.clear();
  docs.set(BUNDLE, JSON.stringify({ TOKEN: "t1", API_KEY: "k1" }));
  docs.set(BUNDLE2, JSON.stringify({ API_KEY: "k1" }));
  kmsMock.on(DecryptCommand).callsFake(async (input) => {
    const doc = docs.get(Buffer.from(input.CiphertextBlob).toString("base64"));
    if (doc === undefined || input.EncryptionContext?.LambdaFunctionName !== "orders-api") throw sdkError("InvalidCiphertextException");
    return { Plaintext: new TextEncoder().encode(doc), KeyId: BUNDLE_KEY };
  });
  kmsMock.on(EncryptCommand).resolves({ CiphertextBlob: new Uint8Array(150).fill(7), KeyId: BUNDLE_KEY });
  lambdaMock.on(UpdateFunctionConfigurationCommand).resolves({ RevisionId: "rev-2" });
});

describe("unset", () => {
  it("an unreadable environment is refused in unset's name", async () => {
    reads(config({}, { Environment: { Error: { ErrorCode: "AccessDeniedException", Message: "no" } } }));
    const err = await caught(unset(deps, { functionName: "orders-api", names: ["A1"] }));
    expect(err).toBeInstanceOf(AwsError);
    expect(err.message).toMatch(/^unset refused: Lambda could not decrypt the environment of orders-api /);
    expect(updates()).toEqual([]);
  });

  it("a plain name on a function with a bundle: the bundle is not opened", async () => {
    reads(config({ ENVSEAL_BUNDLE: BUNDLE, A1: "x" }));
    await unset(deps, { functionName: "orders-api", names: ["A1"] });
    expect(kmsMock.calls()).toHaveLength(0);
    expect(updates()[0]!.Environment!.Variables).toEqual({ ENVSEAL_BUNDLE: BUNDLE });
  });

  it("a denied bundle says unset needed it to remove a bundled secret", async () => {
    reads(config({ ENVSEAL_BUNDLE: BUNDLE }));
    kmsMock.on(DecryptCommand).rejects(sdkError("AccessDeniedException"));
    const err = await caught(unset(deps, { functionName: "orders-api", names: ["TOKEN"] }));
    expect(err.message).toBe("removing a bundled secret needs kms:Decrypt to open ENVSEAL_BUNDLE of orders-api, and it was denied");
  });

  it("a v2 bundle is re-sealed as the next generation", async () => {
    docs.set(BUNDLE, JSON.stringify({ envseal: 2, generation: 4, sealedAt: "2026-01-01T00:00:00.000Z", secrets: { TOKEN: "t1", API_KEY: "k1" } }));
    reads(config({ ENVSEAL_BUNDLE: BUNDLE, ENVSEAL_SEALED: "ENVSEAL_BUNDLE:v2" }));
    await unset(deps, { functionName: "orders-api", names: ["TOKEN"] });
    expect(encrypts()).toHaveLength(1);
    expect(encrypts()[0]!.EncryptionContext).toEqual({ LambdaFunctionName: "orders-api", EnvsealVariable: "ENVSEAL_BUNDLE" });
    const doc = JSON.parse(new TextDecoder().decode(encrypts()[0]!.Plaintext));
    expect([doc.envseal, doc.generation, doc.secrets]).toEqual([2, 5, { API_KEY: "k1" }]);
    expect(updates()[0]!.Environment!.Variables).toEqual({ ENVSEAL_BUNDLE: SEALED, ENVSEAL_SEALED: "ENVSEAL_BUNDLE:v2" });
  });

  it("a 412 retry re-plans from the fresh read and writes under its RevisionId", async () => {
    reads(config({ A1: "x", KEEP: "1" }), config({ A1: "x", KEEP: "2" }, { RevisionId: "rev-2" }));
    conflictOnce();
    const r = await unset(deps, { functionName: "orders-api", names: ["A1"] });
    expect(updates()).toEqual([
      { FunctionName: FN_ARN, RevisionId: "rev-1", Environment: { Variables: { KEEP: "1" } } },
      { FunctionName: FN_ARN, RevisionId: "rev-2", Environment: { Variables: { KEEP: "2" } } },
    ]);
    expect([r.written, r.bytes]).toEqual([true, Buffer.byteLength('{"KEEP":"2"}')]);
  });

  it("a bundled name someone else removed before the retry: the fresh bundle is kept as it is", async () => {
    reads(config({ ENVSEAL_BUNDLE: BUNDLE, KEEP: "1" }), config({ ENVSEAL_BUNDLE: BUNDLE2, KEEP: "2" }, { RevisionId: "rev-2" }));
    conflictOnce();
    await unset(deps, { functionName: "orders-api", names: ["TOKEN"] });
    // The fresh read already lacks the name: nothing left to do, no second seal and no second write.
    expect(encrypts()).toHaveLength(1);
    expect(updates()).toHaveLength(1);
  });

  it("the name gone by the retry: the first write is taken as landed", async () => {
    reads(config({ A1: "x", KEEP: "1" }), config({ KEEP: "1" }, { RevisionId: "rev-2" }));
    conflictOnce();
    const r = await unset(deps, { functionName: "orders-api", names: ["A1"] });
    expect(updates()).toHaveLength(1);
    expect([r.written, r.live, r.bytes]).toEqual([true, true, Buffer.byteLength('{"KEEP":"1"}')]);
  });

  it("the write runs with deps.writeOptions, in unset's name", async () => {
    reads(config({ A1: "x" }));
    lambdaMock.on(UpdateFunctionConfigurationCommand).rejects(sdkError("PreconditionFailedException", 412));
    const err = await caught(unset({ ...deps, writeOptions: { maxConflictAttempts: 1 } }, { functionName: "orders-api", names: ["A1"] }));
    expect(err.message).toMatch(/^function orders-api kept changing under unset \(1 attempts\)/);
    expect(updates()).toHaveLength(1);
  });
});
