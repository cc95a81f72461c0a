/**
 * terraform.ts at its edges: resources without an address, a function without an environment, and the text of a
 * known-after-apply variable. terraform.ts (and load.ts, which reaches it) are loaded in `beforeAll` (no static import
 * here reaches them), so the module-level placeholder text is exercised by these tests.
 */
import { beforeAll, describe, expect, it } from "vitest";

let read: (plan: unknown) => import("../../src/audit/template/terraform.js").TerraformRead;

beforeAll(async () => {
  const { parseTemplateText } = await import("../../src/audit/template/load.js");
  const { readTerraformPlan } = await import("../../src/audit/template/terraform.js");
  read = (plan) => readTerraformPlan(parseTemplateText("plan.json", JSON.stringify(plan, null, 1)).src);
});

describe("readTerraformPlan: edges", () => {
  it("a change without an address is named by its type; without an environment it has no variables; an unknown variable reads as ${known after apply}", () => {
    const out = read({
      format_version: "1.2",
      resource_changes: [
        { type: "aws_lambda_function", change: { actions: ["create"], after: {} } },
        {
          address: "aws_lambda_function.later",
          type: "aws_lambda_function",
          change: { actions: ["create"], after: { environment: [{ variables: {} }] }, after_unknown: { environment: [{ variables: { TOKEN: true } }] } },
        },
      ],
    });
    expect(out.functions.map((f) => [f.id, [...f.variables.entries()]])).toEqual([
      ["aws_lambda_function", []],
      ["aws_lambda_function.later", [["TOKEN", { kind: "deferred", text: "${known after apply}", refs: [], dynamic: [], pos: { line: 31, column: 9 } }]]],
    ]);
    expect(out.functions[0]?.environmentPos).toEqual({ line: 4, column: 3 });
  });

  it("a planned resource without an address is named by its type", () => {
    const out = read({
      format_version: "1.2",
      planned_values: { root_module: { resources: [{ type: "aws_lambda_function", values: { environment: [{ variables: { A: "b" } }] } }] } },
    });
    expect(out.functions.map((f) => [f.id, [...f.variables.keys()]])).toEqual([["aws_lambda_function", ["A"]]]);
  });
});
