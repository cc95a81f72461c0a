import { beforeEach, describe, expect, it } from "vitest";
import { DecryptCommand, DescribeKeyCommand, EncryptCommand, ReEncryptCommand, type KeyState } from "@aws-sdk/client-kms";
import { GetFunctionConfigurationCommand, UpdateFunctionConfigurationCommand, type FunctionConfiguration } from "@aws-sdk/client-lambda";
import { rotate } from "../../src/ops/rotate.js";
import { copy } from "../../src/ops/copy.js";
import { adopt } from "../../src/ops/adopt.js";
import { policy } from "../../src/ops/policy.js";
import { COMMAND_PERMISSIONS, DEPLOYER_COMMANDS } from "../../src/ops/permissions.js";
import { push } from "../../src/ops/push.js";
import { unset } from "../../src/ops/unset.js";
import { show } from "../../src/ops/show.js";
import { InputError } from "../../src/core/errors.js";
import { canary, expectNoCanary } from "../support/canary.js";
import { sdkError } from "../support/sdk-errors.js";
import { kmsMock, lambdaMock, deps } from "../support/ops-mocks.js";

const OLD = "arn:aws:kms:eu-west-1:111122223333:key/00000000-0000-0000-0000-000000000001";
const NEW = "arn:aws:kms:eu-west-1:111122223333:key/00000000-0000-0000-0000-000000000002";
const ROLE = "arn:aws:iam::111122223333:role/orders-api-role";
const arn = (fn: string) => `arn:aws:lambda:eu-west-1:111122223333:function:${fn}`;
const b64 = (tag: string) => Buffer.from(tag.padEnd(120, ".")).toString("base64");

function fnConfig(name: string, vars: Record<string, string>, extra: Partial<FunctionConfiguration> = {}): FunctionConfiguration {
  return { FunctionName: name, FunctionArn: arn(name), Role: ROLE, Environment: { Variables: vars }, RevisionId: `${name}-r1`, LastUpdateStatus: "Successful", ...extra };
}
function keyMeta(a: string, state: KeyState = "Enabled", manager: "AWS" | "CUSTOMER" = "CUSTOMER") {
  return { KeyMetadata: { KeyId: a.split("/")[1], Arn: a, KeyManager: manager, KeyState: state, KeySpec: "SYMMETRIC_DEFAULT" as const, KeyUsage: "ENCRYPT_DECRYPT" as const } };
}
/** Fake ciphertexts whose "plaintext" the Decrypt mock returns. */
const opens = new Map<string, string>();
function bundleOf(entries: Record<string, string>) {
  const sealed = b64(`bundle:${Object.keys(entries).join(",")}`);
  opens.set(sealed, JSON.stringify(entries));
  return sealed;
}

beforeEach(() => {
  kmsMock.reset();
  lambdaMock.reset();
  opens.clear();
  kmsMock.on(DecryptCommand).callsFake(async (input) => {
    const plain = opens.get(Buffer.from(input.CiphertextBlob).toString("base64"));
    if (plain === undefined) throw sdkError("InvalidCiphertextException");
    return { Plaintext: new TextEncoder().encode(plain), KeyId: OLD };
  });
  lambdaMock.on(GetFunctionConfigurationCommand).resolves(fnConfig("any-fn", {}));
  kmsMock.on(DescribeKeyCommand, { KeyId: "alias/new" }).resolves(keyMeta(NEW));
  kmsMock.on(DescribeKeyCommand, { KeyId: "alias/old" }).resolves(keyMeta(OLD));
  kmsMock.on(DescribeKeyCommand, { KeyId: OLD }).resolves(keyMeta(OLD));
  kmsMock.on(DescribeKeyCommand, { KeyId: NEW }).resolves(keyMeta(NEW));
  kmsMock.on(ReEncryptCommand).callsFake(async (input) => ({ CiphertextBlob: new TextEncoder().encode(`re:${Buffer.from(input.CiphertextBlob).toString("hex").slice(0, 8)}`.padEnd(100, "x")), KeyId: input.DestinationKeyId, SourceKeyId: OLD }));
  let n = 0;
  kmsMock.on(EncryptCommand).callsFake(async () => ({ CiphertextBlob: new Uint8Array(150).fill(n++), KeyId: OLD }));
  lambdaMock.on(UpdateFunctionConfigurationCommand).resolves({ RevisionId: "after" });
});

describe("rotate", () => {
  beforeEach(() => {
    lambdaMock.on(GetFunctionConfigurationCommand).resolves(fnConfig("orders-api", { A1: b64("a"), B1: b64("b"), ENVSEAL_SEALED: "A1,B1", PLAIN: "x" }, { KMSKeyArn: OLD }));
  });

  it("re-encrypts every sealed value server-side from its context to the v2 context, then sets KMSKeyArn in one update with RevisionId", async () => {
    const r = await rotate(deps, { functionName: "orders-api", toKey: "alias/new" });
    const calls = kmsMock.commandCalls(ReEncryptCommand).map((c) => c.args[0].input);
    expect(calls).toHaveLength(2);
    for (const input of calls) {
      expect(input.DestinationKeyId).toBe(NEW);
      // The manifest says A1,B1 (v1, bound to the function only): they come out bound to their names too.
      expect(input.SourceEncryptionContext).toEqual({ LambdaFunctionName: "orders-api" });
      const variable = input.DestinationEncryptionContext!.EnvsealVariable;
      expect(input.DestinationEncryptionContext).toEqual({ LambdaFunctionName: "orders-api", EnvsealVariable: variable });
      expect(["A1", "B1"]).toContain(variable);
    }
    expect(r.upgraded).toEqual(["A1", "B1"]);
    expect(kmsMock.commandCalls(DecryptCommand)).toHaveLength(0); // plaintext never leaves KMS
    const upd = lambdaMock.commandCalls(UpdateFunctionConfigurationCommand);
    expect(upd).toHaveLength(1);
    const input = upd[0]!.args[0].input;
    expect(input.RevisionId).toBe("orders-api-r1");
    expect(input.KMSKeyArn).toBe(NEW);
    expect(input.Environment!.Variables!.PLAIN).toBe("x");
    expect(input.Environment!.Variables!.ENVSEAL_SEALED).toBe("A1:v2,B1:v2");
    expect(input.Environment!.Variables!.A1).not.toBe(b64("a"));
    expect(r.fromKeyArns).toEqual([OLD]);
  });

  it("--dry-run re-encrypts but writes nothing", async () => {
    const r = await rotate(deps, { functionName: "orders-api", toKey: "alias/new", dryRun: true });
    expect(r.written).toBe(false);
    expect(lambdaMock.commandCalls(UpdateFunctionConfigurationCommand)).toHaveLength(0);
  });

  it("refuses rotating to the key the values are already under when they are v2 already", async () => {
    lambdaMock.on(GetFunctionConfigurationCommand).resolves(fnConfig("orders-api", { A1: b64("a"), B1: b64("b"), ENVSEAL_SEALED: "A1:v2,B1:v2", PLAIN: "x" }, { KMSKeyArn: OLD }));
    const p = rotate(deps, { functionName: "orders-api", toKey: "alias/old" });
    await expect(p).rejects.toBeInstanceOf(InputError);
    await expect(p).rejects.toThrow(/every sealed value of orders-api is already under alias\/old; nothing to rotate/);
    expect(lambdaMock.commandCalls(UpdateFunctionConfigurationCommand)).toHaveLength(0);
  });

  it("upgrade (rotate to the function's own at-rest key) binds v1 values to their names, same key", async () => {
    const r = await rotate(deps, { functionName: "orders-api" });
    expect(r.toKeyArn).toBe(OLD);
    expect(r.upgraded).toEqual(["A1", "B1"]);
    const calls = kmsMock.commandCalls(ReEncryptCommand).map((c) => c.args[0].input);
    expect(calls.map((c) => [c.SourceEncryptionContext, c.DestinationEncryptionContext, c.DestinationKeyId])).toContainEqual([
      { LambdaFunctionName: "orders-api" },
      { LambdaFunctionName: "orders-api", EnvsealVariable: "A1" },
      OLD,
    ]);
    expect(lambdaMock.commandCalls(UpdateFunctionConfigurationCommand)[0]!.args[0].input.Environment!.Variables!.ENVSEAL_SEALED).toBe("A1:v2,B1:v2");
  });

  it("refuses a disabled target key before any ReEncrypt", async () => {
    kmsMock.on(DescribeKeyCommand, { KeyId: "alias/new" }).resolves(keyMeta(NEW, "Disabled"));
    await expect(rotate(deps, { functionName: "orders-api", toKey: "alias/new" })).rejects.toThrow(/alias\/new is disabled, so envseal will not re-encrypt to it/);
    expect(kmsMock.commandCalls(ReEncryptCommand)).toHaveLength(0);
  });

  it("re-plans after a 412: a value changed meanwhile is re-encrypted too, so nothing stays under the old key", async () => {
    lambdaMock
      .on(GetFunctionConfigurationCommand)
      .resolvesOnce(fnConfig("orders-api", { A1: b64("a"), ENVSEAL_SEALED: "A1" }))
      .resolves(fnConfig("orders-api", { A1: b64("changed"), B2: b64("added"), ENVSEAL_SEALED: "A1,B2" }, { RevisionId: "r2" }));
    lambdaMock.on(UpdateFunctionConfigurationCommand).rejectsOnce(sdkError("PreconditionFailedException", 412)).resolves({});
    const r = await rotate(deps, { functionName: "orders-api", toKey: "alias/new" });
    const reencrypted = kmsMock.commandCalls(ReEncryptCommand).map((c) => Buffer.from(c.args[0].input.CiphertextBlob!).toString("base64"));
    expect(reencrypted.sort()).toEqual([b64("a"), b64("added"), b64("changed")].sort());
    const upd = lambdaMock.commandCalls(UpdateFunctionConfigurationCommand);
    expect(upd).toHaveLength(2);
    expect(upd[1]!.args[0].input.RevisionId).toBe("r2");
    const written = upd[1]!.args[0].input.Environment!.Variables!;
    // Every sealed value written is the ReEncrypt output of what the fresh read held, never an old-key value.
    const reOf = (v: string) => Buffer.from(`re:${Buffer.from(v, "base64").toString("hex").slice(0, 8)}`.padEnd(100, "x")).toString("base64");
    expect(written).toEqual({ A1: reOf(b64("changed")), B2: reOf(b64("added")), ENVSEAL_SEALED: "A1:v2,B2:v2" });
    expect(r.names).toEqual(["A1", "B2"]);
    expect(r.written).toBe(true);
  });

  it("recognises its own write after a lost answer (reset, then 412 on the SDK's retry) and reports success", async () => {
    let stored = { A1: b64("a"), ENVSEAL_SEALED: "A1" } as Record<string, string>;
    lambdaMock.on(GetFunctionConfigurationCommand).callsFake(async () => fnConfig("orders-api", stored, { RevisionId: stored.A1 === b64("a") ? "r1" : "r2", KMSKeyArn: stored.A1 === b64("a") ? OLD : NEW }));
    lambdaMock.on(UpdateFunctionConfigurationCommand).callsFake(async (input) => {
      stored = input.Environment!.Variables!;
      // Applied, but the answer is lost, and the SDK's retry met the new revision: Lambda answers 412.
      throw Object.assign(sdkError("PreconditionFailedException", 412), { $metadata: { httpStatusCode: 412, attempts: 2 } });
    });
    const r = await rotate(deps, { functionName: "orders-api", toKey: "alias/new" });
    expect(r.written).toBe(true);
    expect(lambdaMock.commandCalls(UpdateFunctionConfigurationCommand)).toHaveLength(1);
    expect(kmsMock.commandCalls(ReEncryptCommand)).toHaveLength(1);
  });

  it("names kms:ReEncrypt* when ReEncrypt is denied", async () => {
    kmsMock.on(ReEncryptCommand).rejects(sdkError("AccessDeniedException"));
    await expect(rotate(deps, { functionName: "orders-api", toKey: "alias/new" })).rejects.toThrow(/A1: access denied: the caller lacks kms:ReEncrypt\*/);
  });
});

describe("copy", () => {
  it("re-binds per-variable values from F1's context to F2's with ReEncrypt and merges into F2 and its manifest", async () => {
    lambdaMock.on(GetFunctionConfigurationCommand, { FunctionName: "old-fn" }).resolves(fnConfig("old-fn", { DB1: b64("db"), ENVSEAL_SEALED: "DB1" }, { KMSKeyArn: OLD }));
    lambdaMock.on(GetFunctionConfigurationCommand, { FunctionName: "new-fn" }).resolves(fnConfig("new-fn", { OTHER: "o", ENVSEAL_SEALED: "X_SEALED", X_SEALED: b64("x") }));
    await copy(deps, { from: "old-fn", to: "new-fn" });
    const re = kmsMock.commandCalls(ReEncryptCommand)[0]!.args[0].input;
    expect(re.SourceEncryptionContext).toEqual({ LambdaFunctionName: "old-fn" });
    // Re-bound to the target function and the variable's name (v2), whatever the source's format.
    expect(re.DestinationEncryptionContext).toEqual({ LambdaFunctionName: "new-fn", EnvsealVariable: "DB1" });
    expect(re.DestinationKeyId).toBe(OLD);
    const upd = lambdaMock.commandCalls(UpdateFunctionConfigurationCommand)[0]!.args[0].input;
    expect(upd.FunctionName).toBe(arn("new-fn"));
    expect(upd.RevisionId).toBe("new-fn-r1");
    expect(Object.keys(upd.Environment!.Variables!).sort()).toEqual(["DB1", "ENVSEAL_SEALED", "OTHER", "X_SEALED"]);
    expect(upd.Environment!.Variables!.ENVSEAL_SEALED).toBe("DB1:v2,X_SEALED");
  });

  it("refuses when F1 has nothing sealed", async () => {
    lambdaMock.on(GetFunctionConfigurationCommand).resolves(fnConfig("f", { PLAIN: "x" }));
    lambdaMock.on(GetFunctionConfigurationCommand, { FunctionName: "empty-fn" }).resolves(fnConfig("empty-fn", { PLAIN: "x" }));
    await expect(copy(deps, { from: "empty-fn", to: "f" })).rejects.toThrow(/empty-fn has nothing sealed to copy/);
  });

  it("refuses names that exist in F2 unless --overwrite, and then replaces them", async () => {
    lambdaMock.on(GetFunctionConfigurationCommand, { FunctionName: "a-fn" }).resolves(fnConfig("a-fn", { DB1: b64("db"), ENVSEAL_SEALED: "DB1" }));
    lambdaMock.on(GetFunctionConfigurationCommand, { FunctionName: "b-fn" }).resolves(fnConfig("b-fn", { DB1: "plain-old" }));
    const p = copy(deps, { from: "a-fn", to: "b-fn", key: "alias/new" });
    await expect(p).rejects.toThrow(/DB1 already exists on b-fn/);
    await expect(p).rejects.toMatchObject({ hint: expect.stringContaining("pass --overwrite to replace") });
    expect(lambdaMock.commandCalls(UpdateFunctionConfigurationCommand)).toHaveLength(0);
    await copy(deps, { from: "a-fn", to: "b-fn", key: "alias/new", overwrite: true });
    expect(lambdaMock.commandCalls(UpdateFunctionConfigurationCommand)[0]!.args[0].input.Environment!.Variables!.ENVSEAL_SEALED).toBe("DB1:v2");
  });

  it("asks for --key when neither function has a customer managed at-rest key and KMS names no key for the ciphertext", async () => {
    lambdaMock.on(GetFunctionConfigurationCommand, { FunctionName: "a-fn" }).resolves(fnConfig("a-fn", { DB1: b64("db"), ENVSEAL_SEALED: "DB1" }));
    lambdaMock.on(GetFunctionConfigurationCommand, { FunctionName: "b-fn" }).resolves(fnConfig("b-fn", {}));
    kmsMock.on(DecryptCommand).resolves({ Plaintext: new TextEncoder().encode("db-plain") });
    const p = copy(deps, { from: "a-fn", to: "b-fn" });
    await expect(p).rejects.toThrow(/no key to seal for b-fn: neither function has a customer managed at-rest key, and KMS named no key for a-fn's ciphertext/);
    expect(kmsMock.commandCalls(ReEncryptCommand)).toHaveLength(0);
    await expect(p).rejects.toMatchObject({ hint: expect.stringContaining("pass --key") });
  });
});

describe("adopt", () => {
  beforeEach(() => {
    lambdaMock.on(GetFunctionConfigurationCommand).resolves(fnConfig("orders-api", { CONSOLE1: b64("c"), OTHER: "x" }));
  });

  it("opens each value with the function's context, re-encrypts it to v2 under the same key, and lists it", async () => {
    const secret = canary("adopt");
    kmsMock.on(DecryptCommand).resolves({ Plaintext: new TextEncoder().encode(secret), KeyId: OLD });
    const r = await adopt(deps, { functionName: "orders-api", names: ["CONSOLE1"] });
    expect(kmsMock.commandCalls(DecryptCommand)[0]!.args[0].input.EncryptionContext).toEqual({ LambdaFunctionName: "orders-api" });
    const re = kmsMock.commandCalls(ReEncryptCommand)[0]!.args[0].input;
    expect(re.SourceEncryptionContext).toEqual({ LambdaFunctionName: "orders-api" });
    expect(re.DestinationEncryptionContext).toEqual({ LambdaFunctionName: "orders-api", EnvsealVariable: "CONSOLE1" });
    expect(re.DestinationKeyId).toBe(OLD);
    const vars = lambdaMock.commandCalls(UpdateFunctionConfigurationCommand)[0]!.args[0].input.Environment!.Variables!;
    expect(vars.ENVSEAL_SEALED).toBe("CONSOLE1:v2");
    expect(vars.CONSOLE1).not.toBe(b64("c"));
    expect(vars.OTHER).toBe("x");
    expect(r.keys).toEqual({ CONSOLE1: OLD });
    expectNoCanary([secret], { result: JSON.stringify(r) });
  });

  it("--wire-format v1 lists the console's ciphertext as it is (the console's snippet still opens it)", async () => {
    kmsMock.on(DecryptCommand).resolves({ Plaintext: new TextEncoder().encode("x-value"), KeyId: OLD });
    await adopt(deps, { functionName: "orders-api", names: ["CONSOLE1"], wireVersion: 1 });
    const vars = lambdaMock.commandCalls(UpdateFunctionConfigurationCommand)[0]!.args[0].input.Environment!.Variables!;
    expect(vars).toEqual({ CONSOLE1: b64("c"), OTHER: "x", ENVSEAL_SEALED: "CONSOLE1" });
    expect(kmsMock.commandCalls(ReEncryptCommand)).toHaveLength(0);
  });

  it("refuses a value that does not open for the function, writing nothing", async () => {
    kmsMock.on(DecryptCommand).rejects(sdkError("InvalidCiphertextException"));
    const p = adopt(deps, { functionName: "orders-api", names: ["CONSOLE1"] });
    await expect(p).rejects.toBeInstanceOf(InputError);
    await expect(p).rejects.toThrow(/CONSOLE1: the value does not open for function orders-api: sealed for another function name\?/);
    expect(lambdaMock.commandCalls(UpdateFunctionConfigurationCommand)).toHaveLength(0);
  });

  it("refuses a plain value (not ciphertext) without calling KMS", async () => {
    await expect(adopt(deps, { functionName: "orders-api", names: ["OTHER"] })).rejects.toThrow(/OTHER is too short to be KMS ciphertext|OTHER is not standard base64/);
    expect(kmsMock.commandCalls(DecryptCommand)).toHaveLength(0);
  });
});

describe("policy", () => {
  it("builds the execution-role policy, key-policy statement and deployer policy from the ARNs", async () => {
    lambdaMock.on(GetFunctionConfigurationCommand).resolves(fnConfig("orders-api", {}));
    const p = await policy(deps, { functionName: "orders-api", key: "alias/new" });
    const cond = { StringEquals: { "kms:EncryptionContext:LambdaFunctionName": "orders-api" } };
    expect(p.account).toBe("111122223333");
    expect(p.region).toBe("eu-west-1");
    expect(p.roleArn).toBe(ROLE);
    expect(p.executionRolePolicy).toEqual({
      Version: "2012-10-17",
      Statement: [{ Sid: "EnvsealUnsealAtColdStart", Effect: "Allow", Action: "kms:Decrypt", Resource: NEW, Condition: cond }],
    });
    expect(p.keyPolicyStatement).toEqual({
      Sid: "EnvsealUnseal-orders-api",
      Effect: "Allow",
      Principal: { AWS: ROLE },
      Action: "kms:Decrypt",
      Resource: "*",
      Condition: cond,
    });
    expect(p.deployerPolicy.Statement).toEqual([
      { Sid: "EnvsealDescribeKey", Effect: "Allow", Action: "kms:DescribeKey", Resource: NEW },
      {
        Sid: "EnvsealSealedValues",
        Effect: "Allow",
        Action: ["kms:Decrypt", "kms:Encrypt", "kms:ReEncryptFrom", "kms:ReEncryptTo"],
        Resource: NEW,
        Condition: cond,
      },
      {
        Sid: "EnvsealAtRestKeyThroughLambda",
        Effect: "Allow",
        Action: ["kms:CreateGrant", "kms:Decrypt", "kms:Encrypt"],
        Resource: NEW,
        Condition: { StringEquals: { "kms:ViaService": "lambda.eu-west-1.amazonaws.com" } },
      },
      { Sid: "EnvsealReadWriteFunction", Effect: "Allow", Action: ["lambda:GetFunctionConfiguration", "lambda:UpdateFunctionConfiguration"], Resource: arn("orders-api") },
    ]);
  });

  it("the deployer policy grants every action every deployer command may call (from the one table)", async () => {
    lambdaMock.on(GetFunctionConfigurationCommand).resolves(fnConfig("orders-api", {}));
    const p = await policy(deps, { functionName: "orders-api", key: "alias/new" });
    const granted = (sid: string) => [p.deployerPolicy.Statement.find((s) => s.Sid === sid)?.Action ?? []].flat();
    const bySid = { sealingKey: [...granted("EnvsealDescribeKey"), ...granted("EnvsealSealedValues")], atRestKey: granted("EnvsealAtRestKeyThroughLambda"), function: granted("EnvsealReadWriteFunction") };
    for (const command of DEPLOYER_COMMANDS) {
      for (const perm of COMMAND_PERMISSIONS[command]) {
        if (perm.scope === "atRestKey" && perm.action === "kms:DescribeKey") continue; // --at-rest-key names the sealing key, or aws/lambda
        expect(bySid[perm.scope as keyof typeof bySid], `${command} ${perm.action} (${perm.scope})`).toContain(perm.action);
      }
    }
  });

  it("grants the at-rest statement on the function's own at-rest key when it has one", async () => {
    lambdaMock.on(GetFunctionConfigurationCommand).resolves(fnConfig("orders-api", {}, { KMSKeyArn: OLD }));
    const p = await policy(deps, { functionName: "orders-api", key: "alias/new" });
    expect(p.deployerPolicy.Statement.find((s) => s.Sid === "EnvsealAtRestKeyThroughLambda")?.Resource).toBe(OLD);
    expect(p.deployerPolicy.Statement.find((s) => s.Sid === "EnvsealSealedValues")?.Resource).toBe(NEW);
  });

  it("refuses an AWS managed key", async () => {
    kmsMock.on(DescribeKeyCommand, { KeyId: "alias/aws/lambda" }).resolves(keyMeta(OLD, "Enabled", "AWS"));
    lambdaMock.on(GetFunctionConfigurationCommand).resolves(fnConfig("orders-api", {}));
    await expect(policy(deps, { functionName: "orders-api", key: "aws/lambda" })).rejects.toThrow(/is an AWS managed key/);
  });
});

describe("bundle", () => {
  it("push --bundle seals every secret with one Encrypt of a v2 bundle document, bound to the function and ENVSEAL_BUNDLE", async () => {
    lambdaMock.on(GetFunctionConfigurationCommand).resolves(fnConfig("orders-api", { KEEP: "1" }));
    const values = Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`SECRET_${i}`, `value-${i}-xxxxxxxx`]));
    const r = await push(deps, { functionName: "orders-api", key: "alias/new", secrets: values, bundle: true });
    const enc = kmsMock.commandCalls(EncryptCommand);
    expect(enc).toHaveLength(1);
    expect(enc[0]!.args[0].input.EncryptionContext).toEqual({ LambdaFunctionName: "orders-api", EnvsealVariable: "ENVSEAL_BUNDLE" });
    const doc = JSON.parse(Buffer.from(enc[0]!.args[0].input.Plaintext as Uint8Array).toString());
    expect(doc).toEqual({ envseal: 2, generation: 1, sealedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/), secrets: values });
    const vars = lambdaMock.commandCalls(UpdateFunctionConfigurationCommand)[0]!.args[0].input.Environment!.Variables!;
    expect(Object.keys(vars).sort()).toEqual(["ENVSEAL_BUNDLE", "ENVSEAL_SEALED", "KEEP"]);
    expect(vars.ENVSEAL_SEALED).toBe("ENVSEAL_BUNDLE:v2");
    expect(r.storage).toBe("bundle");
    expect(r.diff.added.filter((c) => c.kind === "bundled")).toHaveLength(20);
  });

  it("adding to an existing bundle opens it and keeps its entries; a denied Decrypt says so", async () => {
    const sealed = bundleOf({ OLD_ONE: "old-value" });
    lambdaMock.on(GetFunctionConfigurationCommand).resolves(fnConfig("orders-api", { ENVSEAL_BUNDLE: sealed }));
    await push(deps, { functionName: "orders-api", key: "alias/new", secrets: { NEW_ONE: "new-value" } });
    const enc = kmsMock.commandCalls(EncryptCommand);
    // A v1 bundle (no manifest entry) opens with the function context and is re-sealed as v2, generation 1.
    expect(kmsMock.commandCalls(DecryptCommand)[0]!.args[0].input.EncryptionContext).toEqual({ LambdaFunctionName: "orders-api" });
    expect(JSON.parse(Buffer.from(enc[0]!.args[0].input.Plaintext as Uint8Array).toString()).secrets).toEqual({ NEW_ONE: "new-value", OLD_ONE: "old-value" });

    kmsMock.on(DecryptCommand).rejects(sdkError("AccessDeniedException"));
    lambdaMock.resetHistory();
    const p = push(deps, { functionName: "orders-api", key: "alias/new", secrets: { NEW_ONE: "new-value" } });
    await expect(p).rejects.toThrow(/changing a function that has a bundle needs kms:Decrypt to open ENVSEAL_BUNDLE of orders-api, and it was denied/);
    expect(lambdaMock.commandCalls(UpdateFunctionConfigurationCommand)).toHaveLength(0);
  });

  it("a secret pushed into the bundle under the name of a plain variable removes that plaintext", async () => {
    lambdaMock.on(GetFunctionConfigurationCommand).resolves(fnConfig("orders-api", { DB_PASSWORD: "was-plain-text", KEEP: "1" }));
    await push(deps, { functionName: "orders-api", key: "alias/new", secrets: { DB_PASSWORD: "now-sealed" }, bundle: true });
    const vars = lambdaMock.commandCalls(UpdateFunctionConfigurationCommand)[0]!.args[0].input.Environment!.Variables!;
    expect(Object.keys(vars).sort()).toEqual(["ENVSEAL_BUNDLE", "ENVSEAL_SEALED", "KEEP"]);
    expect(JSON.parse(Buffer.from(kmsMock.commandCalls(EncryptCommand)[0]!.args[0].input.Plaintext as Uint8Array).toString()).secrets).toEqual({ DB_PASSWORD: "now-sealed" });
  });

  it("--no-bundle moves the entries out to sealed variables without loss", async () => {
    const sealed = bundleOf({ A_ONE: "a-value", B_TWO: "b-value" });
    lambdaMock.on(GetFunctionConfigurationCommand).resolves(fnConfig("orders-api", { ENVSEAL_BUNDLE: sealed, KEEP: "1" }));
    await push(deps, { functionName: "orders-api", key: "alias/new", secrets: {}, bundle: false });
    const sealedPlain = kmsMock.commandCalls(EncryptCommand).map((c) => Buffer.from(c.args[0].input.Plaintext as Uint8Array).toString()).sort();
    expect(sealedPlain).toEqual(["a-value", "b-value"]);
    const vars = lambdaMock.commandCalls(UpdateFunctionConfigurationCommand)[0]!.args[0].input.Environment!.Variables!;
    expect(Object.keys(vars).sort()).toEqual(["A_ONE", "B_TWO", "ENVSEAL_SEALED", "KEEP"]);
    expect(vars.ENVSEAL_SEALED).toBe("A_ONE:v2,B_TWO:v2");
  });

  it("a per-variable push over 4096 bytes that would fit as a bundle says so, with both sizes", async () => {
    lambdaMock.on(GetFunctionConfigurationCommand).resolves(fnConfig("orders-api", {}));
    let i = 0;
    kmsMock.on(EncryptCommand).callsFake(async (input) => ({ CiphertextBlob: new Uint8Array((input.Plaintext as Uint8Array).byteLength + 150).fill(i++), KeyId: OLD }));
    const values = Object.fromEntries(Array.from({ length: 20 }, (_, k) => [`SECRET_${String(k).padStart(2, "0")}`, "v".repeat(20)]));
    const p = push(deps, { functionName: "orders-api", key: "alias/new", secrets: values });
    await expect(p).rejects.toThrow(/the environment would be \d+ bytes, over Lambda's limit of 4096/);
    await expect(p).rejects.toMatchObject({ hint: expect.stringMatching(/^as one bundle it would take about \d+ bytes: push with --bundle$/) });
    expect(lambdaMock.commandCalls(UpdateFunctionConfigurationCommand)).toHaveLength(0);
  });

  it("unset removes a bundled name by re-sealing the bundle with the bundle's key", async () => {
    const sealed = bundleOf({ A_ONE: "a-value", B_TWO: "b-value" });
    lambdaMock.on(GetFunctionConfigurationCommand).resolves(fnConfig("orders-api", { ENVSEAL_BUNDLE: sealed }));
    const r = await unset(deps, { functionName: "orders-api", names: ["A_ONE"] });
    const enc = kmsMock.commandCalls(EncryptCommand)[0]!.args[0].input;
    expect(enc.KeyId).toBe(OLD);
    // The bundle keeps its wire format (v1 here: no manifest entry) when unset re-seals it.
    expect(JSON.parse(Buffer.from(enc.Plaintext as Uint8Array).toString())).toEqual({ B_TWO: "b-value" });
    expect(enc.EncryptionContext).toEqual({ LambdaFunctionName: "orders-api" });
    expect(r.diff.removed).toEqual([{ name: "A_ONE", kind: "bundled" }]);
  });

  it("show lists bundled names, and notes a bundle it cannot open instead of failing", async () => {
    const sealed = bundleOf({ A_ONE: "a-value" });
    lambdaMock.on(GetFunctionConfigurationCommand).resolves(fnConfig("orders-api", { ENVSEAL_BUNDLE: sealed }));
    const r = await show(deps, { functionName: "orders-api" });
    expect(r.variables.map((v) => `${v.name}:${v.kind}`)).toEqual(["A_ONE:bundled", "ENVSEAL_BUNDLE:envseal"]);
    expect(JSON.stringify(r)).not.toContain("a-value");
    kmsMock.on(DecryptCommand).rejects(sdkError("AccessDeniedException"));
    const denied = await show(deps, { functionName: "orders-api" });
    expect(denied.bundleNote).toMatch(/not listed.*needs kms:Decrypt/);
  });
});
