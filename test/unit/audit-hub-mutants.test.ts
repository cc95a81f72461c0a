/**
 * Security Hub, exact behaviour: the ASFF constants and tables (schema version, generator prefix, severity labels, types
 * per rule), ARN parsing, descriptions; GetFindings paging and the re-check of each finding; BatchImportFindings batches,
 * retries with their pauses, failed calls; BatchUpdateFindings batches and reasons; publishing per target.
 *
 * The src modules are loaded in `beforeAll` (not by a static import), so their module-level constants count for these
 * tests in a mutation run.
 */
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { mockClient } from "aws-sdk-client-mock";
import {
  BatchImportFindingsCommand,
  BatchUpdateFindingsCommand,
  GetFindingsCommand,
  SecurityHubClient,
  type AwsSecurityFinding,
} from "@aws-sdk/client-securityhub";
import { fingerprintOf } from "../../src/audit/check.js";
import { RULES } from "../../src/audit/rules.js";
import type { AuditReport } from "../../src/audit/report.js";
import type { Finding, RuleId, Severity } from "../../src/audit/types.js";
import { InputError } from "../../src/core/errors.js";

let asff: typeof import("../../src/audit/hub/asff.js");
let calls: typeof import("../../src/audit/hub/calls.js");
let publish: typeof import("../../src/audit/hub/publish.js");
beforeAll(async () => {
  asff = await import("../../src/audit/hub/asff.js");
  calls = await import("../../src/audit/hub/calls.js");
  publish = await import("../../src/audit/hub/publish.js");
});

const hubMock = mockClient(SecurityHubClient);
beforeEach(() => hubMock.reset());
afterEach(() => vi.useRealTimers());

const ACCOUNT = "123456789012";
const OTHER = "210987654321";
const PRODUCT = `arn:aws:securityhub:us-east-1:${ACCOUNT}:product/${ACCOUNT}/default`;
const arn = (name: string, v = "") => `arn:aws:lambda:us-east-1:${ACCOUNT}:function:${name}${v}`;
const client = () => new SecurityHubClient({ region: "us-east-1", credentials: { accessKeyId: "A", secretAccessKey: "B" } });
const ctx = { createdAt: "2026-01-01T00:00:00.000Z", updatedAt: "2026-11-30T10:00:00.000Z", url: "https://www.npmjs.com/package/envseal" };
const BEST = "Software and Configuration Checks/AWS Security Best Practices";
const SECRET = "Sensitive Data Identifications/Passwords";

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

const target = (region = "us-east-1", account = ACCOUNT) => ({ account, partition: "aws", region, hub: client });
const now = () => new Date("2026-11-30T10:00:05.000Z");
const noSleep = async () => undefined;
const importedBatches = () => hubMock.commandCalls(BatchImportFindingsCommand).map((c) => c.args[0].input.Findings ?? []);
const allTaken = async (input: { Findings: unknown[] }) => ({ SuccessCount: input.Findings.length, FailedCount: 0, FailedFindings: [] });

describe("ASFF constants and tables", () => {
  it("every severity has its ASFF label, with schema 2018-10-08 and an envseal/ generator and id", () => {
    const labels: Record<Severity, string> = { low: "LOW", medium: "MEDIUM", high: "HIGH", critical: "CRITICAL" };
    for (const [severity, label] of Object.entries(labels) as Array<[Severity, string]>) {
      const a = asff.toAsff(finding("api", "TOKEN", { severity }), ctx);
      expect(a.SchemaVersion).toBe("2018-10-08");
      expect(a.GeneratorId).toBe("envseal/ES001");
      expect(a.Id).toBe(`envseal/${ACCOUNT}/us-east-1/${fingerprintOf("ES001", arn("api"), "TOKEN")}`);
      expect(a.Severity).toEqual({ Label: label, Original: severity });
      expect(a.FindingProviderFields?.Severity).toEqual({ Label: label, Original: severity });
    }
    expect(asff.asffId(finding("api", "TOKEN"), ACCOUNT)).toBe(`envseal/${ACCOUNT}/us-east-1/${fingerprintOf("ES001", arn("api"), "TOKEN")}`);
  });

  it("ASFF Types per rule: sensitive data for plaintext secrets, configuration checks for the rest", () => {
    const expected: Record<RuleId, string[]> = {
      ES001: [SECRET, BEST],
      ES002: [SECRET, BEST],
      ES003: [BEST],
      ES004: [BEST],
      ES005: [BEST],
      ES006: [BEST],
      ES007: [BEST],
      ES008: [BEST],
      ES009: [SECRET, BEST],
      ES010: [BEST],
      ES011: [BEST],
      ES012: [BEST],
      ES014: [BEST],
      ES020: [SECRET, BEST],
      ES021: [SECRET, BEST],
      ES022: [BEST],
      ES023: [BEST],
    };
    expect(Object.keys(RULES).sort()).toEqual(Object.keys(expected).sort());
    for (const ruleId of Object.keys(expected) as RuleId[]) {
      const a = asff.toAsff(finding("api", "X", { ruleId }), ctx);
      expect(a.Types).toEqual(expected[ruleId]);
      expect(a.FindingProviderFields?.Types).toEqual(expected[ruleId]);
      expect(a.GeneratorId).toBe(`envseal/${ruleId}`);
    }
  });
});

describe("ASFF account, ARN and fields", () => {
  it("reads partition, region and account from the function ARN (any partition, 12-digit account)", () => {
    const gov = "arn:aws-us-gov:lambda:us-gov-west-1:123456789012:function:api";
    expect(asff.findingAccount({ functionArn: gov })).toEqual({ account: ACCOUNT, partition: "aws-us-gov" });
    expect(asff.findingAccount({ functionArn: arn("api") })).toEqual({ account: ACCOUNT, partition: "aws" });
    const a = asff.toAsff(finding("api", "X", { functionArn: gov, region: "us-gov-west-1" }), ctx);
    expect(a.ProductArn).toBe(`arn:aws-us-gov:securityhub:us-gov-west-1:${ACCOUNT}:product/${ACCOUNT}/default`);
    expect(a.Resources?.[0]?.Partition).toBe("aws-us-gov");
    expect(a.AwsAccountId).toBe(ACCOUNT);
  });

  it("an ARN that is not a Lambda ARN from its start, or with a short account, gives no account", () => {
    expect(asff.findingAccount({ functionArn: `x-arn:aws:lambda:us-east-1:${ACCOUNT}:function:api` })).toBeUndefined();
    expect(asff.findingAccount({ functionArn: "arn:aws:lambda:us-east-1:1234:function:api" })).toBeUndefined();
    expect(asff.findingAccount({ functionArn: "arn:aws:lambda:us-east-1:12345678901a:function:api" })).toBeUndefined();
    expect(asff.findingAccount({ functionArn: `arn:aws:lambda:US_EAST:${ACCOUNT}:function:api` })).toBeUndefined();
    expect(asff.findingAccount({ functionArn: `arn:AWS:lambda:us-east-1:${ACCOUNT}:function:api` })).toBeUndefined();
  });

  it("an org run's account is used when the ARN names none; the partition is then aws", () => {
    expect(asff.findingAccount({ functionArn: "offline", account: OTHER })).toEqual({ account: OTHER, partition: "aws" });
    expect(asff.findingAccount({ functionArn: "offline" })).toBeUndefined();
    const a = asff.toAsff(finding("api", "X", { functionArn: "offline", account: OTHER }), ctx);
    expect(a.ProductArn).toBe(`arn:aws:securityhub:us-east-1:${OTHER}:product/${OTHER}/default`);
    expect(a.Resources?.[0]?.Partition).toBe("aws");
  });

  it("refuses a finding without an account, naming the function and saying what to do", () => {
    let err: unknown;
    try {
      asff.toAsff(finding("offline-fn", "X", { functionArn: "offline" }), ctx);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(InputError);
    expect((err as InputError).message).toBe("ASFF needs the account of offline-fn, and its ARN names none");
    expect((err as InputError).hint).toBe("audit live, or pass list-functions output that keeps each FunctionArn");
  });

  it("Description names a published version and the variable; '-' stands for no variable in ProductFields", () => {
    const versioned = asff.toAsff(finding("orders", "DB_PASSWORD", { version: "3", functionArn: arn("orders", ":3"), message: "m" }), ctx);
    expect(versioned.Description).toBe("orders:3 DB_PASSWORD: m");
    expect(versioned.ProductFields?.["envseal/Version"]).toBe("3");
    const noVar = asff.toAsff(finding("orders", null, { message: "no env encryption" }), ctx);
    expect(noVar.Description).toBe("orders: no env encryption");
    expect(noVar.ProductFields).toEqual({
      "envseal/RuleId": "ES004",
      "envseal/Variable": "-",
      "envseal/Version": "$LATEST",
      "envseal/Fingerprint": fingerprintOf("ES004", arn("orders"), null),
    });
  });
});

describe("activeEnvsealFindings", () => {
  const ours = (id: string, extra: Partial<AwsSecurityFinding> = {}): AwsSecurityFinding => ({
    Id: id,
    ProductArn: PRODUCT,
    AwsAccountId: ACCOUNT,
    RecordState: "ACTIVE",
    GeneratorId: "envseal/ES001",
    ProductFields: { "envseal/RuleId": "ES001" },
    ...extra,
  }) as AwsSecurityFinding;

  it("reads every page, passing NextToken only after the first", async () => {
    hubMock
      .on(GetFindingsCommand)
      .resolvesOnce({ Findings: [ours("a")], NextToken: "page-2" })
      .resolvesOnce({ Findings: [ours("b")], NextToken: "" })
      .resolves({ Findings: [ours("never")] });
    const got = await calls.activeEnvsealFindings(client(), PRODUCT, ACCOUNT);
    expect(got.map((f) => f.Id)).toEqual(["a", "b"]);
    const inputs = hubMock.commandCalls(GetFindingsCommand).map((c) => c.args[0].input);
    expect(inputs).toHaveLength(2);
    expect(inputs[0]).not.toHaveProperty("NextToken");
    expect(inputs[1]).toEqual({
      Filters: {
        ProductArn: [{ Value: PRODUCT, Comparison: "EQUALS" }],
        GeneratorId: [{ Value: "envseal/", Comparison: "PREFIX" }],
        RecordState: [{ Value: "ACTIVE", Comparison: "EQUALS" }],
        AwsAccountId: [{ Value: ACCOUNT, Comparison: "EQUALS" }],
      },
      MaxResults: 100,
      NextToken: "page-2",
    });
  });

  it("keeps only envseal's active findings of the product and account, whatever GetFindings returned", async () => {
    hubMock.on(GetFindingsCommand).resolvesOnce({ Findings: [] }).resolvesOnce({}).resolves({ Findings: [] });
    expect(await calls.activeEnvsealFindings(client(), PRODUCT, ACCOUNT)).toEqual([]);
    hubMock.reset();
    hubMock.on(GetFindingsCommand).resolves({});
    expect(await calls.activeEnvsealFindings(client(), PRODUCT, ACCOUNT)).toEqual([]);
    hubMock.reset();
    const noState = ours("no-state");
    delete (noState as { RecordState?: string }).RecordState;
    hubMock.on(GetFindingsCommand).resolves({
      Findings: [
        ours("keep"),
        noState,
        ours("other-product", { ProductArn: "arn:aws:securityhub:us-east-1::product/other/tool" }),
        ours("other-account", { AwsAccountId: OTHER }),
        ours("archived", { RecordState: "ARCHIVED" }),
        ours("other-generator", { GeneratorId: "other/1" }),
        ours("no-generator", { GeneratorId: undefined }),
        ours("no-product-fields", { ProductFields: undefined }),
        ours("no-rule", { ProductFields: { "envseal/Variable": "X" } }),
        ours("", {}),
        { ...ours("x"), Id: undefined },
      ],
    });
    const got = await calls.activeEnvsealFindings(client(), PRODUCT, ACCOUNT);
    expect(got.map((f) => f.Id)).toEqual(["keep", "no-state"]);
  });
});

describe("importFindings", () => {
  const asffOf = (n: number) => Array.from({ length: n }, (_, i) => ({ Id: `id-${i}` }) as AwsSecurityFinding);

  it("imports in batches of 100 and counts what was taken", async () => {
    hubMock.on(BatchImportFindingsCommand).callsFake(allTaken);
    const sleep = vi.fn(noSleep);
    expect(await calls.importFindings(client(), asffOf(200), sleep)).toEqual({ taken: 200, notTaken: [] });
    expect(importedBatches().map((b) => b.length)).toEqual([100, 100]);
    expect(sleep).not.toHaveBeenCalled();
  });

  it("a response without FailedFindings means all were taken", async () => {
    hubMock.on(BatchImportFindingsCommand).resolves({ SuccessCount: 2, FailedCount: 0 });
    expect(await calls.importFindings(client(), asffOf(2), noSleep)).toEqual({ taken: 2, notTaken: [] });
  });

  it("sends a transiently failed finding at most 3 times, pausing 250 then 500 ms", async () => {
    const throttled = { FailedFindings: [{ Id: "id-1", ErrorCode: "ThrottlingException", ErrorMessage: "slow\ndown" }] };
    hubMock.on(BatchImportFindingsCommand).resolvesOnce(throttled).resolvesOnce(throttled).resolvesOnce(throttled).resolves({ FailedFindings: [] });
    const sleep = vi.fn(noSleep);
    const out = await calls.importFindings(client(), asffOf(2), sleep);
    expect(out).toEqual({ taken: 1, notTaken: [{ id: "id-1", code: "ThrottlingException", message: "slow down" }] });
    expect(importedBatches().map((b) => b.map((f) => f.Id))).toEqual([["id-0", "id-1"], ["id-1"], ["id-1"]]);
    expect(sleep.mock.calls).toEqual([[250], [500]]);
  });

  it("a failed finding without id, code or message is reported as such; one without Id is still sent again", async () => {
    hubMock.on(BatchImportFindingsCommand).resolvesOnce({ FailedFindings: [{} as never] }).resolves({ FailedFindings: [] });
    expect(await calls.importFindings(client(), asffOf(1), noSleep)).toEqual({ taken: 0, notTaken: [{ id: "", code: "Unknown", message: "" }] });
    expect(importedBatches()).toHaveLength(1);

    hubMock.reset();
    hubMock.on(BatchImportFindingsCommand).resolvesOnce({ FailedFindings: [{ ErrorCode: "InternalException", ErrorMessage: "m" } as never] }).resolves({ FailedFindings: [] });
    const sleep = vi.fn(noSleep);
    const noId = [{ Title: "t" } as AwsSecurityFinding];
    expect(await calls.importFindings(client(), noId, sleep)).toEqual({ taken: 1, notTaken: [] });
    expect(importedBatches()).toEqual([noId, noId]);
    expect(sleep.mock.calls).toEqual([[250]]);
  });

  it("a call that fails counts its whole batch as not taken with the error's code; a transient one is retried", async () => {
    hubMock.on(BatchImportFindingsCommand).rejects(Object.assign(new Error("no"), { name: "AccessDeniedException" }));
    expect(await calls.importFindings(client(), [...asffOf(2), { Title: "t" } as AwsSecurityFinding], noSleep)).toEqual({
      taken: 0,
      notTaken: [
        { id: "id-0", code: "AccessDeniedException", message: "securityhub:BatchImportFindings failed (AccessDeniedException)" },
        { id: "id-1", code: "AccessDeniedException", message: "securityhub:BatchImportFindings failed (AccessDeniedException)" },
        { id: "", code: "AccessDeniedException", message: "securityhub:BatchImportFindings failed (AccessDeniedException)" },
      ],
    });
    expect(importedBatches()).toHaveLength(1);

    hubMock.reset();
    hubMock.on(BatchImportFindingsCommand).rejectsOnce(Object.assign(new Error("busy"), { name: "ServiceUnavailableException" })).callsFake(allTaken);
    expect(await calls.importFindings(client(), asffOf(2), noSleep)).toEqual({ taken: 2, notTaken: [] });
    expect(importedBatches()).toHaveLength(2);
  });

  it("pauses with a real timer by default", async () => {
    vi.useFakeTimers();
    hubMock.on(BatchImportFindingsCommand).resolvesOnce({ FailedFindings: [{ Id: "id-0", ErrorCode: "TooManyRequestsException" } as never] }).resolves({ FailedFindings: [] });
    let done = false;
    const p = calls.importFindings(client(), asffOf(1)).then((r) => {
      done = true;
      return r;
    });
    await vi.advanceTimersByTimeAsync(249);
    expect(importedBatches()).toHaveLength(1);
    expect(done).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(importedBatches()).toHaveLength(2);
    expect(await p).toEqual({ taken: 1, notTaken: [] });
  });
});

describe("resolveWorkflow", () => {
  const ids = (n: number) => Array.from({ length: n }, (_, i) => ({ Id: `id-${i}`, ProductArn: PRODUCT }));
  const updates = () => hubMock.commandCalls(BatchUpdateFindingsCommand).map((c) => c.args[0].input);

  it("updates in batches of 100, exactly", async () => {
    hubMock.on(BatchUpdateFindingsCommand).resolves({ ProcessedFindings: [] });
    expect(await calls.resolveWorkflow(client(), ids(200), "T")).toEqual({ notUpdated: 0, reason: "" });
    expect(updates()).toHaveLength(2);
    expect(updates()[1]).toEqual({
      FindingIdentifiers: ids(200).slice(100),
      Workflow: { Status: "RESOLVED" },
      Note: { Text: "envseal: no longer found by the audit of T", UpdatedBy: "envseal" },
    });
    expect(updates()[0]!.FindingIdentifiers).toEqual(ids(100));
  });

  it("counts unprocessed findings; the reason is the first batch's that had any", async () => {
    hubMock
      .on(BatchUpdateFindingsCommand)
      .resolvesOnce({ UnprocessedFindings: [] })
      .resolvesOnce({ UnprocessedFindings: [{ FindingIdentifier: { Id: "id-100", ProductArn: PRODUCT }, ErrorCode: "FindingNotFound", ErrorMessage: "m" }, { FindingIdentifier: { Id: "id-101", ProductArn: PRODUCT }, ErrorCode: "X", ErrorMessage: "m" }] })
      .resolvesOnce({ UnprocessedFindings: [{ FindingIdentifier: { Id: "id-200", ProductArn: PRODUCT }, ErrorCode: "Other", ErrorMessage: "m" }] });
    expect(await calls.resolveWorkflow(client(), ids(201), "T")).toEqual({ notUpdated: 3, reason: "securityhub:BatchUpdateFindings left 2 unprocessed (FindingNotFound)" });
  });

  it("an unprocessed finding without a code is Unknown; a failed call after it keeps the first reason", async () => {
    hubMock
      .on(BatchUpdateFindingsCommand)
      .resolvesOnce({ UnprocessedFindings: [{ FindingIdentifier: { Id: "id-0", ProductArn: PRODUCT }, ErrorMessage: "m" } as never] })
      .rejects(Object.assign(new Error("no"), { name: "AccessDeniedException" }));
    expect(await calls.resolveWorkflow(client(), ids(150), "T")).toEqual({ notUpdated: 51, reason: "securityhub:BatchUpdateFindings left 1 unprocessed (Unknown)" });
  });

  it("failed calls count their batch; the reason is the first failure's", async () => {
    hubMock
      .on(BatchUpdateFindingsCommand)
      .rejectsOnce(Object.assign(new Error("no"), { name: "AccessDeniedException" }))
      .rejects(Object.assign(new Error("busy"), { name: "InternalException" }));
    expect(await calls.resolveWorkflow(client(), ids(150), "T")).toEqual({ notUpdated: 150, reason: "securityhub:BatchUpdateFindings failed (AccessDeniedException)" });
  });
});

describe("publishToSecurityHub", () => {
  it("says why GetFindings failed: access denied, or another error", async () => {
    hubMock.on(GetFindingsCommand).rejectsOnce(Object.assign(new Error("no"), { name: "AccessDeniedException" })).rejects(Object.assign(new Error("x"), { name: "InternalException" }));
    const result = await publish.publishToSecurityHub(reportOf([finding("a", "X")]), [target("us-east-1"), target("us-west-2")], { now, sleep: noSleep, concurrency: 1 });
    expect(result.notPublished).toEqual([
      { account: ACCOUNT, region: "us-east-1", reason: `access denied to securityhub:GetFindings in ${ACCOUNT} us-east-1 (AccessDeniedException): grant the Security Hub actions of docs/audit.md` },
      { account: ACCOUNT, region: "us-west-2", reason: `securityhub:GetFindings failed in ${ACCOUNT} us-west-2 (InternalException)` },
    ]);
    expect(result.targets).toBe(0);
  });

  it("skips only the account-regions not audited; sends each target its own account's and region's findings", async () => {
    hubMock.on(GetFindingsCommand).resolves({ Findings: [] });
    hubMock.on(BatchImportFindingsCommand).callsFake(allTaken);
    const here = finding("here", "X");
    const elsewhere = finding("there", "X", { region: "eu-west-1" });
    const otherAccount = finding("theirs", "X", { functionArn: `arn:aws:lambda:us-east-1:${OTHER}:function:theirs` });
    const offline = finding("offline", "X", { functionArn: "offline" });
    const report = reportOf([here, elsewhere, otherAccount, offline], {}, { notAudited: [{ account: ACCOUNT, region: "eu-west-1", reason: "r" }] });
    const result = await publish.publishToSecurityHub(report, [target("us-east-1"), target("eu-west-1")], { now, sleep: noSleep });
    expect(result.notPublished).toEqual([{ account: ACCOUNT, region: "eu-west-1", reason: "not audited: nothing was sent and nothing archived" }]);
    expect(importedBatches().map((b) => b.map((f) => f.Id))).toEqual([[asff.asffId(here, ACCOUNT)]]);
    expect(result).toMatchObject({ targets: 1, imported: 1, failed: [] });
  });

  it("an archived copy carries only what a provider sends, with schema 2018-10-08 when the earlier finding had none", async () => {
    const gone = finding("gone", "X");
    const full = asff.toAsff(gone, ctx);
    const earlier: AwsSecurityFinding = { ...full, SchemaVersion: undefined, ProductName: "Default", CompanyName: "Personal", Severity: undefined, ProductFields: { ...full.ProductFields, "aws/securityhub/FindingId": "x" } };
    hubMock.on(GetFindingsCommand).resolves({ Findings: [earlier] });
    hubMock.on(BatchImportFindingsCommand).callsFake(allTaken);
    hubMock.on(BatchUpdateFindingsCommand).resolves({ UnprocessedFindings: [] });
    const result = await publish.publishToSecurityHub(reportOf([]), [target()], { now, sleep: noSleep });
    expect(importedBatches()).toEqual([
      [
        {
          SchemaVersion: "2018-10-08",
          Id: full.Id,
          ProductArn: PRODUCT,
          ProductName: "envseal",
          CompanyName: "envseal",
          GeneratorId: "envseal/ES001",
          AwsAccountId: ACCOUNT,
          Types: full.Types,
          CreatedAt: ctx.createdAt,
          UpdatedAt: "2026-11-30T10:00:05.000Z",
          Severity: { Label: undefined, Original: undefined },
          Title: full.Title,
          Description: full.Description,
          Resources: full.Resources,
          Remediation: full.Remediation,
          ProductFields: full.ProductFields,
          RecordState: "ARCHIVED",
        },
      ],
    ]);
    expect(result).toMatchObject({ imported: 0, archived: 1, failed: [], workflowNotResolved: [] });
  });

  it("keeps an earlier finding's schema and severity when archiving it", async () => {
    const full = asff.toAsff(finding("gone", "X", { severity: "low" }), ctx);
    hubMock.on(GetFindingsCommand).resolves({ Findings: [{ ...full, SchemaVersion: "2018-10-08", Remediation: undefined }] });
    hubMock.on(BatchImportFindingsCommand).callsFake(allTaken);
    hubMock.on(BatchUpdateFindingsCommand).resolves({ UnprocessedFindings: [] });
    await publish.publishToSecurityHub(reportOf([]), [target()], { now, sleep: noSleep });
    const archived = importedBatches()[0]![0]!;
    expect(archived.SchemaVersion).toBe("2018-10-08");
    expect(archived.Severity).toEqual({ Label: "LOW", Original: "low" });
    expect(archived).not.toHaveProperty("Remediation");
  });

  it("an archive Security Hub refused is reported and its workflow left alone", async () => {
    const a = asff.toAsff(finding("a", "X"), ctx);
    const b = asff.toAsff(finding("b", "X"), ctx);
    hubMock.on(GetFindingsCommand).resolves({ Findings: [a, b] });
    hubMock.on(BatchImportFindingsCommand).resolves({ FailedFindings: [{ Id: a.Id, ErrorCode: "InvalidInput", ErrorMessage: "bad" }] });
    hubMock.on(BatchUpdateFindingsCommand).resolves({ UnprocessedFindings: [] });
    const result = await publish.publishToSecurityHub(reportOf([]), [target()], { now, sleep: noSleep });
    expect(result.archived).toBe(1);
    expect(result.failed).toEqual([{ account: ACCOUNT, region: "us-east-1", id: a.Id, action: "archive", code: "InvalidInput", message: "bad" }]);
    expect(hubMock.commandCalls(BatchUpdateFindingsCommand).map((c) => c.args[0].input.FindingIdentifiers)).toEqual([[{ Id: b.Id, ProductArn: PRODUCT }]]);
  });

  it("earlier findings without resources or version are archived; one whose resource is unread, or suppressed without an account, is not", async () => {
    const base = asff.toAsff(finding("x", "X"), ctx);
    const noResources: AwsSecurityFinding = { ...base, Id: "no-resources", Resources: undefined };
    const emptyResources: AwsSecurityFinding = { ...base, Id: "empty-resources", Resources: [] };
    const noVersion: AwsSecurityFinding = { ...base, Id: "no-version", ProductFields: { "envseal/RuleId": "ES001" } };
    const offline = finding("offline", "X", { functionArn: "offline" });
    const suppressedOffline: AwsSecurityFinding = { ...base, Id: asff.asffId(offline, "") };
    hubMock.on(GetFindingsCommand).resolves({ Findings: [noResources, emptyResources, noVersion, suppressedOffline] });
    hubMock.on(BatchImportFindingsCommand).callsFake(allTaken);
    hubMock.on(BatchUpdateFindingsCommand).resolves({ UnprocessedFindings: [] });
    const report = reportOf([], { suppressed: [{ ...offline, suppressedBy: "ignore:ES001" }] }, { notScanned: [{ region: "us-east-1", functionArn: "", reason: "Environment.Error" }] });
    const result = await publish.publishToSecurityHub(report, [target()], { now, sleep: noSleep });
    expect(importedBatches().map((b) => b.map((f) => f.Id))).toEqual([["no-version"]]);
    expect(result.archived).toBe(1);
  });
});
