/**
 * Security Hub: the ASFF mapping (exact fields), and publishing with aws-sdk-client-mock — batches of 100, retries of
 * transient failures, partial failures reported, archiving of findings no longer present (and only those this run could
 * see), CreatedAt kept, workflow set to RESOLVED.
 */
import { beforeEach, describe, expect, it } from "vitest";
import { mockClient } from "aws-sdk-client-mock";
import {
  BatchImportFindingsCommand,
  BatchUpdateFindingsCommand,
  GetFindingsCommand,
  SecurityHubClient,
  type AwsSecurityFinding,
} from "@aws-sdk/client-securityhub";
import { asffId, productArn, toAsff } from "../../src/audit/hub/asff.js";
import { publishToSecurityHub } from "../../src/audit/hub/publish.js";
import { renderReport } from "../../src/audit/format/index.js";
import { fingerprintOf } from "../../src/audit/check.js";
import { RULES } from "../../src/audit/rules.js";
import type { AuditReport } from "../../src/audit/report.js";
import type { Finding } from "../../src/audit/types.js";
import { AwsError, InputError } from "../../src/core/errors.js";
import { LambdaClient, ListFunctionsCommand } from "@aws-sdk/client-lambda";
import { KMSClient } from "@aws-sdk/client-kms";
import { AccountClient } from "@aws-sdk/client-account";
import { audit } from "../../src/audit/run.js";
import type { AuditClients } from "../../src/audit/clients.js";

const hubMock = mockClient(SecurityHubClient);
beforeEach(() => hubMock.reset());

const ACCOUNT = "123456789012";
const PRODUCT = `arn:aws:securityhub:us-east-1:${ACCOUNT}:product/${ACCOUNT}/default`;
const arn = (name: string, v = "") => `arn:aws:lambda:us-east-1:${ACCOUNT}:function:${name}${v}`;

function finding(name: string, variable: string | null, extra: Partial<Finding> = {}): Finding {
  const ruleId = extra.ruleId ?? (variable ? "ES001" : "ES004");
  const functionArn = extra.functionArn ?? arn(name);
  return {
    ruleId,
    severity: "high",
    region: "us-east-1",
    functionName: name,
    functionArn,
    version: "$LATEST",
    variable,
    message: `${variable ?? "environment"} problem`,
    remediation: RULES[ruleId].remediation,
    fingerprint: fingerprintOf(ruleId, functionArn, variable),
    ...extra,
  };
}

function reportOf(findings: Finding[], extra: Partial<AuditReport> = {}, summary: Partial<AuditReport["summary"]> = {}): AuditReport {
  return {
    schemaVersion: 1,
    tool: { name: "envseal", informationUri: "https://www.npmjs.com/package/envseal" },
    generatedAt: "2026-11-30T10:00:00.000Z",
    source: { mode: "live", regions: ["us-east-1"] },
    options: { allVersions: false, requireCmk: false, failOn: "high", ignore: [], baseline: null },
    summary: {
      functionsScanned: 1,
      functionsNotScanned: 0,
      notScanned: [],
      functionsPerRegion: { "us-east-1": 1 },
      findingsBySeverity: { low: 0, medium: 0, high: findings.length, critical: 0 },
      findingsTotal: findings.length,
      suppressedTotal: 0,
      keyChecks: "checked",
      keysChecked: 0,
      keysNotChecked: [],
      durationMs: 1,
      failed: true,
      ...summary,
    },
    findings,
    suppressed: [],
    ...extra,
  };
}

const target = { account: ACCOUNT, partition: "aws", region: "us-east-1", hub: () => new SecurityHubClient({ region: "us-east-1", credentials: { accessKeyId: "A", secretAccessKey: "B" } }) };
const now = () => new Date("2026-11-30T10:00:05.000Z");
const noSleep = async () => undefined;
const imported = () => hubMock.commandCalls(BatchImportFindingsCommand).map((c) => c.args[0].input.Findings ?? []);

describe("ASFF mapping", () => {
  it("maps a finding to every required ASFF field, with severity, types, resource and remediation, and no value", () => {
    const f = finding("orders", "DB_PASSWORD", { severity: "critical", detector: "secretlint:aws", confidence: "high", message: "DB_PASSWORD looks like a cloud credential" });
    const a = toAsff(f, { createdAt: "2026-01-01T00:00:00.000Z", updatedAt: "2026-11-30T10:00:00.000Z", url: "https://www.npmjs.com/package/envseal" });
    expect(a).toEqual({
      SchemaVersion: "2018-10-08",
      Id: `envseal/${ACCOUNT}/us-east-1/${fingerprintOf("ES001", arn("orders"), "DB_PASSWORD")}`,
      ProductArn: PRODUCT,
      ProductName: "envseal",
      CompanyName: "envseal",
      GeneratorId: "envseal/ES001",
      AwsAccountId: ACCOUNT,
      Types: ["Sensitive Data Identifications/Passwords", "Software and Configuration Checks/AWS Security Best Practices"],
      CreatedAt: "2026-01-01T00:00:00.000Z",
      UpdatedAt: "2026-11-30T10:00:00.000Z",
      Severity: { Label: "CRITICAL", Original: "critical" },
      FindingProviderFields: {
        Severity: { Label: "CRITICAL", Original: "critical" },
        Types: ["Sensitive Data Identifications/Passwords", "Software and Configuration Checks/AWS Security Best Practices"],
      },
      Title: "ES001 Plaintext secret in an environment variable",
      Description: "orders DB_PASSWORD: DB_PASSWORD looks like a cloud credential",
      Remediation: { Recommendation: { Text: RULES.ES001.remediation, Url: "https://www.npmjs.com/package/envseal" } },
      Resources: [{ Type: "AwsLambdaFunction", Id: arn("orders"), Partition: "aws", Region: "us-east-1", Details: { AwsLambdaFunction: { FunctionName: "orders", Version: "$LATEST" } } }],
      ProductFields: {
        "envseal/RuleId": "ES001",
        "envseal/Variable": "DB_PASSWORD",
        "envseal/Version": "$LATEST",
        "envseal/Fingerprint": f.fingerprint,
        "envseal/Detector": "secretlint:aws",
        "envseal/Confidence": "high",
      },
      RecordState: "ACTIVE",
    });
  });

  it("Id is the same whether the account was audited alone or with --org; GeneratorId is per rule; severities map to labels", () => {
    const alone = finding("api", "TOKEN");
    const viaOrg = { ...alone, account: ACCOUNT, fingerprint: fingerprintOf("ES001", alone.functionArn, "TOKEN", ACCOUNT) };
    expect(asffId(viaOrg, ACCOUNT)).toBe(asffId(alone, ACCOUNT));
    expect(asffId(finding("api", "TOKEN", { region: "eu-west-1" }), ACCOUNT)).not.toBe(asffId(alone, ACCOUNT));
    expect(asffId(finding("api", "OTHER"), ACCOUNT)).not.toBe(asffId(alone, ACCOUNT));
    const ctx = { createdAt: "t", updatedAt: "t", url: "u" };
    expect(toAsff(finding("api", null, { ruleId: "ES006", severity: "medium" }), ctx)).toMatchObject({ GeneratorId: "envseal/ES006", Severity: { Label: "MEDIUM" }, Types: ["Software and Configuration Checks/AWS Security Best Practices"] });
    expect(toAsff(finding("api", null, { severity: "low" }), ctx).Severity?.Label).toBe("LOW");
    expect(productArn("aws-us-gov", "us-gov-west-1", ACCOUNT)).toBe(`arn:aws-us-gov:securityhub:us-gov-west-1:${ACCOUNT}:product/${ACCOUNT}/default`);
  });

  it("--format asff is a JSON array of ASFF findings; a finding without an account is refused", () => {
    const out = JSON.parse(renderReport(reportOf([finding("a", "X"), finding("b", null)]), "asff"));
    expect(out).toHaveLength(2);
    expect(out[0]).toMatchObject({ ProductArn: PRODUCT, CreatedAt: "2026-11-30T10:00:00.000Z", RecordState: "ACTIVE" });
    expect(() => renderReport(reportOf([finding("offline", "X", { functionArn: "offline" })]), "asff")).toThrow(InputError);
  });
});

describe("publishing to Security Hub (aws-sdk-client-mock)", () => {
  it("finds earlier findings with GetFindings filtered on product, generator prefix, state and account; imports in batches of 100", async () => {
    hubMock.on(GetFindingsCommand).resolves({ Findings: [] });
    hubMock.on(BatchImportFindingsCommand).callsFake(async (input: { Findings: unknown[] }) => ({ SuccessCount: input.Findings.length, FailedCount: 0, FailedFindings: [] }));
    const findings = Array.from({ length: 250 }, (_, i) => finding(`fn-${i}`, "TOKEN"));
    const result = await publishToSecurityHub(reportOf(findings), [target], { now, sleep: noSleep });
    expect(hubMock.commandCalls(GetFindingsCommand)[0]!.args[0].input).toEqual({
      Filters: {
        ProductArn: [{ Value: PRODUCT, Comparison: "EQUALS" }],
        GeneratorId: [{ Value: "envseal/", Comparison: "PREFIX" }],
        RecordState: [{ Value: "ACTIVE", Comparison: "EQUALS" }],
        AwsAccountId: [{ Value: ACCOUNT, Comparison: "EQUALS" }],
      },
      MaxResults: 100,
    });
    expect(imported().map((b) => b.length)).toEqual([100, 100, 50]);
    expect(result).toMatchObject({ targets: 1, imported: 250, archived: 0, failed: [], notPublished: [] });
    expect(hubMock.commandCalls(BatchUpdateFindingsCommand)).toHaveLength(0);
  });

  it("sends findings Security Hub failed for a transient reason again; reports the others", async () => {
    const a = finding("a", "X");
    const b = finding("b", "X");
    const idA = asffId(a, ACCOUNT);
    const idB = asffId(b, ACCOUNT);
    hubMock.on(GetFindingsCommand).resolves({ Findings: [] });
    hubMock
      .on(BatchImportFindingsCommand)
      .resolvesOnce({ SuccessCount: 0, FailedCount: 2, FailedFindings: [{ Id: idA, ErrorCode: "ThrottlingException", ErrorMessage: "slow down" }, { Id: idB, ErrorCode: "InvalidInput", ErrorMessage: "Title too long" }] })
      .resolves({ SuccessCount: 1, FailedCount: 0, FailedFindings: [] });
    const result = await publishToSecurityHub(reportOf([a, b]), [target], { now, sleep: noSleep });
    expect(imported().map((batch) => batch.map((f) => f.Id))).toEqual([[idA, idB], [idA]]);
    expect(result.imported).toBe(1);
    expect(result.failed).toEqual([{ account: ACCOUNT, region: "us-east-1", id: idB, action: "import", code: "InvalidInput", message: "Title too long" }]);
  });

  it("archives earlier findings that are gone (RecordState ARCHIVED, workflow RESOLVED), keeps CreatedAt of those still there, and touches nothing else", async () => {
    const still = finding("still", "X");
    const fixed = finding("fixed", "Y");
    const unread = finding("unread", "Z");
    const version = finding("old", "W", { functionArn: arn("old", ":3"), version: "3", ruleId: "ES009" });
    const suppressed = finding("accepted", null);
    const ctx = { createdAt: "2026-01-01T00:00:00.000Z", updatedAt: "2026-01-01T00:00:00.000Z", url: "u" };
    const previous: AwsSecurityFinding[] = [still, fixed, unread, version, suppressed].map((f) => ({ ...toAsff(f, ctx), Region: "us-east-1", ProductFields: { ...toAsff(f, ctx).ProductFields, "aws/securityhub/FindingId": "x" } }));
    // Another tool's finding, which GetFindings' filter should have left out: never touched.
    previous.push({ ...toAsff(finding("foreign", "Q"), ctx), ProductArn: "arn:aws:securityhub:us-east-1::product/other/tool", GeneratorId: "other/1" });
    hubMock.on(GetFindingsCommand).resolves({ Findings: previous });
    hubMock.on(BatchImportFindingsCommand).callsFake(async (input: { Findings: unknown[] }) => ({ SuccessCount: input.Findings.length, FailedCount: 0, FailedFindings: [] }));
    hubMock.on(BatchUpdateFindingsCommand).resolves({ ProcessedFindings: [], UnprocessedFindings: [] });
    const report = reportOf([still], { suppressed: [{ ...suppressed, suppressedBy: "ignore:ES004" }] }, { notScanned: [{ region: "us-east-1", functionArn: arn("unread"), reason: "Environment.Error" }] });
    const result = await publishToSecurityHub(report, [target], { now, sleep: noSleep });
    const [current, archived] = imported();
    expect(current).toEqual([expect.objectContaining({ Id: asffId(still, ACCOUNT), CreatedAt: "2026-01-01T00:00:00.000Z", UpdatedAt: "2026-11-30T10:00:05.000Z", RecordState: "ACTIVE" })]);
    expect(archived).toEqual([
      expect.objectContaining({ Id: asffId(fixed, ACCOUNT), RecordState: "ARCHIVED", CreatedAt: "2026-01-01T00:00:00.000Z", UpdatedAt: "2026-11-30T10:00:05.000Z", ProductFields: toAsff(fixed, ctx).ProductFields }),
    ]);
    expect(hubMock.commandCalls(BatchUpdateFindingsCommand).map((c) => c.args[0].input)).toEqual([
      {
        FindingIdentifiers: [{ Id: asffId(fixed, ACCOUNT), ProductArn: PRODUCT }],
        Workflow: { Status: "RESOLVED" },
        Note: { Text: "envseal: no longer found by the audit of 2026-11-30T10:00:05.000Z", UpdatedBy: "envseal" },
      },
    ]);
    expect(result).toMatchObject({ imported: 1, archived: 1, failed: [], workflowNotResolved: [] });
  });

  it("a region without Security Hub, or not audited, is reported and skipped; a failed workflow update is reported", async () => {
    hubMock.on(GetFindingsCommand).rejects(Object.assign(new Error("not subscribed"), { name: "InvalidAccessException" }));
    const report = reportOf([finding("a", "X")], {}, { notAudited: [{ account: "210987654321", region: null, reason: "sts:AssumeRole refused" }] });
    const result = await publishToSecurityHub(report, [target, { ...target, account: "210987654321" }], { now, sleep: noSleep });
    expect(result.notPublished).toEqual([
      { account: ACCOUNT, region: "us-east-1", reason: `Security Hub is not enabled in ${ACCOUNT} us-east-1 (InvalidAccessException): enable it there, or leave the region out` },
      { account: "210987654321", region: "us-east-1", reason: "not audited: nothing was sent and nothing archived" },
    ]);
    expect(hubMock.commandCalls(BatchImportFindingsCommand)).toHaveLength(0);

    hubMock.reset();
    const gone = finding("gone", "X");
    hubMock.on(GetFindingsCommand).resolves({ Findings: [toAsff(gone, { createdAt: "t", updatedAt: "t", url: "u" })] });
    hubMock.on(BatchImportFindingsCommand).resolves({ SuccessCount: 1, FailedCount: 0, FailedFindings: [] });
    hubMock.on(BatchUpdateFindingsCommand).rejects(Object.assign(new Error("nope"), { name: "AccessDeniedException" }));
    const partly = await publishToSecurityHub(reportOf([]), [target], { now, sleep: noSleep });
    expect(partly.archived).toBe(1);
    expect(partly.workflowNotResolved).toEqual([{ account: ACCOUNT, region: "us-east-1", count: 1, reason: "securityhub:BatchUpdateFindings failed (AccessDeniedException)" }]);
  });
});

describe("audit({ securityHub }) in one account", () => {
  const lambdaMock = mockClient(LambdaClient);
  const creds = { accessKeyId: "A", secretAccessKey: "B" };
  const clients = (identity: () => Promise<{ account: string; partition: string }>): AuditClients => ({
    lambda: (region) => new LambdaClient({ region, credentials: creds }),
    kms: (region) => new KMSClient({ region, credentials: creds }),
    account: () => new AccountClient({ region: "us-east-1", credentials: creds }),
    defaultRegion: async () => "us-east-1",
    securityHub: (region) => new SecurityHubClient({ region, credentials: creds }),
    identity,
  });
  beforeEach(() => {
    lambdaMock.reset();
    lambdaMock.on(ListFunctionsCommand).resolves({ Functions: [{ FunctionName: "api", FunctionArn: arn("api"), Version: "$LATEST", Environment: { Variables: { STRIPE_KEY: `sk_live_${"4eC39HqLyjWDarjtT1zdp7dc"}` } } }] });
  });

  it("imports into the caller's account and region", async () => {
    hubMock.on(GetFindingsCommand).resolves({ Findings: [] });
    hubMock.on(BatchImportFindingsCommand).resolves({ SuccessCount: 2, FailedCount: 0, FailedFindings: [] });
    const report = await audit({ regions: ["us-east-1"], securityHub: true }, clients(async () => ({ account: ACCOUNT, partition: "aws" })));
    expect(imported()[0]!.map((f) => [f.ProductArn, f.GeneratorId]).sort()).toEqual([
      [PRODUCT, "envseal/ES001"],
      [PRODUCT, "envseal/ES004"],
    ]);
    expect(report.securityHub).toMatchObject({ targets: 1, imported: 2, failed: [], notPublished: [] });
  });

  it("keeps the report and says why nothing was published when the account cannot be learned", async () => {
    const report = await audit({ regions: ["us-east-1"], securityHub: true }, clients(async () => Promise.reject(new AwsError("sts:GetCallerIdentity: network error (ECONNREFUSED)", { code: "ECONNREFUSED", operation: "sts:GetCallerIdentity" }))));
    expect(report.findings.length).toBeGreaterThan(0);
    expect(report.securityHub!.notPublished).toEqual([{ account: "unknown", region: "us-east-1", reason: "the account could not be learned (sts:GetCallerIdentity: network error (ECONNREFUSED))" }]);
    expect(hubMock.calls()).toHaveLength(0);
  });
});
