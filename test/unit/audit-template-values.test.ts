/**
 * Template values in long form (JSON templates), classified (src/audit/template/values.ts): literal, partial (a
 * literal of 8+ characters around references) or deferred; the references and dynamic references found.
 */
import { describe, expect, it } from "vitest";
import { parseTemplateText } from "../../src/audit/template/load.js";
import { classifyValue } from "../../src/audit/template/values.js";

const classify = (value: unknown) => {
  const { src } = parseTemplateText("t.json", JSON.stringify({ V: value }));
  const out = classifyValue(src, src.get(src.root, "V"));
  if (!out) return out;
  const { pos: _pos, ...rest } = out;
  return rest;
};

describe("classifyValue (long-form intrinsics)", () => {
  it.each([
    ["a plain string", "plain-literal", { kind: "literal", text: "plain-literal", refs: [], dynamic: [] }],
    ["a number", 5, { kind: "literal", text: "5", refs: [], dynamic: [] }],
    ["null", null, { kind: "literal", text: "", refs: [], dynamic: [] }],
    ["Ref", { Ref: "DbPassword" }, { kind: "deferred", text: "${DbPassword}", refs: ["DbPassword"], dynamic: [] }],
    [
      "Sub with a long literal around a reference",
      { "Fn::Sub": "postgres://app:${DbPassword}@host/db" },
      { kind: "partial", text: "postgres://app:${DbPassword}@host/db", literal: "postgres://app:@host/db", refs: ["DbPassword"], dynamic: [] },
    ],
    ["Sub with a short literal", { "Fn::Sub": "${Prefix}-${ Stage }" }, { kind: "deferred", text: "${Prefix}", refs: ["Prefix", "Stage"], dynamic: [] }],
    [
      "Sub with variables: literal ones substituted, intrinsic ones referenced, ${!x} kept as text",
      { "Fn::Sub": ["${A}-${B}-${!Literal}-${Other.Arn}", { A: "lit-a-value", B: { Ref: "X" } }] },
      { kind: "partial", text: "lit-a-value-${B}-${Literal}-${Other.Arn}", literal: "lit-a-value--${Literal}-", refs: ["X", "Other"], dynamic: [] },
    ],
    ["Sub whose variables are all literal", { "Fn::Sub": ["${Name}", { Name: "abcdefgh" }] }, { kind: "literal", text: "abcdefgh", refs: [], dynamic: [] }],
    ["Sub of something that is not a string", { "Fn::Sub": { Ref: "T" } }, { kind: "deferred", text: "${Fn::Sub}", refs: ["T"], dynamic: [] }],
    [
      "a dynamic reference alone",
      "{{resolve:secretsmanager:prod/db-password:SecretString:password}}",
      { kind: "deferred", text: "${resolve:secretsmanager}", refs: [], dynamic: [{ service: "secretsmanager", secretish: true }] },
    ],
    [
      "a dynamic reference inside a literal",
      "prefix-{{resolve:ssm:/app/table-name}}-suffix-long",
      { kind: "partial", text: "prefix-${resolve:ssm}-suffix-long", literal: "prefix--suffix-long", refs: [], dynamic: [{ service: "ssm", secretish: false }] },
    ],
    [
      "a dynamic reference in a Sub, naming a parameter",
      { "Fn::Sub": "{{resolve:ssm-secure:/${Env}/api-token}}" },
      { kind: "deferred", text: "${resolve:ssm-secure}", refs: ["Env"], dynamic: [{ service: "ssm-secure", secretish: true }] },
    ],
    [
      "Join without a delimiter",
      { "Fn::Join": ["", ["abc", { Ref: "Stage" }, "defghijk"]] },
      { kind: "partial", text: "abc${Stage}defghijk", literal: "abcdefghijk", refs: ["Stage"], dynamic: [] },
    ],
    ["Join of literals", { "Fn::Join": [":", ["a", "b", "c"]] }, { kind: "literal", text: "a:b:c", refs: [], dynamic: [] }],
    ["Join of a computed list", { "Fn::Join": [",", { "Fn::Split": [",", { Ref: "L" }] }] }, { kind: "deferred", text: "${Fn::Join}", refs: ["L"], dynamic: [] }],
    ["GetAtt as a list", { "Fn::GetAtt": ["Role", "Arn"] }, { kind: "deferred", text: "${Fn::GetAtt}", refs: ["Role"], dynamic: [] }],
    ["GetAtt as a dotted string", { "Fn::GetAtt": "Role.Arn" }, { kind: "deferred", text: "${Fn::GetAtt}", refs: ["Role"], dynamic: [] }],
    ["Base64 of a Sub", { "Fn::Base64": { "Fn::Sub": "${Name}-x" } }, { kind: "deferred", text: "${Fn::Base64}", refs: ["Name"], dynamic: [] }],
    ["If", { "Fn::If": ["IsProd", { Ref: "A" }, "b"] }, { kind: "deferred", text: "${Fn::If}", refs: ["A"], dynamic: [] }],
  ])("%s", (_what, value, expected) => {
    expect(classify(value)).toEqual(expected);
  });

  it("Ref AWS::NoValue is no value at all", () => {
    expect(classify({ Ref: "AWS::NoValue" })).toBeUndefined();
  });
});
