import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import fc from "fast-check";
import { mockClient } from "aws-sdk-client-mock";
import {
  GetFunctionConfigurationCommand,
  LambdaClient,
  UpdateFunctionConfigurationCommand,
  type FunctionConfiguration,
} from "@aws-sdk/client-lambda";
import {
  conflictDelayMs,
  DEFAULT_CONFLICT_BASE_DELAY_MS,
  DEFAULT_CONFLICT_MAX_DELAY_MS,
  DEFAULT_MAX_CONFLICT_ATTEMPTS,
  writeEnvironment,
} from "../../src/lambda/write.js";
import { toFunctionState, type FunctionState } from "../../src/lambda/config.js";
import { sdkError } from "../support/sdk-errors.js";
import { AwsError } from "../../src/core/errors.js";

const lambdaMock = mockClient(LambdaClient);
const FN_ARN = "arn:aws:lambda:eu-west-1:111122223333:function:orders-api";

function config(vars: Record<string, string>, revision: string): FunctionConfiguration {
  return { FunctionName: "orders-api", FunctionArn: FN_ARN, Environment: { Variables: vars }, RevisionId: revision, LastUpdateStatus: "Successful" };
}
/** The plan every writer of the race runs: add one variable to whatever is there. */
const addOne = (s: FunctionState) => ({ variables: { ...s.variables, MINE: "m" } });
const initial = () => toFunctionState(config({ A: "1" }, "rev-1"), "orders-api");
/** Pauses writeEnvironment asked for (the SDK waiter's own 300 s bound is left out). */
const pauses = (spy: { mock: { calls: unknown[][] } }) => spy.mock.calls.map((c) => c[1] as number).filter((ms) => ms < 10_000);

beforeEach(() => {
  lambdaMock.reset();
  lambdaMock.on(UpdateFunctionConfigurationCommand).resolves({ RevisionId: "rev-written" });
});
afterEach(() => vi.restoreAllMocks());

describe("conflictDelayMs: full jitter over an exponential ceiling", () => {
  it("stays in [0, min(max, base × 2^(n-1))) for every conflict count and random draw", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 60 }), fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), (n, r) => {
        const d = conflictDelayMs(n, {}, () => r);
        const ceiling = Math.min(DEFAULT_CONFLICT_MAX_DELAY_MS, DEFAULT_CONFLICT_BASE_DELAY_MS * 2 ** (n - 1));
        return Number.isInteger(d) && d >= 0 && d < ceiling;
      }),
    );
  });

  it("doubles the ceiling per conflict and caps it at conflictMaxDelayMs", () => {
    const top = () => 0.999999;
    expect([1, 2, 3, 4, 5, 6].map((n) => conflictDelayMs(n, { conflictBaseDelayMs: 100, conflictMaxDelayMs: 1000 }, top))).toEqual([
      99, 199, 399, 799, 999, 999,
    ]);
    expect(conflictDelayMs(3, {}, () => 0.5)).toBe(200);
    expect(conflictDelayMs(4, {}, () => 0)).toBe(0);
  });
});

describe("writeEnvironment: retry policy on conflicts", () => {
  it("after each 412 pauses with growing jitter, re-reads, re-runs the plan on the fresh state and sends the fresh RevisionId", async () => {
    vi.spyOn(Math, "random").mockReturnValue(0.5);
    const timers = vi.spyOn(globalThis, "setTimeout");
    lambdaMock
      .on(GetFunctionConfigurationCommand)
      .resolvesOnce(config({ A: "1", OTHER_1: "x" }, "rev-2"))
      .resolvesOnce(config({ A: "1", OTHER_1: "x", OTHER_2: "y" }, "rev-3"))
      .resolvesOnce(config({ A: "1", OTHER_1: "x", OTHER_2: "y", OTHER_3: "z" }, "rev-4"))
      .resolves(config({}, "rev-final"));
    lambdaMock
      .on(UpdateFunctionConfigurationCommand)
      .rejectsOnce(sdkError("PreconditionFailedException", 412))
      .rejectsOnce(sdkError("PreconditionFailedException", 412))
      .rejectsOnce(sdkError("PreconditionFailedException", 412))
      .resolves({ RevisionId: "rev-5" });

    const result = await writeEnvironment(new LambdaClient({ region: "eu-west-1" }), initial(), addOne);

    const calls = lambdaMock.commandCalls(UpdateFunctionConfigurationCommand).map((c) => c.args[0].input);
    expect(calls.map((i) => i.RevisionId)).toEqual(["rev-1", "rev-2", "rev-3", "rev-4"]);
    expect(calls[3]!.Environment!.Variables).toEqual({ A: "1", OTHER_1: "x", OTHER_2: "y", OTHER_3: "z", MINE: "m" });
    expect(result.attempts).toBe(4);
    expect(result.revisionId).toBe("rev-final");
    // Half of 100, 200, 400 ms: the ceiling doubles after each conflict.
    expect(pauses(timers)).toEqual([50, 100, 200]);
  });

  it(`gives up after ${DEFAULT_MAX_CONFLICT_ATTEMPTS} attempts by default, naming the count, having written nothing`, async () => {
    lambdaMock.on(GetFunctionConfigurationCommand).resolves(config({ A: "1" }, "rev-moving"));
    lambdaMock.on(UpdateFunctionConfigurationCommand).rejects(sdkError("PreconditionFailedException", 412));
    const p = writeEnvironment(new LambdaClient({ region: "eu-west-1" }), initial(), addOne, { conflictBaseDelayMs: 1 });
    await expect(p).rejects.toBeInstanceOf(AwsError);
    await expect(p).rejects.toThrow(`kept changing under the write (${DEFAULT_MAX_CONFLICT_ATTEMPTS} attempts); nothing was written by this run`);
    expect(lambdaMock.commandCalls(UpdateFunctionConfigurationCommand)).toHaveLength(DEFAULT_MAX_CONFLICT_ATTEMPTS);
  });

  it("maxConflictAttempts bounds the attempts", async () => {
    lambdaMock.on(GetFunctionConfigurationCommand).resolves(config({ A: "1" }, "rev-moving"));
    lambdaMock.on(UpdateFunctionConfigurationCommand).rejects(sdkError("PreconditionFailedException", 412));
    const p = writeEnvironment(new LambdaClient({ region: "eu-west-1" }), initial(), addOne, { maxConflictAttempts: 3, conflictBaseDelayMs: 1 });
    await expect(p).rejects.toThrow("(3 attempts)");
    expect(lambdaMock.commandCalls(UpdateFunctionConfigurationCommand)).toHaveLength(3);
  });

  it("a 409 waits for the update in progress with the SDK waiter, not with the 412 pause", async () => {
    const timers = vi.spyOn(globalThis, "setTimeout");
    lambdaMock.on(GetFunctionConfigurationCommand).resolves(config({ A: "1" }, "rev-2"));
    lambdaMock.on(UpdateFunctionConfigurationCommand).rejectsOnce(sdkError("ResourceConflictException", 409)).resolves({ RevisionId: "rev-3" });
    const result = await writeEnvironment(new LambdaClient({ region: "eu-west-1" }), initial(), addOne);
    expect(result.attempts).toBe(2);
    expect(pauses(timers)).toEqual([]);
    expect(lambdaMock.commandCalls(UpdateFunctionConfigurationCommand)[1]!.args[0].input.RevisionId).toBe("rev-2");
  });

  it("leaves transport faults to the SDK's retry strategy: a throttle (never applied) is neither retried nor re-read here", async () => {
    lambdaMock.on(UpdateFunctionConfigurationCommand).rejects(sdkError("TooManyRequestsException", 429));
    const p = writeEnvironment(new LambdaClient({ region: "eu-west-1" }), initial(), addOne, { command: "push" });
    await expect(p).rejects.toBeInstanceOf(AwsError);
    await expect(p).rejects.not.toThrow(/may have been applied|could not tell/);
    expect(lambdaMock.commandCalls(UpdateFunctionConfigurationCommand)).toHaveLength(1);
    expect(lambdaMock.commandCalls(GetFunctionConfigurationCommand)).toHaveLength(0);
  });

  it("after a 500 (the update may have landed) re-reads once: not applied → says so, and sends nothing more", async () => {
    lambdaMock.on(GetFunctionConfigurationCommand).resolves(config({ A: "1" }, "rev-1"));
    lambdaMock.on(UpdateFunctionConfigurationCommand).rejects(sdkError("ServiceException", 500));
    const p = writeEnvironment(new LambdaClient({ region: "eu-west-1" }), initial(), addOne, { command: "push" });
    await expect(p).rejects.toThrow(/ServiceException.*; it was not applied \(envseal read the function back\): nothing was written by this run/);
    expect(lambdaMock.commandCalls(UpdateFunctionConfigurationCommand)).toHaveLength(1);
    expect(lambdaMock.commandCalls(GetFunctionConfigurationCommand)).toHaveLength(1);
  });

  it("after a 500 and a failed read-back, never says nothing was written", async () => {
    lambdaMock.on(GetFunctionConfigurationCommand).rejects(sdkError("ServiceException", 500));
    lambdaMock.on(UpdateFunctionConfigurationCommand).rejects(sdkError("ServiceException", 500));
    const p = writeEnvironment(new LambdaClient({ region: "eu-west-1" }), initial(), addOne, { command: "rotate" });
    await expect(p).rejects.toThrow(/rotate could not tell whether the update was applied: check with `envseal show --function orders-api`/);
    await expect(p).rejects.not.toThrow(/nothing was written/);
  });

  it("after a 500 whose update did land, re-reads, finds the change in place and reports it written", async () => {
    lambdaMock.on(GetFunctionConfigurationCommand).resolves(config({ A: "1", MINE: "m" }, "rev-2"));
    lambdaMock.on(UpdateFunctionConfigurationCommand).rejects(sdkError("ServiceException", 500));
    const r = await writeEnvironment(new LambdaClient({ region: "eu-west-1" }), initial(), addOne, { command: "push" });
    expect(r.written?.variables).toEqual({ A: "1", MINE: "m" });
    expect(r.recovered).toBe(true);
    expect(r.live).toBe(true);
    expect(lambdaMock.commandCalls(UpdateFunctionConfigurationCommand)).toHaveLength(1);
  });

  it("refuses to write a state that carries Environment.Error (exit 3), naming the at-rest key and kms:Decrypt", async () => {
    const unreadable = toFunctionState(
      { FunctionName: "orders-api", FunctionArn: FN_ARN, KMSKeyArn: "arn:aws:kms:eu-west-1:111122223333:key/k1", Environment: { Error: { ErrorCode: "AccessDeniedException", Message: "Lambda was unable to decrypt the environment variables because KMS access was denied" } }, RevisionId: "rev-1" },
      "orders-api",
    );
    const p = writeEnvironment(new LambdaClient({ region: "eu-west-1" }), unreadable, addOne, { command: "push" });
    await expect(p).rejects.toMatchObject({ exitCode: 3, code: "EnvironmentUnreadable" });
    await expect(p).rejects.toThrow(/push refused: Lambda could not decrypt the environment of orders-api .*nothing was written/);
    await expect(p).rejects.toMatchObject({ hint: expect.stringContaining("kms:Decrypt on the at-rest key arn:aws:kms:eu-west-1:111122223333:key/k1") });
    expect(lambdaMock.commandCalls(UpdateFunctionConfigurationCommand)).toHaveLength(0);
  });

  it("a plan that changes nothing writes nothing", async () => {
    const r = await writeEnvironment(new LambdaClient({ region: "eu-west-1" }), initial(), (s) => ({ variables: { ...s.variables } }));
    expect(r.written).toBeNull();
    expect(lambdaMock.commandCalls(UpdateFunctionConfigurationCommand)).toHaveLength(0);
  });
});

describe("writeEnvironment: waiting until the update is live, bounded", () => {
  it("returns live: false with the reason when LastUpdateStatus stays InProgress past maxWaitSeconds", async () => {
    lambdaMock.on(GetFunctionConfigurationCommand).resolves({ ...config({ A: "1", MINE: "m" }, "rev-2"), LastUpdateStatus: "InProgress" });
    const started = Date.now();
    const r = await writeEnvironment(new LambdaClient({ region: "eu-west-1" }), initial(), addOne, { maxWaitSeconds: 1, minDelaySeconds: 0.2 });
    expect(r.written).not.toBeNull();
    expect(r.live).toBe(false);
    expect(r.notLiveReason).toBe("LastUpdateStatus was not Successful within 1 s");
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it("returns live: false when the function cannot be read back", async () => {
    lambdaMock.on(GetFunctionConfigurationCommand).rejects(sdkError("ServiceException", 500));
    const r = await writeEnvironment(new LambdaClient({ region: "eu-west-1" }), initial(), addOne, { maxWaitSeconds: 1, minDelaySeconds: 0.2 });
    expect(r.live).toBe(false);
    expect(r.notLiveReason).toBe("the function could not be read back within 1 s");
  });

  it("a Failed update is an error that says the configuration was written but not applied", async () => {
    lambdaMock.on(GetFunctionConfigurationCommand).resolves({ ...config({ A: "1", MINE: "m" }, "rev-2"), LastUpdateStatus: "Failed", LastUpdateStatusReasonCode: "KMSKeyAccessDenied" });
    await expect(writeEnvironment(new LambdaClient({ region: "eu-west-1" }), initial(), addOne)).rejects.toThrow(
      "the configuration of orders-api was written but Lambda could not apply it: KMSKeyAccessDenied",
    );
  });
});
