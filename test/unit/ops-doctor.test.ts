/**
 * doctor / doctorAll (the ops around `diagnose`): the function read with GetFunctionConfiguration, its keys looked up
 * through the deps' KMS and IAM, the counts and `failed` of each checklist, the at-rest key's label, the IAM client
 * required, `--sealing-key` checked (one function only); `--all` lists each region's `$LATEST` functions, routes each
 * key's lookups to the key's region, and sorts the diagnoses by ARN.
 */
import { beforeEach, describe, expect, it } from "vitest";
import { mockClient } from "aws-sdk-client-mock";
import { DescribeKeyCommand, GetKeyPolicyCommand, KMSClient, ListGrantsCommand } from "@aws-sdk/client-kms";
import { IAMClient, SimulatePrincipalPolicyCommand } from "@aws-sdk/client-iam";
import { GetFunctionConfigurationCommand, LambdaClient, ListFunctionsCommand, type FunctionConfiguration } from "@aws-sdk/client-lambda";
import { doctor, doctorAll, type FunctionDiagnosis } from "../../src/ops/doctor.js";
import type { AuditClients } from "../../src/audit/clients.js";
import { InputError } from "../../src/core/errors.js";
import { fakeSealed } from "../support/kms-blob.js";
import { kmsMock, lambdaMock, deps, FN_ARN, config } from "../support/ops-mocks.js";

const iamMock = mockClient(IAMClient);
const ROLE = "arn:aws:iam::111122223333:role/orders";
const KEY = "arn:aws:kms:eu-west-1:111122223333:key/00000000-0000-0000-0000-0000000000aa";
const SEAL_KEY = "arn:aws:kms:eu-west-1:111122223333:key/00000000-0000-0000-0000-0000000000bb";
const US_KEY = "arn:aws:kms:us-east-1:111122223333:key/00000000-0000-0000-0000-0000000000cc";
const SEALED = fakeSealed("doctor-s1");
const ROOT_DELEGATES = { Effect: "Allow", Principal: { AWS: "arn:aws:iam::111122223333:root" }, Action: "kms:*", Resource: "*" };
const iamDeps = { ...deps, iam: () => new IAMClient({ region: "us-east-1" }) };
const statusOf = (d: FunctionDiagnosis) => Object.fromEntries(d.checks.map((c) => [c.id, c.status]));
const simulations = () => iamMock.commandCalls(SimulatePrincipalPolicyCommand).map((c) => c.args[0].input);
const described = () => kmsMock.commandCalls(DescribeKeyCommand).map((c) => c.args[0].input.KeyId);
const failure = (p: Promise<unknown>) => p.then(() => expect.unreachable("resolved"), (e: unknown) => e as Error & { hint?: string });

beforeEach(() => {
  kmsMock.reset();
  lambdaMock.reset();
  iamMock.reset();
  kmsMock.on(DescribeKeyCommand).callsFake(async (input) => ({ KeyMetadata: { KeyId: "k", Arn: input.KeyId, KeyState: "Enabled", Enabled: true } }));
  kmsMock.on(GetKeyPolicyCommand).resolves({ Policy: JSON.stringify({ Version: "2012-10-17", Statement: [ROOT_DELEGATES] }) });
  kmsMock.on(ListGrantsCommand).resolves({ Grants: [] });
  iamMock.on(SimulatePrincipalPolicyCommand).resolves({ EvaluationResults: [{ EvalActionName: "kms:Decrypt", EvalDecision: "allowed" }] });
});

describe("doctor (one function)", () => {
  it("a healthy function: every check passes through the deps' KMS and IAM, counts exact, not failed", async () => {
    lambdaMock.on(GetFunctionConfigurationCommand).resolves(config({ PLAIN: "p" }, { Role: ROLE, KMSKeyArn: KEY }));
    const r = await doctor(iamDeps, { functionName: "orders-api" });
    expect(lambdaMock.commandCalls(GetFunctionConfigurationCommand).map((c) => c.args[0].input)).toEqual([{ FunctionName: "orders-api" }]);
    expect(r.failed).toBe(false);
    expect(r.functions).toHaveLength(1);
    const d = r.functions[0]!;
    expect({ ...d, checks: undefined }).toEqual({
      functionName: "orders-api",
      functionArn: FN_ARN,
      role: ROLE,
      atRestKey: KEY,
      checks: undefined,
      counts: { pass: 5, fail: 0, unknown: 0, warn: 0 },
      failed: false,
    });
    expect(statusOf(d)).toEqual({ role: "pass", "at-rest-key": "pass", manifest: "pass", size: "pass", injection: "pass" });
    expect(described()).toEqual([KEY]);
    expect(simulations()).toEqual([{ PolicySourceArn: ROLE, ActionNames: ["kms:Decrypt"], ResourceArns: [KEY] }]);
  });

  it("aws/lambda at rest is unknown, a stale manifest fails, an injection variable warns: each counted, failed", async () => {
    lambdaMock.on(GetFunctionConfigurationCommand).resolves(config({ ENVSEAL_SEALED: "GONE", NODE_OPTIONS: "--require /tmp/x.js" }, { Role: ROLE }));
    const r = await doctor(iamDeps, { functionName: "orders-api" });
    const d = r.functions[0]!;
    expect(statusOf(d)).toEqual({ role: "pass", "at-rest-key": "unknown", manifest: "fail", size: "pass", injection: "warn" });
    expect(d.counts).toEqual({ pass: 2, fail: 1, unknown: 1, warn: 1 });
    expect(d.failed).toBe(true);
    expect(d.atRestKey).toBe("aws/lambda");
    expect(r.failed).toBe(true);
    expect(kmsMock.calls()).toHaveLength(0);
  });

  it("--sealing-key names the key each sealed value is checked against, with the value's encryption context", async () => {
    lambdaMock.on(GetFunctionConfigurationCommand).resolves(config({ ENVSEAL_SEALED: "S1", S1: SEALED }, { Role: ROLE, KMSKeyArn: KEY }));
    const r = await doctor(iamDeps, { functionName: "orders-api", sealingKey: SEAL_KEY });
    const d = r.functions[0]!;
    const check = d.checks.find((c) => c.id === "sealing-key:S1")!;
    expect(check.status).toBe("pass");
    expect(check.detail).toBe(`key given with --sealing-key: the role may kms:Decrypt with ${SEAL_KEY}`);
    expect(described()).toEqual([KEY, SEAL_KEY]);
    expect(simulations()[1]).toEqual({
      PolicySourceArn: ROLE,
      ActionNames: ["kms:Decrypt"],
      ResourceArns: [SEAL_KEY],
      ContextEntries: [
        { ContextKeyName: "kms:EncryptionContext:LambdaFunctionName", ContextKeyType: "string", ContextKeyValues: ["orders-api"] },
        { ContextKeyName: "kms:EncryptionContextKeys", ContextKeyType: "stringList", ContextKeyValues: ["LambdaFunctionName"] },
      ],
    });
    expect(d.counts).toEqual({ pass: 7, fail: 0, unknown: 0, warn: 0 });
    // Without it, the sealing key is only assumed to be the at-rest key: unknown.
    const assumed = (await doctor(iamDeps, { functionName: "orders-api" })).functions[0]!;
    expect(statusOf(assumed)["sealing-key:S1"]).toBe("unknown");
    expect(assumed.counts).toEqual({ pass: 6, fail: 0, unknown: 1, warn: 0 });
  });

  it("a --sealing-key that is no key reference is refused before the function is read", async () => {
    const err = await failure(doctor(iamDeps, { functionName: "orders-api", sealingKey: "not a key!" }));
    expect(err).toBeInstanceOf(InputError);
    expect(lambdaMock.calls()).toHaveLength(0);
  });

  it("deps without an IAM client are a programming error, named", async () => {
    lambdaMock.on(GetFunctionConfigurationCommand).resolves(config({}, { Role: ROLE }));
    const err = await failure(doctor(deps, { functionName: "orders-api" }));
    expect(err).toBeInstanceOf(TypeError);
    expect(err.message).toBe("doctor needs an IAM client (AwsDeps.iam)");
  });
});

describe("doctorAll", () => {
  const listed: Record<string, FunctionConfiguration[][]> = {};
  let kmsRegions: string[];
  const fnCfg = (name: string, region: string, extra: Partial<FunctionConfiguration> = {}): FunctionConfiguration => ({
    FunctionName: name,
    FunctionArn: `arn:aws:lambda:${region}:111122223333:function:${name}`,
    Role: ROLE,
    Environment: { Variables: { PLAIN: "p" } },
    ...extra,
  });
  const clients: AuditClients = {
    lambda: (region) => new LambdaClient({ region }),
    kms: (region) => {
      kmsRegions.push(region);
      return new KMSClient({ region });
    },
    account: () => {
      throw new Error("not used");
    },
    defaultRegion: async () => "eu-west-1",
  };
  const iam = { iam: () => new IAMClient({ region: "us-east-1" }) };

  beforeEach(() => {
    kmsRegions = [];
    for (const k of Object.keys(listed)) delete listed[k];
    lambdaMock.on(ListFunctionsCommand).callsFake(async (input: { Marker?: string }, getClient: () => LambdaClient) => {
      const region = await getClient().config.region();
      const pages = listed[region] ?? [[]];
      const i = input.Marker ? Number(input.Marker) : 0;
      return { Functions: pages[i], ...(i + 1 < pages.length ? { NextMarker: String(i + 1) } : {}) };
    });
  });

  it("every function of every region, $LATEST only, each key looked up in its own region, sorted by ARN", async () => {
    listed["eu-west-1"] = [
      [fnCfg("zeta", "eu-west-1", { KMSKeyArn: KEY }), fnCfg("broken", "eu-west-1", { Environment: { Variables: { ENVSEAL_SEALED: "GONE" } } })],
      [fnCfg("alpha", "eu-west-1", { KMSKeyArn: US_KEY })],
    ];
    listed["us-east-1"] = [[{ Environment: { Variables: {} } }]];
    const r = await doctorAll(clients, iam, { regions: ["us-east-1", "eu-west-1"] });
    expect(r.functions.map((f) => f.functionArn)).toEqual([
      "(unnamed)",
      "arn:aws:lambda:eu-west-1:111122223333:function:alpha",
      "arn:aws:lambda:eu-west-1:111122223333:function:broken",
      "arn:aws:lambda:eu-west-1:111122223333:function:zeta",
    ]);
    expect(r.functions.map((f) => [f.functionName, f.atRestKey, f.failed])).toEqual([
      ["(unnamed)", "aws/lambda", false],
      ["alpha", US_KEY, false],
      ["broken", "aws/lambda", true],
      ["zeta", KEY, false],
    ]);
    expect(r.failed).toBe(true);
    const byName = Object.fromEntries(r.functions.map((f) => [f.functionName, f]));
    expect(statusOf(byName["alpha"]!)["at-rest-key"]).toBe("pass");
    expect(statusOf(byName["zeta"]!)["at-rest-key"]).toBe("pass");
    expect(byName["zeta"]!.counts).toEqual({ pass: 5, fail: 0, unknown: 0, warn: 0 });
    expect(byName["broken"]!.counts).toEqual({ pass: 3, fail: 1, unknown: 1, warn: 0 });
    // The us-east-1 key is looked up in us-east-1 although its function was listed in eu-west-1.
    expect(new Set(kmsRegions)).toEqual(new Set(["eu-west-1", "us-east-1"]));
    expect(kmsMock.commandCalls(DescribeKeyCommand).map((c) => c.args[0].input.KeyId).sort()).toEqual([KEY, US_KEY].sort());
    const usCalls = kmsMock.calls().filter((c) => JSON.stringify(c.args[0].input).includes(US_KEY));
    expect(await Promise.all(usCalls.map(async (c) => (c.thisValue as KMSClient).config.region()))).toEqual(usCalls.map(() => "us-east-1"));
    expect(simulations().map((s) => s.ResourceArns)).toEqual(expect.arrayContaining([[KEY], [US_KEY]]));
    const lists = lambdaMock.commandCalls(ListFunctionsCommand).map((c) => c.args[0].input);
    expect(lists).toHaveLength(3);
    for (const input of lists) expect(input.FunctionVersion).toBeUndefined();
  });

  it("nothing failed anywhere: not failed", async () => {
    listed["eu-west-1"] = [[fnCfg("zeta", "eu-west-1", { KMSKeyArn: KEY })]];
    const r = await doctorAll(clients, iam, { regions: ["eu-west-1"] });
    expect(r.failed).toBe(false);
    expect(r.functions.map((f) => f.functionName)).toEqual(["zeta"]);
  });

  it("--sealing-key is refused with --all, before anything is listed", async () => {
    const err = await failure(doctorAll(clients, iam, { regions: ["eu-west-1"], sealingKey: KEY }));
    expect(err).toBeInstanceOf(InputError);
    expect(err.message).toBe("--sealing-key applies to one function");
    expect(err.hint).toBe("drop it with --all, or use --function F");
    expect(lambdaMock.calls()).toHaveLength(0);
  });
});
