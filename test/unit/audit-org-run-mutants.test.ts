/**
 * `auditOrg` in detail: the current account (`--include-current`), account order, "no account to audit" and "no AWS
 * region is set", the default region, which session's KMS client reads a key (its owner's once that session is ready,
 * else the function's account), progress counters, ListRegions and AssumeRole failures, keysNotChecked, and the
 * Security Hub branch (every attempted account-region, signed as its account).
 */
import { describe, expect, it } from "vitest";
import { ListRegionsCommand } from "@aws-sdk/client-account";
import { DescribeKeyCommand, GetKeyPolicyCommand } from "@aws-sdk/client-kms";
import { BatchImportFindingsCommand, GetFindingsCommand } from "@aws-sdk/client-securityhub";
import { auditOrg } from "../../src/audit/org/run.js";
import type { AuditProgress } from "../../src/audit/scan.js";
import type { OrgClients } from "../../src/audit/org/clients.js";
import { AwsError, InputError } from "../../src/core/errors.js";
import { CALLER, fn, mockOrgClients, mocks, serveOrg } from "../support/org-mock.js";

const A = "111111111111";
const B = "222222222222";
const D = "444444444444";
const E = "555555555555"; // outside the organisation
const org = (extra = {}) => ({ roleName: "EnvsealAudit", ...extra });
const role = (account: string, name: string) => `arn:aws:iam::${account}:role/${name}`;

/** The account and region of the client that sent a mocked call. */
async function sender(call: { thisValue: unknown }): Promise<{ account: string; region: string }> {
  const client = call.thisValue as { config: { credentials: () => Promise<{ accessKeyId: string }>; region: () => Promise<string> } };
  const id = (await client.config.credentials()).accessKeyId;
  return { account: id.startsWith("ASIA") ? id.slice(-12) : CALLER, region: await client.config.region() };
}

function progressLog(): { log: AuditProgress[]; onProgress: (p: AuditProgress) => void } {
  const log: AuditProgress[] = [];
  return { log, onProgress: (p) => log.push(p) };
}

describe("auditOrg: accounts", () => {
  it("--include-current with the organisation's list: the caller's account is audited, not skipped, and accounts are sorted", async () => {
    const seen = serveOrg({ [B]: {}, [A]: {} });
    const report = await auditOrg({ regions: ["us-east-1"], org: org({ includeCurrent: true }) }, mockOrgClients());
    expect(report.org!.skipped).toEqual([]);
    expect(report.org!.accounts).toEqual([A, B, CALLER]);
    expect(seen.listFunctions.map((c) => c.account).sort()).toEqual([A, B, CALLER]);
  });

  it("--accounts given out of order are audited and reported sorted", async () => {
    serveOrg({ [A]: {}, [B]: {}, [D]: {} });
    const report = await auditOrg({ regions: ["us-east-1"], org: org({ accounts: [D, A, B] }) }, mockOrgClients());
    expect(report.org!.accounts).toEqual([A, B, D]);
    expect(report.org!.accountsAudited).toBe(3);
  });

  it("an organisation of only the caller: InputError with its message and hint", async () => {
    serveOrg({});
    const run = auditOrg({ regions: ["us-east-1"], org: org() }, mockOrgClients());
    await expect(run).rejects.toBeInstanceOf(InputError);
    await expect(run).rejects.toMatchObject({
      message: "no account to audit: the organisation lists no ACTIVE account besides the current one",
      hint: "pass --include-current, or name accounts with --accounts",
    });
  });

  it("an account whose clients cannot be built is not audited: the error is reported as the audit's setup, not as AssumeRole", async () => {
    serveOrg({ [A]: {} });
    const clients: OrgClients = {
      ...mockOrgClients(),
      forAccount: () => {
        throw Object.assign(new Error("boom"), { name: "Boom" });
      },
    };
    const report = await auditOrg({ regions: ["us-east-1"], org: org({ accounts: [A] }) }, clients);
    expect(report.summary.notAudited).toEqual([{ account: A, region: null, reason: `audit setup in ${A}: Boom` }]);
    expect(report.org!.accountsAudited).toBe(0);
  });

  it("an AWS error while the account's audit is set up is reported under its own operation", async () => {
    serveOrg({ [A]: {} });
    const clients: OrgClients = {
      ...mockOrgClients(),
      forAccount: () => {
        throw new AwsError("denied", { code: "AccessDenied", operation: "iam:GetRole" });
      },
    };
    const report = await auditOrg({ regions: ["us-east-1"], org: org({ accounts: [A] }) }, clients);
    expect(report.summary.notAudited).toEqual([
      { account: A, region: null, reason: `iam:GetRole in ${A}: AccessDenied (the member role lacks iam:GetRole here, or a service control policy denies it)` },
    ]);
  });
});

describe("auditOrg: regions", () => {
  it("no --regions: the configured default region is audited", async () => {
    const seen = serveOrg({ [A]: {} });
    const clients: OrgClients = { ...mockOrgClients(), defaultRegion: async () => "eu-west-1" };
    const report = await auditOrg({ org: org({ accounts: [A] }) }, clients);
    expect(seen.listFunctions).toEqual([{ account: A, region: "eu-west-1" }]);
    expect(report.source).toEqual({ mode: "live", regions: ["eu-west-1"] });
  });

  it("--regions empty: the default region too", async () => {
    const seen = serveOrg({ [A]: {} });
    const clients: OrgClients = { ...mockOrgClients(), defaultRegion: async () => "ap-south-2" };
    await auditOrg({ regions: [], org: org({ accounts: [A] }) }, clients);
    expect(seen.listFunctions).toEqual([{ account: A, region: "ap-south-2" }]);
  });

  it("no region anywhere: InputError 'no AWS region is set' with its hint, before any account is touched", async () => {
    const seen = serveOrg({ [A]: {} });
    const clients: OrgClients = { ...mockOrgClients(), defaultRegion: async () => undefined };
    const run = auditOrg({ org: org({ accounts: [A] }) }, clients);
    await expect(run).rejects.toBeInstanceOf(InputError);
    await expect(run).rejects.toMatchObject({ message: "no AWS region is set", hint: "pass --regions (or --region), or set AWS_REGION" });
    expect(seen.listFunctions).toEqual([]);
  });

  it("--regions all: an account whose ListRegions fails is not audited, with the reason; the others are", async () => {
    const { log, onProgress } = progressLog();
    const seen = serveOrg({ [A]: { regions: ["us-east-1", "eu-west-1"] }, [B]: { regions: ["ap-south-2"] } });
    mocks.account.on(ListRegionsCommand).callsFake(async (_input, getClient) => {
      const { account } = await sender({ thisValue: getClient() });
      if (account === B) throw Object.assign(new Error("denied"), { name: "AccessDeniedException", $metadata: { httpStatusCode: 403 } });
      return { Regions: ["us-east-1", "eu-west-1"].map((RegionName) => ({ RegionName, RegionOptStatus: "ENABLED" as const })) };
    });
    const report = await auditOrg({ regions: "all", org: org({ concurrency: 1 }), onProgress }, mockOrgClients());
    expect(report.summary.notAudited).toEqual([
      { account: B, region: null, reason: `account:ListRegions in ${B}: AccessDeniedException (the member role lacks account:ListRegions here, or a service control policy denies it)` },
    ]);
    expect(seen.listFunctions.map((c) => `${c.account}/${c.region}`).sort()).toEqual([`${A}/eu-west-1`, `${A}/us-east-1`]);
    const last = log.at(-1)!;
    expect(last).toMatchObject({ accountsTotal: 2, accountsDone: 2, regionsTotal: 2, regionsDone: 2 });
  });

  it("--regions all with an account whose role is refused: that account is not audited, the run goes on", async () => {
    const { log, onProgress } = progressLog();
    serveOrg({ [A]: { regions: ["us-east-1", "eu-west-1"] }, [D]: { refuse: "AccessDenied" } });
    const report = await auditOrg({ regions: "all", org: org({ concurrency: 1 }), onProgress }, mockOrgClients());
    expect(report.summary.notAudited).toEqual([
      {
        account: D,
        region: null,
        reason: `sts:AssumeRole into arn:aws:iam::${D}:role/EnvsealAudit was refused (AccessDenied): the role does not exist in ${D}, or its trust policy does not trust the caller (does it require an external id?)`,
      },
    ]);
    expect(log.at(-1)).toMatchObject({ accountsTotal: 2, accountsDone: 2, regionsTotal: 2, regionsDone: 2 });
  });
});

describe("auditOrg: progress", () => {
  it("counts accounts × regions up front, and every region and account as it finishes, audited or not", async () => {
    const { log, onProgress } = progressLog();
    serveOrg({ [A]: {}, [B]: { denyRegions: { "eu-west-1": "AccessDeniedException" } }, [D]: { refuse: "AccessDenied" } });
    await auditOrg({ regions: ["us-east-1", "eu-west-1"], org: org({ concurrency: 1 }), onProgress }, mockOrgClients());
    expect(log[0]).toMatchObject({ accountsTotal: 3, accountsDone: 0, regionsTotal: 6, regionsDone: 0 });
    expect(log.at(-1)).toMatchObject({ accountsTotal: 3, accountsDone: 3, regionsTotal: 6, regionsDone: 6 });
    // Counters never go back.
    const done = log.map((p): [number, number] => [p.accountsDone!, p.regionsDone]);
    for (let i = 1; i < done.length; i++) {
      expect(done[i]![0]).toBeGreaterThanOrEqual(done[i - 1]![0]);
      expect(done[i]![1]).toBeGreaterThanOrEqual(done[i - 1]![1]);
    }
    // Accounts done, in order (concurrency 1): A (2 regions), B (2 regions, one denied), D (refused: its 2 regions at once).
    const states = log.map((p) => `${p.accountsDone}/${p.regionsDone}`).filter((s, i, all) => i === 0 || s !== all[i - 1]);
    expect(states).toEqual(["0/0", "0/1", "0/2", "1/2", "1/3", "1/4", "2/4", "3/6"]);
  });
});

describe("auditOrg: options", () => {
  it("--require-cmk reaches the checks (ES004 is medium); no baseline is reported as null", async () => {
    serveOrg({ [A]: { functions: { "us-east-1": [fn(A, "us-east-1", "plain", { LOG_LEVEL: "info" })] } } });
    const report = await auditOrg({ regions: ["us-east-1"], requireCmk: true, org: org({ accounts: [A] }) }, mockOrgClients());
    expect(report.findings.filter((f) => f.ruleId === "ES004").map((f) => [f.functionName, f.severity])).toEqual([["plain", "medium"]]);
    expect(report.options.baseline).toBeNull();
    expect(report.options.requireCmk).toBe(true);
  });
});

describe("auditOrg: which account's session reads a key", () => {
  const keyOf = (account: string, id: string) => `arn:aws:kms:us-east-1:${account}:key/${id}`;

  it("DescribeKey: the owner's session once it is ready; else the function's account (owner not yet audited, or outside the organisation)", async () => {
    const ownedByA = keyOf(A, "a-owned");
    const ownedByB = keyOf(B, "b-owned");
    const outside = keyOf(E, "outside");
    const seen = serveOrg({
      [A]: { functions: { "us-east-1": [fn(A, "us-east-1", "a1", { X: "1" }, { KMSKeyArn: ownedByB })] } },
      [B]: {
        functions: { "us-east-1": [fn(B, "us-east-1", "b1", { X: "1" }, { KMSKeyArn: ownedByA }), fn(B, "us-east-1", "b2", { X: "1" }, { KMSKeyArn: outside })] },
      },
    });
    // Concurrency 1: A is audited (and ready) before B, whose session is still new while A's functions are read.
    const report = await auditOrg({ regions: ["us-east-1"], org: org({ concurrency: 1 }) }, mockOrgClients());
    expect(report.summary.notAudited).toEqual([]);
    expect(seen.describeKey.sort((x, y) => x.keyId.localeCompare(y.keyId))).toEqual([
      { account: A, keyId: ownedByA },
      { account: A, keyId: ownedByB },
      { account: B, keyId: outside },
    ].sort((x, y) => x.keyId.localeCompare(y.keyId)));
    expect(report.summary.keysChecked).toBe(3);
  });

  it("DescribeKey: a key owned by an audited account described by that account, not by the function's", async () => {
    const ownedByA = keyOf(A, "a-owned");
    const seen = serveOrg({ [A]: {}, [B]: { functions: { "us-east-1": [fn(B, "us-east-1", "b1", { X: "1" }, { KMSKeyArn: ownedByA })] } } });
    await auditOrg({ regions: ["us-east-1"], org: org({ concurrency: 1 }) }, mockOrgClients());
    expect(seen.describeKey).toEqual([{ account: A, keyId: ownedByA }]);
  });

  it("DescribeKey: a key owned by an account whose role was refused is described by the function's account", async () => {
    const ownedByD = keyOf(D, "d-owned");
    const seen = serveOrg({ [B]: { functions: { "us-east-1": [fn(B, "us-east-1", "b1", { X: "1" }, { KMSKeyArn: ownedByD })] } }, [D]: { refuse: "AccessDenied" } });
    // D sorts after B; with concurrency 2 D's AssumeRole fails while B lists, either way D is never ready.
    await auditOrg({ regions: ["us-east-1"], org: org({ concurrency: 1, accounts: [D, B] }) }, mockOrgClients());
    expect(seen.describeKey).toEqual([{ account: B, keyId: ownedByD }]);
  });

  it("a key named without a region is described in the first audited region, or us-east-1 under --regions all", async () => {
    serveOrg({ [A]: { regions: ["ap-south-2"], functions: { "eu-west-1": [fn(A, "eu-west-1", "a1", { X: "1" }, { KMSKeyArn: "bare-key-id" })], "ap-south-2": [fn(A, "ap-south-2", "a2", { X: "1" }, { KMSKeyArn: "bare-key-id" })] } } });
    await auditOrg({ regions: ["eu-west-1"], org: org({ accounts: [A] }) }, mockOrgClients());
    const fixed = await Promise.all(mocks.kms.commandCalls(DescribeKeyCommand).map(sender));
    expect(fixed).toEqual([{ account: A, region: "eu-west-1" }]);

    serveOrg({ [A]: { regions: ["ap-south-2"], functions: { "ap-south-2": [fn(A, "ap-south-2", "a2", { X: "1" }, { KMSKeyArn: "bare-key-id" })] } } });
    await auditOrg({ regions: "all", org: org({ accounts: [A] }) }, mockOrgClients());
    const all = await Promise.all(mocks.kms.commandCalls(DescribeKeyCommand).map(sender));
    expect(all).toEqual([{ account: A, region: "us-east-1" }]);
  });

  it("ES014: the policy of a key named without a region is read in the account's first audited region", async () => {
    serveOrg({ [A]: { functions: { "eu-west-1": [fn(A, "eu-west-1", "a1", { X: "1" }, { KMSKeyArn: "bare-key-id", Role: role(A, "app") })] } } });
    await auditOrg({ regions: ["eu-west-1"], org: org({ accounts: [A] }) }, mockOrgClients());
    const read = await Promise.all(mocks.kms.commandCalls(GetKeyPolicyCommand).map(sender));
    expect(read.length).toBeGreaterThan(0);
    expect(new Set(read.map((r) => `${r.account} ${r.region}`))).toEqual(new Set([`${A} eu-west-1`]));
  });

  it("ES014: a key policy is read by the owner when ready, else by the role's account; what cannot be read is in keysNotChecked", async () => {
    const ownedByA = keyOf(A, "a-owned");
    const ownedByB = keyOf(B, "b-owned");
    const outside = keyOf(E, "outside");
    const seen = serveOrg({
      [A]: { functions: { "us-east-1": [fn(A, "us-east-1", "a1", { X: "1" }, { KMSKeyArn: ownedByB, Role: role(A, "app") })] } },
      [B]: {
        functions: {
          "us-east-1": [
            fn(B, "us-east-1", "b1", { X: "1" }, { KMSKeyArn: ownedByA, Role: role(B, "app") }),
            fn(B, "us-east-1", "b2", { X: "1" }, { KMSKeyArn: outside, Role: role(B, "app") }),
          ],
        },
      },
    });
    const report = await auditOrg({ regions: ["us-east-1"], org: org({ concurrency: 1 }) }, mockOrgClients());
    const byKey = (xs: Array<{ account: string; keyId: string }>) => [...new Set(xs.map((k) => `${k.account} ${k.keyId}`))].sort();
    expect(byKey(seen.keyPolicy)).toEqual([`${A} ${ownedByB}`, `${B} ${outside}`, `${A} ${ownedByA}`].sort());
    const notReadable = (key: string, r: string) => ({
      key: `${key} for ${r}`,
      reason: `ES014 not checked: cannot tell whether the role may kms:Decrypt with ${key}: the caller may not kms:GetKeyPolicy (AccessDeniedException)`,
    });
    expect(report.summary.keysNotChecked).toEqual([notReadable(ownedByB, role(A, "app")), notReadable(outside, role(B, "app"))]);
  });
});

describe("auditOrg: --security-hub", () => {
  const serveHub = () => {
    mocks.hub.on(GetFindingsCommand).resolves({ Findings: [] });
    mocks.hub.on(BatchImportFindingsCommand).callsFake(async (input: { Findings: unknown[] }) => ({ SuccessCount: input.Findings.length, FailedCount: 0, FailedFindings: [] }));
  };

  it("publishes to every audited account-region, signed as that account; what was not audited is reported as not published", async () => {
    serveOrg({
      [A]: { functions: { "us-east-1": [fn(A, "us-east-1", "api", { DB_PASSWORD: "hunter2-Prod!" })] } },
      [B]: { denyRegions: { "eu-west-1": "AccessDeniedException" } },
      [D]: { refuse: "AccessDenied" },
    });
    serveHub();
    const report = await auditOrg({ regions: ["us-east-1", "eu-west-1"], securityHub: true, org: org() }, mockOrgClients());
    const fromA = report.findings.filter((f) => f.account === A && f.region === "us-east-1");
    expect(fromA.length).toBeGreaterThan(0);
    const notAudited = "not audited: nothing was sent and nothing archived";
    expect(report.securityHub).toEqual({
      targets: 3,
      imported: fromA.length,
      archived: 0,
      workflowNotResolved: [],
      failed: [],
      notPublished: [
        { account: B, region: "eu-west-1", reason: notAudited },
        { account: D, region: "eu-west-1", reason: notAudited },
        { account: D, region: "us-east-1", reason: notAudited },
      ],
    });
    const asked = await Promise.all(mocks.hub.commandCalls(GetFindingsCommand).map(sender));
    expect(asked.map((s) => `${s.account} ${s.region}`).sort()).toEqual([`${A} eu-west-1`, `${A} us-east-1`, `${B} us-east-1`]);
    const sent = await Promise.all(mocks.hub.commandCalls(BatchImportFindingsCommand).map(sender));
    expect(sent).toEqual([{ account: A, region: "us-east-1" }]);
  });

  it("publishes to at most --concurrency account-regions at once", async () => {
    serveOrg({ [A]: {}, [B]: {}, [D]: {} });
    serveHub();
    let inFlight = 0;
    let maxInFlight = 0;
    mocks.hub.on(GetFindingsCommand).callsFake(async () => {
      maxInFlight = Math.max(maxInFlight, ++inFlight);
      await new Promise((r) => setTimeout(r, 10));
      inFlight--;
      return { Findings: [] };
    });
    const report = await auditOrg({ regions: ["us-east-1", "eu-west-1"], securityHub: true, org: org({ concurrency: 2 }) }, mockOrgClients());
    expect(report.securityHub!.targets).toBe(6);
    expect(maxInFlight).toBe(2);
  });

  it("--regions all: an account not reached has no regions to report; the others are published", async () => {
    serveOrg({ [A]: { regions: ["eu-west-1"] }, [D]: { refuse: "AccessDenied" } });
    serveHub();
    const report = await auditOrg({ regions: "all", securityHub: true, org: org() }, mockOrgClients());
    expect(report.securityHub).toEqual({ targets: 1, imported: 0, archived: 0, workflowNotResolved: [], failed: [], notPublished: [] });
    const asked = await Promise.all(mocks.hub.commandCalls(GetFindingsCommand).map(sender));
    expect(asked).toEqual([{ account: A, region: "eu-west-1" }]);
  });

  it("without --security-hub nothing is published and the report has no securityHub field", async () => {
    serveOrg({ [A]: {} });
    serveHub();
    const report = await auditOrg({ regions: ["us-east-1"], org: org() }, mockOrgClients());
    expect(report).not.toHaveProperty("securityHub");
    expect(mocks.hub.commandCalls(GetFindingsCommand)).toHaveLength(0);
    const off = await auditOrg({ regions: ["us-east-1"], securityHub: false, org: org() }, mockOrgClients());
    expect(off).not.toHaveProperty("securityHub");
    expect(mocks.hub.commandCalls(GetFindingsCommand)).toHaveLength(0);
  });

  it("clients without securityHub(): a TypeError naming what is missing", async () => {
    serveOrg({ [A]: {} });
    serveHub();
    const base = mockOrgClients();
    const clients: OrgClients = {
      ...base,
      forAccount: (credentials) => {
        const { securityHub: _omitted, ...rest } = base.forAccount(credentials);
        return rest;
      },
    };
    const run = auditOrg({ regions: ["us-east-1"], securityHub: true, org: org() }, clients);
    await expect(run).rejects.toBeInstanceOf(TypeError);
    await expect(run).rejects.toThrow(/^auditOrg: securityHub needs AuditClients with securityHub\(\)$/);
  });
});
