/** seal: seal a function's plaintext variables in place (KMS and Lambda mocked). */
import { beforeEach, describe, expect, it } from "vitest";
import { DescribeKeyCommand, EncryptCommand } from "@aws-sdk/client-kms";
import { GetFunctionConfigurationCommand, UpdateFunctionConfigurationCommand } from "@aws-sdk/client-lambda";
import { seal } from "../../src/ops/seal.js";
import { AwsError, Declined, InputError } from "../../src/core/errors.js";
import { canary, expectNoCanary } from "../support/canary.js";
import { sdkError } from "../support/sdk-errors.js";
import { kmsMock, lambdaMock, deps, FN_ARN, config, meta } from "../support/ops-mocks.js";

const KEY = "arn:aws:kms:eu-west-1:111122223333:key/00000000-0000-0000-0000-0000000000aa";
const AT_REST = "arn:aws:kms:eu-west-1:111122223333:key/00000000-0000-0000-0000-0000000000bb";
const blob = (name: string) => new TextEncoder().encode(`ct-${name}`.padEnd(140, "#"));
const b64 = (name: string) => Buffer.from(blob(name)).toString("base64");
const updates = () => lambdaMock.commandCalls(UpdateFunctionConfigurationCommand).map((c) => c.args[0].input);
const encrypts = () =>
  kmsMock.commandCalls(EncryptCommand).map((c) => {
    const i = c.args[0].input;
    return { KeyId: i.KeyId, EncryptionContext: i.EncryptionContext, Plaintext: Buffer.from(i.Plaintext as Uint8Array).toString() };
  });

async function failure(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (e) {
    return e as Error;
  }
  throw new Error("expected a rejection");
}

beforeEach(() => {
  kmsMock.reset();
  lambdaMock.reset();
  kmsMock.on(DescribeKeyCommand).callsFake(async (input: { KeyId?: string }) => meta(input.KeyId === "alias/app" ? KEY : input.KeyId!));
  kmsMock.on(EncryptCommand).callsFake(async (input) => ({ CiphertextBlob: blob(input.EncryptionContext!.EnvsealVariable!), KeyId: input.KeyId }));
  lambdaMock.on(UpdateFunctionConfigurationCommand).resolves({ RevisionId: "rev-2" });
});

describe("seal", () => {
  it("seals the named plaintext variables in place with the function's at-rest key, once each, and writes the full map with RevisionId", async () => {
    const db = canary("db");
    const api = canary("api");
    lambdaMock.on(GetFunctionConfigurationCommand).resolves(config({ LOG_LEVEL: "info", DB_PASSWORD: db, API_KEY: api }, { KMSKeyArn: AT_REST }));

    const r = await seal(deps, { functionName: "orders-api", names: ["DB_PASSWORD", "API_KEY", "DB_PASSWORD"] });

    expect(kmsMock.commandCalls(DescribeKeyCommand).map((c) => c.args[0].input)).toEqual([{ KeyId: AT_REST }]);
    expect(encrypts().sort((a, b) => (a.EncryptionContext!.EnvsealVariable! < b.EncryptionContext!.EnvsealVariable! ? -1 : 1))).toEqual([
      { KeyId: AT_REST, EncryptionContext: { LambdaFunctionName: "orders-api", EnvsealVariable: "API_KEY" }, Plaintext: api },
      { KeyId: AT_REST, EncryptionContext: { LambdaFunctionName: "orders-api", EnvsealVariable: "DB_PASSWORD" }, Plaintext: db },
    ]);
    // The at-rest key is already set: no KMSKeyArn in the update.
    expect(updates()).toEqual([
      {
        FunctionName: FN_ARN,
        RevisionId: "rev-1",
        Environment: { Variables: { LOG_LEVEL: "info", DB_PASSWORD: b64("DB_PASSWORD"), API_KEY: b64("API_KEY"), ENVSEAL_SEALED: "API_KEY:v2,DB_PASSWORD:v2" } },
      },
    ]);
    expect(r).toEqual({
      functionName: "orders-api",
      functionArn: FN_ARN,
      sealed: ["API_KEY", "DB_PASSWORD"],
      keyArn: AT_REST,
      diff: r.diff,
      written: true,
      live: true,
      notLiveReason: undefined,
      revisionId: "rev-1",
    });
    expect(r.diff.changed.map((c) => `${c.name}:${c.kind}`).sort()).toEqual(["API_KEY:sealed", "DB_PASSWORD:sealed"]);
    expect(r.diff.added.map((c) => c.name)).toEqual(["ENVSEAL_SEALED"]);
    expectNoCanary([db, api], { result: JSON.stringify(r) });
  });

  it("with --key and no at-rest key seals with that key and sets it as the at-rest key too", async () => {
    lambdaMock.on(GetFunctionConfigurationCommand).resolves(config({ TOKEN: "t0ken-value" }));
    const r = await seal(deps, { functionName: "orders-api", names: ["TOKEN"], key: "alias/app" });
    expect(kmsMock.commandCalls(DescribeKeyCommand).map((c) => c.args[0].input)).toEqual([{ KeyId: "alias/app" }]);
    expect(encrypts()).toEqual([{ KeyId: KEY, EncryptionContext: { LambdaFunctionName: "orders-api", EnvsealVariable: "TOKEN" }, Plaintext: "t0ken-value" }]);
    expect(updates()).toEqual([
      { FunctionName: FN_ARN, RevisionId: "rev-1", KMSKeyArn: KEY, Environment: { Variables: { TOKEN: b64("TOKEN"), ENVSEAL_SEALED: "TOKEN:v2" } } },
    ]);
    expect(r.keyArn).toBe(KEY);
    expect(r.written).toBe(true);
  });

  it("--key wins over the function's at-rest key", async () => {
    lambdaMock.on(GetFunctionConfigurationCommand).resolves(config({ TOKEN: "t0ken-value" }, { KMSKeyArn: AT_REST }));
    const r = await seal(deps, { functionName: "orders-api", names: ["TOKEN"], key: "alias/app" });
    expect(kmsMock.commandCalls(DescribeKeyCommand).map((c) => c.args[0].input)).toEqual([{ KeyId: "alias/app" }]);
    expect(encrypts().map((e) => e.KeyId)).toEqual([KEY]);
    expect(updates()[0]!.KMSKeyArn).toBeUndefined();
    expect(r.keyArn).toBe(KEY);
  });

  it("refuses an empty list of names before reading anything", async () => {
    const e = await failure(seal(deps, { functionName: "orders-api", names: [] }));
    expect(e).toBeInstanceOf(InputError);
    expect(e.message).toBe("seal needs at least one NAME");
    expect((e as InputError).hint).toBe("envseal seal --function F NAME ...");
    expect(lambdaMock.commandCalls(GetFunctionConfigurationCommand)).toHaveLength(0);
  });

  it("needs --key when the function has no customer managed at-rest key", async () => {
    lambdaMock.on(GetFunctionConfigurationCommand).resolves(config({ TOKEN: "t0ken-value" }));
    const e = await failure(seal(deps, { functionName: "orders-api", names: ["TOKEN"] }));
    expect(e).toBeInstanceOf(InputError);
    expect(e.message).toBe("seal needs --key: orders-api has no customer managed at-rest key to seal with");
    expect((e as InputError).hint).toBe("pass --key with a customer managed KMS key");
    expect(kmsMock.calls()).toHaveLength(0);
    expect(updates()).toEqual([]);
  });

  it("refuses a function whose environment it cannot read, naming seal", async () => {
    lambdaMock
      .on(GetFunctionConfigurationCommand)
      .resolves(config({}, { KMSKeyArn: AT_REST, Environment: { Error: { ErrorCode: "KMSAccessDeniedException", Message: "denied" } } }));
    const e = await failure(seal(deps, { functionName: "orders-api", names: ["TOKEN"] }));
    expect(e).toBeInstanceOf(AwsError);
    expect(e.message).toMatch(/^seal refused: /);
    expect(updates()).toEqual([]);
  });

  it("names one missing variable with 'is' and writes nothing", async () => {
    lambdaMock.on(GetFunctionConfigurationCommand).resolves(config({ APP_A: "1" }, { KMSKeyArn: AT_REST }));
    const e = await failure(seal(deps, { functionName: "orders-api", names: ["APP_A", "MISSING"] }));
    expect(e).toBeInstanceOf(InputError);
    expect(e.message).toBe("MISSING is not set on orders-api");
    expect((e as InputError).hint).toBe("seal seals variables the function has; see `envseal show --function orders-api`");
    expect(kmsMock.commandCalls(EncryptCommand)).toHaveLength(0);
    expect(updates()).toEqual([]);
  });

  it("names several missing variables with 'are'", async () => {
    lambdaMock.on(GetFunctionConfigurationCommand).resolves(config({ APP_A: "1" }, { KMSKeyArn: AT_REST }));
    const e = await failure(seal(deps, { functionName: "orders-api", names: ["Z_GONE", "APP_A", "B_GONE"] }));
    expect(e).toBeInstanceOf(InputError);
    expect(e.message).toBe("B_GONE, Z_GONE are not set on orders-api");
  });

  it("refuses a variable the manifest already lists with 'is', and writes nothing", async () => {
    lambdaMock.on(GetFunctionConfigurationCommand).resolves(config({ APP_A: "1", OLD: b64("OLD"), ENVSEAL_SEALED: "OLD:v2" }, { KMSKeyArn: AT_REST }));
    const e = await failure(seal(deps, { functionName: "orders-api", names: ["APP_A", "OLD"] }));
    expect(e).toBeInstanceOf(InputError);
    expect(e.message).toBe("OLD is sealed already");
    expect((e as InputError).hint).toBe("seal takes plaintext variables; `envseal upgrade` re-binds v1 values");
    expect(kmsMock.commandCalls(EncryptCommand)).toHaveLength(0);
    expect(updates()).toEqual([]);
  });

  it("refuses several sealed names with 'are'", async () => {
    lambdaMock.on(GetFunctionConfigurationCommand).resolves(config({ APP_A: "1", OLD: b64("OLD"), ZED: b64("ZED"), ENVSEAL_SEALED: "OLD:v2,ZED:v2" }, { KMSKeyArn: AT_REST }));
    const e = await failure(seal(deps, { functionName: "orders-api", names: ["ZED", "OLD", "APP_A"] }));
    expect(e).toBeInstanceOf(InputError);
    expect(e.message).toBe("OLD, ZED are sealed already");
  });

  it("shows the diff to confirm and writes nothing when declined", async () => {
    lambdaMock.on(GetFunctionConfigurationCommand).resolves(config({ TOKEN: "t0ken-value" }, { KMSKeyArn: AT_REST }));
    const previews: { functionName: string; names: string[] }[] = [];
    const e = await failure(
      seal(deps, {
        functionName: "orders-api",
        names: ["TOKEN"],
        confirm: async (p) => {
          previews.push({ functionName: p.functionName, names: [...p.diff.changed, ...p.diff.added].map((c) => c.name) });
          return false;
        },
      }),
    );
    expect(e).toBeInstanceOf(Declined);
    expect(previews).toEqual([{ functionName: "orders-api", names: ["TOKEN", "ENVSEAL_SEALED"] }]);
    expect(updates()).toEqual([]);
  });

  it("on 412 re-reads and seals the value as it is now, keeping the other writer's variables", async () => {
    lambdaMock
      .on(GetFunctionConfigurationCommand)
      .resolvesOnce(config({ APP_A: "1", TOKEN: "first-value" }, { KMSKeyArn: AT_REST }))
      .resolvesOnce(config({ APP_A: "1", TOKEN: "changed-value", OTHER: "2" }, { KMSKeyArn: AT_REST, RevisionId: "rev-other" }))
      .resolves(config({}, { RevisionId: "rev-final" }));
    lambdaMock.on(UpdateFunctionConfigurationCommand).rejectsOnce(sdkError("PreconditionFailedException", 412)).resolves({ RevisionId: "rev-3" });

    const r = await seal(deps, { functionName: "orders-api", names: ["TOKEN"] });

    expect(encrypts().map((x) => x.Plaintext)).toEqual(["first-value", "changed-value"]);
    const u = updates();
    expect(u).toHaveLength(2);
    expect(u[0]!.RevisionId).toBe("rev-1");
    expect(u[1]).toEqual({
      FunctionName: FN_ARN,
      RevisionId: "rev-other",
      Environment: { Variables: { APP_A: "1", OTHER: "2", TOKEN: b64("TOKEN"), ENVSEAL_SEALED: "TOKEN:v2" } },
    });
    expect(r.written).toBe(true);
    expect(r.revisionId).toBe("rev-final");
  });

  it("on 412 re-checks: a variable sealed meanwhile by another writer is refused", async () => {
    lambdaMock
      .on(GetFunctionConfigurationCommand)
      .resolvesOnce(config({ TOKEN: "first-value" }, { KMSKeyArn: AT_REST }))
      .resolves(config({ TOKEN: b64("TOKEN"), ENVSEAL_SEALED: "TOKEN:v2" }, { KMSKeyArn: AT_REST, RevisionId: "rev-other" }));
    lambdaMock.on(UpdateFunctionConfigurationCommand).rejectsOnce(sdkError("PreconditionFailedException", 412)).resolves({ RevisionId: "rev-3" });
    const e = await failure(seal(deps, { functionName: "orders-api", names: ["TOKEN"] }));
    expect(e).toBeInstanceOf(InputError);
    expect(e.message).toBe("TOKEN is sealed already");
    expect(updates()).toHaveLength(1);
  });
});

describe("seal write options", () => {
  it("passes the deps' write options and names seal when it gives up on conflicts", async () => {
    lambdaMock.on(GetFunctionConfigurationCommand).resolves(config({ TOKEN: "t0ken-value" }, { KMSKeyArn: AT_REST }));
    lambdaMock.on(UpdateFunctionConfigurationCommand).rejects(sdkError("PreconditionFailedException", 412));
    const e = await failure(seal({ ...deps, writeOptions: { maxConflictAttempts: 1 } }, { functionName: "orders-api", names: ["TOKEN"] }));
    expect(e).toBeInstanceOf(AwsError);
    expect(e.message).toBe("function orders-api kept changing under seal (1 attempts); nothing was written by this run");
    expect(updates()).toHaveLength(1);
  });
});
