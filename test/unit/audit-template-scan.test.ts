/**
 * The lexer pass and the skeleton (scan.ts): reading a YAML template through its skeleton gives exactly what reading
 * the whole template gives — on every fixture, on tricky layouts, and on generated templates — and anything the
 * skeleton cannot be sure of makes it parse the whole template.
 */
import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { stringify } from "yaml";
import { readCloudFormation } from "../../src/audit/template/cloudformation.js";
import { parseTemplateText } from "../../src/audit/template/load.js";
import { scanYaml } from "../../src/audit/template/scan.js";
import { Source } from "../../src/audit/template/source.js";
import { TEMPLATE_FIXTURES } from "../support/templates.js";

/** What the rules get from a template, read whole or through the skeleton. */
function readBoth(text: string) {
  const whole = readCloudFormation(Source.parse("t.yaml", text));
  const viaSkeleton = readCloudFormation(parseTemplateText("t.yaml", text).src);
  return { whole, viaSkeleton };
}

describe("skeleton", () => {
  it.each(["cfn/aws-keys.yaml", "cfn/intrinsics.yaml", "cfn/dynamic-refs.yaml", "cfn/parameters.yaml", "cfn/sealed.yaml", "cfn/suppressions.yaml", "sam/globals.yaml", "clean/clean.yaml"])(
    "%s: a skeleton is made and reads the same as the whole template",
    (file) => {
      const text = readFileSync(join(TEMPLATE_FIXTURES, file), "utf8");
      const scan = scanYaml(text);
      expect(scan.skeleton).toBeDefined();
      const { whole, viaSkeleton } = readBoth(text);
      expect(viaSkeleton).toEqual(whole);
      expect(whole.functions.length).toBeGreaterThan(0);
    },
  );

  it("keeps every line in place: kept lines are unchanged, the others empty, and it is shorter", () => {
    const text = readFileSync(join(TEMPLATE_FIXTURES, "cfn/intrinsics.yaml"), "utf8");
    const skeleton = scanYaml(text).skeleton ?? "";
    const a = text.split("\n");
    const b = skeleton.split("\n");
    expect(b).toHaveLength(a.length);
    b.forEach((line, i) => expect(line === "" || line === a[i]).toBe(true));
    expect(skeleton.length).toBeLessThan(text.length * 0.8);
    expect(skeleton).not.toContain("AssumeRolePolicyDocument");
    expect(skeleton).toContain("SECRET_TOKEN");
  });

  const tricky = `Resources:
  Fn:
    Type: AWS::Serverless::Function
    "Metadata": { envseal: { ignore: [{ id: ES004, reason: "flow style metadata" }] } }
    Properties:
      InlineCode: |
        Environment:
          Variables:
            FAKE: not-a-variable
      Policies:
      - Statement:
          Effect: Allow
      'Environment':
        Variables: { A: "1",
          B: !Ref Two }
      Layers:
      - arn:aws:lambda:us-east-1:111122223333:layer:x:1
      KmsKeyArn: !GetAtt
        - Key
        - Arn
  Other:
    Type: AWS::SNS::Topic
    Properties:
      Environment:
        Variables:
          X: y
Outputs:
  Out:
    Value: !Ref Fn
`;

  it("block scalars, compact sequences, quoted keys and flow maps spanning lines", () => {
    expect(scanYaml(tricky).skeleton).toBeDefined();
    const { whole, viaSkeleton } = readBoth(tricky);
    expect(viaSkeleton).toEqual(whole);
    expect([...(whole.functions[0]?.variables.keys() ?? [])]).toEqual(["A", "B"]);
    expect(whole.functions[0]?.key).toEqual({ kind: "set", text: "${Fn::GetAtt}" });
    expect(whole.functions[0]?.metadataSuppressions).toHaveLength(1);
  });

  it.each([
    ["anchors and aliases", "Resources:\n  Fn:\n    Type: AWS::Lambda::Function\n    Properties:\n      Environment: &env\n        Variables: { A: b }\n  Fn2:\n    Type: AWS::Lambda::Function\n    Properties:\n      Environment: *env\n"],
    ["a tab in the indentation", "Resources:\n\tFn:\n    Type: AWS::Lambda::Function\n"],
    ["two documents", "Resources: {}\n---\nResources: {}\n"],
    ["ragged indentation", readFileSync(join(TEMPLATE_FIXTURES, "broken/bad-indent.yaml"), "utf8")],
    ["an explicit key", "Resources:\n  ? Fn\n  : Type: AWS::Lambda::Function\n"],
    ["a tag at the start of a line", "Resources:\n  Fn:\n    Type:\n      !Sub AWS::Lambda::Function\n"],
  ])("%s: no skeleton, the whole template is parsed", (_, text) => {
    expect(scanYaml(text).skeleton).toBeUndefined();
  });

  it.each([
    [
      "a block scalar whose body starts with an empty line (the lines after it keep their numbers)",
      "Resources:\n  Fn:\n    Type: AWS::Lambda::Function\n    Description: |\n\n      text\n    Properties:\n      Environment:\n        Variables:\n          DB_PASSWORD: x\n      Handler: h\n",
    ],
    [
      "a flow map on the line after its key (parsed whole)",
      "Resources:\n  Fn:\n    {Type: AWS::Lambda::Function, Properties: {Environment: {Variables: {DB_PASSWORD: x}}}}\n",
    ],
  ])("%s: reads the same as the whole template", (_, text) => {
    const { whole, viaSkeleton } = readBoth(text);
    expect(viaSkeleton).toEqual(whole);
    expect(whole.functions.map((f) => [...f.variables.keys()])).toEqual([["DB_PASSWORD"]]);
  });

  it("aliases still resolve when the whole template is parsed", () => {
    const text = "Resources:\n  Fn:\n    Type: AWS::Lambda::Function\n    Properties:\n      Environment: &env\n        Variables: { DB_PASSWORD: x }\n  Fn2:\n    Type: AWS::Lambda::Function\n    Properties:\n      Environment: *env\n";
    const { whole, viaSkeleton } = readBoth(text);
    expect(viaSkeleton).toEqual(whole);
    expect(whole.functions.map((f) => [...f.variables.keys()])).toEqual([["DB_PASSWORD"], ["DB_PASSWORD"]]);
  });

  it("generated templates (random properties around Environment, long strings folded over lines, comment lines) read the same", () => {
    const scalar = fc.oneof(
      fc.string({ maxLength: 120 }),
      fc.integer(),
      fc.boolean(),
      fc.constantFrom("{{resolve:ssm:/a/password}}", "a: b", "- x", "# not a comment", "|", "${X}"),
    );
    const value = fc.oneof(scalar, fc.record({ Ref: fc.constantFrom("A", "B") }), fc.record({ "Fn::Sub": fc.string({ maxLength: 40 }) }));
    const name = fc.stringMatching(/^[A-Z][A-Z0-9_]{0,10}$/);
    const extra = fc.dictionary(fc.constantFrom("Handler", "Events", "Policies", "Code", "Description", "Layers", "Tags"), fc.jsonValue({ maxDepth: 3 }), { maxKeys: 4 });
    const properties = fc
      .tuple(extra, fc.dictionary(name, value, { maxKeys: 5 }), fc.option(fc.string({ maxLength: 30 }), { nil: undefined }))
      .chain(([ex, vars, key]) => {
        const entries: Array<[string, unknown]> = [...Object.entries(ex), ["Environment", { Variables: vars }], ...(key !== undefined ? [["KmsKeyArn", key] as [string, unknown]] : [])];
        return fc.shuffledSubarray(entries, { minLength: entries.length, maxLength: entries.length }).map((e) => Object.fromEntries(e));
      });
    const resource = fc.record({
      Type: fc.constantFrom("AWS::Lambda::Function", "AWS::Serverless::Function", "AWS::SNS::Topic"),
      Properties: properties,
      Metadata: fc.option(fc.record({ envseal: fc.record({ ignore: fc.array(fc.record({ id: fc.constantFrom("ES001", "ES004"), reason: fc.string({ maxLength: 20 }) }), { maxLength: 2 }) }) }), { nil: undefined }),
    });
    const template = fc.record({
      Parameters: fc.dictionary(fc.stringMatching(/^[A-Z][a-zA-Z]{0,8}$/), fc.record({ Type: fc.constant("String"), NoEcho: fc.boolean() }), { maxKeys: 3 }),
      Resources: fc.dictionary(fc.stringMatching(/^[A-Z][a-zA-Z0-9]{0,10}$/), resource, { minKeys: 1, maxKeys: 4 }),
      Outputs: fc.jsonValue({ maxDepth: 2 }),
    });
    let sliced = 0;
    fc.assert(
      fc.property(template, fc.array(fc.nat(400), { maxLength: 4 }), (t, commentAt) => {
        const lines = stringify(JSON.parse(JSON.stringify(t))).split("\n");
        for (const at of commentAt) {
          const i = at % lines.length;
          const indent = /^ */.exec(lines[i] ?? "")?.[0] ?? "";
          lines.splice(i, 0, `${indent}# envseal-ignore ES001 generated comment`);
        }
        const text = lines.join("\n");
        let whole;
        try {
          whole = readCloudFormation(Source.parse("t.yaml", text));
        } catch {
          return; // a comment line inserted where YAML does not allow one: nothing to compare
        }
        if (scanYaml(text).skeleton !== undefined) sliced++;
        expect(readCloudFormation(parseTemplateText("t.yaml", text).src)).toEqual(whole);
      }),
      { numRuns: 300 },
    );
    expect(sliced, "most generated templates go through the skeleton").toBeGreaterThan(200);
  });
});
