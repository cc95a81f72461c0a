/**
 * Template values (src/audit/template/values.ts), the cases the long-form table in audit-template-values.test.ts does
 * not reach: the 8-character threshold exactly, map and missing values, odd `Ref` / `Fn::Join` / `Fn::GetAtt`
 * arguments, `${…}` inside dynamic reference ids, and what `secretishId` takes for secret. values.ts (and load.ts,
 * which pulls it in) are imported in `beforeAll`, so the module's regular expressions count for these tests.
 */
import { beforeAll, describe, expect, it } from "vitest";

let values: typeof import("../../src/audit/template/values.js");
let load: typeof import("../../src/audit/template/load.js");
let source: typeof import("../../src/audit/template/source.js");
beforeAll(async () => {
  values = await import("../../src/audit/template/values.js");
  load = await import("../../src/audit/template/load.js");
  source = await import("../../src/audit/template/source.js");
});

/** Classify the value of `V` in a JSON template (position left out); `key` names another entry, maybe absent. */
function classify(value: unknown, key = "V") {
  const { src } = load.parseTemplateText("t.json", JSON.stringify({ V: value }));
  const out = values.classifyValue(src, src.get(src.root, key));
  if (!out) return out;
  const { pos: _pos, ...rest } = out;
  return rest;
}

/** The same for a YAML template with short-form tags. */
function classifyYaml(line: string) {
  const src = source.Source.parse("t.yaml", `V: ${line}\n`);
  const out = values.classifyValue(src, src.get(src.root, "V"));
  if (!out) return out;
  const { pos: _pos, ...rest } = out;
  return rest;
}

describe("classifyValue: the literal threshold", () => {
  it("exactly 8 literal characters around a reference make a partial value; 7 do not", () => {
    expect(classify({ "Fn::Sub": "abcdefgh${Stage}" })).toEqual({ kind: "partial", text: "abcdefgh${Stage}", literal: "abcdefgh", refs: ["Stage"], dynamic: [] });
    expect(classify({ "Fn::Sub": "abcdefg${Stage}" })).toEqual({ kind: "deferred", text: "${Stage}", refs: ["Stage"], dynamic: [] });
  });

  it("white space does not count toward the 8 characters", () => {
    expect(classify({ "Fn::Sub": "   ab${Stage}cd   " })).toEqual({ kind: "deferred", text: "${Stage}", refs: ["Stage"], dynamic: [] });
  });
});

describe("classifyValue: values that are not strings", () => {
  it("a mapping is known only at deploy time, its references recorded", () => {
    expect(classify({ A: { Ref: "Inner" }, B: "{{resolve:ssm:/app/db-password}}" })).toEqual({
      kind: "deferred",
      text: "${value}",
      refs: ["Inner"],
      dynamic: [{ service: "ssm", secretish: true }],
    });
  });

  it("a missing node is an empty literal", () => {
    expect(classify("x", "Missing")).toEqual({ kind: "literal", text: "", refs: [], dynamic: [] });
  });

  it("null inside a Join adds nothing to the text", () => {
    expect(classify({ "Fn::Join": ["", [null, { Ref: "Stage" }, "abcdefgh"]] })).toEqual({
      kind: "partial",
      text: "${Stage}abcdefgh",
      literal: "abcdefgh",
      refs: ["Stage"],
      dynamic: [],
    });
  });

  it("a Ref whose argument is not a name is the reference `Ref`", () => {
    expect(classify({ Ref: { Name: "x" } })).toEqual({ kind: "deferred", text: "${Ref}", refs: ["Ref"], dynamic: [] });
  });

  it("a Join whose delimiter is not text joins with nothing", () => {
    expect(classify({ "Fn::Join": [null, ["abcd", "efgh"]] })).toEqual({ kind: "literal", text: "abcdefgh", refs: [], dynamic: [] });
  });

  it("a Join of something that is not a list is known only at deploy time", () => {
    expect(classify({ "Fn::Join": [",", "abc"] })).toEqual({ kind: "deferred", text: "${Fn::Join}", refs: [], dynamic: [] });
  });

  it("a GetAtt or Ref without a name records no reference", () => {
    expect(classify({ "Fn::GetAtt": [{ x: 1 }, "Arn"] })).toEqual({ kind: "deferred", text: "${Fn::GetAtt}", refs: [], dynamic: [] });
    expect(classify({ "Fn::If": ["IsProd", { Ref: ["A"] }, "b"] })).toEqual({ kind: "deferred", text: "${Fn::If}", refs: [], dynamic: [] });
  });

  it("a dynamic reference as the argument of another function is still recorded", () => {
    expect(classify({ "Fn::Base64": "{{resolve:secretsmanager:prod/db}}" })).toEqual({
      kind: "deferred",
      text: "${Fn::Base64}",
      refs: [],
      dynamic: [{ service: "secretsmanager", secretish: false }],
    });
    expect(classifyYaml('!Base64 "{{resolve:ssm-secure:/app/api-token}}"')).toEqual({
      kind: "deferred",
      text: "${Fn::Base64}",
      refs: [],
      dynamic: [{ service: "ssm-secure", secretish: true }],
    });
  });
});

describe("classifyValue: Sub variables and dynamic reference ids", () => {
  it("Sub variable names are trimmed and may be long; a dotted one refers to its resource", () => {
    expect(classify({ "Fn::Sub": "${ Prefix }-${StageName}-${ Table.Arn }" })).toEqual({
      kind: "deferred",
      text: "${Prefix}",
      refs: ["Prefix", "StageName", "Table"],
      dynamic: [],
    });
  });

  it("in a dynamic reference id: names trimmed, `${!Literal}` and `${}` are no reference, a dotted name refers to its resource", () => {
    expect(classify({ "Fn::Sub": "{{resolve:ssm:/${ Env }/${!Literal}/${}/${Res.Arn}/name}}" })).toEqual({
      kind: "deferred",
      text: "${resolve:ssm}",
      refs: ["Env", "Res"],
      dynamic: [{ service: "ssm", secretish: false }],
    });
  });

  it("a dynamic reference id of more than one character, between literal text", () => {
    expect(classify("https://{{resolve:secretsmanager:prod/api}}@example.com")).toEqual({
      kind: "partial",
      text: "https://${resolve:secretsmanager}@example.com",
      literal: "https://@example.com",
      refs: [],
      dynamic: [{ service: "secretsmanager", secretish: false }],
    });
  });
});

describe("secretishId", () => {
  it.each([
    "/app/db/password",
    "/app/db/passwd",
    "/app/passphrase",
    "prod/client-secret",
    "/app/TOKEN",
    "/app/apikey",
    "/app/api-key",
    "/app/api_key",
    "/app/privatekey",
    "/app/private-key",
    "/app/private_key",
    "/app/credential",
    "/app/authkey",
    "/app/auth-key",
    "/app/auth_key",
    "/app/signingkey",
    "/app/signing-key",
    "/app/Signing_Key",
  ])("%s says secret", (id) => {
    expect(values.secretishId(id)).toBe(true);
  });

  it.each(["/app/table-name", "/app/apiXkey", "/app/privateXkey", "/app/authXkey", "/app/signingXkey", "/app/api--key", "/app/key"])("%s does not", (id) => {
    expect(values.secretishId(id)).toBe(false);
  });
});
