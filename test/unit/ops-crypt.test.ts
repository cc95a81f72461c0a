/** encrypt / decrypt as library calls: the same validation as the CLI, the bare function name in every context. */
import { beforeEach, describe, expect, it } from "vitest";
import { mockClient } from "aws-sdk-client-mock";
import { DecryptCommand, DescribeKeyCommand, EncryptCommand, KMSClient } from "@aws-sdk/client-kms";
import { LambdaClient } from "@aws-sdk/client-lambda";
import { decrypt, encrypt } from "../../src/ops/crypt.js";
import type { AwsDeps } from "../../src/ops/deps.js";

const kmsMock = mockClient(KMSClient);
const deps: AwsDeps = { kms: () => new KMSClient({ region: "eu-west-1" }), lambda: () => new LambdaClient({ region: "eu-west-1" }) };
const KEY = "arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";
const FN_ARN = "arn:aws:lambda:eu-west-1:111122223333:function:orders-api:prod";

beforeEach(() => {
  kmsMock.reset();
  kmsMock.on(DescribeKeyCommand).resolves({ KeyMetadata: { KeyId: "k", Arn: KEY, KeyManager: "CUSTOMER", KeyState: "Enabled", KeySpec: "SYMMETRIC_DEFAULT", KeyUsage: "ENCRYPT_DECRYPT" } });
  let n = 0;
  kmsMock.on(EncryptCommand).callsFake(async () => ({ CiphertextBlob: new Uint8Array(150).fill(++n), KeyId: KEY }));
  kmsMock.on(DecryptCommand).resolves({ Plaintext: new TextEncoder().encode("opened"), KeyId: KEY });
});

describe("encrypt", () => {
  it("seals each value under the key ARN with the bare function name of an ARN", async () => {
    const r = await encrypt(deps, { functionName: FN_ARN, key: "alias/app", values: { B1: "b", A1: "a" } });
    expect(kmsMock.commandCalls(DescribeKeyCommand)[0]!.args[0].input).toEqual({ KeyId: "alias/app" });
    const calls = kmsMock.commandCalls(EncryptCommand).map((c) => c.args[0].input);
    expect(calls.map((c) => [c.KeyId, c.EncryptionContext, new TextDecoder().decode(c.Plaintext)])).toEqual([
      [KEY, { LambdaFunctionName: "orders-api", EnvsealVariable: "A1" }, "a"],
      [KEY, { LambdaFunctionName: "orders-api", EnvsealVariable: "B1" }, "b"],
    ]);
    expect(r).toEqual({
      functionName: "orders-api",
      keyArn: KEY,
      manifest: "A1:v2,B1:v2",
      sealed: { A1: Buffer.from(new Uint8Array(150).fill(1)).toString("base64"), B1: Buffer.from(new Uint8Array(150).fill(2)).toString("base64") },
    });
  });

  it("--bundle seals one sorted JSON object as ENVSEAL_BUNDLE", async () => {
    const r = await encrypt(deps, { functionName: "orders-api", key: "alias/app", values: { B1: "b", A1: "a" }, bundle: true });
    const calls = kmsMock.commandCalls(EncryptCommand).map((c) => c.args[0].input);
    expect(calls).toHaveLength(1);
    expect(calls[0]!.EncryptionContext).toEqual({ LambdaFunctionName: "orders-api", EnvsealVariable: "ENVSEAL_BUNDLE" });
    const doc = JSON.parse(new TextDecoder().decode(calls[0]!.Plaintext));
    expect(Object.keys(doc)).toEqual(["envseal", "generation", "sealedAt", "secrets"]);
    expect([doc.envseal, doc.generation, JSON.stringify(doc.secrets)]).toEqual([2, 1, '{"A1":"a","B1":"b"}']);
    expect(Object.keys(r.sealed)).toEqual(["ENVSEAL_BUNDLE"]);
    expect(r.manifest).toBe("ENVSEAL_BUNDLE:v2");
  });

  it.each([
    [{ functionName: "bad name", key: "alias/app", values: { A1: "a" } }, 'invalid function name "bad name"'],
    [{ functionName: "orders-api", key: "alias/app", values: {} }, "nothing to encrypt"],
    [{ functionName: "orders-api", key: "alias/app", values: { AWS_REGION: "x" } }, "AWS_REGION is reserved by Lambda"],
    [{ functionName: "orders-api", key: "alias/app", values: { ENVSEAL_BUNDLE: "x" } }, "ENVSEAL_BUNDLE is managed by envseal"],
    [{ functionName: "orders-api", key: "alias/app", values: { "a-b": "x" } }, "invalid variable name (3 characters, not shown in case it is a value): it holds a character other than letters, digits and _"],
  ])("refuses %o before any KMS call", async (req, message) => {
    await expect(encrypt(deps, req)).rejects.toThrow(message);
    expect(kmsMock.calls()).toHaveLength(0);
  });

  it("refuses an AWS managed key and a disabled key before encrypting", async () => {
    kmsMock.on(DescribeKeyCommand).resolves({ KeyMetadata: { KeyId: "k", Arn: KEY, KeyManager: "AWS", KeyState: "Enabled" } });
    await expect(encrypt(deps, { functionName: "f1", key: "aws/lambda", values: { A1: "a" } })).rejects.toThrow("AWS managed key");
    kmsMock.on(DescribeKeyCommand).resolves({ KeyMetadata: { KeyId: "k", Arn: KEY, KeyManager: "CUSTOMER", KeyState: "Disabled" } });
    await expect(encrypt(deps, { functionName: "f1", key: "alias/app", values: { A1: "a" } })).rejects.toThrow("is disabled");
    expect(kmsMock.commandCalls(EncryptCommand)).toHaveLength(0);
  });
});

describe("decrypt", () => {
  it("opens with the bare function name's context and reports the key", async () => {
    const value = Buffer.alloc(150, 3).toString("base64");
    const r = await decrypt(deps, { functionName: FN_ARN, value });
    expect(r).toEqual({ functionName: "orders-api", keyArn: KEY, plaintext: "opened" });
    const input = kmsMock.commandCalls(DecryptCommand)[0]!.args[0].input;
    expect(input.EncryptionContext).toEqual({ LambdaFunctionName: "orders-api" });
    expect(Buffer.from(input.CiphertextBlob!).toString("base64")).toBe(value);
  });

  it("refuses a bad function name or a value that is not ciphertext without calling KMS", async () => {
    await expect(decrypt(deps, { functionName: "a b", value: Buffer.alloc(150).toString("base64") })).rejects.toThrow("invalid function name");
    await expect(decrypt(deps, { functionName: "f1", value: "plain text" })).rejects.toThrow("the value is not standard base64, so it is not a sealed value");
    expect(kmsMock.calls()).toHaveLength(0);
  });
});
