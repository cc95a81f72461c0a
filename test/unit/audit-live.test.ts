import { beforeEach, describe, expect, it } from "vitest";
import { mockClient } from "aws-sdk-client-mock";
import { DescribeKeyCommand, GetKeyRotationStatusCommand, KMSClient } from "@aws-sdk/client-kms";
import { LambdaClient, ListFunctionsCommand, type FunctionConfiguration } from "@aws-sdk/client-lambda";
import { AccountClient, ListRegionsCommand } from "@aws-sdk/client-account";
import { audit } from "../../src/audit/run.js";
import type { AuditClients } from "../../src/audit/clients.js";
import { parseRegions } from "../../src/audit/live.js";
import { RateLimiter, type Timer } from "../../src/audit/ratelimit.js";
import { AwsError, InputError } from "../../src/core/errors.js";

const lambdaMock = mockClient(LambdaClient);
const kmsMock = mockClient(KMSClient);
const accountMock = mockClient(AccountClient);

const ACCOUNT = "111122223333";
const keyArn = (region: string, id: string) => `arn:aws:kms:${region}:${ACCOUNT}:key/${id}`;
const fnCfg = (region: string, name: string, extra: Partial<FunctionConfiguration> = {}): FunctionConfiguration => ({
  FunctionName: name,
  FunctionArn: `arn:aws:lambda:${region}:${ACCOUNT}:function:${name}${extra.Version && extra.Version !== "$LATEST" ? `:${extra.Version}` : ""}`,
  Version: "$LATEST",
  Environment: { Variables: { LOG_LEVEL: "info" } },
  ...extra,
});

/** Clients whose sends the mocks answer; each Lambda client knows its region. */
function testClients(defaultRegion = "us-east-1"): AuditClients {
  const creds = { accessKeyId: "AKIDTEST", secretAccessKey: "test" };
  return {
    lambda: (region) => new LambdaClient({ region, credentials: creds }),
    kms: (region) => new KMSClient({ region, credentials: creds }),
    account: () => new AccountClient({ region: "us-east-1", credentials: creds }),
    defaultRegion: async () => defaultRegion,
  };
}

/** ListFunctions answered per region from `pages[region]`, following Marker/NextMarker. */
function serveFunctions(pages: Record<string, FunctionConfiguration[][]>): string[] {
  const seen: string[] = [];
  lambdaMock.on(ListFunctionsCommand).callsFake(async (input: { Marker?: string }, getClient) => {
    const region = await getClient().config.region();
    seen.push(`${region}:${input.Marker ?? "-"}`);
    const list = pages[region] ?? [[]];
    const i = input.Marker ? Number(input.Marker) : 0;
    return { Functions: list[i] ?? [], ...(i + 1 < list.length ? { NextMarker: String(i + 1) } : {}) };
  });
  return seen;
}

beforeEach(() => {
  lambdaMock.reset();
  kmsMock.reset();
  accountMock.reset();
});

describe("live audit (aws-sdk-client-mock)", () => {
  it("pages through ListFunctions with NextMarker, 50 a page, regions in parallel", async () => {
    const many = Array.from({ length: 50 }, (_, i) => fnCfg("us-east-1", `fn-${i}`, { KMSKeyArn: keyArn("us-east-1", "k1") }));
    const seen = serveFunctions({ "us-east-1": [many, [fnCfg("us-east-1", "last", { KMSKeyArn: keyArn("us-east-1", "k1") })]], "eu-west-1": [[fnCfg("eu-west-1", "eu")]] });
    kmsMock.on(DescribeKeyCommand).resolves({ KeyMetadata: { KeyId: "k1", Arn: keyArn("us-east-1", "k1"), KeyState: "Enabled", KeyManager: "CUSTOMER" } });
    kmsMock.on(GetKeyRotationStatusCommand).resolves({ KeyRotationEnabled: true });
    const report = await audit({ regions: ["us-east-1", "eu-west-1"] }, testClients());
    expect(report.summary.functionsPerRegion).toEqual({ "eu-west-1": 1, "us-east-1": 51 });
    const calls = lambdaMock.commandCalls(ListFunctionsCommand);
    expect(calls).toHaveLength(3);
    for (const c of calls) {
      expect(c.args[0].input.MaxItems).toBe(50);
      expect(c.args[0].input.FunctionVersion).toBeUndefined();
    }
    expect(seen.sort()).toEqual(["eu-west-1:-", "us-east-1:-", "us-east-1:1"]);
    // eu has variables but no CMK: one low ES004, which does not fail at the default --fail-on high.
    expect(report.findings).toEqual([expect.objectContaining({ ruleId: "ES004", functionName: "eu" })]);
    expect(report.summary.failed).toBe(false);
  });

  it("--all-versions asks for FunctionVersion=ALL and flags a published version's plaintext as ES009", async () => {
    serveFunctions({
      "us-east-1": [[fnCfg("us-east-1", "api"), fnCfg("us-east-1", "api", { Version: "2", Environment: { Variables: { DB_PASSWORD: "an-old-password" } } })]],
    });
    const report = await audit({ regions: ["us-east-1"], allVersions: true, ignore: ["ES004"] }, testClients());
    expect(lambdaMock.commandCalls(ListFunctionsCommand)[0]!.args[0].input.FunctionVersion).toBe("ALL");
    expect(report.findings).toEqual([
      expect.objectContaining({ ruleId: "ES009", version: "2", variable: "DB_PASSWORD", functionArn: `arn:aws:lambda:us-east-1:${ACCOUNT}:function:api:2` }),
    ]);
  });

  it("describes each distinct key once (DescribeKey + GetKeyRotationStatus), across functions and regions", async () => {
    const k1 = keyArn("us-east-1", "k1");
    const k2 = keyArn("eu-west-1", "k2");
    serveFunctions({
      "us-east-1": [[1, 2, 3, 4].map((i) => fnCfg("us-east-1", `a${i}`, { KMSKeyArn: k1 }))],
      "eu-west-1": [[1, 2, 3].map((i) => fnCfg("eu-west-1", `b${i}`, { KMSKeyArn: i === 3 ? k1 : k2 }))],
    });
    kmsMock.on(DescribeKeyCommand).callsFake((input: { KeyId: string }) => ({
      KeyMetadata: { KeyId: input.KeyId.split("/").pop(), Arn: input.KeyId, KeyState: "Enabled", KeyManager: "CUSTOMER" },
    }));
    kmsMock.on(GetKeyRotationStatusCommand).resolves({ KeyRotationEnabled: false });
    const first = await audit({ regions: ["us-east-1", "eu-west-1"] }, testClients());
    expect(kmsMock.commandCalls(DescribeKeyCommand).map((c) => c.args[0].input.KeyId).sort()).toEqual([k2, k1].sort());
    expect(kmsMock.commandCalls(GetKeyRotationStatusCommand)).toHaveLength(2);
    expect(first.summary.keysChecked).toBe(2);
    expect(first.findings.filter((f) => f.ruleId === "ES006")).toHaveLength(7);
  });

  it("a disabled or pending-deletion key, or a missing one, is ES005 (critical) and fails the run", async () => {
    const disabled = keyArn("us-east-1", "dis");
    const pending = keyArn("us-east-1", "pend");
    const missing = keyArn("us-east-1", "gone");
    serveFunctions({
      "us-east-1": [[fnCfg("us-east-1", "f1", { KMSKeyArn: disabled }), fnCfg("us-east-1", "f2", { KMSKeyArn: pending }), fnCfg("us-east-1", "f3", { KMSKeyArn: missing })]],
    });
    kmsMock
      .on(DescribeKeyCommand, { KeyId: disabled })
      .resolves({ KeyMetadata: { KeyId: "dis", Arn: disabled, KeyState: "Disabled", Enabled: false, KeyManager: "CUSTOMER" } })
      .on(DescribeKeyCommand, { KeyId: pending })
      .resolves({ KeyMetadata: { KeyId: "pend", Arn: pending, KeyState: "PendingDeletion", KeyManager: "CUSTOMER" } })
      .on(DescribeKeyCommand, { KeyId: missing })
      .rejects(Object.assign(new Error("not found"), { name: "NotFoundException" }));
    const report = await audit({ regions: ["us-east-1"] }, testClients());
    const es005 = report.findings.filter((f) => f.ruleId === "ES005");
    expect(es005.map((f) => [f.functionName, f.severity])).toEqual([
      ["f1", "critical"],
      ["f2", "critical"],
      ["f3", "critical"],
    ]);
    expect(es005[0]!.message).toContain("is disabled");
    expect(es005[1]!.message).toContain("pending deletion");
    expect(es005[2]!.message).toContain("does not exist");
    expect(kmsMock.commandCalls(GetKeyRotationStatusCommand)).toHaveLength(0);
    expect(report.summary.failed).toBe(true);
  });

  it("a key KMS refuses to describe is reported as not checked, not as a finding", async () => {
    const k = keyArn("us-east-1", "denied");
    serveFunctions({ "us-east-1": [[fnCfg("us-east-1", "f", { KMSKeyArn: k })]] });
    kmsMock.on(DescribeKeyCommand).rejects(Object.assign(new Error("denied"), { name: "AccessDeniedException" }));
    const report = await audit({ regions: ["us-east-1"] }, testClients());
    expect(report.findings).toEqual([]);
    expect(report.summary.keysNotChecked).toEqual([{ key: k, reason: "kms:DescribeKey failed (AccessDeniedException)" }]);
  });

  it("--regions all lists the account's enabled regions with account:ListRegions", async () => {
    accountMock.on(ListRegionsCommand).resolves({ Regions: [{ RegionName: "eu-west-1", RegionOptStatus: "ENABLED_BY_DEFAULT" }, { RegionName: "ap-east-1", RegionOptStatus: "ENABLED" }] });
    serveFunctions({});
    const report = await audit({ regions: "all" }, testClients());
    expect(accountMock.commandCalls(ListRegionsCommand)[0]!.args[0].input.RegionOptStatusContains).toEqual(["ENABLED", "ENABLED_BY_DEFAULT"]);
    expect(report.source).toEqual({ mode: "live", regions: ["ap-east-1", "eu-west-1"] });
    expect(report.summary.functionsPerRegion).toEqual({ "ap-east-1": 0, "eu-west-1": 0 });
  });

  it("without --regions uses the configured region; none configured is an InputError", async () => {
    serveFunctions({ "sa-east-1": [[]] });
    expect((await audit({}, testClients("sa-east-1"))).source).toEqual({ mode: "live", regions: ["sa-east-1"] });
    const none = { ...testClients(), defaultRegion: async () => undefined };
    await expect(audit({}, none)).rejects.toThrow(InputError);
  });

  it("a ListFunctions failure after retries is an AwsError naming the region and the permission", async () => {
    lambdaMock.on(ListFunctionsCommand).rejects(Object.assign(new Error("denied"), { name: "AccessDeniedException", $metadata: { httpStatusCode: 403 } }));
    const err = await audit({ regions: ["eu-central-1"] }, testClients()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AwsError);
    expect((err as AwsError).message).toMatch(/^eu-central-1: access denied: the caller lacks lambda:ListFunctions/);
  });
});

describe("parseRegions", () => {
  it.each([
    ["all", "all"],
    ["us-east-1", ["us-east-1"]],
    [" us-east-1 , eu-west-1,us-east-1", ["us-east-1", "eu-west-1"]],
    ["us-gov-west-1", ["us-gov-west-1"]],
  ])("%s", (input, expected) => expect(parseRegions(input)).toEqual(expected));
  it("refuses what is not a region", () => {
    expect(() => parseRegions("mars")).toThrow(InputError);
    expect(() => parseRegions(",")).toThrow(/empty/);
  });
});

describe("RateLimiter", () => {
  function fakeTimer() {
    let now = 1_000_000;
    const starts: number[] = [];
    const timer: Timer = { now: () => now, sleep: async (ms) => void (now += ms) };
    return { timer, starts, now: () => now, advance: (ms: number) => void (now += ms) };
  }

  it("never lets more than `rate` calls start in any one-second window", async () => {
    const t = fakeTimer();
    const limiter = new RateLimiter(15, t.timer);
    for (let i = 0; i < 60; i++) {
      await limiter.acquire();
      t.starts.push(t.now());
    }
    for (const s of t.starts) expect(t.starts.filter((x) => x >= s && x < s + 1000).length).toBeLessThanOrEqual(15);
    expect(t.starts.at(-1)! - t.starts[0]!).toBeGreaterThanOrEqual(3900);
  });

  it("does not wait when calls are already slower than the rate", async () => {
    const t = fakeTimer();
    let slept = 0;
    const limiter = new RateLimiter(15, { now: t.timer.now, sleep: async (ms) => void (slept += ms) });
    for (let i = 0; i < 5; i++) {
      await limiter.acquire();
      t.advance(100);
    }
    expect(slept).toBe(0);
    await limiter.acquire();
    await limiter.acquire();
    expect(slept).toBe(Math.ceil(1000 / 15));
  });
});
