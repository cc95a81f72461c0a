/**
 * An organisation report in every format: each finding names its account, every "not audited" account and region is
 * listed with its reason, SARIF stays valid, and no value of a variable appears anywhere.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import AjvModule from "ajv";
import addFormatsModule from "ajv-formats";
import { auditOrg } from "../../src/audit/org/run.js";
import { REPORT_FORMATS, renderJsonChunks, renderReport } from "../../src/audit/format/index.js";
import { summaryLine, type AuditReport } from "../../src/audit/report.js";
import { canary, expectNoCanary } from "../support/canary.js";
import { fn, mockOrgClients, serveOrg } from "../support/org-mock.js";

const Ajv = AjvModule.default;
const addFormats = addFormatsModule.default;
const schema = JSON.parse(readFileSync(new URL("../fixtures/sarif-schema-2.1.0.json", import.meta.url), "utf8"));

const A = "111111111111";
const B = "222222222222";
const D = "444444444444";
const pw = canary("orgpw");
const hidden = canary("hidden");
let report: AuditReport;

beforeAll(async () => {
  serveOrg({
    [A]: { functions: { "us-east-1": [fn(A, "us-east-1", "api", { DB_PASSWORD: pw })] } },
    [B]: { functions: { "us-east-1": [fn(B, "us-east-1", "api", { DB_PASSWORD: pw })] }, denyRegions: { "eu-west-1": "UnrecognizedClientException" } },
    [D]: { refuse: "AccessDenied", functions: { "us-east-1": [fn(D, "us-east-1", "d", { API_TOKEN: hidden })] } },
  });
  report = await auditOrg({ regions: ["us-east-1", "eu-west-1"], org: { roleName: "EnvsealAudit" } }, mockOrgClients());
});

describe("org report formats", () => {
  it("the summary line counts accounts and says what was not audited", () => {
    expect(summaryLine(report)).toBe("2 functions scanned in 2 of 3 accounts, 2 regions: 4 findings (2 medium, 2 low); NOT AUDITED: 1 account, 1 account-region");
  });

  it("table: an ACCOUNT column, and a warning line per account or region not audited", () => {
    const t = renderReport(report, "table");
    expect(t).toMatch(/^SEVERITY\s+RULE\s+ACCOUNT\s+FUNCTION\s+VARIABLE\s+MESSAGE/);
    expect(t).toMatch(new RegExp(`MEDIUM\\s+ES001\\s+${A}\\s+us-east-1/api\\s+DB_PASSWORD`));
    expect(t).toMatch(new RegExp(`MEDIUM\\s+ES001\\s+${B}\\s+us-east-1/api\\s+DB_PASSWORD`));
    expect(t).toContain(`warning: NOT AUDITED: ${B} eu-west-1: lambda:ListFunctions in ${B} eu-west-1: UnrecognizedClientException (the region is not enabled for this account, or the session is not valid there)`);
    expect(t).toContain(`warning: NOT AUDITED: ${D} (whole account): sts:AssumeRole into arn:aws:iam::${D}:role/EnvsealAudit was refused (AccessDenied)`);
  });

  it("markdown: an account column, functions per account and a Not audited section", () => {
    const md = renderReport(report, "markdown");
    expect(md).toContain("| severity | rule | account | function | variable | message | remediation |");
    expect(md).toContain(`| medium | ES001 | ${A} | us-east-1/api | DB_PASSWORD |`);
    expect(md).toContain(`| ${A} | 1 |`);
    expect(md).toContain("## Not audited");
    expect(md).toContain(`| ${D} | (whole account) | sts:AssumeRole into arn:aws:iam::${D}:role/EnvsealAudit was refused (AccessDenied)`);
  });

  it("SARIF: valid 2.1.0; results carry the account; each account and region not audited is an error notification", () => {
    const sarif = JSON.parse(renderReport(report, "sarif"));
    const ajv = new Ajv({ strict: false, allErrors: true });
    addFormats(ajv);
    const validate = ajv.compile(schema);
    expect(validate(sarif), JSON.stringify(validate.errors)).toBe(true);
    const run = sarif.runs[0];
    const es001 = run.results.filter((r: { ruleId: string }) => r.ruleId === "ES001");
    expect(es001.map((r: { properties: { account: string } }) => r.properties.account).sort()).toEqual([A, B]);
    expect(es001.map((r: { locations: Array<{ physicalLocation: { artifactLocation: { uri: string } } }> }) => r.locations[0]!.physicalLocation.artifactLocation.uri).sort()).toEqual([
      `lambda/${A}/us-east-1/api`,
      `lambda/${B}/us-east-1/api`,
    ]);
    const notices = run.invocations[0].toolExecutionNotifications.filter((n: { descriptor: { id: string } }) => n.descriptor.id === "envseal/not-audited");
    expect(notices.map((n: { level: string; message: { text: string } }) => [n.level, n.message.text])).toEqual([
      ["error", expect.stringMatching(new RegExp(`^not audited: account ${B} region eu-west-1: lambda:ListFunctions in ${B} eu-west-1: UnrecognizedClientException`))],
      ["error", expect.stringMatching(new RegExp(`^not audited: account ${D}: sts:AssumeRole into arn:aws:iam::${D}:role/EnvsealAudit was refused`))],
    ]);
    expect(run.automationDetails.id).toBe("envseal-audit/org/");
  });

  it("JSON: org section, functions per account, notAudited; every finding has its account", () => {
    const json = JSON.parse(renderReport(report, "json"));
    expect(json.org).toMatchObject({ accounts: [A, B, D], accountsAudited: 2, roleName: "role/EnvsealAudit", externalId: false });
    expect(json.summary.functionsPerAccount).toEqual({ [A]: 1, [B]: 1 });
    expect(json.summary.notAudited.map((n: { account: string; region: string | null }) => [n.account, n.region])).toEqual([
      [B, "eu-west-1"],
      [D, null],
    ]);
    expect(json.findings.every((f: { account?: string }) => f.account === A || f.account === B)).toBe(true);
  });

  it("ASFF: each finding in its own account's product", () => {
    const asff = JSON.parse(renderReport(report, "asff"));
    expect([...new Set(asff.map((f: { AwsAccountId: string; ProductArn: string }) => `${f.AwsAccountId} ${f.ProductArn}`))].sort()).toEqual([
      `${A} arn:aws:securityhub:us-east-1:${A}:product/${A}/default`,
      `${B} arn:aws:securityhub:us-east-1:${B}:product/${B}/default`,
    ]);
  });

  it("no format holds a value, not even of the account that was not audited", () => {
    const texts = Object.fromEntries(REPORT_FORMATS.map((f) => [f, renderReport(report, f)]));
    expectNoCanary([pw, hidden], texts);
  });

  it("the JSON written in pieces is exactly the JSON report, however many findings", () => {
    const many = { ...report, findings: Array.from({ length: 601 }, (_, i) => ({ ...report.findings[i % report.findings.length]!, functionName: `fn-${i}` })) };
    const suppressed = { ...report, suppressed: report.findings.map((f) => ({ ...f, suppressedBy: "baseline" })), findings: [] };
    for (const r of [report, many, suppressed]) {
      const pieces = [...renderJsonChunks(r)];
      expect(pieces.join("")).toBe(renderReport(r, "json"));
    }
    expect([...renderJsonChunks(many)].length).toBeGreaterThan(5);
  });
});
