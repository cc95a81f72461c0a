import { beforeAll, describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import AjvModule from "ajv";
import addFormatsModule from "ajv-formats";
import { audit } from "../../src/audit/run.js";
import { renderReport, REPORT_FORMATS } from "../../src/audit/format/index.js";
import { SARIF_FINGERPRINT_KEY } from "../../src/audit/format/sarif.js";
import { summaryLine, type AuditReport } from "../../src/audit/report.js";
import { canary, expectNoCanary } from "../support/canary.js";

// CommonJS packages: under NodeNext the default import is module.exports; both also export `.default`.
const Ajv = AjvModule.default;
const addFormats = addFormatsModule.default;

const schema = JSON.parse(readFileSync(new URL("../fixtures/sarif-schema-2.1.0.json", import.meta.url), "utf8"));

let report: AuditReport;
beforeAll(async () => {
  report = await audit({ input: "samples/functions.json", ignore: ["ES004:legacy-*"] });
});

describe("SARIF", () => {
  it("validates against the official SARIF 2.1.0 schema (draft-07)", () => {
    expect(schema.$schema).toBe("http://json-schema.org/draft-07/schema#");
    const ajv = new Ajv({ strict: false, allErrors: true });
    addFormats(ajv);
    const validate = ajv.compile(schema);
    const sarif = JSON.parse(renderReport(report, "sarif"));
    const valid = validate(sarif);
    expect(validate.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
  });

  it("the schema check can fail: a broken log is rejected", () => {
    const ajv = new Ajv({ strict: false });
    addFormats(ajv);
    const validate = ajv.compile(schema);
    const sarif = JSON.parse(renderReport(report, "sarif"));
    sarif.runs[0].results[0].level = "fatal";
    expect(validate(sarif)).toBe(false);
  });

  it("carries rules with help, results with the function ARN as a logical location and fingerprints", () => {
    const sarif = JSON.parse(renderReport(report, "sarif"));
    const run = sarif.runs[0];
    expect(run.tool.driver.rules.map((r: { id: string }) => r.id)).toEqual(["ES001", "ES002", "ES003", "ES004", "ES005", "ES006", "ES007", "ES008", "ES009", "ES010", "ES011", "ES012", "ES014"]);
    for (const r of run.tool.driver.rules) {
      expect(r.help.text.length).toBeGreaterThan(20);
      expect(r.properties["security-severity"]).toMatch(/^\d+\.\d$/);
    }
    expect(run.results).toHaveLength(report.findings.length);
    for (const [i, res] of run.results.entries()) {
      const f = report.findings[i]!;
      expect(res.ruleId).toBe(f.ruleId);
      expect(run.tool.driver.rules[res.ruleIndex].id).toBe(f.ruleId);
      expect(res.locations[0].logicalLocations[0]).toEqual({ name: f.functionName, fullyQualifiedName: f.functionArn, kind: "function" });
      expect(res.locations[0].physicalLocation.artifactLocation.uri).toMatch(/^lambda\/[a-z0-9-]+\//);
      expect(res.partialFingerprints[SARIF_FINGERPRINT_KEY]).toBe(f.fingerprint);
    }
  });

  it("secret findings say which detector fired and how sure it is: high → error (rank 90), medium → warning (rank 60)", () => {
    const sarif = JSON.parse(renderReport(report, "sarif"));
    const secrets = sarif.runs[0].results.filter((r: { ruleId: string }) => r.ruleId === "ES001" || r.ruleId === "ES009");
    const byConfidence = (c: string) => secrets.filter((r: { properties: { confidence?: string } }) => r.properties.confidence === c);
    expect(byConfidence("high").length).toBeGreaterThan(0);
    expect(byConfidence("medium").length).toBeGreaterThan(0);
    expect(byConfidence("high").length + byConfidence("medium").length).toBe(secrets.length);
    for (const r of byConfidence("high")) expect([r.level, r.rank, typeof r.properties.detector]).toEqual(["error", 90, "string"]);
    for (const r of byConfidence("medium")) expect([r.level, r.rank, r.properties.detector]).toEqual(["warning", 60, "name+entropy"]);
    const others = sarif.runs[0].results.filter((r: { ruleId: string }) => r.ruleId !== "ES001" && r.ruleId !== "ES009");
    for (const r of others) expect([r.rank, r.properties.confidence, r.properties.detector]).toEqual([undefined, undefined, undefined]);
  });
});

describe("JSON report", () => {
  it("has the documented stable shape", () => {
    const json = JSON.parse(renderReport(report, "json"));
    expect(Object.keys(json)).toEqual(["schemaVersion", "tool", "generatedAt", "source", "options", "summary", "findings", "suppressed"]);
    expect(json.schemaVersion).toBe(1);
    expect(Object.keys(json.summary)).toEqual([
      "functionsScanned",
      "functionsNotScanned",
      "notScanned",
      "functionsPerRegion",
      "findingsBySeverity",
      "findingsTotal",
      "suppressedTotal",
      "keyChecks",
      "keysChecked",
      "keysNotChecked",
      "durationMs",
      "failed",
    ]);
    expect(json.summary.functionsPerRegion).toEqual({ "eu-west-1": 2, "us-east-1": 5 });
    expect(Object.keys(json.summary.findingsBySeverity)).toEqual(["low", "medium", "high", "critical"]);
    const plainRule = json.findings.find((f: { ruleId: string }) => f.ruleId !== "ES001" && f.ruleId !== "ES009");
    expect(Object.keys(plainRule).sort()).toEqual(
      ["fingerprint", "functionArn", "functionName", "message", "region", "remediation", "ruleId", "severity", "variable", "version"].sort(),
    );
    // schemaVersion 1 grows only by optional fields: ES001/ES009 findings add detector and confidence.
    const secret = json.findings.find((f: { ruleId: string }) => f.ruleId === "ES001");
    expect(Object.keys(secret).sort()).toEqual(
      ["confidence", "detector", "fingerprint", "functionArn", "functionName", "message", "region", "remediation", "ruleId", "severity", "variable", "version"].sort(),
    );
    expect(json.suppressed.every((s: { suppressedBy: string }) => s.suppressedBy === "ignore:ES004:legacy-*")).toBe(true);
    expect(json.options.ignore).toEqual(["ES004:legacy-*"]);
  });
});

describe("table and markdown", () => {
  it("table lists each finding and the summary; markdown has a findings table and the suppressed list", () => {
    const table = renderReport(report, "table");
    expect(table).toContain("SEVERITY  RULE");
    expect(table).toContain(summaryLine(report));
    expect(table).toContain("at-rest keys not checked (offline)");
    const markdown = renderReport(report, "markdown");
    expect(markdown).toMatch(/^# envseal audit/);
    expect(markdown).toContain("| severity | rule | function | variable | message | remediation |");
    expect(markdown).toContain("## Suppressed");
    expect(markdown.split("\n").filter((l) => l.startsWith("| critical | ES"))).toHaveLength(report.summary.findingsBySeverity.critical);
  });
});

describe("canaries", () => {
  it("no format contains a variable's value", async () => {
    const { mkdtempSync, writeFileSync, rmSync } = await import("node:fs");
    const { join } = await import("node:path");
    const { tmpdir } = await import("node:os");
    const dir = mkdtempSync(join(tmpdir(), "envseal-canary-"));
    const c = [canary("password"), canary("token"), canary("plain"), canary("sealedname")];
    const input = join(dir, "functions.json");
    writeFileSync(
      input,
      JSON.stringify({
        Functions: [
          {
            FunctionName: "canary-fn",
            FunctionArn: "arn:aws:lambda:us-east-1:111122223333:function:canary-fn",
            Environment: {
              Variables: { DB_PASSWORD: c[0], API_TOKEN: c[1], NOTE: c[2], ENVSEAL_SEALED: "CLAIMED,MISSING", CLAIMED: c[3] },
              Error: { ErrorCode: "KMSAccessDeniedException", Message: "denied" },
            },
          },
        ],
      }),
    );
    const r = await audit({ input });
    expect(r.findings.length).toBeGreaterThanOrEqual(5);
    const texts = Object.fromEntries(REPORT_FORMATS.map((f) => [f, renderReport(r, f, { color: true })]));
    expectNoCanary(c, texts);
    rmSync(dir, { recursive: true, force: true });
  });
});
