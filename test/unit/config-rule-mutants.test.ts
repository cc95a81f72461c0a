/**
 * AWS Config rule internals, pinned exactly: evaluateConfigEvent with injected clients (region routing, error classes
 * and messages of every AWS call, oversized/deleted/out-of-scope handling, periodic ordering and batching), the
 * annotation's truncation at exactly 256 characters, and the item / event parsers' edge cases.
 */
import { beforeEach, describe, expect, it, vi } from "vitest";
import { mockClient } from "aws-sdk-client-mock";
import { ConfigServiceClient, GetResourceConfigHistoryCommand, PutEvaluationsCommand } from "@aws-sdk/client-config-service";
import { GetFunctionConfigurationCommand, LambdaClient, ListFunctionsCommand, type FunctionConfiguration } from "@aws-sdk/client-lambda";
import { evaluateConfigEvent, type RuleDeps } from "../../src/audit/config/rule.js";
import { ANNOTATION_MAX, annotate, verdictOf } from "../../src/audit/config/evaluate.js";
import { fromHistory, fromItem } from "../../src/audit/config/item.js";
import { parseConfigEvent } from "../../src/audit/config/event.js";
import { AwsError, InputError } from "../../src/core/errors.js";
import { errorCode } from "../../src/transport/errors.js";
import type { Finding } from "../../src/audit/types.js";
import { RESULT_TOKEN, RULE_ACCOUNT, changeEvent, historyItem, lambdaItem, oversizedEvent, scheduledEvent } from "../support/config-events.js";

const config = mockClient(ConfigServiceClient);
const lambda = mockClient(LambdaClient);
const put = () => config.commandCalls(PutEvaluationsCommand).map((c) => c.args[0].input);
const history = () => config.commandCalls(GetResourceConfigHistoryCommand).map((c) => c.args[0].input);
const cfg = (name: string, variables: Record<string, string> = {}, extra: Partial<FunctionConfiguration> = {}): FunctionConfiguration => ({
  FunctionName: name,
  FunctionArn: `arn:aws:lambda:eu-west-1:${RULE_ACCOUNT}:function:${name}`,
  Version: "$LATEST",
  Environment: { Variables: variables },
  ...extra,
});
let lambdaRegions: string[];
const deps = (extra: Partial<RuleDeps> = {}): RuleDeps => ({
  config: new ConfigServiceClient({ region: "eu-west-1" }),
  clients: {
    lambda: (r: string) => (lambdaRegions.push(r), new LambdaClient({ region: r })),
    kms: () => {
      throw new Error("no KMS in these tests");
    },
    account: () => {
      throw new Error("no account client");
    },
    defaultRegion: async () => "eu-west-1",
  } as never,
  keys: async () => ({ status: "ok", rotation: "enabled" }),
  region: "eu-west-1",
  ...extra,
});
const rejectWith = (name: string, message = name) => Object.assign(new Error(message), { name });

beforeEach(() => {
  config.reset();
  lambda.reset();
  lambdaRegions = [];
  config.on(PutEvaluationsCommand).resolves({ FailedEvaluations: [] });
});

describe("evaluateConfigEvent: AWS failures", () => {
  it("GetResourceConfigHistory failing is an AwsError of that operation", async () => {
    config.on(GetResourceConfigHistoryCommand).rejects(rejectWith("ThrottlingException", "slow down"));
    const err = await evaluateConfigEvent(oversizedEvent(lambdaItem(cfg("h"))), deps()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AwsError);
    expect(err).toMatchObject({ operation: "config:GetResourceConfigHistory", code: "ThrottlingException" });
    expect((err as Error).message).toBe("config:GetResourceConfigHistory: AWS throttled the request and retries ran out (ThrottlingException)");
    expect(put()).toEqual([]);
  });

  it("an error the common mapping turns into an InputError is still an AwsError with the code and operation", async () => {
    const cause = new Error("Region is missing");
    config.on(GetResourceConfigHistoryCommand).rejects(cause);
    const err = (await evaluateConfigEvent(oversizedEvent(lambdaItem(cfg("h"))), deps()).catch((e: unknown) => e)) as AwsError;
    expect(err).toBeInstanceOf(AwsError);
    expect(err.message).toBe("no AWS region is set");
    expect(err.operation).toBe("config:GetResourceConfigHistory");
    expect(err.code).toBe(errorCode(cause));
    expect(err.code).toBeTruthy();
  });

  it("GetFunctionConfiguration failing other than not-found fails the invocation (no evaluation)", async () => {
    lambda.on(GetFunctionConfigurationCommand).rejects(rejectWith("ServiceException", "boom"));
    const err = (await evaluateConfigEvent(changeEvent(lambdaItem(cfg("live"), { withEnvironment: false })), deps()).catch((e: unknown) => e)) as AwsError;
    expect(err).toBeInstanceOf(AwsError);
    expect(err.operation).toBe("lambda:GetFunctionConfiguration");
    expect(err.message).toBe("lambda:GetFunctionConfiguration failed: ServiceException");
    expect(put()).toEqual([]);
  });

  it("PutEvaluations failing is an AwsError of config:PutEvaluations", async () => {
    config.on(PutEvaluationsCommand).rejects(rejectWith("InternalFailure", "x"));
    const err = (await evaluateConfigEvent(changeEvent(lambdaItem(cfg("p"))), deps()).catch((e: unknown) => e)) as AwsError;
    expect(err).toBeInstanceOf(AwsError);
    expect(err.operation).toBe("config:PutEvaluations");
    expect(err.message).toBe("config:PutEvaluations failed: InternalFailure");
  });

  it("a PutEvaluations answer without FailedEvaluations is success", async () => {
    config.on(PutEvaluationsCommand).resolves({});
    await expect(evaluateConfigEvent(changeEvent(lambdaItem(cfg("p"))), deps())).resolves.toMatchObject({ kind: "change" });
  });

  it("evaluations Config did not take: exact message, code, operation and hint (one / several, id missing)", async () => {
    const ev = { ComplianceResourceType: "AWS::Lambda::Function", ComplianceType: "COMPLIANT" as const, OrderingTimestamp: new Date() };
    config.on(PutEvaluationsCommand).resolves({ FailedEvaluations: [{ ...ev, ComplianceResourceId: "fn-a" }] });
    const one = (await evaluateConfigEvent(changeEvent(lambdaItem(cfg("p"))), deps()).catch((e: unknown) => e)) as AwsError;
    expect(one).toBeInstanceOf(AwsError);
    expect(one.message).toBe("config:PutEvaluations did not take 1 evaluation (first: fn-a)");
    expect(one.code).toBe("FailedEvaluations");
    expect(one.operation).toBe("config:PutEvaluations");
    expect(one.hint).toBe("AWS Config invokes the rule again later");
    config.on(PutEvaluationsCommand).resolves({ FailedEvaluations: [{ ...ev } as never, { ...ev, ComplianceResourceId: "fn-b" }] });
    const two = (await evaluateConfigEvent(changeEvent(lambdaItem(cfg("p"))), deps()).catch((e: unknown) => e)) as AwsError;
    expect(two.message).toBe("config:PutEvaluations did not take 2 evaluations (first: ?)");
  });
});

describe("evaluateConfigEvent: change and oversized items", () => {
  it("reads the function in the item's region, and judges it in that region", async () => {
    const live = { FunctionName: "far", Version: "$LATEST", KMSKeyArn: `arn:aws:kms:us-east-1:${RULE_ACCOUNT}:key/k`, Role: "arn:aws:iam::1:role/r", Environment: { Variables: { LOG_LEVEL: "info" } } };
    lambda.on(GetFunctionConfigurationCommand).resolves(live);
    const base = lambdaItem(cfg("far"), { withEnvironment: false });
    const item: Record<string, unknown> = { ...base, awsRegion: "us-east-1", ARN: undefined, configuration: { ...(base.configuration as Record<string, unknown>), functionArn: undefined } };
    const lookup = vi.fn(async () => undefined);
    await evaluateConfigEvent(changeEvent(item), deps({ access: { lookup } as never }));
    expect(lambdaRegions).toEqual(["us-east-1"]);
    expect(lambda.commandCalls(GetFunctionConfigurationCommand).map((c) => c.args[0].input)).toEqual([{ FunctionName: "far" }]);
    expect(lookup).toHaveBeenCalledTimes(1);
    expect((lookup.mock.calls[0] as unknown as [{ region: string }])[0].region).toBe("us-east-1");
  });

  it("an oversized notification without history items evaluates the summary (read from Lambda)", async () => {
    config.on(GetResourceConfigHistoryCommand).resolves({});
    lambda.on(GetFunctionConfigurationCommand).resolves(cfg("sum", { LOG_LEVEL: "info" }, { KMSKeyArn: `arn:aws:kms:eu-west-1:${RULE_ACCOUNT}:key/k` }));
    const r = await evaluateConfigEvent(oversizedEvent(lambdaItem(cfg("sum"))), deps());
    expect(history()).toHaveLength(1);
    expect(r).toEqual({
      kind: "oversized",
      evaluations: [{ ComplianceResourceType: "AWS::Lambda::Function", ComplianceResourceId: "sum", ComplianceType: "COMPLIANT", Annotation: "envseal: no finding", OrderingTimestamp: new Date("2026-11-30T09:00:05.123Z") }],
    });
  });

  it("the summary's status wins over the history item's", async () => {
    const item = lambdaItem(cfg("st", { LOG_LEVEL: "info" }, { KMSKeyArn: `arn:aws:kms:eu-west-1:${RULE_ACCOUNT}:key/k` }));
    config.on(GetResourceConfigHistoryCommand).resolves({
      configurationItems: [{ ...historyItem(item), configurationItemStatus: "ResourceDeleted", configurationItemCaptureTime: new Date("2026-11-30T09:00:05.123Z") } as never],
    });
    const r = await evaluateConfigEvent(oversizedEvent(item), deps());
    expect(r.evaluations[0]).toMatchObject({ ComplianceType: "COMPLIANT", Annotation: "envseal: no finding" });
  });

  it("an oversized notification of a deleted function or one out of scope is NOT_APPLICABLE without fetching history", async () => {
    config.on(GetResourceConfigHistoryCommand).rejects(new Error("must not be called"));
    const deleted = await evaluateConfigEvent(oversizedEvent(lambdaItem(cfg("del"), { status: "ResourceDeleted" })), deps());
    const scoped = { ...oversizedEvent(lambdaItem(cfg("out"))), eventLeftScope: true };
    const left = await evaluateConfigEvent(scoped, deps());
    expect(history()).toEqual([]);
    expect(lambda.calls()).toEqual([]);
    expect([deleted, left]).toEqual([
      {
        kind: "oversized",
        evaluations: [{ ComplianceResourceType: "AWS::Lambda::Function", ComplianceResourceId: "del", ComplianceType: "NOT_APPLICABLE", Annotation: "envseal: the function was deleted", OrderingTimestamp: new Date("2026-11-30T09:00:05.123Z") }],
      },
      {
        kind: "oversized",
        evaluations: [{ ComplianceResourceType: "AWS::Lambda::Function", ComplianceResourceId: "out", ComplianceType: "NOT_APPLICABLE", Annotation: "envseal: the function left the rule's scope", OrderingTimestamp: new Date("2026-11-30T09:00:05.123Z") }],
      },
    ]);
    expect(put().map((p) => p.ResultToken)).toEqual([RESULT_TOKEN, RESULT_TOKEN]);
  });
});

describe("evaluateConfigEvent: periodic", () => {
  const list = (fns: FunctionConfiguration[]) =>
    lambda.on(ListFunctionsCommand).callsFake(async (input: { Marker?: string }) => {
      const start = Number(input.Marker ?? 0);
      return { Functions: fns.slice(start, start + 50), ...(start + 50 < fns.length ? { NextMarker: String(start + 50) } : {}) };
    });

  it("no function: no PutEvaluations call, kind periodic, no evaluations", async () => {
    list([]);
    await expect(evaluateConfigEvent(scheduledEvent(), deps())).resolves.toEqual({ kind: "periodic", evaluations: [] });
    expect(put()).toEqual([]);
  });

  it("evaluations sorted by function name whatever the listing order; a clean function says no finding", async () => {
    const key = { KMSKeyArn: `arn:aws:kms:eu-west-1:${RULE_ACCOUNT}:key/k` };
    list([cfg("charlie", { LOG_LEVEL: "info" }, key), cfg("alpha", { LOG_LEVEL: "info" }, key), cfg("bravo", { LOG_LEVEL: "info" }, key)]);
    const r = await evaluateConfigEvent(scheduledEvent("2026-11-30T12:00:00.000Z"), deps());
    const at = new Date("2026-11-30T12:00:00.000Z");
    const expected = ["alpha", "bravo", "charlie"].map((n) => ({ ComplianceResourceType: "AWS::Lambda::Function", ComplianceResourceId: n, ComplianceType: "COMPLIANT", Annotation: "envseal: no finding", OrderingTimestamp: at }));
    expect(r).toEqual({ kind: "periodic", evaluations: expected });
    expect(put()).toEqual([{ Evaluations: expected, ResultToken: RESULT_TOKEN }]);
  });

  it("exactly 100 functions: exactly one PutEvaluations call", async () => {
    list(Array.from({ length: 100 }, (_, i) => cfg(`f${String(i).padStart(3, "0")}`)));
    await evaluateConfigEvent(scheduledEvent(), deps());
    expect(put().map((p) => p.Evaluations!.length)).toEqual([100]);
  });
});

const finding = (ruleId: string, variable: string | null, severity: Finding["severity"] = "high", version = "$LATEST"): Finding =>
  ({ ruleId, severity, region: "eu-west-1", functionName: "f", functionArn: "arn", version, variable, message: "m", remediation: "r" }) as Finding;

describe("annotate and verdictOf", () => {
  it("rules sorted, variables sorted within a rule, duplicates once, no (+0 more) when everything fits", () => {
    const fs = [finding("ES004", null), finding("ES001", "C_VAR"), finding("ES001", "A_VAR"), finding("ES001", "C_VAR"), finding("ES001", "B_VAR"), finding("ES002", "Z")];
    expect(annotate("p: ", fs, " s")).toBe("p: ES001 A_VAR, B_VAR, C_VAR; ES002 Z; ES004 s");
  });

  it("a rule's unnamed finding sorts before its named ones (visible when truncated)", () => {
    const long = "A".repeat(250);
    const fs = [finding("ES001", `${long}B`), finding("ES001", null), finding("ES001", `${long}A`)];
    // No named finding fits; k = 1 is the unnamed finding ("ES001"), then two more.
    expect(annotate("x: ", fs)).toBe("x: ES001 (+2 more)");
  });

  it("the text may be exactly 256 characters", () => {
    const prefix = "p: ES001 ".length;
    const name = "N".repeat(ANNOTATION_MAX - prefix);
    const out = annotate("p: ", [finding("ES001", name)]);
    expect(out).toBe(`p: ES001 ${name}`);
    expect(out).toHaveLength(ANNOTATION_MAX);
  });

  it("truncation counts what is left out", () => {
    const fs = Array.from({ length: 5 }, (_, i) => finding("ES001", `${String(i)}${"X".repeat(79)}`));
    const out = annotate("p: ", fs, " s");
    expect(out).toBe(`p: ES001 ${fs[0]!.variable}, ${fs[1]!.variable} (+3 more) s`);
  });

  it("when not even one item fits: only the count, with the suffix", () => {
    const out = annotate("envseal: ", [finding("ES001", "N".repeat(250))], " (at or above high)");
    expect(out).toBe("envseal: (+1 more) (at or above high)");
  });

  it("a prefix too long for the count alone is cut at 256 characters", () => {
    const prefix = "P".repeat(250);
    const out = annotate(prefix, [finding("ES001", "A")], "S".repeat(10));
    expect(out).toBe(`${prefix}(+1 mo`);
    expect(out).toHaveLength(ANNOTATION_MAX);
  });

  it("verdicts name versions of published findings", () => {
    expect(verdictOf([finding("ES009", "K", "high", "3"), finding("ES004", null, "low")], "high", [])).toEqual({ compliance: "NON_COMPLIANT", annotation: "envseal: ES009 K@v3 (at or above high)" });
  });
});

describe("fromItem / fromHistory / parseConfigEvent edges", () => {
  const item = (environment: unknown) => ({ resourceType: "AWS::Lambda::Function", resourceId: "fn", configuration: { functionName: "fn", environment } });

  it("an environment without variables (absent or null) is carried: no Variables", () => {
    expect(fromItem(item({}))).toEqual({ FunctionName: "fn", Environment: {} });
    expect(fromItem(item({ variables: null }))).toEqual({ FunctionName: "fn", Environment: {} });
    // GetFunctionConfiguration's spelling with an explicit null (vars is null only then: `variables ?? Variables`).
    expect(fromItem(item({ Variables: null }))).toEqual({ FunctionName: "fn", Environment: {} });
  });

  it("variables that are not an object of strings count as not carried", () => {
    expect(fromItem(item({ variables: ["a"] }))).toBeUndefined();
    expect(fromItem(item({ variables: "abc" }))).toBeUndefined();
    expect(fromItem(item({ variables: { A: "x", B: 1 } }))).toBeUndefined();
    expect(fromItem(item(["x"]))).toBeUndefined();
    expect(fromItem(item({ variables: { A: "x" } }))).toEqual({ FunctionName: "fn", Environment: { Variables: { A: "x" } } });
  });

  it("fromHistory keeps a configuration that is already an object, and drops one that is not JSON", () => {
    const c = { functionName: "fn" };
    expect(fromHistory({ resourceType: "AWS::Lambda::Function", resourceId: "fn", configuration: c as never }).configuration).toEqual(c);
    expect(fromHistory({ resourceType: "AWS::Lambda::Function", resourceId: "fn", configuration: "{bad" }).configuration).toBeUndefined();
  });

  it("a change notification without its item says the item is missing", () => {
    const event = { resultToken: "t", invokingEvent: JSON.stringify({ messageType: "ConfigurationItemChangeNotification" }) };
    expect(() => parseConfigEvent(event)).toThrow(InputError);
    expect(() => parseConfigEvent(event)).toThrow("AWS Config event: configurationItem is missing");
    const nulled = { resultToken: "t", invokingEvent: JSON.stringify({ messageType: "ConfigurationItemChangeNotification", configurationItem: null }) };
    expect(() => parseConfigEvent(nulled)).toThrow("AWS Config event: configurationItem is missing");
  });
});
