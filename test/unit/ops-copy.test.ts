/** copy: which function's context every KMS call carries, the target bundle, and the guard that survives a 412 retry. */
import { beforeEach, describe, expect, it } from "vitest";
import { DecryptCommand, DescribeKeyCommand, EncryptCommand, ReEncryptCommand } from "@aws-sdk/client-kms";
import { GetFunctionConfigurationCommand, UpdateFunctionConfigurationCommand, type FunctionConfiguration } from "@aws-sdk/client-lambda";
import { copy } from "../../src/ops/copy.js";
import { sdkError } from "../support/sdk-errors.js";
import { kmsMock, lambdaMock, deps } from "../support/ops-mocks.js";

const KEY = "arn:aws:kms:eu-west-1:111122223333:key/00000000-0000-0000-0000-000000000001";
const arn = (fn: string) => `arn:aws:lambda:eu-west-1:111122223333:function:${fn}`;
const b64 = (tag: string) => Buffer.from(tag.padEnd(120, ".")).toString("base64");
const fn = (name: string, vars: Record<string, string>, extra: Partial<FunctionConfiguration> = {}): FunctionConfiguration => ({
  FunctionName: name,
  FunctionArn: arn(name),
  Environment: { Variables: vars },
  RevisionId: `${name}-r1`,
  LastUpdateStatus: "Successful",
  KMSKeyArn: KEY,
  ...extra,
});
/** ciphertext (base64) → plaintext the Decrypt mock returns, and the context it insists on. */
const opens = new Map<string, { plain: string; fn: string }>();
function sealedFor(fnName: string, tag: string, plain: string) {
  const c = b64(tag);
  opens.set(c, { plain, fn: fnName });
  return c;
}
/** GetFunctionConfiguration by name or ARN; a function given several configurations answers them in turn, then the last. */
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

describe("copy", () => {
  it("bundled source values are sealed for the target function, each as its own variable", async () => {
    const bundle = sealedFor("src-fn", "bundle", JSON.stringify({ API_KEY: "k1", TOKEN: "t1" }));
    functions({ "src-fn": fn("src-fn", { ENVSEAL_BUNDLE: bundle }), "dst-fn": fn("dst-fn", { KEEP: "1" }) });
    const r = await copy(deps, { from: "src-fn", to: "dst-fn", names: ["TOKEN"] });
    expect(kmsMock.commandCalls(DecryptCommand)[0]!.args[0].input.EncryptionContext).toEqual({ LambdaFunctionName: "src-fn" });
    expect(encrypted()).toHaveLength(1);
    expect(encrypted()[0]!.KeyId).toBe(KEY);
    expect(encrypted()[0]!.EncryptionContext).toEqual({ LambdaFunctionName: "dst-fn", EnvsealVariable: "TOKEN" });
    expect(new TextDecoder().decode(encrypted()[0]!.Plaintext)).toBe("t1");
    expect(updates()).toEqual([
      {
        FunctionName: arn("dst-fn"),
        RevisionId: "dst-fn-r1",
        Environment: { Variables: { KEEP: "1", TOKEN: Buffer.from(new Uint8Array(150).fill(1)).toString("base64"), ENVSEAL_SEALED: "TOKEN:v2" } },
      },
    ]);
    expect([r.from, r.to, r.toArn, r.names, r.keyArn, r.written, r.dryRun]).toEqual(["src-fn", "dst-fn", arn("dst-fn"), ["TOKEN"], KEY, true, false]);
  });

  it("into a target with a bundle: the bundle is re-sealed for the target with every entry, and the variable leaves", async () => {
    const srcVal = sealedFor("src-fn", "db", "db-plain");
    const dstBundle = sealedFor("dst-fn", "dst-bundle", JSON.stringify({ EXISTING: "e1" }));
    functions({ "src-fn": fn("src-fn", { DB1: srcVal, ENVSEAL_SEALED: "DB1" }), "dst-fn": fn("dst-fn", { ENVSEAL_BUNDLE: dstBundle, DB1: "plain-old" }) });
    await copy(deps, { from: "src-fn", to: "dst-fn", overwrite: true });
    const decrypts = kmsMock.commandCalls(DecryptCommand).map((c) => c.args[0].input.EncryptionContext!.LambdaFunctionName).sort();
    expect(decrypts).toEqual(["dst-fn", "src-fn"]);
    expect(kmsMock.commandCalls(ReEncryptCommand)).toHaveLength(0);
    expect(encrypted()).toHaveLength(1);
    expect(encrypted()[0]!.EncryptionContext).toEqual({ LambdaFunctionName: "dst-fn", EnvsealVariable: "ENVSEAL_BUNDLE" });
    const doc = JSON.parse(new TextDecoder().decode(encrypted()[0]!.Plaintext));
    expect([doc.envseal, doc.secrets]).toEqual([2, { DB1: "db-plain", EXISTING: "e1" }]);
    expect(updates()[0]!.Environment!.Variables).toEqual({ ENVSEAL_BUNDLE: Buffer.from(new Uint8Array(150).fill(1)).toString("base64"), ENVSEAL_SEALED: "ENVSEAL_BUNDLE:v2" });
  });

  it("a name that appears on the target during a 412 retry is not overwritten: one write, a clear error", async () => {
    const srcVal = sealedFor("src-fn", "db", "db-plain");
    functions({ "src-fn": fn("src-fn", { DB1: srcVal, ENVSEAL_SEALED: "DB1" }), "dst-fn": [fn("dst-fn", {}), fn("dst-fn", { DB1: "other-writer" }, { RevisionId: "dst-fn-r2" })] });
    lambdaMock.on(UpdateFunctionConfigurationCommand).rejectsOnce(sdkError("PreconditionFailedException", 412)).resolves({ RevisionId: "after" });
    await expect(copy(deps, { from: "src-fn", to: "dst-fn", key: KEY })).rejects.toThrow("DB1 appeared on dst-fn while copy ran");
    expect(updates()).toHaveLength(1);
  });

  it("with --overwrite the retry replaces the newcomer under the fresh RevisionId", async () => {
    const srcVal = sealedFor("src-fn", "db", "db-plain");
    functions({ "src-fn": fn("src-fn", { DB1: srcVal, ENVSEAL_SEALED: "DB1" }), "dst-fn": [fn("dst-fn", {}), fn("dst-fn", { DB1: "other-writer", B2: "x" }, { RevisionId: "dst-fn-r2" })] });
    lambdaMock.on(UpdateFunctionConfigurationCommand).rejectsOnce(sdkError("PreconditionFailedException", 412)).resolves({ RevisionId: "after" });
    await copy(deps, { from: "src-fn", to: "dst-fn", key: KEY, overwrite: true });
    expect(updates()).toHaveLength(2);
    expect(updates()[1]!.RevisionId).toBe("dst-fn-r2");
    expect(updates()[1]!.Environment!.Variables).toEqual({ B2: "x", DB1: Buffer.from(new Uint8Array(130).fill(9)).toString("base64"), ENVSEAL_SEALED: "DB1:v2" });
    // Re-sealing happens once: the retry reuses it.
    expect(kmsMock.commandCalls(ReEncryptCommand)).toHaveLength(1);
  });

  it("refuses the same function, unknown names (one or several) and writes nothing on a dry run", async () => {
    const srcVal = sealedFor("src-fn", "db", "db-plain");
    functions({ "src-fn": fn("src-fn", { DB1: srcVal, ENVSEAL_SEALED: "DB1,GONE" }), "dst-fn": fn("dst-fn", {}) });
    await expect(copy(deps, { from: "src-fn", to: "src-fn" })).rejects.toThrow("--from and --to are the same function");
    await expect(copy(deps, { from: "src-fn", to: "dst-fn", names: ["GONE"] })).rejects.toThrow("GONE is not sealed on src-fn");
    await expect(copy(deps, { from: "src-fn", to: "dst-fn", names: ["X1", "A1"] })).rejects.toThrow("A1, X1 are not sealed on src-fn");
    const r = await copy(deps, { from: "src-fn", to: "dst-fn", dryRun: true });
    expect([r.dryRun, r.written, r.revisionId, r.names]).toEqual([true, false, "dst-fn-r1", ["DB1"]]);
    expect(r.diff.added.map((c) => c.name)).toEqual(["DB1", "ENVSEAL_SEALED"]);
    expect(updates()).toHaveLength(0);
  });

  it("neither function has a customer managed at-rest key: the key the source's ciphertext names, learnt from one Decrypt", async () => {
    const SEALING = "arn:aws:kms:eu-west-1:111122223333:key/00000000-0000-0000-0000-0000000000aa";
    const a = sealedFor("src-fn", "a", "a-plain");
    const b = sealedFor("src-fn", "b", "b-plain");
    functions({ "src-fn": fn("src-fn", { A1: a, B1: b, ENVSEAL_SEALED: "A1:v2,B1:v2" }, { KMSKeyArn: undefined }), "dst-fn": fn("dst-fn", {}, { KMSKeyArn: undefined }) });
    kmsMock.on(DecryptCommand).callsFake(async (input) => {
      const o = opens.get(Buffer.from(input.CiphertextBlob).toString("base64"));
      if (!o || input.EncryptionContext?.LambdaFunctionName !== o.fn) throw sdkError("InvalidCiphertextException");
      return { Plaintext: new TextEncoder().encode(o.plain), KeyId: SEALING };
    });
    kmsMock.on(DescribeKeyCommand).resolves({ KeyMetadata: { KeyId: "aa", Arn: SEALING, KeyManager: "CUSTOMER", KeyState: "Enabled", KeySpec: "SYMMETRIC_DEFAULT", KeyUsage: "ENCRYPT_DECRYPT" } });
    const r = await copy(deps, { from: "src-fn", to: "dst-fn" });
    expect(r.keyArn).toBe(SEALING);
    // One Decrypt, of the first value, in its own context; every value then moves with ReEncrypt to that key.
    expect(kmsMock.commandCalls(DecryptCommand).map((c) => [Buffer.from(c.args[0].input.CiphertextBlob!).toString("base64"), c.args[0].input.EncryptionContext])).toEqual([
      [a, { LambdaFunctionName: "src-fn", EnvsealVariable: "A1" }],
    ]);
    expect(kmsMock.commandCalls(ReEncryptCommand).map((c) => [c.args[0].input.DestinationKeyId, c.args[0].input.DestinationEncryptionContext])).toEqual([
      [SEALING, { LambdaFunctionName: "dst-fn", EnvsealVariable: "A1" }],
      [SEALING, { LambdaFunctionName: "dst-fn", EnvsealVariable: "B1" }],
    ]);
    expect(kmsMock.commandCalls(DescribeKeyCommand).map((c) => c.args[0].input.KeyId)).toEqual([SEALING]);
  });

  it("a failing re-seal names the variable", async () => {
    const srcVal = sealedFor("src-fn", "db", "db-plain");
    functions({ "src-fn": fn("src-fn", { DB1: srcVal, ENVSEAL_SEALED: "DB1" }), "dst-fn": fn("dst-fn", {}) });
    kmsMock.on(ReEncryptCommand).rejects(sdkError("AccessDeniedException", 400));
    await expect(copy(deps, { from: "src-fn", to: "dst-fn" })).rejects.toThrow(/^DB1: /);
  });
});
