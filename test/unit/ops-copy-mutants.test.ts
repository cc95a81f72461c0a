/** copy: the messages and hints of each refusal, default names, bundle generations, the retry guard and what the result says. */
import { beforeEach, describe, expect, it } from "vitest";
import { DecryptCommand, DescribeKeyCommand, EncryptCommand, ReEncryptCommand } from "@aws-sdk/client-kms";
import { GetFunctionConfigurationCommand, UpdateFunctionConfigurationCommand, type FunctionConfiguration } from "@aws-sdk/client-lambda";
import { copy } from "../../src/ops/copy.js";
import { AwsError, InputError } from "../../src/core/errors.js";
import { sdkError } from "../support/sdk-errors.js";
import { kmsMock, lambdaMock, deps } from "../support/ops-mocks.js";

const KEY = "arn:aws:kms:eu-west-1:111122223333:key/00000000-0000-0000-0000-000000000001";
const arn = (fn: string) => `arn:aws:lambda:eu-west-1:111122223333:function:${fn}`;
const b64 = (tag: string) => Buffer.from(tag.padEnd(120, ".")).toString("base64");
const RESEALED = Buffer.from(new Uint8Array(130).fill(9)).toString("base64");
const ENC1 = Buffer.from(new Uint8Array(150).fill(1)).toString("base64");
const fn = (name: string, vars: Record<string, string>, extra: Partial<FunctionConfiguration> = {}): FunctionConfiguration => ({
  FunctionName: name,
  FunctionArn: arn(name),
  Environment: { Variables: vars },
  RevisionId: `${name}-r1`,
  LastUpdateStatus: "Successful",
  KMSKeyArn: KEY,
  ...extra,
});
const opens = new Map<string, { plain: string; fn: string }>();
function sealedFor(fnName: string, tag: string, plain: string) {
  const c = b64(tag);
  opens.set(c, { plain, fn: fnName });
  return c;
}
function functions(configs: Record<string, FunctionConfiguration | FunctionConfiguration[]>) {
  const queues = new Map(Object.entries(configs).map(([k, v]) => [k, Array.isArray(v) ? [...v] : [v]]));
  lambdaMock.on(GetFunctionConfigurationCommand).callsFake(async (input: { FunctionName: string }) => {
    const q = queues.get(input.FunctionName.split(":").pop()!);
    if (!q) throw sdkError("ResourceNotFoundException", 404);
    return q.length > 1 ? q.shift() : q[0];
  });
}
const encrypted = () => kmsMock.commandCalls(EncryptCommand).map((c) => c.args[0].input);
const updates = () => lambdaMock.commandCalls(UpdateFunctionConfigurationCommand).map((c) => c.args[0].input);
async function caught(p: Promise<unknown>): Promise<Error & { hint?: string }> {
  try {
    await p;
  } catch (err) {
    return err as Error & { hint?: string };
  }
  throw new Error("expected a rejection");
}
const bundleDoc = (secrets: Record<string, string>, generation: number) => JSON.stringify({ envseal: 2, generation, sealedAt: "2026-01-01T00:00:00.000Z", secrets });

beforeEach(() => {
  kmsMock.reset();
  lambdaMock.reset();
  opens.clear();
  kmsMock.on(DecryptCommand).callsFake(async (input) => {
    const o = opens.get(Buffer.from(input.CiphertextBlob).toString("base64"));
    if (!o || input.EncryptionContext?.LambdaFunctionName !== o.fn) throw sdkError("InvalidCiphertextException");
    return { Plaintext: new TextEncoder().encode(o.plain), KeyId: KEY };
  });
  kmsMock.on(DescribeKeyCommand).resolves({ KeyMetadata: { KeyId: "k", Arn: KEY, KeyManager: "CUSTOMER", KeyState: "Enabled", KeySpec: "SYMMETRIC_DEFAULT", KeyUsage: "ENCRYPT_DECRYPT" } });
  kmsMock.on(ReEncryptCommand).callsFake(async (input) => ({ CiphertextBlob: new Uint8Array(130).fill(9), KeyId: input.DestinationKeyId }));
  let n = 0;
  kmsMock.on(EncryptCommand).callsFake(async () => ({ CiphertextBlob: new Uint8Array(150).fill(++n), KeyId: KEY }));
  lambdaMock.on(UpdateFunctionConfigurationCommand).resolves({ RevisionId: "after" });
});

describe("copy refusals", () => {
  it("the same function: an InputError with its hint", async () => {
    functions({ "src-fn": fn("src-fn", { DB1: sealedFor("src-fn", "db", "p"), ENVSEAL_SEALED: "DB1" }) });
    const err = await caught(copy(deps, { from: "src-fn", to: "src-fn" }));
    expect(err).toBeInstanceOf(InputError);
    expect([err.message, err.hint]).toEqual(["--from and --to are the same function", "copy to another function"]);
  });

  it("an unreadable source or target environment is refused in copy's name", async () => {
    const unreadable = { Environment: { Error: { ErrorCode: "AccessDeniedException", Message: "no" } } };
    functions({ "src-fn": fn("src-fn", {}, unreadable), "dst-fn": fn("dst-fn", {}) });
    const a = await caught(copy(deps, { from: "src-fn", to: "dst-fn" }));
    expect(a).toBeInstanceOf(AwsError);
    expect(a.message).toMatch(/^copy refused: Lambda could not decrypt the environment of src-fn /);
    functions({ "src-fn": fn("src-fn", { DB1: sealedFor("src-fn", "db", "p"), ENVSEAL_SEALED: "DB1" }), "dst-fn": fn("dst-fn", {}, unreadable) });
    const b = await caught(copy(deps, { from: "src-fn", to: "dst-fn" }));
    expect(b.message).toMatch(/^copy refused: Lambda could not decrypt the environment of dst-fn /);
    expect(updates()).toHaveLength(0);
  });

  it("a denied source bundle says copy needed it to copy bundled secrets; a denied target bundle says why too", async () => {
    const bundle = sealedFor("src-fn", "bundle", bundleDoc({ A1: "a" }, 1));
    functions({ "src-fn": fn("src-fn", { ENVSEAL_BUNDLE: bundle, ENVSEAL_SEALED: "ENVSEAL_BUNDLE:v2" }), "dst-fn": fn("dst-fn", {}) });
    kmsMock.on(DecryptCommand).rejects(sdkError("AccessDeniedException"));
    const a = await caught(copy(deps, { from: "src-fn", to: "dst-fn" }));
    expect(a.message).toBe("copying bundled secrets needs kms:Decrypt to open ENVSEAL_BUNDLE of src-fn, and it was denied");

    kmsMock.reset();
    kmsMock.on(DecryptCommand).rejects(sdkError("AccessDeniedException"));
    kmsMock.on(ReEncryptCommand).resolves({ CiphertextBlob: new Uint8Array(130).fill(9), KeyId: KEY });
    kmsMock.on(DescribeKeyCommand).resolves({ KeyMetadata: { KeyId: "k", Arn: KEY, KeyManager: "CUSTOMER", KeyState: "Enabled", KeySpec: "SYMMETRIC_DEFAULT", KeyUsage: "ENCRYPT_DECRYPT" } });
    functions({
      "src-fn": fn("src-fn", { DB1: b64("db"), ENVSEAL_SEALED: "DB1" }),
      "dst-fn": fn("dst-fn", { ENVSEAL_BUNDLE: b64("dst-bundle"), ENVSEAL_SEALED: "ENVSEAL_BUNDLE:v2" }),
    });
    const b = await caught(copy(deps, { from: "src-fn", to: "dst-fn", key: KEY }));
    expect(b.message).toBe("copying into a function with a bundle needs kms:Decrypt to open ENVSEAL_BUNDLE of dst-fn, and it was denied");
  });

  it("nothing sealed on the source, or names it does not seal: InputErrors with the show hint", async () => {
    functions({ "src-fn": fn("src-fn", { PLAIN: "x" }), "dst-fn": fn("dst-fn", {}) });
    const a = await caught(copy(deps, { from: "src-fn", to: "dst-fn" }));
    expect(a).toBeInstanceOf(InputError);
    expect([a.message, a.hint]).toEqual(["src-fn has nothing sealed to copy", "see `envseal show --function src-fn`"]);
    functions({ "src-fn": fn("src-fn", { DB1: sealedFor("src-fn", "db", "p"), ENVSEAL_SEALED: "DB1" }), "dst-fn": fn("dst-fn", {}) });
    const b = await caught(copy(deps, { from: "src-fn", to: "dst-fn", names: ["NOPE"] }));
    expect(b).toBeInstanceOf(InputError);
    expect([b.message, b.hint]).toEqual(["NOPE is not sealed on src-fn", "copy copies sealed values only; see `envseal show --function src-fn`"]);
  });

  it("names the target has: 'exists' for one, 'exist' for several", async () => {
    functions({
      "src-fn": fn("src-fn", { A1: sealedFor("src-fn", "a", "a"), B1: sealedFor("src-fn", "b", "b"), ENVSEAL_SEALED: "A1,B1" }),
      "dst-fn": fn("dst-fn", { A1: "old" }),
    });
    const one = await caught(copy(deps, { from: "src-fn", to: "dst-fn" }));
    expect(one).toBeInstanceOf(InputError);
    expect([one.message, one.hint]).toEqual(["A1 already exists on dst-fn", "pass --overwrite to replace, or name only the others"]);
    functions({
      "src-fn": fn("src-fn", { A1: sealedFor("src-fn", "a", "a"), B1: sealedFor("src-fn", "b", "b"), ENVSEAL_SEALED: "A1,B1" }),
      "dst-fn": fn("dst-fn", { A1: "old", B1: "old" }),
    });
    const two = await caught(copy(deps, { from: "src-fn", to: "dst-fn" }));
    expect(two.message).toBe("A1, B1 already exist on dst-fn");
    expect(updates()).toHaveLength(0);
  });
});

describe("copy planning", () => {
  it("an empty names list means every sealed name, sorted", async () => {
    functions({
      "src-fn": fn("src-fn", { B1: sealedFor("src-fn", "b", "b"), A1: sealedFor("src-fn", "a", "a"), ENVSEAL_SEALED: "B1,A1" }),
      "dst-fn": fn("dst-fn", {}),
    });
    const r = await copy(deps, { from: "src-fn", to: "dst-fn", names: [] });
    expect(r.names).toEqual(["A1", "B1"]);
    expect(updates()[0]!.Environment!.Variables).toEqual({ A1: RESEALED, B1: RESEALED, ENVSEAL_SEALED: "A1:v2,B1:v2" });
    const r2 = await copy(deps, { from: "src-fn", to: "dst-fn", dryRun: true });
    expect(r2.names).toEqual(["A1", "B1"]);
    // Sealed names come first in the set of what is available, bundled ones after: the result is sorted all the same.
    const bundle = sealedFor("src-fn", "bundle", bundleDoc({ A0: "a0" }, 1));
    functions({ "src-fn": fn("src-fn", { Z9: sealedFor("src-fn", "z", "z"), ENVSEAL_BUNDLE: bundle, ENVSEAL_SEALED: "Z9:v2,ENVSEAL_BUNDLE:v2" }), "dst-fn": fn("dst-fn", {}) });
    const r3 = await copy(deps, { from: "src-fn", to: "dst-fn", dryRun: true });
    expect(r3.names).toEqual(["A0", "Z9"]);
  });

  it("a name both sealed and bundled on the source is copied from the bundle", async () => {
    const bundle = sealedFor("src-fn", "bundle", bundleDoc({ DB1: "from-bundle" }, 1));
    functions({
      "src-fn": fn("src-fn", { DB1: sealedFor("src-fn", "db", "from-variable"), ENVSEAL_BUNDLE: bundle, ENVSEAL_SEALED: "DB1:v2,ENVSEAL_BUNDLE:v2" }),
      "dst-fn": fn("dst-fn", {}),
    });
    await copy(deps, { from: "src-fn", to: "dst-fn" });
    expect(kmsMock.commandCalls(ReEncryptCommand)).toHaveLength(0);
    expect(encrypted()).toHaveLength(1);
    expect(encrypted()[0]!.EncryptionContext).toEqual({ LambdaFunctionName: "dst-fn", EnvsealVariable: "DB1" });
    expect(new TextDecoder().decode(encrypted()[0]!.Plaintext)).toBe("from-bundle");
  });

  it("a bundle-only source whose KMS answer names no key, and no at-rest key: no key to seal", async () => {
    const bundle = sealedFor("src-fn", "bundle", bundleDoc({ A1: "a" }, 1));
    functions({ "src-fn": fn("src-fn", { ENVSEAL_BUNDLE: bundle, ENVSEAL_SEALED: "ENVSEAL_BUNDLE:v2" }, { KMSKeyArn: undefined }), "dst-fn": fn("dst-fn", {}, { KMSKeyArn: undefined }) });
    kmsMock.on(DecryptCommand).callsFake(async (input) => {
      const o = opens.get(Buffer.from(input.CiphertextBlob).toString("base64"));
      return { Plaintext: new TextEncoder().encode(o!.plain) };
    });
    const err = await caught(copy(deps, { from: "src-fn", to: "dst-fn" }));
    expect(err).toBeInstanceOf(InputError);
    expect(err.message).toBe("no key to seal for dst-fn: neither function has a customer managed at-rest key, and KMS named no key for src-fn's ciphertext");
    expect(kmsMock.commandCalls(DecryptCommand)).toHaveLength(1);
  });

  it("a re-seal error that already names the variable is not named twice", async () => {
    functions({ "src-fn": fn("src-fn", { DB1: sealedFor("src-fn", "db", "p"), ENVSEAL_SEALED: "DB1" }), "dst-fn": fn("dst-fn", {}) });
    kmsMock.on(ReEncryptCommand).rejects(new InputError("DB1: already named"));
    const err = await caught(copy(deps, { from: "src-fn", to: "dst-fn" }));
    expect(err.message).toBe("DB1: already named");
  });

  it("into a target bundle: the next generation, the diff shows the bundled entry, a stale manifest name stays", async () => {
    const dstBundle = sealedFor("dst-fn", "dst-bundle", bundleDoc({ EXISTING: "e1" }, 4));
    const srcBundle = sealedFor("src-fn", "src-bundle", bundleDoc({ A1: "a-plain" }, 1));
    functions({
      "src-fn": fn("src-fn", { ENVSEAL_BUNDLE: srcBundle, ENVSEAL_SEALED: "ENVSEAL_BUNDLE:v2" }),
      "dst-fn": fn("dst-fn", { ENVSEAL_BUNDLE: dstBundle, ENVSEAL_SEALED: "A1:v2,ENVSEAL_BUNDLE:v2" }),
    });
    const r = await copy(deps, { from: "src-fn", to: "dst-fn" });
    expect(encrypted()).toHaveLength(1);
    const doc = JSON.parse(new TextDecoder().decode(encrypted()[0]!.Plaintext));
    expect([doc.envseal, doc.generation, doc.secrets]).toEqual([2, 5, { A1: "a-plain", EXISTING: "e1" }]);
    expect(updates()[0]!.Environment!.Variables).toEqual({ ENVSEAL_BUNDLE: ENC1, ENVSEAL_SEALED: "A1:v2,ENVSEAL_BUNDLE:v2" });
    expect(r.diff.added).toEqual([{ name: "A1", kind: "bundled" }]);
  });
});

describe("copy writes", () => {
  it("a dry run is reported live with the target's revision; the prompt sees the target and the diff", async () => {
    functions({ "src-fn": fn("src-fn", { DB1: sealedFor("src-fn", "db", "p"), ENVSEAL_SEALED: "DB1" }), "dst-fn": fn("dst-fn", {}) });
    const dry = await copy(deps, { from: "src-fn", to: "dst-fn", dryRun: true });
    expect([dry.dryRun, dry.written, dry.live, dry.revisionId]).toEqual([true, false, true, "dst-fn-r1"]);
    const previews: unknown[] = [];
    const r = await copy(deps, {
      from: "src-fn",
      to: "dst-fn",
      confirm: async (p) => {
        previews.push(p);
        return true;
      },
    });
    expect(previews).toEqual([{ functionName: "dst-fn", diff: r.diff }]);
    expect(r.diff.added.map((c) => c.name)).toEqual(["DB1", "ENVSEAL_SEALED"]);
  });

  it("a 412 retry with no newcomer re-plans from the fresh read and writes under its RevisionId", async () => {
    functions({
      "src-fn": fn("src-fn", { DB1: sealedFor("src-fn", "db", "p"), ENVSEAL_SEALED: "DB1" }),
      "dst-fn": [fn("dst-fn", { KEEP: "1" }), fn("dst-fn", { KEEP: "2" }, { RevisionId: "dst-fn-r2" })],
    });
    lambdaMock.on(UpdateFunctionConfigurationCommand).rejectsOnce(sdkError("PreconditionFailedException", 412)).resolves({ RevisionId: "after" });
    const r = await copy(deps, { from: "src-fn", to: "dst-fn" });
    expect(updates()).toEqual([
      { FunctionName: arn("dst-fn"), RevisionId: "dst-fn-r1", Environment: { Variables: { KEEP: "1", DB1: RESEALED, ENVSEAL_SEALED: "DB1:v2" } } },
      { FunctionName: arn("dst-fn"), RevisionId: "dst-fn-r2", Environment: { Variables: { KEEP: "2", DB1: RESEALED, ENVSEAL_SEALED: "DB1:v2" } } },
    ]);
    expect([r.written, r.dryRun]).toEqual([true, false]);
  });

  it("a 412 retry whose fresh read already holds copy's own value (and another change) is no newcomer", async () => {
    functions({
      "src-fn": fn("src-fn", { DB1: sealedFor("src-fn", "db", "p"), ENVSEAL_SEALED: "DB1" }),
      "dst-fn": [fn("dst-fn", { KEEP: "1" }), fn("dst-fn", { KEEP: "2", DB1: RESEALED }, { RevisionId: "dst-fn-r2" })],
    });
    lambdaMock.on(UpdateFunctionConfigurationCommand).rejectsOnce(sdkError("PreconditionFailedException", 412)).resolves({ RevisionId: "after" });
    await copy(deps, { from: "src-fn", to: "dst-fn" });
    expect(updates()).toHaveLength(2);
    expect(updates()[1]).toEqual({ FunctionName: arn("dst-fn"), RevisionId: "dst-fn-r2", Environment: { Variables: { KEEP: "2", DB1: RESEALED, ENVSEAL_SEALED: "DB1:v2" } } });
  });

  it("a newcomer during the retry: InputError with the hint", async () => {
    functions({
      "src-fn": fn("src-fn", { DB1: sealedFor("src-fn", "db", "p"), ENVSEAL_SEALED: "DB1" }),
      "dst-fn": [fn("dst-fn", {}), fn("dst-fn", { DB1: "other-writer" }, { RevisionId: "dst-fn-r2" })],
    });
    lambdaMock.on(UpdateFunctionConfigurationCommand).rejectsOnce(sdkError("PreconditionFailedException", 412)).resolves({ RevisionId: "after" });
    const err = await caught(copy(deps, { from: "src-fn", to: "dst-fn" }));
    expect(err).toBeInstanceOf(InputError);
    expect([err.message, err.hint]).toEqual(["DB1 appeared on dst-fn while copy ran", "check the target, then run copy again (with --overwrite to replace)"]);
  });

  it("the write runs with deps.writeOptions, in copy's name", async () => {
    functions({ "src-fn": fn("src-fn", { DB1: sealedFor("src-fn", "db", "p"), ENVSEAL_SEALED: "DB1" }), "dst-fn": fn("dst-fn", {}) });
    lambdaMock.on(UpdateFunctionConfigurationCommand).rejects(sdkError("PreconditionFailedException", 412));
    const err = await caught(copy({ ...deps, writeOptions: { maxConflictAttempts: 1 } }, { from: "src-fn", to: "dst-fn" }));
    expect(err.message).toMatch(/^function dst-fn kept changing under copy \(1 attempts\)/);
    expect(updates()).toHaveLength(1);
  });

  it("a target that already holds exactly the copy: nothing written", async () => {
    functions({
      "src-fn": fn("src-fn", { DB1: sealedFor("src-fn", "db", "p"), ENVSEAL_SEALED: "DB1" }),
      "dst-fn": fn("dst-fn", { DB1: RESEALED, ENVSEAL_SEALED: "DB1:v2" }),
    });
    const r = await copy(deps, { from: "src-fn", to: "dst-fn", overwrite: true });
    expect(updates()).toHaveLength(0);
    expect([r.written, r.live, r.dryRun]).toEqual([false, true, false]);
  });
});
