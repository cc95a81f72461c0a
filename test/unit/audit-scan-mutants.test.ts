/**
 * src/audit/scan.ts on its own: the Collector (ES014 only for an enabled key, functions not scanned with their account
 * and reason, counts per region and account) and scanRegion (counts, listed functions, accounts stamped on functions)
 * against a mocked ListFunctions.
 */
import { beforeEach, describe, expect, it, vi } from "vitest";
import { mockClient } from "aws-sdk-client-mock";
import { KMSClient } from "@aws-sdk/client-kms";
import { LambdaClient, ListFunctionsCommand, type FunctionConfiguration } from "@aws-sdk/client-lambda";
import { AccountClient } from "@aws-sdk/client-account";
import { Collector, scanRegion, type AuditProgress } from "../../src/audit/scan.js";
import type { AuditClients } from "../../src/audit/clients.js";
import type { RoleAccessLookup } from "../../src/audit/access.js";
import type { AuditedFunction, KeyCheck, KeyLookup } from "../../src/audit/types.js";

const lambdaMock = mockClient(LambdaClient);

const REGION = "eu-west-1";
const ACCOUNT = "111122223333";
const KEY = `arn:aws:kms:${REGION}:${ACCOUNT}:key/k1`;
const ROLE = `arn:aws:iam::${ACCOUNT}:role/app`;

const fn = (name: string, extra: Partial<AuditedFunction> = {}): AuditedFunction => ({
  region: REGION,
  name,
  arn: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${name}`,
  version: "$LATEST",
  variables: { LOG_LEVEL: "info" },
  kmsKeyArn: undefined,
  environmentError: undefined,
  ...extra,
});
const keysAnswer = (check: KeyCheck): KeyLookup => async () => check;
const noKeys: KeyLookup = async () => ({ status: "not-checked", reason: "test" });

function accessSpy(): RoleAccessLookup & { lookup: ReturnType<typeof vi.fn> } {
  return { lookup: vi.fn(async () => ({ status: "pass" as const, summary: "ok" })), unchecked: () => [] };
}

beforeEach(() => lambdaMock.reset());

describe("Collector.scan", () => {
  it("asks the role-access lookup only when the at-rest key was found enabled, and says so", async () => {
    const access = accessSpy();
    const c = new Collector({ requireCmk: false });
    await c.scan(fn("missing", { kmsKeyArn: KEY, role: ROLE }), keysAnswer({ status: "missing" }), access);
    await c.scan(fn("unusable", { kmsKeyArn: KEY, role: ROLE }), keysAnswer({ status: "unusable", state: "Disabled" }), access);
    expect(access.lookup).not.toHaveBeenCalled();
    const ok = fn("ok", { kmsKeyArn: KEY, role: ROLE });
    await c.scan(ok, keysAnswer({ status: "ok", rotation: "enabled" }), access);
    expect(access.lookup.mock.calls).toEqual([[ok, true]]);
  });

  it("without a role-access lookup, an enabled key is checked without ES014", async () => {
    const c = new Collector({ requireCmk: false });
    await c.scan(fn("ok", { kmsKeyArn: KEY, role: ROLE }), keysAnswer({ status: "ok", rotation: "enabled" }));
    expect(c.findings.filter((f) => f.ruleId === "ES014")).toEqual([]);
    expect(c.progress.functionsScanned).toBe(1);
  });

  it("a function whose variables could not be read is listed as not scanned, with its account only when it has one", async () => {
    const c = new Collector({ requireCmk: false });
    const error = { code: "KMSAccessDeniedException", message: "denied" };
    await c.scan(fn("plain", { environmentError: error }), noKeys);
    await c.scan(fn("org", { environmentError: error, account: ACCOUNT, kmsKeyArn: KEY }), noKeys);
    expect(c.notScanned).toStrictEqual([
      {
        region: REGION,
        functionArn: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:plain`,
        reason: "Environment.Error KMSAccessDeniedException: the variables could not be read (kms:Decrypt on aws/lambda)",
      },
      {
        account: ACCOUNT,
        region: REGION,
        functionArn: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:org`,
        reason: `Environment.Error KMSAccessDeniedException: the variables could not be read (kms:Decrypt on ${KEY})`,
      },
    ]);
  });

  it("counts functions per region always and per account only for functions that carry one", async () => {
    const c = new Collector({ requireCmk: false });
    await c.scan(fn("a", { account: ACCOUNT }), noKeys);
    await c.scan(fn("b", { account: ACCOUNT }), noKeys);
    await c.scan(fn("c", { account: "444455556666", region: "us-east-1" }), noKeys);
    await c.scan(fn("d"), noKeys);
    expect(c.perAccount).toStrictEqual({ [ACCOUNT]: 2, "444455556666": 1 });
    expect(c.perRegion).toStrictEqual({ [REGION]: 3, "us-east-1": 1 });
  });
});

/** Clients whose Lambda sends the mock answers. */
function clients(): AuditClients {
  const credentials = { accessKeyId: "AKIDTEST", secretAccessKey: "test" };
  return {
    lambda: (region) => new LambdaClient({ region, credentials }),
    kms: (region) => new KMSClient({ region, credentials }),
    account: () => new AccountClient({ region: "us-east-1", credentials }),
    defaultRegion: async () => REGION,
  };
}

const cfg = (name: string): FunctionConfiguration => ({
  FunctionName: name,
  FunctionArn: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${name}`,
  Version: "$LATEST",
  Environment: { Variables: { LOG_LEVEL: "info" } },
});

describe("scanRegion", () => {
  it("counts what it lists and scans; a region without an account leaves the account counts alone", async () => {
    lambdaMock.on(ListFunctionsCommand).resolves({ Functions: [cfg("one"), cfg("two"), cfg("three")] });
    const seen: AuditProgress[] = [];
    const c = new Collector({ requireCmk: false }, (p) => seen.push(p));
    await scanRegion(c, clients(), REGION, false, noKeys);
    expect(c.progress.functionsListed).toBe(3);
    expect(c.progress.functionsScanned).toBe(3);
    expect(seen[0]).toMatchObject({ functionsListed: 3, functionsScanned: 0 });
    expect(c.perRegion).toStrictEqual({ [REGION]: 3 });
    expect(c.perAccount).toStrictEqual({});
  });

  it("an org run's region counts its account even when it has no functions", async () => {
    lambdaMock.on(ListFunctionsCommand).resolves({ Functions: [] });
    const c = new Collector({ requireCmk: false });
    await scanRegion(c, clients(), REGION, false, noKeys, ACCOUNT);
    expect(c.perAccount).toStrictEqual({ [ACCOUNT]: 0 });
    expect(c.perRegion).toStrictEqual({ [REGION]: 0 });
  });

  it("an org run counts every function it scans under its account, across regions", async () => {
    lambdaMock.on(ListFunctionsCommand).resolves({ Functions: [cfg("one"), cfg("two")] });
    const c = new Collector({ requireCmk: false });
    await scanRegion(c, clients(), REGION, false, noKeys, ACCOUNT);
    expect(c.perAccount).toStrictEqual({ [ACCOUNT]: 2 });
    // A second region of the same account adds to its count.
    await scanRegion(c, clients(), "us-east-1", false, noKeys, ACCOUNT);
    expect(c.perAccount).toStrictEqual({ [ACCOUNT]: 4 });
  });
});
