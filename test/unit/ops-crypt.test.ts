/** encrypt / decrypt as library calls: the same validation as the CLI, the bare function name in every context. */
import { beforeEach, describe, expect, it } from "vitest";
import { mockClient } from "aws-sdk-client-mock";
import { DecryptCommand, DescribeKeyCommand, EncryptCommand, KMSClient } from "@aws-sdk/client-kms";
import { LambdaClient } from "@aws-sdk/client-lambda";
import { decrypt, encrypt } from "../../src/ops/crypt.js";
import type { AwsDeps } from "../../src/ops/deps.js";
import { InputError } from "../../src/core/errors.js";
import { sdkError } from "../support/sdk-errors.js";

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

describe("encrypt and decrypt: options and refusals", () => {
  it("an empty set of values is refused with a hint on how to give some", async () => {
    const err = await encrypt(deps, { functionName: "orders-api", key: "alias/app", values: {} }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InputError);
    expect((err as InputError).message).toBe("nothing to encrypt");
    expect((err as InputError).hint).toBe("give NAME=VALUE, NAME or --dotenv PATH");
  });

  it("--bundle with wire format 1 seals a v1 bundle bound to the function only, and lists it without :v2", async () => {
    const r = await encrypt(deps, { functionName: "orders-api", key: "alias/app", values: { B1: "b", A1: "a" }, bundle: true, wireVersion: 1 });
    const calls = kmsMock.commandCalls(EncryptCommand).map((c) => c.args[0].input);
    expect(calls).toHaveLength(1);
    expect(calls[0]!.KeyId).toBe(KEY);
    expect(calls[0]!.EncryptionContext).toEqual({ LambdaFunctionName: "orders-api" });
    expect(new TextDecoder().decode(calls[0]!.Plaintext)).toBe('{"A1":"a","B1":"b"}');
    expect(r).toEqual({ functionName: "orders-api", keyArn: KEY, sealed: { ENVSEAL_BUNDLE: Buffer.from(new Uint8Array(150).fill(1)).toString("base64") }, manifest: "ENVSEAL_BUNDLE" });
  });

  it("decrypt with --variable opens a v2 value bound to that variable", async () => {
    const value = Buffer.alloc(150, 3).toString("base64");
    const r = await decrypt(deps, { functionName: FN_ARN, value, variable: "DB_PASSWORD" });
    expect(r).toEqual({ functionName: "orders-api", keyArn: KEY, plaintext: "opened" });
    const calls = kmsMock.commandCalls(DecryptCommand).map((c) => c.args[0].input);
    expect(calls).toHaveLength(1);
    expect(calls[0]!.EncryptionContext).toEqual({ LambdaFunctionName: "orders-api", EnvsealVariable: "DB_PASSWORD" });
  });

  it("decrypt without --variable opens a v1 value: no variable in the context", async () => {
    await decrypt(deps, { functionName: "orders-api", value: Buffer.alloc(150, 3).toString("base64") });
    expect(kmsMock.commandCalls(DecryptCommand).map((c) => c.args[0].input.EncryptionContext)).toEqual([{ LambdaFunctionName: "orders-api" }]);
  });

  it("decrypt refuses a --variable that is not a variable name before calling KMS", async () => {
    const err = await decrypt(deps, { functionName: "orders-api", value: Buffer.alloc(150, 3).toString("base64"), variable: "not a name" }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InputError);
    expect((err as InputError).message).toBe("--variable is not a variable name");
    expect((err as InputError).hint).toBe("names match [a-zA-Z][a-zA-Z0-9_]+");
    expect(kmsMock.calls()).toHaveLength(0);
  });
});

describe("decrypt errors", () => {
  it("a KMS refusal names the variable of a v2 value and no label for a v1 value", async () => {
    kmsMock.on(DecryptCommand).rejects(sdkError("AccessDeniedException", 400));
    const value = Buffer.alloc(150, 3).toString("base64");
    const v2 = (await decrypt(deps, { functionName: "orders-api", value, variable: "DB_PASSWORD" }).catch((e: unknown) => e)) as Error;
    const v1 = (await decrypt(deps, { functionName: "orders-api", value }).catch((e: unknown) => e)) as Error;
    expect(v2).toBeInstanceOf(Error);
    expect(v1).toBeInstanceOf(Error);
    expect(v2.message).toBe("DB_PASSWORD: access denied: the caller lacks kms:Decrypt on the KMS key");
    expect(v1.message).toBe("access denied: the caller lacks kms:Decrypt on the KMS key");
  });
});
