/**
 * readCloudFormation (cloudformation.ts), field by field: which resources are functions, the parameters ES021 reads,
 * nested stacks, an Environment or Variables set by an intrinsic, every KmsKeyArn form (Ref AWS::NoValue, Fn::If with
 * and without a NoValue branch, literal, blank) and SAM Globals merging — with the exact positions each one reports.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { readCloudFormation } from "../../src/audit/template/cloudformation.js";
import { Source } from "../../src/audit/template/source.js";
import type { TemplateFunction } from "../../src/audit/template/types.js";
import { positionOf } from "../support/templates.js";

function read(text: string, file = "t.yaml") {
  return readCloudFormation(Source.parse(file, text));
}

function fn(functions: readonly TemplateFunction[], id: string): TemplateFunction {
  const found = functions.find((f) => f.id === id);
  if (!found) throw new Error(`no function ${id}`);
  return found;
}

/** A function without its variables (compared on their own), for exact comparison of every other field. */
function withoutVariables(f: TemplateFunction) {
  const { variables, ...rest } = f;
  void variables;
  return rest;
}

function variableTexts(f: TemplateFunction) {
  return [...f.variables].map(([k, v]) => [k, v.kind, v.text]);
}

describe("readCloudFormation: parameters", () => {
  const text = `Parameters:
  DbPassword:
    Type: String
    NoEcho: "TRUE"
  ApiTokenName:
    Type: AWS::SSM::Parameter::Value<String>
    Default: /app/api-token
  PlainSsm:
    Type: AWS::SSM::Parameter::Value<String>
    Default: /app/region
  SsmNoDefault:
    Type: AWS::SSM::Parameter::Value<String>
  SecretDefault:
    Type: String
    Default: my-secret-name
    NoEcho: false
  Untyped: {}
Resources:
  Topic:
    Type: AWS::SNS::Topic
`;

  it("reads NoEcho (any case), an SSM parameter type, and a secret-looking default of an SSM parameter only", () => {
    expect([...read(text).parameters]).toStrictEqual([
      ["DbPassword", { name: "DbPassword", noEcho: true, ssmType: false, secretishDefault: false }],
      ["ApiTokenName", { name: "ApiTokenName", noEcho: false, ssmType: true, secretishDefault: true }],
      ["PlainSsm", { name: "PlainSsm", noEcho: false, ssmType: true, secretishDefault: false }],
      ["SsmNoDefault", { name: "SsmNoDefault", noEcho: false, ssmType: true, secretishDefault: false }],
      ["SecretDefault", { name: "SecretDefault", noEcho: false, ssmType: false, secretishDefault: false }],
      ["Untyped", { name: "Untyped", noEcho: false, ssmType: false, secretishDefault: false }],
    ]);
  });
});

describe("readCloudFormation: resources", () => {
  const text = `Resources:
  Topic:
    Type: AWS::SNS::Topic
    Properties:
      Environment:
        Variables:
          NOT_A_FUNCTION: x
  NoType:
    Properties:
      Environment:
        Variables:
          A: b
  Nested:
    Type: AWS::CloudFormation::Stack
    Metadata:
      aws:asset:path: nested.template.json
  NestedNoAsset:
    Type: AWS::CloudFormation::Stack
    Metadata:
      other: x
  Plain:
    Type: AWS::Lambda::Function
    Properties:
      Handler: index.handler
  WithEnv:
    Type: AWS::Lambda::Function
    Properties:
      Environment:
        Variables:
          STAGE: prod
          GONE: !Ref AWS::NoValue
      KmsKeyArn: !GetAtt Key.Arn
`;
  // Read in a hook, not while the file is collected: the mutation run credits hook work to the tests.
  let out: ReturnType<typeof read>;
  beforeAll(() => {
    out = read(text);
  });

  it("only Lambda and SAM functions are functions; their ids are the logical ids when no prefix is given", () => {
    expect(out.functions.map((f) => f.id)).toEqual(["Plain", "WithEnv"]);
  });

  it("a nested stack is listed only with an aws:asset:path, at its logical id", () => {
    expect(out.nested).toStrictEqual([{ logicalId: "Nested", assetPath: "nested.template.json", pos: positionOf(text, "Nested:") }]);
  });

  it("a function without Environment and KmsKeyArn: no variables, key absent, no positions besides its own", () => {
    const plain = fn(out.functions, "Plain");
    expect(plain.variables.size).toBe(0);
    expect(withoutVariables(plain)).toStrictEqual({ id: "Plain", file: "t.yaml", pos: positionOf(text, "Plain:"), key: { kind: "absent" }, metadataSuppressions: [] });
  });

  it("a variable set to !Ref AWS::NoValue is left out; the Environment key and the key value are located", () => {
    const f = fn(out.functions, "WithEnv");
    expect(variableTexts(f)).toEqual([["STAGE", "literal", "prod"]]);
    expect(withoutVariables(f)).toStrictEqual({
      id: "WithEnv",
      file: "t.yaml",
      pos: positionOf(text, "WithEnv:"),
      key: { kind: "set", text: "${Fn::GetAtt}" },
      keyPos: positionOf(text, "!GetAtt Key.Arn"),
      environmentPos: positionOf(text, "Environment:", text.indexOf("WithEnv:")),
      metadataSuppressions: [],
    });
    expect(out.unknown).toEqual([]);
  });

  it("a prefix names the nested stack path in the function id", () => {
    expect(readCloudFormation(Source.parse("t.yaml", text), "Parent/Child/").functions.map((f) => f.id)).toEqual(["Parent/Child/Plain", "Parent/Child/WithEnv"]);
  });
});

describe("readCloudFormation: Environment set by an intrinsic", () => {
  const text = `Resources:
  EnvRef:
    Type: AWS::Lambda::Function
    Properties:
      Environment: !Ref EnvParam
  VarsIf:
    Type: AWS::Lambda::Function
    Properties:
      Environment:
        Variables: { "Fn::If": [IsProd, { A: b }, { A: c }] }
`;
  // Read in a hook, not while the file is collected: the mutation run credits hook work to the tests.
  let out: ReturnType<typeof read>;
  beforeAll(() => {
    out = read(text);
  });

  it("the whole Environment from an intrinsic: no variables, the reason, at the Environment key", () => {
    const f = fn(out.functions, "EnvRef");
    expect(f.variables.size).toBe(0);
    expect(withoutVariables(f)).toStrictEqual({
      id: "EnvRef",
      file: "t.yaml",
      pos: positionOf(text, "EnvRef:"),
      key: { kind: "absent" },
      environmentUnknown: "set by Ref",
      environmentPos: positionOf(text, "Environment: !Ref"),
      metadataSuppressions: [],
    });
  });

  it("Variables from an intrinsic: no variables, the reason names Variables", () => {
    const f = fn(out.functions, "VarsIf");
    expect(f.variables.size).toBe(0);
    expect(f.environmentUnknown).toBe("Variables set by Fn::If");
    expect(f.environmentPos).toEqual(positionOf(text, "Environment:", text.indexOf("VarsIf:")));
  });

  it("each is an unknown value located at the Environment key, not at the function", () => {
    expect(out.unknown).toStrictEqual([
      { location: { file: "t.yaml", ...positionOf(text, "Environment: !Ref") }, function: "EnvRef", what: "Environment", reason: "set by Ref" },
      {
        location: { file: "t.yaml", ...positionOf(text, "Environment:", text.indexOf("VarsIf:")) },
        function: "VarsIf",
        what: "Environment",
        reason: "Variables set by Fn::If",
      },
    ]);
  });
});

describe("readCloudFormation: KmsKeyArn", () => {
  const cases = {
    NoValue: "!Ref AWS::NoValue",
    RefParam: "!Ref KeyParam",
    IfNoValue: '!If [UseKey, "arn:aws:kms:eu-west-1:111122223333:key/abc", !Ref AWS::NoValue]',
    IfNoValueFirst: '!If [UseKey, !Ref AWS::NoValue, "arn:aws:kms:eu-west-1:111122223333:key/abc"]',
    IfRefs: "!If [UseKey, !Ref KeyParam, !Ref OtherKey]",
    IfLiterals: '!If [UseKey, "arn:aws:kms:eu-west-1:111122223333:key/a", "arn:aws:kms:eu-west-1:111122223333:key/b"]',
    LongIf: '{ "Fn::If": [UseKey, { "Ref": "AWS::NoValue" }, { "Ref": "KeyParam" }] }',
    Literal: "arn:aws:kms:eu-west-1:111122223333:key/abc",
    Blank: '"   "',
    Mapping: "{ Foo: bar, Baz: qux }",
  } as const;
  const text = `Resources:\n${Object.entries(cases)
    .map(([id, key]) => `  ${id}:\n    Type: AWS::Lambda::Function\n    Properties:\n      KmsKeyArn: ${key}\n`)
    .join("")}  Empty:\n    Type: AWS::Lambda::Function\n    Properties:\n      KmsKeyArn:\n`;
  // Read in a hook, not while the file is collected: the mutation run credits hook work to the tests.
  let out: ReturnType<typeof read>;
  beforeAll(() => {
    out = read(text);
  });
  const valuePos = (id: string) => positionOf(text, `KmsKeyArn: ${cases[id as keyof typeof cases]}`, text.indexOf(`${id}:`));
  const keyOf = (id: string) => {
    const f = fn(out.functions, id);
    const at = valuePos(id);
    return { key: f.key, keyPos: f.keyPos, valueColumn: at.column + "KmsKeyArn: ".length, valueLine: at.line };
  };

  it.each([
    ["NoValue", { kind: "absent" }],
    ["RefParam", { kind: "set", text: "${Ref}" }],
    ["IfNoValue", { kind: "unknown" }],
    ["IfNoValueFirst", { kind: "unknown" }],
    ["IfRefs", { kind: "set", text: "${Fn::If}" }],
    ["IfLiterals", { kind: "set", text: "${Fn::If}" }],
    ["LongIf", { kind: "unknown" }],
    ["Literal", { kind: "set", text: "arn:aws:kms:eu-west-1:111122223333:key/abc" }],
    ["Blank", { kind: "absent" }],
    ["Mapping", { kind: "absent" }],
  ] as const)("%s: %j, located at the value", (id, state) => {
    const k = keyOf(id);
    expect(k.key).toStrictEqual(state);
    expect(k.keyPos).toStrictEqual({ line: k.valueLine, column: k.valueColumn });
  });

  it("KmsKeyArn with no value: absent, located at the empty value right after the colon", () => {
    const f = fn(out.functions, "Empty");
    const key = positionOf(text, "KmsKeyArn:", text.indexOf("Empty:"));
    expect(f.key).toStrictEqual({ kind: "absent" });
    expect(f.keyPos).toStrictEqual({ line: key.line, column: key.column + "KmsKeyArn:".length });
  });

  it("only a key that may or may not be set (Fn::If with an AWS::NoValue branch) is an unknown value, at the key value", () => {
    const unknown = (id: string) => ({
      location: { file: "t.yaml", line: keyOf(id).valueLine, column: keyOf(id).valueColumn },
      function: id,
      what: "KmsKeyArn",
      reason: "set by Fn::If with AWS::NoValue in a branch",
    });
    expect(out.unknown).toStrictEqual([unknown("IfNoValue"), unknown("IfNoValueFirst"), unknown("LongIf")]);
  });
});

describe("readCloudFormation: SAM Globals.Function", () => {
  const text = `Globals:
  Function:
    Environment:
      Variables:
        SHARED: from-globals
        STAGE: global-stage
    KmsKeyArn: !Ref GlobalKey
Resources:
  Own:
    Type: AWS::Serverless::Function
    Properties:
      Environment:
        Variables:
          STAGE: own-stage
      KmsKeyArn: !Ref OwnKey
  Bare:
    Type: AWS::Serverless::Function
    Properties:
      Handler: index.handler
  Lambda:
    Type: AWS::Lambda::Function
    Properties:
      Handler: index.handler
`;
  // Read in a hook, not while the file is collected: the mutation run credits hook work to the tests.
  let out: ReturnType<typeof read>;
  beforeAll(() => {
    out = read(text);
  });
  const globalsEnv = positionOf(text, "Environment:");
  const globalsKey = positionOf(text, "!Ref GlobalKey");

  it("a SAM function with its own Environment: variables merged (its own win), its own Environment and key located", () => {
    const f = fn(out.functions, "Own");
    expect(variableTexts(f)).toEqual([
      ["SHARED", "literal", "from-globals"],
      ["STAGE", "literal", "own-stage"],
    ]);
    expect(withoutVariables(f)).toStrictEqual({
      id: "Own",
      file: "t.yaml",
      pos: positionOf(text, "Own:"),
      key: { kind: "set", text: "${Ref}" },
      keyPos: positionOf(text, "!Ref OwnKey"),
      environmentPos: positionOf(text, "Environment:", text.indexOf("Own:")),
      metadataSuppressions: [],
    });
  });

  it("a SAM function without either: the Globals variables and key, located in Globals", () => {
    const f = fn(out.functions, "Bare");
    expect(variableTexts(f)).toEqual([
      ["SHARED", "literal", "from-globals"],
      ["STAGE", "literal", "global-stage"],
    ]);
    expect(withoutVariables(f)).toStrictEqual({
      id: "Bare",
      file: "t.yaml",
      pos: positionOf(text, "Bare:"),
      key: { kind: "set", text: "${Ref}" },
      keyPos: globalsKey,
      environmentPos: globalsEnv,
      metadataSuppressions: [],
    });
  });

  it("a plain Lambda function does not take SAM Globals", () => {
    const f = fn(out.functions, "Lambda");
    expect(f.variables.size).toBe(0);
    expect(withoutVariables(f)).toStrictEqual({ id: "Lambda", file: "t.yaml", pos: positionOf(text, "Lambda:"), key: { kind: "absent" }, metadataSuppressions: [] });
  });

  it("Globals Variables set by an intrinsic make the function's environment unknown even when it has its own", () => {
    const t = `Globals:
  Function:
    Environment:
      Variables: !If [IsProd, { A: b }, { A: c }]
Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Environment:
        Variables:
          OWN: value
`;
    const r = read(t);
    const f = fn(r.functions, "Fn");
    expect(f.variables.size).toBe(0);
    expect(f.environmentUnknown).toBe("Variables set by Fn::If");
    expect(f.environmentPos).toStrictEqual(positionOf(t, "Environment:", t.indexOf("Fn:")));
    expect(r.unknown).toStrictEqual([
      { location: { file: "t.yaml", ...positionOf(t, "Environment:", t.indexOf("Fn:")) }, function: "Fn", what: "Environment", reason: "Variables set by Fn::If" },
    ]);
  });
});
