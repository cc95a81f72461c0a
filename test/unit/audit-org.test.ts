/**
 * `audit --org` with aws-sdk-client-mock: which accounts, the exact AssumeRole inputs, one session per account, findings
 * stamped with their account, "not audited" entries with reasons, the concurrency cap, and one DescribeKey per key.
 */
import { describe, expect, it } from "vitest";
import { AssumeRoleCommand } from "@aws-sdk/client-sts";
import { ListAccountsCommand } from "@aws-sdk/client-organizations";
import { auditOrg } from "../../src/audit/org/run.js";
import { parseAccounts, parseExternalId, parseRoleName } from "../../src/audit/org/accounts.js";
import { fingerprintOf } from "../../src/audit/check.js";
import { AwsError, InputError } from "../../src/core/errors.js";
import { CALLER, fn, mockOrgClients, mocks, serveOrg } from "../support/org-mock.js";

const A = "111111111111";
const B = "222222222222";
const C = "333333333333";
const D = "444444444444";
const org = (extra = {}) => ({ roleName: "EnvsealAudit", externalId: "ext-2026", ...extra });
const assumed = () => mocks.sts.commandCalls(AssumeRoleCommand).map((c) => c.args[0].input);

describe("audit --org (aws-sdk-client-mock)", () => {
  it("assumes --role-name once per ACTIVE account with the session name and external id; skips the caller and suspended accounts", async () => {
    serveOrg({
      [A]: { functions: { "us-east-1": [fn(A, "us-east-1", "api", { DB_PASSWORD: "hunter2-Prod!" })], "eu-west-1": [] } },
      [B]: { functions: { "eu-west-1": [fn(B, "eu-west-1", "api", { DB_PASSWORD: "hunter2-Prod!" })] } },
      [C]: { status: "SUSPENDED" },
    });
    const report = await auditOrg({ regions: ["us-east-1", "eu-west-1"], org: org() }, mockOrgClients());
    expect(mocks.org.commandCalls(ListAccountsCommand)).toHaveLength(1);
    expect(assumed().sort((x, y) => x.RoleArn!.localeCompare(y.RoleArn!))).toEqual([
      { RoleArn: `arn:aws:iam::${A}:role/EnvsealAudit`, RoleSessionName: "envseal-audit", ExternalId: "ext-2026" },
      { RoleArn: `arn:aws:iam::${B}:role/EnvsealAudit`, RoleSessionName: "envseal-audit", ExternalId: "ext-2026" },
    ]);
    expect(report.org).toMatchObject({ callerAccount: CALLER, accountsFrom: "organizations", roleName: "role/EnvsealAudit", externalId: true, accounts: [A, B], accountsAudited: 2 });
    expect(report.org!.skipped).toEqual([
      { account: C, reason: "account is SUSPENDED, not ACTIVE" },
      { account: CALLER, reason: expect.stringContaining("--include-current") },
    ]);
    expect(report.summary.notAudited).toEqual([]);
    expect(report.summary.functionsPerAccount).toEqual({ [A]: 1, [B]: 1 });
    // The same function name and variable in two accounts: two findings, told apart by account and fingerprint.
    const es001 = report.findings.filter((f) => f.ruleId === "ES001");
    expect(es001.map((f) => [f.account, f.region, f.functionName])).toEqual([
      [A, "us-east-1", "api"],
      [B, "eu-west-1", "api"],
    ]);
    expect(es001[0]!.fingerprint).toBe(fingerprintOf("ES001", es001[0]!.functionArn, "DB_PASSWORD", A));
    expect(es001[0]!.fingerprint).not.toBe(fingerprintOf("ES001", es001[0]!.functionArn, "DB_PASSWORD"));
    expect(report.summary.failed).toBe(false); // name + entropy is medium; --fail-on high across the org
  });

  it("an account whose role cannot be assumed, and a region a policy denies, are not audited, with reasons; the rest is", async () => {
    const seen = serveOrg({
      [A]: { functions: { "us-east-1": [fn(A, "us-east-1", "a", { STRIPE_KEY: `sk_live_${"4eC39HqLyjWDarjtT1zdp7dc"}` })] } },
      [B]: { functions: { "us-east-1": [fn(B, "us-east-1", "b")] }, denyRegions: { "eu-west-1": "AccessDeniedException" } },
      [D]: { refuse: "AccessDenied", functions: { "us-east-1": [fn(D, "us-east-1", "d", { DB_PASSWORD: "never-read-this" })] } },
    });
    const report = await auditOrg({ regions: ["us-east-1", "eu-west-1"], org: org(), failOn: "high" }, mockOrgClients());
    expect(report.summary.notAudited).toEqual([
      { account: B, region: "eu-west-1", reason: `lambda:ListFunctions in ${B} eu-west-1: AccessDeniedException (the member role lacks lambda:ListFunctions here, or a service control policy denies it)` },
      {
        account: D,
        region: null,
        reason: `sts:AssumeRole into arn:aws:iam::${D}:role/EnvsealAudit was refused (AccessDenied): the role does not exist in ${D}, or its trust policy does not trust the caller with this external id`,
      },
    ]);
    expect(seen.listFunctions.some((c) => c.account === D)).toBe(false);
    expect(report.org!.accountsAudited).toBe(2);
    expect(report.findings.some((f) => f.account === D)).toBe(false);
    expect(report.findings.filter((f) => f.ruleId === "ES001").map((f) => f.account)).toEqual([A]);
    expect(report.summary.failed).toBe(true); // a provider-verified Stripe key is high, anywhere in the org
  });

  it("--regions all asks each account for its own enabled regions", async () => {
    const seen = serveOrg({ [A]: { regions: ["us-east-1", "ap-south-2"] }, [B]: { regions: ["eu-west-1"] } });
    const report = await auditOrg({ regions: "all", org: org() }, mockOrgClients());
    expect(seen.listFunctions.map((c) => `${c.account}/${c.region}`).sort()).toEqual([`${A}/ap-south-2`, `${A}/us-east-1`, `${B}/eu-west-1`]);
    expect(report.source).toEqual({ mode: "live", regions: ["ap-south-2", "eu-west-1", "us-east-1"] });
  });

  it("never runs more account-regions at once than --concurrency", async () => {
    const accounts = Object.fromEntries(Array.from({ length: 7 }, (_, i) => [`10000000000${i}`, { functions: {} }]));
    const seen = serveOrg(accounts, 15);
    const clients = mockOrgClients();
    await auditOrg({ regions: ["us-east-1", "eu-west-1"], org: org({ concurrency: 3 }) }, clients);
    expect(seen.listFunctions).toHaveLength(14);
    expect(seen.maxInFlight).toBe(3);
    expect(assumed()).toHaveLength(7);
  });

  it("describes each distinct key once across accounts, with the session of the account that owns it", async () => {
    const shared = `arn:aws:kms:us-east-1:${A}:key/shared`;
    const own = `arn:aws:kms:us-east-1:${B}:key/own`;
    const seen = serveOrg({
      [A]: { functions: { "us-east-1": [fn(A, "us-east-1", "a1", { X: "1" }, { KMSKeyArn: shared }), fn(A, "us-east-1", "a2", { X: "1" }, { KMSKeyArn: shared })] } },
      [B]: { functions: { "us-east-1": [fn(B, "us-east-1", "b1", { X: "1" }, { KMSKeyArn: shared }), fn(B, "us-east-1", "b2", { X: "1" }, { KMSKeyArn: own })] } },
    });
    const report = await auditOrg({ regions: ["us-east-1"], org: org({ concurrency: 1 }) }, mockOrgClients());
    expect(seen.describeKey.sort((x, y) => x.keyId.localeCompare(y.keyId))).toEqual([
      { account: A, keyId: shared },
      { account: B, keyId: own },
    ]);
    expect(report.summary.keysChecked).toBe(2);
  });

  it("ES014 in every member account: roles simulated in their own account, key policies read by the key's owner", async () => {
    const shared = `arn:aws:kms:us-east-1:${A}:key/shared`;
    const own = `arn:aws:kms:us-east-1:${B}:key/own`;
    const role = (account: string, name: string) => `arn:aws:iam::${account}:role/${name}`;
    const seen = serveOrg({
      [A]: { functions: { "us-east-1": [fn(A, "us-east-1", "a1", { X: "1" }, { KMSKeyArn: shared, Role: role(A, "app") })] } },
      [B]: {
        functions: {
          "us-east-1": [
            fn(B, "us-east-1", "b1", { X: "1" }, { KMSKeyArn: shared, Role: role(B, "app") }),
            fn(B, "us-east-1", "b2", { X: "1" }, { KMSKeyArn: own, Role: role(B, "locked") }),
            fn(B, "us-east-1", "b3", { X: "1" }, { KMSKeyArn: own, Role: role(B, "locked") }),
          ],
        },
        lockedRoles: [role(B, "locked")],
      },
    });
    // Concurrency 1: A is audited first, so its session is ready when B's function uses A's key.
    const report = await auditOrg({ regions: ["us-east-1"], org: org({ concurrency: 1 }), failOn: "critical" }, mockOrgClients());
    const es014 = report.findings.filter((f) => f.ruleId === "ES014");
    expect(es014.map((f) => [f.account, f.functionName])).toEqual([
      [B, "b2"],
      [B, "b3"],
    ]);
    expect(es014[0]!.message).toContain("will fail at init");
    // One simulation per (role, key), each signed by the role's own account.
    expect(seen.simulate.sort((x, y) => x.role.localeCompare(y.role))).toEqual([
      { account: A, role: role(A, "app") },
      { account: B, role: role(B, "app") },
      { account: B, role: role(B, "locked") },
    ]);
    // Key policies are read by the owning account (GetKeyPolicy does not work across accounts), once per account audit.
    expect(seen.keyPolicy.every((k) => k.keyId.includes(`:${k.account}:`))).toBe(true);
    // ES014 describes no key again: still one DescribeKey per distinct key.
    expect(seen.describeKey).toHaveLength(2);
    expect(report.summary.keysNotChecked).toEqual([]);
    expect(report.summary.failed).toBe(true);
  });

  it("--accounts skips ListAccounts; --include-current audits the caller's account with its own credentials", async () => {
    const seen = serveOrg({ [A]: {}, [CALLER]: { functions: { "us-east-1": [fn(CALLER, "us-east-1", "mine")] } } });
    const report = await auditOrg({ regions: ["us-east-1"], org: org({ accounts: [A], includeCurrent: true }) }, mockOrgClients());
    expect(mocks.org.commandCalls(ListAccountsCommand)).toHaveLength(0);
    expect(assumed().map((i) => i.RoleArn)).toEqual([`arn:aws:iam::${A}:role/EnvsealAudit`]);
    expect(seen.listFunctions.map((c) => c.account).sort()).toEqual([A, CALLER].sort());
    expect(report.org).toMatchObject({ accountsFrom: "accounts-option", accounts: [A, CALLER].sort(), externalId: true });
  });

  it("refuses to run with nothing to audit, and names organizations:ListAccounts when it is denied", async () => {
    serveOrg({});
    await expect(auditOrg({ regions: ["us-east-1"], org: org() }, mockOrgClients())).rejects.toThrow(InputError);
    mocks.org.on(ListAccountsCommand).rejects(Object.assign(new Error("no"), { name: "AccessDeniedException", $metadata: { httpStatusCode: 403 } }));
    const denied = auditOrg({ regions: ["us-east-1"], org: org() }, mockOrgClients());
    await expect(denied).rejects.toThrow(AwsError);
    await expect(denied).rejects.toThrow(/organizations:ListAccounts/);
  });
});

describe("org flags", () => {
  it.each([
    ["111122223333,444455556666, 111122223333", ["111122223333", "444455556666"]],
    [" 123456789012 ", ["123456789012"]],
  ])("--accounts %s", (value, expected) => expect(parseAccounts(value)).toEqual(expected));

  it.each(["", "12345", "1234567890123", "abcdefghijkl", "111122223333,x"])("--accounts %j is refused", (value) => expect(() => parseAccounts(value)).toThrow(InputError));

  it("--role-name takes a name or path/name; --external-id follows STS's rule and is never quoted back", () => {
    expect(parseRoleName("EnvsealAudit")).toBe("EnvsealAudit");
    expect(parseRoleName("security/EnvsealAudit")).toBe("security/EnvsealAudit");
    expect(parseRoleName("role/EnvsealAudit")).toBe("EnvsealAudit");
    expect(() => parseRoleName("bad name")).toThrow(InputError);
    expect(() => parseRoleName("x".repeat(65))).toThrow(InputError);
    expect(parseExternalId("ext-2026:a/b")).toBe("ext-2026:a/b");
    const secretish = "has space and $ sign";
    expect(() => parseExternalId(secretish)).toThrow(InputError);
    expect(() => parseExternalId(secretish)).not.toThrow(new RegExp(secretish.replace(/\$/g, "\\$")));
  });
});
