import { beforeEach, describe, expect, it, vi } from "vitest";
import { DescribeKeyCommand, EncryptCommand, type KeyState } from "@aws-sdk/client-kms";
import { GetFunctionConfigurationCommand, UpdateFunctionConfigurationCommand, type FunctionConfiguration } from "@aws-sdk/client-lambda";
import { push } from "../../src/ops/push.js";
import { AwsError, InputError } from "../../src/core/errors.js";
import { canary, expectNoCanary } from "../support/canary.js";
import { sdkError } from "../support/sdk-errors.js";
import { kmsMock, lambdaMock, deps, FN_ARN } from "../support/ops-mocks.js";

const KEY_ARN = "arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";
const blob = (n: number) => new Uint8Array(Array.from({ length: 160 }, (_, i) => (i * 7 + n) % 256));

function config(vars: Record<string, string>, extra: Partial<FunctionConfiguration> = {}): FunctionConfiguration {
  return {
    FunctionName: "orders-api",
    FunctionArn: FN_ARN,
    Environment: { Variables: vars },
    RevisionId: "rev-1",
    LastUpdateStatus: "Successful",
    ...extra,
  };
}

beforeEach(() => {
  kmsMock.reset();
  lambdaMock.reset();
  kmsMock.on(DescribeKeyCommand).resolves({
    KeyMetadata: { KeyId: "1234abcd-12ab-34cd-56ef-1234567890ab", Arn: KEY_ARN, KeyManager: "CUSTOMER", KeyState: "Enabled", KeySpec: "SYMMETRIC_DEFAULT", KeyUsage: "ENCRYPT_DECRYPT" },
  });
  let n = 0;
  kmsMock.on(EncryptCommand).callsFake(async () => ({ CiphertextBlob: blob(n++), KeyId: KEY_ARN }));
  lambdaMock.on(GetFunctionConfigurationCommand).resolves(config({ LOG_LEVEL: "debug", KEEP_ME: "yes" }));
  lambdaMock.on(UpdateFunctionConfigurationCommand).resolves({ RevisionId: "rev-2" });
});

describe("push", () => {
  it("seals with the key ARN and the function-name context, and writes the full merged map with RevisionId and KMSKeyArn", async () => {
    const secret = canary("db");
    const result = await push(deps, {
      functionName: "orders-api",
      key: "alias/app",
      secrets: { DB_PASSWORD: secret },
      plain: { LOG_LEVEL: "info" },
    });

    expect(kmsMock.commandCalls(DescribeKeyCommand)[0]!.args[0].input).toEqual({ KeyId: "alias/app" });
    const enc = kmsMock.commandCalls(EncryptCommand);
    expect(enc).toHaveLength(1);
    expect(enc[0]!.args[0].input.KeyId).toBe(KEY_ARN);
    // Wire format v2: bound to the function and to the variable that holds it.
    expect(enc[0]!.args[0].input.EncryptionContext).toEqual({ LambdaFunctionName: "orders-api", EnvsealVariable: "DB_PASSWORD" });
    expect(Buffer.from(enc[0]!.args[0].input.Plaintext as Uint8Array).toString()).toBe(secret);

    const upd = lambdaMock.commandCalls(UpdateFunctionConfigurationCommand);
    expect(upd).toHaveLength(1);
    expect(upd[0]!.args[0].input).toEqual({
      FunctionName: FN_ARN,
      RevisionId: "rev-1",
      KMSKeyArn: KEY_ARN,
      Environment: {
        Variables: {
          KEEP_ME: "yes",
          LOG_LEVEL: "info",
          DB_PASSWORD: Buffer.from(blob(0)).toString("base64"),
          ENVSEAL_SEALED: "DB_PASSWORD:v2",
        },
      },
    });
    expect(result.written).toBe(true);
    expect(result.diff.added.map((c) => `${c.name}:${c.kind}`)).toEqual(["DB_PASSWORD:sealed", "ENVSEAL_SEALED:envseal"]);
    expect(result.diff.changed.map((c) => c.name)).toEqual(["LOG_LEVEL"]);
    expectNoCanary([secret], { result: JSON.stringify(result) });
  });

  it("on 412 PreconditionFailed re-reads, re-merges onto the other writer's variables and retries with the new RevisionId", async () => {
    lambdaMock
      .on(GetFunctionConfigurationCommand)
      .resolvesOnce(config({ A: "1" }))
      .resolvesOnce(config({ A: "1", B_FROM_OTHER_WRITER: "2" }, { RevisionId: "rev-other" }))
      .resolves(config({}, { RevisionId: "rev-final" }));
    lambdaMock
      .on(UpdateFunctionConfigurationCommand)
      .rejectsOnce(sdkError("PreconditionFailedException", 412))
      .resolves({ RevisionId: "rev-3" });

    await push(deps, { functionName: "orders-api", key: "alias/app", secrets: { TOKEN: "t0ken-value" } });

    const upd = lambdaMock.commandCalls(UpdateFunctionConfigurationCommand);
    expect(upd).toHaveLength(2);
    expect(upd[0]!.args[0].input.RevisionId).toBe("rev-1");
    expect(upd[1]!.args[0].input.RevisionId).toBe("rev-other");
    expect(Object.keys(upd[1]!.args[0].input.Environment!.Variables!).sort()).toEqual(["A", "B_FROM_OTHER_WRITER", "ENVSEAL_SEALED", "TOKEN"]);
    // Sealing happens once: the retry reuses the ciphertext.
    expect(kmsMock.commandCalls(EncryptCommand)).toHaveLength(1);
  });

  it("on 409 ResourceConflict waits for the in-progress update, then retries", async () => {
    lambdaMock
      .on(GetFunctionConfigurationCommand)
      .resolvesOnce(config({ A: "1" }))
      .resolves(config({ A: "1" }, { RevisionId: "rev-after-other-update" }));
    lambdaMock
      .on(UpdateFunctionConfigurationCommand)
      .rejectsOnce(sdkError("ResourceConflictException", 409))
      .resolves({ RevisionId: "rev-9" });

    await push(deps, { functionName: "orders-api", key: "alias/app", secrets: { TOKEN: "t0ken-value" } });
    const upd = lambdaMock.commandCalls(UpdateFunctionConfigurationCommand);
    expect(upd).toHaveLength(2);
    expect(upd[1]!.args[0].input.RevisionId).toBe("rev-after-other-update");
  });

  it("gives up after bounded conflicts with an AWS error and a clear message", async () => {
    lambdaMock.on(UpdateFunctionConfigurationCommand).rejects(sdkError("PreconditionFailedException", 412));
    // The jittered pauses between conflicts run on fake timers: no wall-clock waiting, no flakiness under load.
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
    let err: unknown;
    try {
      const settled = push(deps, { functionName: "orders-api", key: "alias/app", secrets: { TOKEN: "t0ken-value" } }).then(
        () => undefined,
        (e: unknown) => e,
      );
      await vi.runAllTimersAsync();
      err = await settled;
    } finally {
      vi.useRealTimers();
    }
    expect(err).toBeInstanceOf(AwsError);
    const message = (err as Error).message;
    // The default bound (DEFAULT_MAX_CONFLICT_ATTEMPTS) is 10 sends, the first included; the message counts the same sends.
    expect(message).toContain("function orders-api kept changing under push (10 attempts); nothing was written by this run");
    expect(lambdaMock.commandCalls(UpdateFunctionConfigurationCommand)).toHaveLength(10);
  });

  it("dry run seals (to measure) but calls no write API", async () => {
    const r = await push(deps, { functionName: "orders-api", key: "alias/app", secrets: { TOKEN: "t0ken-value" }, dryRun: true });
    expect(r.dryRun).toBe(true);
    expect(r.written).toBe(false);
    expect(lambdaMock.commandCalls(UpdateFunctionConfigurationCommand)).toHaveLength(0);
    expect(r.diff.added.map((c) => c.name)).toContain("TOKEN");
  });

  it("refuses aws/lambda for sealing, explaining why, before reading or writing anything", async () => {
    kmsMock.on(DescribeKeyCommand).resolves({
      KeyMetadata: { KeyId: "k", Arn: "arn:aws:kms:eu-west-1:111122223333:key/k", KeyManager: "AWS", KeyState: "Enabled" },
    });
    const p = push(deps, { functionName: "orders-api", key: "aws/lambda", secrets: { TOKEN: "t0ken-value" } });
    await expect(p).rejects.toBeInstanceOf(InputError);
    await expect(p).rejects.toThrow(/AWS managed key: KMS lets only the owning service \(Lambda\) use it/);
    await expect(p).rejects.toMatchObject({ hint: expect.stringContaining("--at-rest-only") });
    expect(kmsMock.commandCalls(DescribeKeyCommand)[0]!.args[0].input).toEqual({ KeyId: "alias/aws/lambda" });
    expect(kmsMock.commandCalls(EncryptCommand)).toHaveLength(0);
    expect(lambdaMock.commandCalls(UpdateFunctionConfigurationCommand)).toHaveLength(0);
  });

  it("with --at-rest-only and aws/lambda stores values unsealed and clears KMSKeyArn", async () => {
    kmsMock.on(DescribeKeyCommand).resolves({
      KeyMetadata: { KeyId: "k", Arn: "arn:aws:kms:eu-west-1:111122223333:key/k", KeyManager: "AWS", KeyState: "Enabled" },
    });
    lambdaMock.on(GetFunctionConfigurationCommand).resolves(config({ A: "1" }, { KMSKeyArn: KEY_ARN }));
    await push(deps, { functionName: "orders-api", key: "aws/lambda", secrets: { TOKEN: "t0ken-value" }, atRestOnly: true });
    const input = lambdaMock.commandCalls(UpdateFunctionConfigurationCommand)[0]!.args[0].input;
    expect(input.KMSKeyArn).toBe("");
    expect(input.Environment!.Variables).toEqual({ A: "1", TOKEN: "t0ken-value" });
    expect(kmsMock.commandCalls(EncryptCommand)).toHaveLength(0);
  });

  it.each([
    ["Disabled", /is disabled, so envseal will not seal with it/],
    ["PendingDeletion", /is pending deletion, so envseal will not seal with it/],
  ])("refuses a %s key before encrypting", async (state, message) => {
    kmsMock.on(DescribeKeyCommand).resolves({ KeyMetadata: { KeyId: "k", Arn: KEY_ARN, KeyManager: "CUSTOMER", KeyState: state as KeyState } });
    await expect(push(deps, { functionName: "orders-api", key: "alias/app", secrets: { TOKEN: "t0ken-value" } })).rejects.toThrow(message);
    expect(kmsMock.commandCalls(EncryptCommand)).toHaveLength(0);
    expect(lambdaMock.commandCalls(GetFunctionConfigurationCommand)).toHaveLength(0);
  });

  it("names kms:Encrypt when Encrypt is denied, and writes nothing", async () => {
    kmsMock.on(EncryptCommand).rejects(sdkError("AccessDeniedException", 400));
    const p = push(deps, { functionName: "orders-api", key: "alias/app", secrets: { TOKEN: "t0ken-value" } });
    await expect(p).rejects.toBeInstanceOf(AwsError);
    await expect(p).rejects.toThrow(/TOKEN: access denied: the caller lacks kms:Encrypt/);
    expect(lambdaMock.commandCalls(UpdateFunctionConfigurationCommand)).toHaveLength(0);
  });

  it("names lambda:UpdateFunctionConfiguration when the write is denied", async () => {
    lambdaMock.on(UpdateFunctionConfigurationCommand).rejects(sdkError("AccessDeniedException", 403));
    await expect(push(deps, { functionName: "orders-api", key: "alias/app", secrets: { TOKEN: "t0ken-value" } })).rejects.toThrow(
      /lacks lambda:UpdateFunctionConfiguration on function orders-api/,
    );
  });

  it("reports an unknown function as input error without encrypting", async () => {
    lambdaMock.on(GetFunctionConfigurationCommand).rejects(sdkError("ResourceNotFoundException", 404));
    const p = push(deps, { functionName: "nope-fn", key: "alias/app", secrets: { TOKEN: "t0ken-value" } });
    await expect(p).rejects.toBeInstanceOf(InputError);
    await expect(p).rejects.toThrow(/function nope-fn was not found/);
    expect(kmsMock.commandCalls(EncryptCommand)).toHaveLength(0);
  });

  it("reports an unknown key or alias as input error", async () => {
    kmsMock.on(DescribeKeyCommand).rejects(sdkError("NotFoundException", 400));
    await expect(push(deps, { functionName: "orders-api", key: "alias/missing", secrets: { TOKEN: "t0ken-value" } })).rejects.toThrow(
      /KMS key alias\/missing was not found; |KMS key alias\/missing was not found/,
    );
  });

  it("refuses a map over 4096 bytes, naming the size and largest variables, and writes nothing", async () => {
    lambdaMock.on(GetFunctionConfigurationCommand).resolves(config({ BIG_PLAIN: "x".repeat(3900) }));
    const p = push(deps, { functionName: "orders-api", key: "alias/app", secrets: { TOKEN: "t0ken-value" } });
    await expect(p).rejects.toBeInstanceOf(InputError);
    await expect(p).rejects.toThrow(/the environment would be \d{4} bytes, over Lambda's limit of 4096 \(largest: BIG_PLAIN 3\d{3} B, TOKEN \d+ B/);
    expect(lambdaMock.commandCalls(UpdateFunctionConfigurationCommand)).toHaveLength(0);
  });

  it.each([
    [{ "bad-name": "v" }, /invalid variable name \(8 characters, not shown in case it is a value\): it holds a character other than/],
    [{ AWS_REGION: "v" }, /AWS_REGION is reserved by Lambda/],
    [{ AWS_LAMBDA_LOG_LEVEL: "v" }, /AWS_LAMBDA_LOG_LEVEL is reserved by Lambda/],
    [{ ENVSEAL_SEALED: "v" }, /ENVSEAL_SEALED is managed by envseal/],
  ])("refuses %o before any AWS call", async (secrets, message) => {
    await expect(push(deps, { functionName: "orders-api", key: "alias/app", secrets })).rejects.toThrow(message);
    expect(kmsMock.calls()).toHaveLength(0);
    expect(lambdaMock.calls()).toHaveLength(0);
  });

  it("asks before writing and aborts without writing when the answer is no", async () => {
    const p = push(deps, { functionName: "orders-api", key: "alias/app", secrets: { TOKEN: "t0ken-value" }, confirm: async () => false });
    await expect(p).rejects.toThrow(/declined at the prompt; nothing was written/);
    expect(lambdaMock.commandCalls(UpdateFunctionConfigurationCommand)).toHaveLength(0);
  });

  it("sets --at-rest-key aws/lambda by clearing KMSKeyArn even when sealing with a customer key", async () => {
    lambdaMock.on(GetFunctionConfigurationCommand).resolves(config({}, { KMSKeyArn: KEY_ARN }));
    kmsMock
      .on(DescribeKeyCommand, { KeyId: "alias/aws/lambda" })
      .resolves({ KeyMetadata: { KeyId: "m", Arn: "arn:aws:kms:eu-west-1:111122223333:key/m", KeyManager: "AWS", KeyState: "Enabled" } });
    await push(deps, { functionName: "orders-api", key: "alias/app", atRestKey: "aws/lambda", secrets: { TOKEN: "t0ken-value" } });
    expect(lambdaMock.commandCalls(UpdateFunctionConfigurationCommand)[0]!.args[0].input.KMSKeyArn).toBe("");
  });
});

describe("push --at-rest-key alone", () => {
  it("changes only KMSKeyArn, keeping every variable, with one update", async () => {
    lambdaMock.on(GetFunctionConfigurationCommand).resolves(config({ A1: "1", B1: "2" }));
    const r = await push(deps, { functionName: "orders-api", atRestKey: "alias/app", secrets: {} });
    const upd = lambdaMock.commandCalls(UpdateFunctionConfigurationCommand);
    expect(upd).toHaveLength(1);
    expect(upd[0]!.args[0].input).toEqual({ FunctionName: FN_ARN, RevisionId: "rev-1", KMSKeyArn: KEY_ARN, Environment: { Variables: { A1: "1", B1: "2" } } });
    expect(kmsMock.commandCalls(EncryptCommand)).toHaveLength(0);
    expect(r.atRestKey).toBe(KEY_ARN);
  });
});
