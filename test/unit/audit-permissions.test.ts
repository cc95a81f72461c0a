/**
 * The IAM in samples/ grants exactly what src/audit/permissions.ts lists for each auditing identity — no more (least
 * privilege) and no less (the code would be refused). The handlers' and the CLI's calls are checked against the same
 * table elsewhere (config-rule.test.ts, audit-org-moto.test.ts).
 */
import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { auditActions, type AuditActor } from "../../src/audit/permissions.js";

/** The IAM actions granted under the `Policies:` key of a template (trust policies are elsewhere), sorted. */
function grantedActions(path: string): string[] {
  const lines = readFileSync(path, "utf8").split("\n");
  const out = new Set<string>();
  lines.forEach((line, i) => {
    const m = /^(\s*)Policies:\s*$/.exec(line);
    if (!m) return;
    const indent = m[1]!.length;
    for (let j = i + 1; j < lines.length; j++) {
      const l = lines[j]!;
      if (l.trim() === "" || l.trim().startsWith("#")) continue;
      if (l.length - l.trimStart().length <= indent) break;
      const action = /^\s*(?:-\s+|Action:\s+)"?([a-z][a-z0-9-]*:[A-Z][A-Za-z]*)"?\s*$/.exec(l);
      if (action) out.add(action[1]!);
    }
  });
  return [...out].sort();
}

/** The function's own logging, which Lambda needs and the handler never calls. */
const LOGGING = ["logs:CreateLogStream", "logs:PutLogEvents"];

const cases: Array<[string, AuditActor[], string[]]> = [
  ["samples/template-config-rule.yaml", ["config-rule"], []],
  ["samples/config-rule-member.yaml", ["config-rule"], LOGGING],
  ["samples/template-org-audit-role.yaml", ["audit-org-member", "security-hub"], []],
  ["samples/template-audit.yaml", ["scheduled-audit", "security-hub"], []],
];

describe("sample IAM = the permission table", () => {
  it.each(cases)("%s grants exactly the table's actions for %j", (path, actors, extra) => {
    expect(grantedActions(path)).toEqual([...auditActions(actors), ...extra].sort());
  });

  it("the extraction can fail: a template granting one action too many is caught", () => {
    expect(grantedActions("samples/template-org-audit-role.yaml")).not.toContain("sts:AssumeRole"); // the trust policy is not a grant
    expect([...grantedActions("samples/config-rule-member.yaml")].sort()).not.toEqual(auditActions(["config-rule"]));
  });

  it("the org caller needs only ListAccounts and AssumeRole; the member no kms:Decrypt", () => {
    expect(auditActions(["audit-org-caller"])).toEqual(["organizations:ListAccounts", "sts:AssumeRole"]);
    expect(auditActions(["audit-org-member", "security-hub", "config-rule"]).some((a) => a === "kms:Decrypt")).toBe(false);
  });
});

describe("docs/audit.md IAM = the permission table", () => {
  const doc = readFileSync("docs/audit.md", "utf8");
  const blocks = [...doc.matchAll(/<!-- policy: ([a-z-]+) -->\s*```json\n([\s\S]*?)```/g)].map((m) => [m[1]!, m[2]!] as const);

  it("documents the caller, member, Security Hub and Config rule policies", () => {
    expect(blocks.map(([actor]) => actor).sort()).toEqual(["audit-org-caller", "audit-org-member", "config-rule", "security-hub"]);
  });

  it.each(["audit-org-caller", "audit-org-member", "config-rule", "security-hub"] as const)("the %s policy grants exactly the table's actions", (actor) => {
    const json = JSON.parse(blocks.find(([a]) => a === actor)![1]) as { Statement: Array<{ Action: string | string[] }> };
    const actions = json.Statement.flatMap((s) => (Array.isArray(s.Action) ? s.Action : [s.Action])).sort();
    expect(actions).toEqual(auditActions([actor]));
  });
});
