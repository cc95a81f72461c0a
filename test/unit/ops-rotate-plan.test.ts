/**
 * rotate, the rest: the default target (the function's own at-rest key: an in-place v1→v2 upgrade), the "nothing to
 * rotate" refusal and when it does not apply, sorted source keys and upgraded names, the update without a bundle, the
 * preview given to confirm, "rotate" named in refusals, a failure naming its variable once, and `written` false when
 * nothing changed.
 */
import { beforeEach, describe, expect, it } from "vitest";
import { DescribeKeyCommand, ReEncryptCommand } from "@aws-sdk/client-kms";
import { GetFunctionConfigurationCommand, UpdateFunctionConfigurationCommand, type FunctionConfiguration } from "@aws-sdk/client-lambda";
import { rotate } from "../../src/ops/rotate.js";
import { AwsError, InputError } from "../../src/core/errors.js";
import { sdkError } from "../support/sdk-errors.js";
import { kmsMock, lambdaMock, deps, FN_ARN, config as baseConfig, meta } from "../support/ops-mocks.js";

const OLD = "arn:aws:kms:eu-west-1:111122223333:key/00000000-0000-0000-0000-000000000001";
const NEW = "arn:aws:kms:eu-west-1:111122223333:key/00000000-0000-0000-0000-000000000002";
const KEY3 = "arn:aws:kms:eu-west-1:111122223333:key/00000000-0000-0000-0000-000000000003";
const sealed = (tag: string) => Buffer.from(tag.padEnd(140, "#")).toString("base64");
/** What the ReEncrypt mock returns for a blob starting with `tag`. */
const re = (tag: string) => Buffer.from(new Uint8Array(150).fill(tag.charCodeAt(0))).toString("base64");
const config = (vars: Record<string, string>, extra: Partial<FunctionConfiguration> = {}): FunctionConfiguration => baseConfig(vars, { KMSKeyArn: OLD, ...extra });
const updates = () => lambdaMock.commandCalls(UpdateFunctionConfigurationCommand).map((c) => c.args[0].input);
const reencrypts = () => kmsMock.commandCalls(ReEncryptCommand).map((c) => c.args[0].input);
const failure = (p: Promise<unknown>) => p.then(() => expect.unreachable("rotate resolved"), (e: unknown) => e as Error & { hint?: string; code?: string });
/** Source key of each blob by its first character ("z" under KEY3, "n" under NEW, the rest under OLD). */
let target: string;
const sourceOf = (first: number) => (first === "z".charCodeAt(0) ? KEY3 : first === "n".charCodeAt(0) ? NEW : OLD);

beforeEach(() => {
  kmsMock.reset();
  lambdaMock.reset();
  target = NEW;
  kmsMock.on(DescribeKeyCommand).callsFake(async (input) => meta(input.KeyId === "alias/new" ? NEW : input.KeyId));
  kmsMock.on(ReEncryptCommand).callsFake(async (input) => {
    const first = input.CiphertextBlob![0]!;
    return { CiphertextBlob: new Uint8Array(150).fill(first), KeyId: target, SourceKeyId: sourceOf(first) };
  });
  lambdaMock.on(UpdateFunctionConfigurationCommand).resolves({ RevisionId: "rev-2" });
});

describe("rotate without --to-key", () => {
  it("re-encrypts to the function's own at-rest key: v1 values upgraded in place, KMSKeyArn left as is", async () => {
    target = OLD;
    lambdaMock.on(GetFunctionConfigurationCommand).resolves(config({ ENVSEAL_SEALED: "Z1,A1", Z1: sealed("a"), A1: sealed("b") }));
    const r = await rotate(deps, { functionName: "orders-api" });
    expect(kmsMock.commandCalls(DescribeKeyCommand).map((c) => c.args[0].input)).toEqual([{ KeyId: OLD }]);
    expect(reencrypts().map((i) => [i.DestinationKeyId, i.DestinationEncryptionContext])).toEqual([
      [OLD, { LambdaFunctionName: "orders-api", EnvsealVariable: "A1" }],
      [OLD, { LambdaFunctionName: "orders-api", EnvsealVariable: "Z1" }],
    ]);
    expect(updates()).toEqual([{ FunctionName: FN_ARN, RevisionId: "rev-1", Environment: { Variables: { ENVSEAL_SEALED: "A1:v2,Z1:v2", Z1: re("a"), A1: re("b") } } }]);
    expect(r).toMatchObject({ names: ["A1", "Z1"], fromKeyArns: [OLD], toKeyArn: OLD, atRestKey: OLD, upgraded: ["A1", "Z1"], dryRun: false, written: true });
  });

  it("a function at rest under aws/lambda has no key to re-encrypt to: refused before KMS is asked", async () => {
    lambdaMock.on(GetFunctionConfigurationCommand).resolves(config({ ENVSEAL_SEALED: "A1", A1: sealed("a") }, { KMSKeyArn: undefined }));
    const err = await failure(rotate(deps, { functionName: "orders-api" }));
    expect(err).toBeInstanceOf(InputError);
    expect(err.message).toBe("orders-api has no customer managed at-rest key to re-encrypt to");
    expect(err.hint).toBe("pass --to-key with a customer managed KMS key");
    expect(kmsMock.calls()).toHaveLength(0);
  });
});

describe("rotate: what there is to rotate", () => {
  it("every value already v2 under the target key: nothing to rotate, nothing written", async () => {
    lambdaMock.on(GetFunctionConfigurationCommand).resolves(config({ ENVSEAL_SEALED: "A1:v2", A1: sealed("n") }, { KMSKeyArn: NEW }));
    const err = await failure(rotate(deps, { functionName: "orders-api", toKey: "alias/new" }));
    expect(err).toBeInstanceOf(InputError);
    expect(err.message).toBe("every sealed value of orders-api is already under alias/new; nothing to rotate");
    expect(err.hint).toBe("pass another key to --to-key");
    expect(updates()).toEqual([]);
  });

  it("v2 values under another key are rotated (no upgrade needed)", async () => {
    lambdaMock.on(GetFunctionConfigurationCommand).resolves(config({ ENVSEAL_SEALED: "A1:v2", A1: sealed("a") }));
    const r = await rotate(deps, { functionName: "orders-api", toKey: "alias/new" });
    expect([r.fromKeyArns, r.upgraded, r.written]).toEqual([[OLD], [], true]);
    expect(reencrypts()[0]!.SourceEncryptionContext).toEqual({ LambdaFunctionName: "orders-api", EnvsealVariable: "A1" });
  });

  it("v2 values some under the target key, some under another: rotated", async () => {
    lambdaMock.on(GetFunctionConfigurationCommand).resolves(config({ ENVSEAL_SEALED: "A1:v2,B1:v2", A1: sealed("n"), B1: sealed("z") }, { KMSKeyArn: NEW }));
    const r = await rotate(deps, { functionName: "orders-api", toKey: "alias/new", dryRun: true });
    expect([r.fromKeyArns, r.upgraded, r.dryRun]).toEqual([[NEW, KEY3], [], true]);
  });

  it("nothing sealed: refused with how to seal or change only the at-rest key", async () => {
    lambdaMock.on(GetFunctionConfigurationCommand).resolves(config({ P1: "p" }));
    const err = await failure(rotate(deps, { functionName: "orders-api", toKey: "alias/new" }));
    expect(err).toBeInstanceOf(InputError);
    expect(err.message).toBe("orders-api has no sealed values to rotate");
    expect(err.hint).toBe("seal values with `envseal push`; to change only the at-rest key use `envseal push --at-rest-key`");
  });
});

describe("rotate: results and the write", () => {
  it("source keys and upgraded names come sorted, in a dry run and a write", async () => {
    // Z1 (under KEY3) is re-encrypted before the bundle (under OLD): both lists are sorted, not in that order.
    const vars = { ENVSEAL_SEALED: "Z1,ENVSEAL_BUNDLE", Z1: sealed("z"), ENVSEAL_BUNDLE: sealed("b") };
    lambdaMock.on(GetFunctionConfigurationCommand).resolves(config(vars));
    const dry = await rotate(deps, { functionName: "orders-api", toKey: "alias/new", dryRun: true });
    expect([dry.names, dry.fromKeyArns, dry.upgraded]).toEqual([["Z1", "ENVSEAL_BUNDLE"], [OLD, KEY3], ["ENVSEAL_BUNDLE", "Z1"]]);
    const r = await rotate(deps, { functionName: "orders-api", toKey: "alias/new" });
    expect([r.names, r.fromKeyArns, r.upgraded]).toEqual([["Z1", "ENVSEAL_BUNDLE"], [OLD, KEY3], ["ENVSEAL_BUNDLE", "Z1"]]);
  });

  it("without a bundle the update holds the values and the manifest, and no bundle", async () => {
    lambdaMock.on(GetFunctionConfigurationCommand).resolves(config({ ENVSEAL_SEALED: "A1", A1: sealed("a"), P1: "p" }));
    await rotate(deps, { functionName: "orders-api", toKey: "alias/new" });
    expect(updates()).toEqual([{ FunctionName: FN_ARN, RevisionId: "rev-1", KMSKeyArn: NEW, Environment: { Variables: { ENVSEAL_SEALED: "A1:v2", A1: re("a"), P1: "p" } } }]);
  });

  it("confirm is shown the function, the names and the target key; declining writes nothing", async () => {
    lambdaMock.on(GetFunctionConfigurationCommand).resolves(config({ ENVSEAL_SEALED: "A1", A1: sealed("a"), ENVSEAL_BUNDLE: sealed("b") }));
    const previews: unknown[] = [];
    await rotate(deps, { functionName: "orders-api", toKey: "alias/new", confirm: async (p) => (previews.push(p), true) });
    expect(previews).toEqual([{ functionName: "orders-api", names: ["A1", "ENVSEAL_BUNDLE"], toKeyArn: NEW }]);
    expect(updates()).toHaveLength(1);
    lambdaMock.resetHistory();
    await expect(rotate(deps, { functionName: "orders-api", toKey: "alias/new", confirm: async () => false })).rejects.toThrow();
    expect(updates()).toEqual([]);
  });

  it("an environment Lambda cannot decrypt is refused as rotate, before any ReEncrypt", async () => {
    lambdaMock.on(GetFunctionConfigurationCommand).resolves(config({}, { Environment: { Error: { ErrorCode: "AccessDeniedException", Message: "no" } } }));
    const err = await failure(rotate(deps, { functionName: "orders-api", toKey: "alias/new" }));
    expect(err).toBeInstanceOf(AwsError);
    expect(err.message.startsWith("rotate refused: Lambda could not decrypt the environment of orders-api")).toBe(true);
    expect(reencrypts()).toEqual([]);
  });

  it("the write names rotate: an environment turned unreadable on the re-read after a conflict", async () => {
    lambdaMock
      .on(GetFunctionConfigurationCommand)
      .resolvesOnce(config({ ENVSEAL_SEALED: "A1", A1: sealed("a") }))
      .resolves(config({}, { RevisionId: "rev-9", Environment: { Error: { ErrorCode: "AccessDeniedException", Message: "no" } } }));
    lambdaMock.on(UpdateFunctionConfigurationCommand).rejects(sdkError("PreconditionFailedException", 412));
    const err = await failure(rotate({ ...deps, writeOptions: { conflictBaseDelayMs: 1 } }, { functionName: "orders-api", toKey: "alias/new" }));
    expect(err).toBeInstanceOf(AwsError);
    expect(err.message.startsWith("rotate refused: Lambda could not decrypt the environment of orders-api")).toBe(true);
    expect(updates()).toHaveLength(1);
  });

  it("a failed ReEncrypt names its variable once", async () => {
    lambdaMock.on(GetFunctionConfigurationCommand).resolves(config({ ENVSEAL_SEALED: "A1", A1: sealed("a") }));
    kmsMock.on(ReEncryptCommand).rejects(sdkError("AccessDeniedException"));
    const denied = await failure(rotate(deps, { functionName: "orders-api", toKey: "alias/new" }));
    expect(denied.message).toBe(`A1: access denied: the caller lacks kms:ReEncrypt* on ${NEW}`);
    // An envseal error (e.g. the transport policy's) that already names the variable is not prefixed again.
    kmsMock.on(ReEncryptCommand).rejects(new InputError("A1: refused by policy"));
    const named = await failure(rotate(deps, { functionName: "orders-api", toKey: "alias/new" }));
    expect(named.message).toBe("A1: refused by policy");
    kmsMock.on(ReEncryptCommand).rejects(new InputError("refused by policy A1:"));
    const trailing = await failure(rotate(deps, { functionName: "orders-api", toKey: "alias/new" }));
    expect(trailing.message).toBe("A1: refused by policy A1:");
  });

  it("when the re-encrypted environment equals the current one, nothing is written and written is false", async () => {
    const same = re("a");
    lambdaMock.on(GetFunctionConfigurationCommand).resolves(config({ ENVSEAL_SEALED: "A1:v2", A1: same }, { KMSKeyArn: NEW }));
    const r = await rotate(deps, { functionName: "orders-api", toKey: "alias/new" });
    expect(updates()).toEqual([]);
    expect([r.written, r.live, r.fromKeyArns, r.revisionId]).toEqual([false, true, [OLD], "rev-1"]);
  });
});
