/**
 * `terraform show -json` plans (src/audit/template/terraform.ts), read directly: which resources count, literal,
 * sensitive and known-after-apply variables with their positions, the key's three states, planned values in child
 * modules, and the format versions it accepts.
 */
import { describe, expect, it } from "vitest";
import { parseTemplateText } from "../../src/audit/template/load.js";
import { isTerraformPlan, readTerraformPlan } from "../../src/audit/template/terraform.js";

const PLAN = {
  format_version: "1.2",
  resource_changes: [
    {
      address: "aws_lambda_function.api",
      mode: "managed",
      type: "aws_lambda_function",
      change: {
        actions: ["create"],
        after: { environment: [{ variables: { DB_PASSWORD: "pw-literal", NAME: "api" } }], kms_key_arn: " arn:aws:kms:eu-west-1:111122223333:key/k1 " },
        after_unknown: { environment: [{ variables: { TOKEN: true } }] },
        after_sensitive: { environment: [{ variables: { DB_PASSWORD: true } }] },
      },
    },
    { address: "aws_lambda_function.gone", mode: "managed", type: "aws_lambda_function", change: { actions: ["delete"], after: null } },
    { address: "data.aws_lambda_function.x", mode: "data", type: "aws_lambda_function", change: { actions: ["read"], after: {} } },
    { address: "aws_s3_bucket.b", mode: "managed", type: "aws_s3_bucket", change: { actions: ["create"], after: {} } },
    {
      address: "aws_lambda_function.unk",
      type: "aws_lambda_function",
      change: { actions: ["update"], after: { environment: [] }, after_unknown: { environment: true, kms_key_arn: true }, after_sensitive: {} },
    },
  ],
  planned_values: {
    root_module: {
      resources: [{ address: "aws_lambda_function.api", type: "aws_lambda_function", values: {} }],
      child_modules: [
        {
          resources: [
            {
              address: "module.m.aws_lambda_function.child",
              mode: "managed",
              type: "aws_lambda_function",
              values: { environment: [{ variables: { K: "v" } }] },
              sensitive_values: { environment: true },
            },
            { address: "module.m.aws_lambda_function.d", mode: "data", type: "aws_lambda_function", values: {} },
          ],
        },
      ],
    },
  },
};
const read = (plan: unknown) => readTerraformPlan(parseTemplateText("plan.json", JSON.stringify(plan, null, 1)).src);
const src = (doc: unknown) => parseTemplateText("plan.json", JSON.stringify(doc)).src;
const literal = (text: string, line: number, column: number, sensitive = false) => ({ kind: "literal", text, refs: [], dynamic: [], ...(sensitive ? { sensitive } : {}), pos: { line, column } });

describe("readTerraformPlan", () => {
  it("reads managed aws_lambda_function changes that are not deletions, then planned values not seen yet, child modules included", () => {
    const out = read(PLAN);
    expect(out.functions.map((f) => f.id)).toEqual(["aws_lambda_function.api", "aws_lambda_function.unk", "module.m.aws_lambda_function.child"]);
    const [api, unk, child] = out.functions;
    expect(api).toEqual({
      id: "aws_lambda_function.api",
      file: "plan.json",
      pos: { line: 5, column: 15 },
      variables: new Map<string, unknown>([
        ["DB_PASSWORD", literal("pw-literal", 16, 24, true)],
        ["NAME", literal("api", 17, 17)],
        ["TOKEN", { kind: "deferred", text: "${known after apply}", refs: [], dynamic: [], pos: { line: 27, column: 9 } }],
      ]),
      key: { kind: "set", text: "arn:aws:kms:eu-west-1:111122223333:key/k1" },
      keyPos: { line: 21, column: 21 },
      environmentPos: { line: 13, column: 6 },
      metadataSuppressions: [],
    });
    expect(unk).toEqual({
      id: "aws_lambda_function.unk",
      file: "plan.json",
      pos: { line: 77, column: 15 },
      variables: new Map(),
      key: { kind: "unknown" },
      environmentUnknown: "known after apply",
      environmentPos: { line: 84, column: 6 },
      metadataSuppressions: [],
    });
    expect(child).toEqual({
      id: "module.m.aws_lambda_function.child",
      file: "plan.json",
      pos: { line: 107, column: 19 },
      variables: new Map([["K", literal("v", 114, 17, true)]]),
      key: { kind: "absent" },
      environmentPos: { line: 111, column: 9 },
      metadataSuppressions: [],
    });
    expect(out.unknown).toEqual([
      { location: { file: "plan.json", line: 27, column: 9 }, function: "aws_lambda_function.api", what: "variable TOKEN", reason: "known after apply" },
      { location: { file: "plan.json", line: 84, column: 6 }, function: "aws_lambda_function.unk", what: "environment", reason: "known after apply" },
      { location: { file: "plan.json", line: 77, column: 15 }, function: "aws_lambda_function.unk", what: "kms_key_arn", reason: "known after apply" },
    ]);
  });

  it("format_version 0.x and 1.x only", () => {
    expect(read({ format_version: "0.1", resource_changes: [] }).functions).toEqual([]);
    expect(() => read({ format_version: "2.0", resource_changes: [] })).toThrow(
      expect.objectContaining({
        message: "template plan.json: Terraform JSON format_version 2.0 is not supported",
        hint: "envseal reads format_version 0.x and 1.x (terraform show -json from Terraform 0.12 and later)",
      }),
    );
    expect(() => read({ format_version: "10.1.1234567890123", resource_changes: [] })).toThrow("Terraform JSON format_version 10.1.1234567 is not supported");
    expect(() => read({ resource_changes: [] })).toThrow("Terraform JSON format_version  is not supported");
  });

  it("a whole sensitive environment marks every variable; an empty key is absent", () => {
    const out = read({
      format_version: "1.0",
      resource_changes: [
        {
          address: "aws_lambda_function.s",
          type: "aws_lambda_function",
          change: { actions: ["create"], after: { environment: [{ variables: { A: "1", B: 2 } }], kms_key_arn: "  " }, after_sensitive: { environment: [true] } },
        },
      ],
    });
    expect([...out.functions[0]!.variables].map(([k, v]) => [k, v.text, v.sensitive])).toEqual([
      ["A", "1", true],
      ["B", "2", true],
    ]);
    expect(out.functions[0]!.key).toEqual({ kind: "absent" });
    expect(out.functions[0]!.keyPos).toBeDefined();
  });
});

describe("readTerraformPlan: which changes count", () => {
  const change = (address: string, actions: string[], after: unknown) => ({ address, type: "aws_lambda_function", change: { actions, after } });
  it("a deletion alone is skipped even with an after; a replacement (delete, create) is read; no after is skipped", () => {
    const out = read({
      format_version: "1.0",
      resource_changes: [
        change("aws_lambda_function.deleted", ["delete"], { environment: [{ variables: { A: "1" } }] }),
        change("aws_lambda_function.replaced", ["delete", "create"], { environment: [{ variables: { A: "1" } }] }),
        change("aws_lambda_function.created", ["create"], { environment: [{ variables: { A: "1" } }] }),
        change("aws_lambda_function.null_after", ["create"], null),
        { address: "aws_lambda_function.no_after", type: "aws_lambda_function", change: { actions: ["create"] } },
      ],
      planned_values: {
        root_module: {
          resources: [
            { address: "aws_lambda_function.deleted", type: "aws_lambda_function", values: { environment: [{ variables: { B: "2" } }] } },
            { address: "aws_lambda_function.planned_only", type: "aws_lambda_function", values: { environment: [{ variables: { C: "3", D: null } }] } },
            { address: "aws_s3_bucket.b", type: "aws_s3_bucket", values: {} },
          ],
        },
      },
    });
    expect(out.functions.map((f) => [f.id, [...f.variables.keys()]])).toEqual([
      ["aws_lambda_function.replaced", ["A"]],
      ["aws_lambda_function.created", ["A"]],
      ["aws_lambda_function.planned_only", ["C"]],
    ]);
  });

  it("an unknown variables block marks the environment unknown; a false unknown flag is ignored", () => {
    const out = read({
      format_version: "1.0",
      resource_changes: [
        {
          address: "aws_lambda_function.v",
          type: "aws_lambda_function",
          change: { actions: ["create"], after: { environment: [{ variables: { A: "1" } }] }, after_unknown: { environment: [{ variables: true }] } },
        },
        {
          address: "aws_lambda_function.f",
          type: "aws_lambda_function",
          change: { actions: ["create"], after: { environment: [{ variables: { A: "1" } }] }, after_unknown: { environment: [{ variables: { A: false } }] } },
        },
      ],
    });
    expect(out.functions.map((f) => [f.id, f.environmentUnknown, [...f.variables.keys()]])).toEqual([
      ["aws_lambda_function.v", "known after apply", []],
      ["aws_lambda_function.f", undefined, ["A"]],
    ]);
    expect(out.unknown.map((u) => [u.function, u.what])).toEqual([["aws_lambda_function.v", "environment"]]);
  });
});

describe("isTerraformPlan", () => {
  it("needs format_version and resource_changes or planned_values", () => {
    expect(isTerraformPlan(src({ format_version: "1.0", resource_changes: [] }))).toBe(true);
    expect(isTerraformPlan(src({ format_version: "1.0", planned_values: {} }))).toBe(true);
    expect(isTerraformPlan(src({ format_version: "1.0" }))).toBe(false);
    expect(isTerraformPlan(src({ resource_changes: [] }))).toBe(false);
    expect(isTerraformPlan(src({ AWSTemplateFormatVersion: "2010-09-09", Resources: {} }))).toBe(false);
  });
});
