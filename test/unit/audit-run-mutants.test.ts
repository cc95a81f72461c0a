/**
 * audit(), the parts the other run tests leave open: run.ts is loaded in beforeAll (its module constants — the page
 * size, the fallback region — are what is tested); offline inputs over one page and without ARNs; a template run
 * with no functions; live runs' default region for bare key ids and their progress; Security Hub preconditions.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { AccountClient } from "@aws-sdk/client-account";
import { IAMClient, SimulatePrincipalPolicyCommand } from "@aws-sdk/client-iam";
import { DescribeKeyCommand, GetKeyPolicyCommand, KMSClient, ListGrantsCommand } from "@aws-sdk/client-kms";
import { LambdaClient, ListFunctionsCommand } from "@aws-sdk/client-lambda";
import { SecurityHubClient } from "@aws-sdk/client-securityhub";
import { mockClient } from "aws-sdk-client-mock";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { AuditClients } from "../../src/audit/clients.js";
import type { AuditProgress } from "../../src/audit/run.js";
import { sdkError } from "../support/sdk-errors.js";

let audit: typeof import("../../src/audit/run.js").audit;
beforeAll(async () => {
  ({ audit } = await import("../../src/audit/run.js"));
});

const lambdaMock = mockClient(LambdaClient);
const kmsMock = mockClient(KMSClient);
const iamMock = mockClient(IAMClient);
beforeEach(() => {
  lambdaMock.reset();
  kmsMock.reset();
  iamMock.reset();
});

const dir = mkdtempSync(join(tmpdir(), "envseal-run-mutants-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const write = (name: string, text: string) => (writeFileSync(join(dir, name), text), join(dir, name));
const ACCOUNT = "111122223333";
const arn = (region: string, name: string) => `arn:aws:lambda:${region}:${ACCOUNT}:function:${name}`;

describe("offline", () => {
  it("functions without an ARN are counted in the region 'unknown'", async () => {
    const path = write("noarn.json", JSON.stringify([{ FunctionName: "bare", Environment: { Variables: { LOG_LEVEL: "info" } } }]));
    const r = await audit({ input: path });
    expect(r.summary.functionsPerRegion).toEqual({ unknown: 1 });
    expect(r.findings.map((f) => `${f.ruleId}/${f.region}/${f.functionArn}`)).toEqual(["ES004/unknown/bare"]);
  });

  it("more than one page (50) of functions: each function is scanned once", async () => {
    const fns = Array.from({ length: 51 }, (_, i) => ({ FunctionName: `fn-${i}`, FunctionArn: arn("eu-west-1", `fn-${i}`), Environment: { Variables: { A1: "x" } } }));
    const progress: AuditProgress[] = [];
    const r = await audit({ input: write("many.json", JSON.stringify({ Functions: fns })), onProgress: (p) => progress.push({ ...p }) });
    expect(r.summary.functionsScanned).toBe(51);
    expect(r.summary.findingsTotal).toBe(51);
    expect(new Set(r.findings.map((f) => f.fingerprint)).size).toBe(51);
    expect(progress.at(-1)).toEqual({ functionsListed: 51, functionsScanned: 51, regionsDone: 1, regionsTotal: 1, findings: 51 });
  });
});

describe("templates", () => {
  it("a template without functions: no region entry, nothing scanned", async () => {
    const path = write("empty.yaml", "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  Bucket:\n    Type: AWS::S3::Bucket\n");
    const r = await audit({ templates: [path], cwd: dir });
    expect(r.summary.functionsScanned).toBe(0);
    expect(r.summary.functionsPerRegion).toEqual({});
    expect(r.summary.templates?.filesScanned).toBe(1);
  });
});

describe("live", () => {
  const creds = { accessKeyId: "AKIDTEST", secretAccessKey: "test" };
  function clients(extra: Partial<AuditClients> = {}): { c: AuditClients; kmsRegions: string[] } {
    const kmsRegions: string[] = [];
    const c: AuditClients = {
      lambda: (region) => new LambdaClient({ region, credentials: creds }),
      kms: (region) => (kmsRegions.push(region), new KMSClient({ region, credentials: creds })),
      account: () => new AccountClient({ region: "us-east-1", credentials: creds }),
      defaultRegion: async () => "us-east-1",
      ...extra,
    };
    return { c, kmsRegions };
  }

  it("a bare key id (no region in it) is looked up in the first audited region, for the key check and ES014", async () => {
    const role = `arn:aws:iam::${ACCOUNT}:role/api`;
    lambdaMock.on(ListFunctionsCommand).resolves({
      Functions: [{ FunctionName: "api", FunctionArn: arn("eu-west-1", "api"), Version: "$LATEST", KMSKeyArn: "alias/app", Role: role, Environment: { Variables: { A1: "x" } } }],
    });
    const keyArn = `arn:aws:kms:eu-west-1:${ACCOUNT}:key/k1`;
    kmsMock.on(DescribeKeyCommand).resolves({ KeyMetadata: { KeyId: "k1", Arn: keyArn, KeyState: "Enabled", KeyManager: "AWS" } });
    kmsMock.on(GetKeyPolicyCommand).rejects(sdkError("AccessDeniedException", 400));
    kmsMock.on(ListGrantsCommand).rejects(sdkError("AccessDeniedException", 400));
    iamMock.on(SimulatePrincipalPolicyCommand).rejects(sdkError("AccessDenied", 403));
    const { c, kmsRegions } = clients({ iam: () => new IAMClient({ region: "us-east-1", credentials: creds }) });
    const r = await audit({ regions: ["eu-west-1"] }, c);
    // The key check's DescribeKey and ES014's own DescribeKey of the bare id.
    expect(kmsMock.commandCalls(DescribeKeyCommand).map((x) => x.args[0].input)).toEqual([{ KeyId: "alias/app" }, { KeyId: "alias/app" }]);
    expect(kmsRegions.length).toBeGreaterThanOrEqual(2);
    expect(new Set(kmsRegions)).toEqual(new Set(["eu-west-1"]));
    expect(r.summary.keysNotChecked.map((k) => k.key)).toEqual([`alias/app for ${role}`]);
  });

  it("progress counts regions done up to the total", async () => {
    lambdaMock.on(ListFunctionsCommand).resolves({ Functions: [] });
    const progress: AuditProgress[] = [];
    await audit({ regions: ["eu-west-1", "us-east-1"], onProgress: (p) => progress.push({ ...p }) }, clients().c);
    expect(progress.filter((p) => p.regionsDone !== 0).map((p) => p.regionsDone)).toEqual([1, 2]);
    expect(progress.at(-1)).toMatchObject({ regionsDone: 2, regionsTotal: 2 });
  });

  it("securityHub needs both identity() and securityHub(): either one missing is a programming error", async () => {
    lambdaMock.on(ListFunctionsCommand).resolves({ Functions: [] });
    const msg = "audit: securityHub needs AuditClients with identity() and securityHub()";
    const hub = (region: string) => new SecurityHubClient({ region, credentials: creds });
    await expect(audit({ regions: ["eu-west-1"], securityHub: true }, clients({ securityHub: hub }).c)).rejects.toThrow(msg);
    await expect(audit({ regions: ["eu-west-1"], securityHub: true }, clients({ identity: async () => ({ account: ACCOUNT, partition: "aws" }) }).c)).rejects.toThrow(msg);
  });

  it("an identity failure that is not an envseal error: the report says sts:GetCallerIdentity failed, nothing else is set", async () => {
    lambdaMock.on(ListFunctionsCommand).resolves({ Functions: [] });
    const hub = (region: string) => new SecurityHubClient({ region, credentials: creds });
    const r = await audit({ regions: ["eu-west-1", "us-east-1"], securityHub: true }, clients({ securityHub: hub, identity: () => Promise.reject(new Error("boom")) }).c);
    const reason = "the account could not be learned (sts:GetCallerIdentity failed)";
    expect(r.securityHub).toEqual({
      targets: 0,
      imported: 0,
      archived: 0,
      workflowNotResolved: [],
      failed: [],
      notPublished: [
        { account: "unknown", region: "eu-west-1", reason },
        { account: "unknown", region: "us-east-1", reason },
      ],
    });
  });
});
