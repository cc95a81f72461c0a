/**
 * Template audits in every report format: SARIF validated against the 2.1.0 schema with the template's file, line and
 * column; the JSON report (source mode template, locations, unknown values); table and Markdown with file:line:col;
 * --ignore, --baseline and --fail-on as for live audits; and no planted value in any format.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import AjvModule from "ajv";
import addFormatsModule from "ajv-formats";
import { audit } from "../../src/audit/run.js";
import { REPORT_FORMATS, renderReport } from "../../src/audit/format/index.js";
import { SARIF_FINGERPRINT_KEY } from "../../src/audit/format/sarif.js";
import { summaryLine, type AuditReport } from "../../src/audit/report.js";
import { expectNoCanary, tempDir } from "../support/canary.js";
import { FIXED_FAKES, plantFixtures, positionOf, type PlantedFixtures } from "../support/templates.js";

const Ajv = AjvModule.default;
const addFormats = addFormatsModule.default;
const schema = JSON.parse(readFileSync(new URL("../fixtures/sarif-schema-2.1.0.json", import.meta.url), "utf8"));

const PATHS = ["cfn", "sam", "json", "terraform", "cdk.out"];
let planted: PlantedFixtures;
let report: AuditReport;
beforeAll(async () => {
  planted = plantFixtures(...PATHS);
  report = await audit({ templates: PATHS, cwd: planted.dir, failOn: "high" });
});

describe("SARIF", () => {
  it("validates against the SARIF 2.1.0 schema", () => {
    const ajv = new Ajv({ strict: false, allErrors: true });
    addFormats(ajv);
    const validate = ajv.compile(schema);
    const sarif = JSON.parse(renderReport(report, "sarif"));
    validate(sarif);
    expect(validate.errors ?? []).toEqual([]);
  });

  it("each result points at the template: relative uri with forward slashes, 1-based startLine/startColumn of the value", () => {
    const sarif = JSON.parse(renderReport(report, "sarif"));
    const run = sarif.runs[0];
    expect(run.automationDetails.id).toBe("envseal-audit/template/");
    expect(run.tool.driver.rules.map((r: { id: string }) => r.id)).toEqual(expect.arrayContaining(["ES001", "ES020", "ES021", "ES022", "ES023"]));
    expect(run.results).toHaveLength(report.findings.length);
    for (const [i, res] of run.results.entries()) {
      const f = report.findings[i]!;
      const loc = res.locations[0].physicalLocation;
      expect(loc.artifactLocation.uri).toBe(f.location?.file);
      expect(loc.artifactLocation.uri).not.toMatch(/^\/|\\/);
      expect(loc.region).toEqual({ startLine: f.location?.line, startColumn: f.location?.column });
      expect(run.tool.driver.rules[res.ruleIndex].id).toBe(f.ruleId);
      expect(res.partialFingerprints[SARIF_FINGERPRINT_KEY]).toBe(f.fingerprint);
    }
  });

  it("the region is the value's own place in the file (checked against the text)", () => {
    const sarif = JSON.parse(renderReport(report, "sarif"));
    const res = sarif.runs[0].results.find((r: { ruleId: string; properties: { variable?: string } }) => r.ruleId === "ES021" && r.properties.variable === "DB_PASSWORD");
    const text = readFileSync(join(planted.dir, "cfn/parameters.yaml"), "utf8");
    const at = positionOf(text, "!Ref DbPassword");
    expect(res.locations[0].physicalLocation).toEqual({ artifactLocation: { uri: "cfn/parameters.yaml" }, region: { startLine: at.line, startColumn: at.column } });
  });
});

describe("JSON report", () => {
  it("keeps schemaVersion 1; template mode, locations on findings, unknown values in summary.templates", () => {
    const json = JSON.parse(renderReport(report, "json"));
    expect(json.schemaVersion).toBe(1);
    expect(json.source).toEqual({ mode: "template", templates: PATHS });
    expect(json.summary.keyChecks).toBe("not checked");
    expect(json.summary.functionsPerRegion).toEqual({ template: json.summary.functionsScanned });
    expect(json.summary.templates.filesScanned).toBe(12);
    expect(json.summary.templates.functionsPerFile["sam/globals.yaml"]).toBe(3);
    expect(json.summary.templates.unknown.map((u: { what: string }) => u.what)).toEqual(
      expect.arrayContaining(["variable TABLE_NAME", "kms_key_arn", "environment"]),
    );
    for (const f of json.findings) expect(Object.keys(f.location)).toEqual(["file", "line", "column"]);
  });
});

describe("table and Markdown", () => {
  it("show file:line:col, the unknown values and a template summary line", () => {
    const f = report.findings.find((x) => x.ruleId === "ES021" && x.variable === "DB_PASSWORD")!;
    const where = `${f.location?.file}:${f.location?.line}:${f.location?.column}`;
    const table = renderReport(report, "table");
    expect(table).toMatch(/^SEVERITY {2}RULE {3}FUNCTION +VARIABLE +LOCATION +MESSAGE/);
    expect(table).toContain(where);
    expect(table).toContain("unknown: terraform/plan.json:");
    expect(summaryLine(report)).toMatch(/^\d+ functions in 12 templates: \d+ findings \(.*\), \d+ suppressed; 4 values unknown until deploy \(not checked\); at-rest keys not checked \(templates\)$/);
    const markdown = renderReport(report, "markdown");
    expect(markdown).toContain("| severity | rule | function | variable | location | message | remediation |");
    expect(markdown).toContain(`| ${where} |`);
    expect(markdown).toContain("## Unknown until deploy (not checked)");
    expect(markdown).toContain("| template | functions |");
    expect(markdown).toContain("| ES001 | Suppressed | OLD_PASSWORD | cfn/suppressions.yaml:");
    expect(markdown).toContain("inline:comment: fixture value, rotated by the vendor");
  });
});

describe("--ignore, --baseline, --fail-on", () => {
  it("--ignore RULE:GLOB matches the template path too", async () => {
    const r = await audit({ templates: PATHS, cwd: planted.dir, ignore: ["ES004:terraform/*", "ES001"] });
    expect(r.findings.some((f) => f.ruleId === "ES004" && f.location?.file.startsWith("terraform/"))).toBe(false);
    expect(r.findings.some((f) => f.ruleId === "ES004" && f.location?.file.startsWith("cfn/"))).toBe(true);
    expect(r.suppressed.filter((s) => s.suppressedBy === "ignore:ES001").length).toBeGreaterThan(3);
  });

  it("--baseline: a previous report makes the same findings pass, also after lines moved", async () => {
    const out = join(tempDir("envseal-template-baseline-"), "baseline.json");
    writeFileSync(out, renderReport(report, "json"));
    const path = join(planted.dir, "sam/globals.yaml");
    const original = readFileSync(path, "utf8");
    writeFileSync(path, `# moved\n${original}`);
    try {
      const again = await audit({ templates: PATHS, cwd: planted.dir, baseline: out });
      expect(again.findings).toEqual([]);
      expect(again.summary.failed).toBe(false);
    } finally {
      writeFileSync(path, original);
    }
  });

  it("--fail-on decides failed as for live audits", async () => {
    expect(report.summary.failed).toBe(true);
    const clean = await audit({ templates: ["cdk.out/assembly-Prod"], cwd: planted.dir, failOn: "low" });
    expect(clean.findings).toEqual([]);
    expect(clean.summary.failed).toBe(false);
  });
});

describe("canaries", () => {
  it("no planted value in any format", () => {
    // ASFF needs each finding's account, which a template finding has not (the CLI refuses --template --format asff).
    const texts = Object.fromEntries(REPORT_FORMATS.filter((f) => f !== "asff").map((f) => [f, renderReport(report, f, { color: true })]));
    expectNoCanary([...planted.all, ...FIXED_FAKES], texts);
  });
});
