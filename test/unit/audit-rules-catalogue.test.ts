/**
 * The rule catalogue is a contract: SARIF rule descriptors (GitHub code scanning keys alerts on them), ASFF types and
 * the help every report prints come from it. The snapshot makes any change to an id, name, severity, title, help text,
 * remediation or template-only flag a deliberate one (`npx vitest run -u` after reviewing it).
 * The module is loaded in `beforeAll`, so the mutation run credits the table to these tests.
 */
import { beforeAll, expect, it } from "vitest";

let rules: typeof import("../../src/audit/rules.js");
beforeAll(async () => {
  rules = await import("../../src/audit/rules.js");
});

it("every rule, field by field, is the reviewed catalogue", () => {
  expect(rules.RULE_LIST).toMatchSnapshot();
});

it("each rule sits under its own id, in id order, with a unique PascalCase name and one-line title", () => {
  const ids = Object.keys(rules.RULES);
  expect(ids).toEqual([...ids].sort());
  expect(rules.RULE_LIST.map((r) => r.id)).toEqual(ids);
  expect(new Set(rules.RULE_LIST.map((r) => r.name)).size).toBe(ids.length);
  for (const r of rules.RULE_LIST) {
    expect(r.id).toMatch(/^ES\d{3}$/);
    expect(r.name).toMatch(/^[A-Z][A-Za-z0-9]+$/);
    expect(r.title).not.toMatch(/\n/);
    expect(r.help.length).toBeGreaterThan(r.title.length);
    expect(r.remediation.length).toBeGreaterThan(0);
    expect(rules.isRuleId(r.id)).toBe(true);
  }
  expect(rules.isRuleId("ES999")).toBe(false);
});
