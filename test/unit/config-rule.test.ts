/**
 * The AWS Config rule handler with aws-sdk-client-mock, on events in Config's own shapes: the exact PutEvaluations input
 * for change-triggered, oversized (GetResourceConfigHistory), deleted and periodic evaluations; annotations of at most
 * 256 characters naming rules and variables, never values; key lookups cached across invocations; and every AWS call
 * covered by the "config-rule" permissions (and every permission used).
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { mockClient } from "aws-sdk-client-mock";
import { ConfigServiceClient, GetResourceConfigHistoryCommand, PutEvaluationsCommand } from "@aws-sdk/client-config-service";
import { GetFunctionConfigurationCommand, LambdaClient, ListFunctionsCommand, type FunctionConfiguration } from "@aws-sdk/client-lambda";
import { DescribeKeyCommand, GetKeyPolicyCommand, GetKeyRotationStatusCommand, KMSClient, ListGrantsCommand } from "@aws-sdk/client-kms";
import { IAMClient, SimulatePrincipalPolicyCommand } from "@aws-sdk/client-iam";
import { resetConfigRuleState, runConfigRule } from "../../handlers/config-rule.js";
import { ANNOTATION_MAX } from "../../src/audit/config/evaluate.js";
import { AUDIT_PERMISSIONS } from "../../src/audit/permissions.js";
import { AwsError, InputError } from "../../src/core/errors.js";
import { canary, expectNoCanary } from "../support/canary.js";
import { RESULT_TOKEN, RULE_ACCOUNT, changeEvent, historyItem, lambdaItem, oversizedEvent, scheduledEvent } from "../support/config-events.js";

const config = mockClient(ConfigServiceClient);
const lambda = mockClient(LambdaClient);
const kms = mockClient(KMSClient);
const iam = mockClient(IAMClient);
const STRIPE = `sk_live_${"4eC39HqLyjWDarjtT1zdp7dc"}`;
const KEY = `arn:aws:kms:eu-west-1:${RULE_ACCOUNT}:key/k1`;
const env = { AWS_REGION: "eu-west-1" };
const ROLE = `arn:aws:iam::${RULE_ACCOUNT}:role/app`;
const rootDelegation = JSON.stringify({
  Version: "2012-10-17",
  Statement: [{ Effect: "Allow", Principal: { AWS: `arn:aws:iam::${RULE_ACCOUNT}:root` }, Action: "kms:*", Resource: "*" }],
});
const lines: string[] = [];
const run = (event: unknown, now = () => 1_000_000) => runConfigRule(event, { env, now, log: (l) => lines.push(l) });
const cfg = (name: string, variables: Record<string, string> = {}, extra: Partial<FunctionConfiguration> = {}): FunctionConfiguration => ({
  FunctionName: name,
  FunctionArn: `arn:aws:lambda:eu-west-1:${RULE_ACCOUNT}:function:${name}`,
  Version: "$LATEST",
  Environment: { Variables: variables },
  ...extra,
});
const put = () => config.commandCalls(PutEvaluationsCommand).map((c) => c.args[0].input);
/** Every AWS action the handler called in this file, from the mocks' calls. */
const called = new Set<string>();

beforeEach(() => {
  for (const m of [config, lambda, kms, iam]) m.reset();
  resetConfigRuleState();
  lines.length = 0;
  config.on(PutEvaluationsCommand).resolves({ FailedEvaluations: [] });
  kms.on(DescribeKeyCommand).resolves({ KeyMetadata: { KeyId: "k1", Arn: KEY, KeyState: "Enabled", KeyManager: "CUSTOMER" } });
  kms.on(GetKeyRotationStatusCommand).resolves({ KeyRotationEnabled: true });
  // ES014's lookups: the key policy delegates to IAM, no grants, the role's policies allow kms:Decrypt.
  kms.on(GetKeyPolicyCommand).resolves({ Policy: rootDelegation });
  kms.on(ListGrantsCommand).resolves({ Grants: [] });
  iam.on(SimulatePrincipalPolicyCommand).resolves({ EvaluationResults: [{ EvalActionName: "kms:Decrypt", EvalDecision: "allowed" }] });
});
afterEach(() => {
  const names = (m: { calls(): Array<{ args: unknown[] }> }, service: string) =>
    m.calls().map((c) => `${service}:${(c.args[0] as { constructor: { name: string } }).constructor.name.replace(/Command$/, "")}`);
  for (const a of [...names(config, "config"), ...names(lambda, "lambda"), ...names(kms, "kms"), ...names(iam, "iam")]) called.add(a);
});

describe("Config rule: change-triggered", () => {
  it("a plaintext secret in the recorded item is NON_COMPLIANT; the exact evaluation, no Lambda call", async () => {
    const item = lambdaItem(cfg("orders-api", { STRIPE_KEY: STRIPE, LOG_LEVEL: "info" }, { KMSKeyArn: KEY }));
    const summary = await run(changeEvent(item));
    expect(put()).toEqual([
      {
        Evaluations: [
          {
            ComplianceResourceType: "AWS::Lambda::Function",
            ComplianceResourceId: "orders-api",
            ComplianceType: "NON_COMPLIANT",
            Annotation: "envseal: ES001 STRIPE_KEY (at or above high)",
            OrderingTimestamp: new Date("2026-11-30T09:00:05.123Z"),
          },
        ],
        ResultToken: RESULT_TOKEN,
      },
    ]);
    expect(lambda.calls()).toHaveLength(0);
    expect(kms.commandCalls(DescribeKeyCommand).map((c) => c.args[0].input)).toEqual([{ KeyId: KEY }]);
    expect(summary).toEqual({ type: "envseal.config.evaluations", kind: "change", compliant: 0, nonCompliant: 1, notApplicable: 0 });
    expect(lines).toEqual([JSON.stringify(summary)]);
  });

  it("an item without the environment is read from Lambda; below failOn it is COMPLIANT and says what is below", async () => {
    const live = cfg("billing", { DB_PASSWORD: "correct-horse-battery" });
    lambda.on(GetFunctionConfigurationCommand).resolves(live);
    await run(changeEvent(lambdaItem(live, { withEnvironment: false })));
    expect(lambda.commandCalls(GetFunctionConfigurationCommand).map((c) => c.args[0].input)).toEqual([{ FunctionName: live.FunctionArn }]);
    expect(put()[0]!.Evaluations).toEqual([expect.objectContaining({ ComplianceType: "COMPLIANT", Annotation: "envseal: nothing at or above high; below: ES001 DB_PASSWORD; ES004" })]);
  });

  it("ruleParameters failOn and ignore change the verdict", async () => {
    const item = lambdaItem(cfg("billing", { DB_PASSWORD: "correct-horse-battery" }));
    await run(changeEvent(item, { failOn: "medium" }));
    await run(changeEvent(item, { failOn: "low", ignore: "ES001,ES004:bill*" }));
    expect(put().map((p) => [p.Evaluations![0]!.ComplianceType, p.Evaluations![0]!.Annotation])).toEqual([
      ["NON_COMPLIANT", "envseal: ES001 DB_PASSWORD (at or above medium)"],
      ["COMPLIANT", "envseal: no finding"],
    ]);
  });

  it("deleted, out of scope, other resource types and vanished functions are NOT_APPLICABLE", async () => {
    const fnCfg = cfg("gone", { API_TOKEN: "abc" });
    lambda.on(GetFunctionConfigurationCommand).rejects(Object.assign(new Error("nf"), { name: "ResourceNotFoundException" }));
    await run(changeEvent(lambdaItem(fnCfg, { status: "ResourceDeleted" })));
    await run(changeEvent(lambdaItem(fnCfg), {}, { eventLeftScope: true }));
    await run(changeEvent({ ...lambdaItem(fnCfg), resourceType: "AWS::S3::Bucket" }));
    await run(changeEvent(lambdaItem(fnCfg, { withEnvironment: false })));
    expect(put().map((p) => [p.Evaluations![0]!.ComplianceType, p.Evaluations![0]!.Annotation])).toEqual([
      ["NOT_APPLICABLE", "envseal: the function was deleted"],
      ["NOT_APPLICABLE", "envseal: the function left the rule's scope"],
      ["NOT_APPLICABLE", "envseal evaluates AWS::Lambda::Function only"],
      ["NOT_APPLICABLE", "envseal: the function no longer exists"],
    ]);
    expect(lambda.calls()).toHaveLength(1);
  });

  it("the annotation stays within 256 characters and names no value", async () => {
    const values: Record<string, string> = {};
    const secrets: string[] = [];
    for (let i = 0; i < 40; i++) {
      const v = `${canary(`v${i}`)}Zq9`;
      secrets.push(v);
      values[`SERVICE_NUMBER_${i}_API_TOKEN`] = v;
    }
    await run(changeEvent(lambdaItem(cfg("many", values)), { failOn: "medium" }));
    const annotation = put()[0]!.Evaluations![0]!.Annotation!;
    expect(annotation.length).toBeLessThanOrEqual(ANNOTATION_MAX);
    expect(annotation).toMatch(/^envseal: ES001 SERVICE_NUMBER_0_API_TOKEN, .* \(\+\d+ more\) \(at or above medium\)$/);
    expectNoCanary(secrets, { annotation, log: lines.join("\n"), evaluations: JSON.stringify(put()) });
  });
});

describe("Config rule: oversized, periodic, failures, caching", () => {
  it("an oversized notification fetches the item with GetResourceConfigHistory", async () => {
    const item = lambdaItem(cfg("huge", { PRIVATE_KEY_B64: "not-a-key", TOKEN: STRIPE }));
    config.on(GetResourceConfigHistoryCommand).resolves({
      configurationItems: [{ ...historyItem(item), configurationItemCaptureTime: new Date("2026-11-30T09:00:05.123Z") } as never],
    });
    await run(oversizedEvent(item));
    expect(config.commandCalls(GetResourceConfigHistoryCommand).map((c) => c.args[0].input)).toEqual([
      { resourceType: "AWS::Lambda::Function", resourceId: "huge", laterTime: new Date("2026-11-30T09:00:05.123Z"), limit: 1 },
    ]);
    expect(put()[0]!.Evaluations).toEqual([expect.objectContaining({ ComplianceResourceId: "huge", ComplianceType: "NON_COMPLIANT", Annotation: expect.stringContaining("ES001 TOKEN") })]);
  });

  it("a scheduled notification evaluates every function of the region, 100 evaluations per call, published versions folded in", async () => {
    const fns = Array.from({ length: 120 }, (_, i) => cfg(`fn-${String(i).padStart(3, "0")}`, i % 2 ? { STRIPE_KEY: STRIPE } : { LOG_LEVEL: "info" }, { KMSKeyArn: KEY }));
    const v2 = { ...cfg("fn-000", { STRIPE_KEY: STRIPE }, { KMSKeyArn: KEY }), Version: "2", FunctionArn: `${fns[0]!.FunctionArn}:2` };
    lambda.on(ListFunctionsCommand).callsFake(async (input: { Marker?: string; FunctionVersion?: string }) => {
      const all = input.FunctionVersion === "ALL" ? [...fns, v2] : fns;
      const start = Number(input.Marker ?? 0);
      return { Functions: all.slice(start, start + 50), ...(start + 50 < all.length ? { NextMarker: String(start + 50) } : {}) };
    });
    await run(scheduledEvent("2026-11-30T12:00:00.000Z", { allVersions: "true" }));
    const calls = put();
    expect(calls.map((c) => c.Evaluations!.length)).toEqual([100, 20]);
    const all = calls.flatMap((c) => c.Evaluations!);
    expect(new Set(all.map((e) => e.ComplianceResourceId)).size).toBe(120);
    expect(all.every((e) => e.OrderingTimestamp!.toISOString() === "2026-11-30T12:00:00.000Z" && e.ComplianceResourceType === "AWS::Lambda::Function")).toBe(true);
    expect(all.find((e) => e.ComplianceResourceId === "fn-000")).toMatchObject({ ComplianceType: "NON_COMPLIANT", Annotation: "envseal: ES009 STRIPE_KEY@v2 (at or above high)" });
    expect(all.filter((e) => e.ComplianceType === "NON_COMPLIANT")).toHaveLength(61);
    expect(lambda.commandCalls(ListFunctionsCommand).every((c) => c.args[0].input.FunctionVersion === "ALL")).toBe(true);
    expect(kms.commandCalls(DescribeKeyCommand)).toHaveLength(1);
  });

  it("key states are reused across invocations until the cache expires", async () => {
    const item = lambdaItem(cfg("k", { LOG_LEVEL: "info" }, { KMSKeyArn: KEY }));
    await run(changeEvent(item), () => 1_000_000);
    await run(changeEvent(item), () => 1_000_000 + 299_000);
    expect(kms.commandCalls(DescribeKeyCommand)).toHaveLength(1);
    await run(changeEvent(item), () => 1_000_000 + 301_000);
    expect(kms.commandCalls(DescribeKeyCommand)).toHaveLength(2);
  });

  it("fails the invocation on a malformed event, an unknown failOn, or evaluations Config did not take", async () => {
    await expect(run({ resultToken: "t", invokingEvent: "{not json" })).rejects.toThrow(InputError);
    await expect(run({ invokingEvent: "{}" })).rejects.toThrow(/resultToken/);
    await expect(run(changeEvent(lambdaItem(cfg("x")), { failOn: "severe" }))).rejects.toThrow(/failOn/);
    await expect(run({ resultToken: "t", invokingEvent: JSON.stringify({ messageType: "ConfigurationSnapshotDeliveryCompleted" }) })).rejects.toThrow(/not handled/);
    config.on(PutEvaluationsCommand).resolves({ FailedEvaluations: [{ ComplianceResourceId: "x", ComplianceResourceType: "AWS::Lambda::Function", ComplianceType: "COMPLIANT", OrderingTimestamp: new Date() }] });
    await expect(run(changeEvent(lambdaItem(cfg("x"))))).rejects.toThrow(AwsError);
  });
});

describe("Config rule: ES014, the execution role and its at-rest key", () => {
  const simulated = () => iam.commandCalls(SimulatePrincipalPolicyCommand).map((c) => c.args[0].input);

  it("a role its key policy leaves out and its IAM policies do not allow is NON_COMPLIANT with ES014", async () => {
    iam.on(SimulatePrincipalPolicyCommand).resolves({ EvaluationResults: [{ EvalActionName: "kms:Decrypt", EvalDecision: "implicitDeny" }] });
    await run(changeEvent(lambdaItem(cfg("locked", { LOG_LEVEL: "info" }, { KMSKeyArn: KEY, Role: ROLE }))));
    expect(put()[0]!.Evaluations).toEqual([expect.objectContaining({ ComplianceResourceId: "locked", ComplianceType: "NON_COMPLIANT", Annotation: "envseal: ES014 (at or above high)" })]);
    expect(simulated()).toEqual([{ PolicySourceArn: ROLE, ActionNames: ["kms:Decrypt"], ResourceArns: [KEY] }]);
    expect(kms.commandCalls(GetKeyPolicyCommand).map((c) => c.args[0].input)).toEqual([{ KeyId: KEY, PolicyName: "default" }]);
    // The key was described once, by the key check: ES014 does not describe it again.
    expect(kms.commandCalls(DescribeKeyCommand)).toHaveLength(1);
  });

  it("a role its IAM policies allow is COMPLIANT; a caller that may not simulate gets no ES014 (unknown is not a finding)", async () => {
    const item = lambdaItem(cfg("ok", { LOG_LEVEL: "info" }, { KMSKeyArn: KEY, Role: ROLE }));
    await run(changeEvent(item));
    resetConfigRuleState();
    iam.on(SimulatePrincipalPolicyCommand).rejects(Object.assign(new Error("denied"), { name: "AccessDenied" }));
    await run(changeEvent(item));
    expect(put().map((p) => [p.Evaluations![0]!.ComplianceType, p.Evaluations![0]!.Annotation])).toEqual([
      ["COMPLIANT", "envseal: no finding"],
      ["COMPLIANT", "envseal: no finding"],
    ]);
  });

  it("no ES014 lookups for a disabled key (ES005 already fails it) or a function without a customer managed key", async () => {
    kms.on(DescribeKeyCommand).resolves({ KeyMetadata: { KeyId: "k1", Arn: KEY, KeyState: "Disabled", KeyManager: "CUSTOMER", Enabled: false } });
    await run(changeEvent(lambdaItem(cfg("disabled", { LOG_LEVEL: "info" }, { KMSKeyArn: KEY, Role: ROLE }))));
    await run(changeEvent(lambdaItem(cfg("default-key", { LOG_LEVEL: "info" }, { Role: ROLE }))));
    expect(put()[0]!.Evaluations![0]!.Annotation).toMatch(/^envseal: ES005/);
    expect(simulated()).toEqual([]);
    expect(kms.commandCalls(GetKeyPolicyCommand)).toEqual([]);
  });

  it("key access is reused across invocations until the cache expires, then checked again", async () => {
    const item = lambdaItem(cfg("cached", { LOG_LEVEL: "info" }, { KMSKeyArn: KEY, Role: ROLE }));
    await run(changeEvent(item), () => 1_000_000);
    await run(changeEvent(item), () => 1_000_000 + 299_000);
    expect(simulated()).toHaveLength(1);
    // The key policy was edited meanwhile: after the cache expires the rule sees it.
    iam.on(SimulatePrincipalPolicyCommand).resolves({ EvaluationResults: [{ EvalActionName: "kms:Decrypt", EvalDecision: "explicitDeny" }] });
    await run(changeEvent(item), () => 1_000_000 + 301_000);
    expect(simulated()).toHaveLength(2);
    expect(put().map((p) => p.Evaluations![0]!.ComplianceType)).toEqual(["COMPLIANT", "COMPLIANT", "NON_COMPLIANT"]);
  });
});

describe("Config rule: permissions", () => {
  it("called only actions of the config-rule table, and every one of them (runs last)", () => {
    const table = AUDIT_PERMISSIONS["config-rule"].map((p) => p.action).sort();
    expect([...called].sort()).toEqual(table);
  });
});
