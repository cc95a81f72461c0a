/** SARIF's level and security-severity per severity, the pseudo-path, rank per confidence, and the report's finding order. */
import { describe, expect, it } from "vitest";
import { pseudoPath, renderSarif } from "../../src/audit/format/sarif.js";
import { RULE_LIST } from "../../src/audit/rules.js";
import { compareFindings, countBySeverity, failsOn, summaryLine, type AuditReport } from "../../src/audit/report.js";
import { atOrAbove, severityRank, type Finding, type Severity } from "../../src/audit/types.js";

const ARN = "arn:aws:lambda:eu-west-1:111122223333:function:orders-api";

function finding(over: Partial<Finding> = {}): Finding {
  return {
    ruleId: "ES002",
    severity: "high",
    region: "eu-west-1",
    functionName: "orders-api",
    functionArn: ARN,
    version: "$LATEST",
    variable: "DB_PASSWORD",
    message: "a message",
    remediation: "a remedy",
    fingerprint: "fp-1",
    ...over,
  };
}

function report(findings: Finding[], notScanned: AuditReport["summary"]["notScanned"] = []): AuditReport {
  return {
    schemaVersion: 1,
    tool: { name: "envseal", informationUri: "https://example.test/envseal" },
    generatedAt: "2026-01-02T03:04:05.000Z",
    source: { mode: "offline", input: "in.json" },
    options: { allVersions: false, requireCmk: false, failOn: "high", ignore: [], baseline: null },
    summary: {
      functionsScanned: 1,
      functionsNotScanned: notScanned.length,
      notScanned,
      functionsPerRegion: { "eu-west-1": 1 },
      findingsBySeverity: countBySeverity(findings),
      findingsTotal: findings.length,
      suppressedTotal: 0,
      keyChecks: "not checked",
      keysChecked: 0,
      keysNotChecked: [],
      durationMs: 1,
      failed: false,
    },
    findings,
    suppressed: [],
  };
}

const sarifOf = (findings: Finding[], notScanned: AuditReport["summary"]["notScanned"] = []) => JSON.parse(renderSarif(report(findings, notScanned))).runs[0];

describe("SARIF mapping", () => {
  it.each<[Severity, string, string]>([
    ["low", "note", "3.0"],
    ["medium", "warning", "5.5"],
    ["high", "error", "8.0"],
    ["critical", "error", "9.5"],
  ])("severity %s → level %s, security-severity %s", (severity, level, score) => {
    const [res] = sarifOf([finding({ severity })]).results;
    expect(res.level).toBe(level);
    expect(res.properties.severity).toBe(severity);
    expect(res.properties["security-severity"]).toBe(score);
  });

  it("each rule's default level and score follow its severity, with the help text and the remediation", () => {
    const rules = sarifOf([]).tool.driver.rules as Array<{ id: string; defaultConfiguration: { level: string }; properties: Record<string, unknown>; help: { text: string; markdown: string } }>;
    const byId = Object.fromEntries(rules.map((r) => [r.id, r]));
    const expected = { low: ["note", "3.0"], medium: ["warning", "5.5"], high: ["error", "8.0"], critical: ["error", "9.5"] };
    expect(rules.map((r) => r.id)).toEqual(["ES001", "ES002", "ES003", "ES004", "ES005", "ES006", "ES007", "ES008", "ES009", "ES010", "ES011", "ES012", "ES014"]);
    for (const rule of RULE_LIST.filter((r) => !r.templateOnly)) expect([byId[rule.id]!.defaultConfiguration.level, byId[rule.id]!.properties["security-severity"]]).toEqual(expected[rule.severity]);
    for (const r of rules) {
      expect(r.properties.tags).toEqual(["security", "secrets", "aws-lambda"]);
      expect(r.properties.precision).toBe("high");
      expect(r.help.text).toContain("\n\nRemediation: ");
      expect(r.help.markdown).toContain("\n\n**Remediation:** ");
    }
  });

  it("a result names the function and variable, its rule index, both logical locations and the fingerprint", () => {
    const run = sarifOf([finding({ ruleId: "ES003" })]);
    const [res] = run.results;
    expect(res.ruleIndex).toBe(2);
    expect(res.message.text).toBe("orders-api DB_PASSWORD: a message. Fix: a remedy.");
    expect(res.locations[0]).toEqual({
      physicalLocation: { artifactLocation: { uri: "lambda/eu-west-1/orders-api" }, region: { startLine: 1 } },
      logicalLocations: [
        { name: "orders-api", fullyQualifiedName: ARN, kind: "function" },
        { name: "DB_PASSWORD", fullyQualifiedName: `${ARN}#DB_PASSWORD`, kind: "variable" },
      ],
    });
    expect(res.partialFingerprints).toEqual({ "envsealFinding/v1": "fp-1" });
    expect(res.properties).toEqual({ severity: "high", "security-severity": "8.0", region: "eu-west-1", functionArn: ARN, version: "$LATEST", variable: "DB_PASSWORD" });
    expect(res).not.toHaveProperty("rank");
  });

  it("a function-level result has no variable location, and confidence maps to rank 90 / 60", () => {
    const run = sarifOf([
      finding({ variable: null, ruleId: "ES005" }),
      finding({ ruleId: "ES001", confidence: "high", detector: "stripe" }),
      finding({ ruleId: "ES001", confidence: "medium", detector: "name+entropy" }),
    ]);
    expect(run.results[0].message.text).toBe("orders-api: a message. Fix: a remedy.");
    expect(run.results[0].locations[0].logicalLocations).toHaveLength(1);
    expect(run.results[0].properties).not.toHaveProperty("variable");
    expect([run.results[1].rank, run.results[1].properties.confidence, run.results[1].properties.detector]).toEqual([90, "high", "stripe"]);
    expect(run.results[2].rank).toBe(60);
  });

  it("unscanned functions become warnings on the invocation; none means no notifications", () => {
    const run = sarifOf([], [{ region: "eu-west-1", functionArn: ARN, reason: "kms denied" }]);
    expect(run.invocations[0].toolExecutionNotifications).toEqual([
      { level: "warning", message: { text: `not scanned: ${ARN}: kms denied` }, descriptor: { id: "envseal/not-scanned" } },
    ]);
    expect(run.invocations[0].startTimeUtc).toBe("2026-01-02T03:04:05.000Z");
    expect(run.automationDetails.id).toBe("envseal-audit/offline/");
    expect(sarifOf([]).invocations[0]).not.toHaveProperty("toolExecutionNotifications");
  });

  it("the pseudo-path encodes segments and adds a published version", () => {
    expect(pseudoPath(finding({ version: "3", functionName: "a b" }))).toBe("lambda/eu-west-1/a%20b/3");
    expect(pseudoPath(finding())).toBe("lambda/eu-west-1/orders-api");
  });
});

describe("report ordering and counting", () => {
  it("sorts by severity (critical first), then region, ARN, rule and variable", () => {
    const f = [
      finding({ severity: "low" }),
      finding({ severity: "critical", region: "us-east-1" }),
      finding({ severity: "critical", region: "eu-west-1", functionArn: `${ARN}-b` }),
      finding({ severity: "critical", region: "eu-west-1", functionArn: `${ARN}-a`, ruleId: "ES004" }),
      finding({ severity: "critical", region: "eu-west-1", functionArn: `${ARN}-a`, ruleId: "ES001", variable: "B" }),
      finding({ severity: "critical", region: "eu-west-1", functionArn: `${ARN}-a`, ruleId: "ES001", variable: null }),
      finding({ severity: "medium" }),
    ];
    const order = [...f].sort(compareFindings).map((x) => `${x.severity}/${x.region}/${x.functionArn.slice(-2)}/${x.ruleId}/${x.variable}`);
    expect(order).toEqual([
      "critical/eu-west-1/-a/ES001/null",
      "critical/eu-west-1/-a/ES001/B",
      "critical/eu-west-1/-a/ES004/DB_PASSWORD",
      "critical/eu-west-1/-b/ES002/DB_PASSWORD",
      "critical/us-east-1/pi/ES002/DB_PASSWORD",
      "medium/eu-west-1/pi/ES002/DB_PASSWORD",
      "low/eu-west-1/pi/ES002/DB_PASSWORD",
    ]);
    expect(compareFindings(finding(), finding())).toBe(0);
  });

  it("ranks severities and applies the fail-on threshold at and above it", () => {
    expect(["low", "medium", "high", "critical"].map((s) => severityRank(s as Severity))).toEqual([0, 1, 2, 3]);
    expect(atOrAbove("high", "high")).toBe(true);
    expect(atOrAbove("medium", "high")).toBe(false);
    expect(atOrAbove("critical", "none")).toBe(false);
    expect(failsOn([finding({ severity: "medium" })], "medium")).toBe(true);
    expect(failsOn([finding({ severity: "medium" })], "high")).toBe(false);
    expect(failsOn([], "low")).toBe(false);
  });

  it("the summary line counts with plurals, most severe first", () => {
    const r = report([finding({ severity: "critical" }), finding({ severity: "high" }), finding({ severity: "high" })]);
    expect(summaryLine(r)).toBe("1 function scanned in 1 region: 3 findings (1 critical, 2 high); at-rest keys not checked (offline)");
    const one = report([finding({ severity: "low" })]);
    const s = { ...one.summary, functionsScanned: 2, functionsPerRegion: { a: 1, b: 1 }, suppressedTotal: 4, functionsNotScanned: 1, keyChecks: "checked" as const };
    expect(summaryLine({ ...one, summary: s })).toBe("2 functions scanned in 2 regions: 1 finding (1 low), 4 suppressed; 1 function not scanned (environment unreadable)");
    expect(summaryLine({ ...one, summary: { ...s, findingsTotal: 0, suppressedTotal: 0, functionsNotScanned: 2 } })).toBe(
      "2 functions scanned in 2 regions: no findings; 2 functions not scanned (environment unreadable)",
    );
  });
});
