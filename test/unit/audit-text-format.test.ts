/** The table and markdown renderings of a hand-made report: exact lines, escaping, warnings and the failing line. */
import { describe, expect, it } from "vitest";
import { renderJson, renderMarkdown, renderTable } from "../../src/audit/format/text.js";
import type { AuditReport } from "../../src/audit/report.js";
import { RULES } from "../../src/audit/rules.js";
import type { Finding, SuppressedFinding } from "../../src/audit/types.js";
import { auditReport } from "../support/report-fixture.js";

const ARN = "arn:aws:lambda:eu-west-1:111122223333:function:orders-api";
const f = (over: Partial<Finding>): Finding => ({
  ruleId: "ES002",
  severity: "high",
  region: "eu-west-1",
  functionName: "orders-api",
  functionArn: ARN,
  version: "$LATEST",
  variable: "DB1",
  message: "msg",
  remediation: "fix | it",
  fingerprint: "fp",
  ...over,
});

function report(findings: Finding[], over: Partial<AuditReport["summary"]> = {}, suppressed: SuppressedFinding[] = []): AuditReport {
  return auditReport(findings, { summary: over, suppressed });
}

describe("renderTable", () => {
  it("aligns columns, shows versions, lists each rule's remediation once, then the summary", () => {
    const out = renderTable(report([f({ severity: "critical", ruleId: "ES005", variable: null, message: "key gone", remediation: "enable it" }), f({ version: "7", message: "not sealed" }), f({ variable: "DB2", remediation: "later one" })]));
    expect(out.split("\n")).toEqual([
      "SEVERITY  RULE   FUNCTION                VARIABLE  MESSAGE",
      "CRITICAL  ES005  eu-west-1/orders-api    -         key gone",
      "HIGH      ES002  eu-west-1/orders-api:7  DB1       not sealed",
      "HIGH      ES002  eu-west-1/orders-api    DB2       msg",
      "",
      "remediation:",
      `  ES002 ${RULES.ES002.title}: fix | it`,
      `  ES005 ${RULES.ES005.title}: enable it`,
      "",
      "1 function scanned in 1 region: 3 findings (1 critical, 2 high)",
      "",
    ]);
  });

  it("warnings for unchecked keys and unscanned functions, and the failing line", () => {
    const out = renderTable(
      report([], { keysNotChecked: [{ key: "k1", reason: "denied" }], notScanned: [{ region: "eu-west-1", functionArn: ARN, reason: "r1" }], functionsNotScanned: 1, failed: true }),
    );
    expect(out).toBe(
      "1 function scanned in 1 region: no findings; 1 function not scanned (environment unreadable)\n" +
        "warning: at-rest key k1 not checked: denied\n" +
        `warning: not scanned: ${ARN}: r1\n` +
        "failing: findings at or above --fail-on high remain\n",
    );
  });
});

describe("renderMarkdown", () => {
  it("escapes table syntax and lists findings, regions, suppressed and unscanned functions", () => {
    const sup: SuppressedFinding = { ...f({ ruleId: "ES004", variable: null }), suppressedBy: "ignore:ES004" };
    const out = renderMarkdown(
      report([f({ message: "a | b `c` <d>" })], { notScanned: [{ region: "eu-west-1", functionArn: ARN, reason: "no *access*" }], keysNotChecked: [{ key: "k[1]", reason: "x" }], failed: true }, [sup]),
    );
    expect(out).toContain("# envseal audit\n\n1 function scanned in 1 region: 1 finding (1 high), 1 suppressed.\n\n");
    expect(out).toContain("| severity | count |\n|---|---|\n| critical | 0 |\n| high | 1 |\n| medium | 0 |\n| low | 0 |\n");
    expect(out).toContain("\n| region | functions scanned |\n|---|---|\n| eu-west-1 | 1 |\n");
    expect(out).toContain("\nAt-rest keys: checked (2 distinct). Duration: 42 ms. Fail on: high — **failing**.\n");
    expect(out).toContain("\n> at-rest key k\\[1\\] not checked: x\n");
    expect(out).toContain(`## Not scanned\n\nTheir variables could not be read, so they are not known to be clean.\n\n| function | reason |\n|---|---|\n| ${ARN} | no \\*access\\* |\n`);
    expect(out).toContain("| high | ES002 | eu-west-1/orders-api | DB1 | a \\| b \\`c\\` \\<d\\> | fix \\| it |\n");
    expect(out).toContain("## Suppressed\n\n| rule | function | variable | by |\n|---|---|---|---|\n| ES004 | eu-west-1/orders-api | – | ignore:ES004 |\n");
  });

  it("offline and clean: no key count, no failing mark, no sections", () => {
    const out = renderMarkdown(report([], { keyChecks: "not checked" }));
    expect(out).toContain("At-rest keys: not checked. Duration: 42 ms. Fail on: high.\n");
    expect(out).not.toContain("## ");
    expect(renderJson(report([]))).toBe(`${JSON.stringify(report([]), null, 2)}\n`);
  });
});
