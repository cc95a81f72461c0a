/**
 * Template parsing: every CloudFormation short-form tag parses, values are classified (literal, partial, deferred),
 * positions match the file text (YAML, pretty and minified JSON), comments are found by the lexer only, and parse
 * errors name file, line and column without quoting the file.
 */
import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { Lexer, stringify } from "yaml";
import { InputError } from "../../src/core/errors.js";
import { Source } from "../../src/audit/template/source.js";
import { classifyValue } from "../../src/audit/template/values.js";
import { parseIgnoreText } from "../../src/audit/template/inline.js";
import { scanYaml } from "../../src/audit/template/scan.js";
import { INTRINSICS } from "../../src/audit/template/intrinsics.js";
import { canary } from "../support/canary.js";
import { TEMPLATE_FIXTURES, positionOf } from "../support/templates.js";

const fixture = (p: string) => readFileSync(join(TEMPLATE_FIXTURES, p), "utf8");

function variables(src: Source, logicalId: string) {
  const resource = src.get(src.get(src.root, "Resources"), logicalId);
  return src.entries(src.get(src.get(src.get(resource, "Properties"), "Environment"), "Variables"));
}

describe("YAML with CloudFormation short-form tags", () => {
  const text = fixture("cfn/intrinsics.yaml");
  const src = Source.parse("cfn/intrinsics.yaml", text);

  it("the fixture uses every short form envseal knows, and parses", () => {
    for (const tag of Object.keys(INTRINSICS).filter((t) => !["Transform", "Length", "ToJsonString"].includes(t))) {
      expect(text, `fixture should use !${tag}`).toMatch(new RegExp(`!${tag}\\b`));
    }
    expect(src.root).toBeDefined();
  });

  it.each([
    ["STAGE", "!Ref Stage", "deferred", ["Stage"]],
    ["ROLE_ARN", "!GetAtt [Role, Arn]", "deferred", ["Role"]],
    ["QUEUE_URL", '!Sub "https://sqs.', "partial", ["AWS::Region", "AWS::AccountId"]],
    ["LOG_LEVEL", "!FindInMap [StageMap", "deferred", ["Stage"]],
    ["FEATURE", "!If [IsProd", "deferred", []],
    ["FIRST_AZ", "!Select [0, !GetAZs", "deferred", []],
    ["SUBNET_CIDR", "!Select [0, !Cidr", "deferred", ["VpcCidr"]],
    ["SHARED_BUCKET", "!ImportValue shared", "deferred", []],
    ["ENCODED", '!Base64 "hello"', "deferred", []],
    ["PARTS", '!Join [",", !Split', "deferred", []],
    ["SECRET_TOKEN", "!If [ProdOrStaging", "deferred", []],
  ] as const)("%s: %s is %s, located at its tag", (name, written, kind, refs) => {
    const entry = variables(src, "Tagged").find((e) => e.key === name);
    const v = classifyValue(src, entry?.value);
    expect(v?.kind).toBe(kind);
    expect(v?.refs).toEqual(refs);
    const key = positionOf(text, `${name}: ${written}`);
    expect(v?.pos).toEqual({ line: key.line, column: key.column + name.length + 2 });
  });

  it("a deploy-time value never exposes its literal branches: the text rules see is one placeholder", () => {
    const entry = variables(src, "Tagged").find((e) => e.key === "SECRET_TOKEN");
    expect(classifyValue(src, entry?.value)?.text).toBe("${Fn::If}");
  });

  it("!Sub and !Join keep their literal text around references; short literal text around references is deferred", () => {
    const vars = Object.fromEntries(variables(src, "SubSecret").map((e) => [e.key, classifyValue(src, e.value)]));
    expect(vars.DATABASE_URL).toMatchObject({ kind: "partial", text: "postgres://app:__CANARY_DBURL__@${DbHost}:5432/app", refs: ["DbHost"] });
    expect(vars.API_KEY).toMatchObject({ kind: "partial", text: "__CANARY_APIKEY__-${Stage}", refs: ["Stage"] });
    expect(vars.REGION_PASSWORD).toMatchObject({ kind: "deferred", text: "${AWS::Region}" });
  });

  it("an unknown tag (a newer intrinsic, a tool's own) parses as a deploy-time value", () => {
    const s = Source.parse("x.yaml", "V: !Rain::Embed file.txt\nW: !Length [1, 2]\n");
    expect(classifyValue(s, s.get(s.root, "V"))).toMatchObject({ kind: "deferred", text: "${Fn::Rain::Embed}" });
    expect(classifyValue(s, s.get(s.root, "W"))).toMatchObject({ kind: "deferred", text: "${Fn::Length}" });
  });
});

describe("classifyValue", () => {
  const value = (yaml: string) => {
    const s = Source.parse("v.yaml", `V: ${yaml}\n`);
    return classifyValue(s, s.get(s.root, "V"));
  };

  it.each([
    ["plain-text", { kind: "literal", text: "plain-text" }],
    ["42", { kind: "literal", text: "42" }],
    ["true", { kind: "literal", text: "true" }],
    ['!Sub ["${A}:${B}-literal-text", { A: "alpha", B: !Ref Beta }]', { kind: "partial", text: "alpha:${B}-literal-text", refs: ["Beta"] }],
    ['!Sub "literal ${!NotAVar} text"', { kind: "literal", text: "literal ${NotAVar} text" }],
    ['{ "Fn::Join": ["-", ["abc", "defgh", { "Ref": "X" }]] }', { kind: "partial", text: "abc-defgh-${X}", refs: ["X"] }],
    ['"{{resolve:ssm:/app/db/password}}"', { kind: "deferred", text: "${resolve:ssm}", dynamic: [{ service: "ssm", secretish: true }] }],
    ['!Sub "{{resolve:secretsmanager:${Arn}:SecretString:pw}}"', { kind: "deferred", refs: ["Arn"], dynamic: [{ service: "secretsmanager", secretish: true }] }],
    ['!If [C, !Ref Pw, "{{resolve:ssm-secure:/x}}"]', { kind: "deferred", refs: ["Pw"], dynamic: [{ service: "ssm-secure", secretish: false }] }],
    ['!Base64 { "Fn::Sub": "${Token}" }', { kind: "deferred", refs: ["Token"] }],
  ])("%s", (yaml, expected) => {
    expect(value(yaml)).toMatchObject(expected);
  });

  it("!Ref AWS::NoValue means the variable is not set", () => {
    expect(value("!Ref AWS::NoValue")).toBeUndefined();
  });
});

describe("positions in JSON", () => {
  it("pretty JSON: each value where the text has it", () => {
    const text = fixture("json/template.json");
    const src = Source.parse("json/template.json", text);
    const entries = variables(src, "JsonFunction");
    expect(entries.map((e) => e.key)).toEqual(["STAGE", "SERVICE_PASSWORD", "SIGNING_SECRET", "ENDPOINT", "DB_PASSWORD"]);
    for (const e of entries) {
      const key = positionOf(text, `"${e.key}": `);
      expect(src.pos(e.value), e.key).toEqual({ line: key.line, column: key.column + e.key.length + 4 });
    }
  });

  it("minified JSON (terraform show -json writes one line): line 1 and the exact column", () => {
    const text = JSON.stringify(JSON.parse(fixture("terraform/plan.json")));
    const src = Source.parse("plan.json", text);
    const rc = src.items(src.get(src.root, "resource_changes"))[0];
    const after = src.get(src.get(rc, "change"), "after");
    const value = src.get(src.get(src.items(src.get(after, "environment"))[0], "variables"), "DB_PASSWORD");
    const at = text.indexOf('"DB_PASSWORD":"__CANARY_TFPW__"', text.indexOf('"resource_changes"')) + '"DB_PASSWORD":'.length;
    expect(src.pos(value)).toEqual({ line: 1, column: at + 1 });
  });
});

describe("parse errors", () => {
  it("name the file, line, column and error code, never a line of the file", () => {
    const text = fixture("broken/bad-indent.yaml");
    expect(() => Source.parse("broken/bad-indent.yaml", text)).toThrow(InputError);
    expect(() => Source.parse("broken/bad-indent.yaml", text)).toThrow(/^template broken\/bad-indent\.yaml:4:1 is not valid YAML \(BAD_INDENT\)$/);
  });

  it("a broken JSON template holding a secret: the message names the place, not the value", () => {
    const secret = canary("json-error");
    const text = `{\n  "Resources": {\n    "F": { "Properties": { "Environment": { "Variables": { "PW": "${secret}" ,, } } } }\n  }\n}\n`;
    let message = "";
    try {
      Source.parse("t.json", text);
    } catch (err) {
      message = (err as InputError).oneLine;
    }
    expect(message).toMatch(/^template t\.json:3:\d+ is not valid JSON \([A-Z_]+\); /);
    expect(message).not.toContain(secret);
    expect(message).not.toContain("PW");
  });
});

describe("inline suppression comments", () => {
  it.each([
    ["ES001 reason text", { ids: ["ES001"], reason: "reason text" }],
    ["es001,ES020 - two rules, one reason", { ids: ["ES001", "ES020"], reason: "two rules, one reason" }],
    ["ES001", { ids: ["ES001"], reason: "" }],
    ["because I said so", { ids: [], reason: "because I said so" }],
  ])("parseIgnoreText(%j)", (text, expected) => {
    expect(parseIgnoreText(text)).toEqual(expected);
  });

  it("are found by the lexer: a # inside a quoted string is not a comment, whatever the string holds", () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom("a", "b", "#", " ", ":", "-", "'", "{", "}", "[", "]", "!"), maxLength: 30 }), (noise) => {
        const quoted = JSON.stringify(`${noise} # envseal-ignore ES001 not a comment`);
        const { comments, commentOnlyLines } = scanYaml(`A: ${quoted}\n# envseal-ignore ES004 a real one\nB: v # envseal-ignore ES001 another\n`);
        expect(comments.map((c) => [c.pos.line, c.ids[0]])).toEqual([
          [2, "ES004"],
          [3, "ES001"],
        ]);
        expect([...commentOnlyLines]).toEqual([2]);
      }),
      { numRuns: 150 },
    );
  });

  it("the lexer's source tokens add up to the text (so comment offsets are exact), for any YAML document", () => {
    const control = new Set(["\u{FEFF}", "\u0002", "\u0018", "\u001f"]);
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 3 }), fc.boolean(), (value, flow) => {
        const text = stringify({ Root: value }, { collectionStyle: flow ? "flow" : "block" });
        const joined = [...new Lexer().lex(text)].filter((t) => !(t.length === 1 && control.has(t))).join("");
        expect(joined).toBe(text);
      }),
      { numRuns: 200 },
    );
  });
});
