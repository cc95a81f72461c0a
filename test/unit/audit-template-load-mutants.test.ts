/**
 * Finding and loading templates (src/audit/template/load.ts), the cases audit-template-load.test.ts leaves open: each
 * template extension and tool folder on its own, walk order that differs from the folder's, a path that is neither
 * file nor folder, what a folder walk does not parse, the unknown values and nested stacks a template hands on, and
 * when a text is read as JSON or through the YAML skeleton. load.ts is imported in `beforeAll` (not at the top) so its
 * module-level tables count for these tests.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { tempDir } from "../support/canary.js";
import { positionOf } from "../support/templates.js";

let load: typeof import("../../src/audit/template/load.js");
beforeAll(async () => {
  load = await import("../../src/audit/template/load.js");
});

const CFN = "Resources:\n  Fn:\n    Type: AWS::Serverless::Function\n    Properties:\n      Environment:\n        Variables:\n          STAGE: prod\n";

function folder(files: Record<string, string>): string {
  const root = tempDir("envseal-template-load-");
  for (const [rel, text] of Object.entries(files)) {
    const path = join(root, rel);
    mkdirSync(join(path, ".."), { recursive: true });
    writeFileSync(path, text);
  }
  return root;
}

const rel = (root: string, list: ReadonlyArray<{ path: string; explicit: boolean; prefix: string }>) =>
  list.map((p) => `${p.path.slice(root.length + 1)} ${p.explicit} "${p.prefix}"`);

describe("discoverTemplates", () => {
  it.each([".yaml", ".yml", ".json", ".template"])("a walk keeps %s files", async (ext) => {
    const root = folder({ [`w/t${ext}`]: CFN, "w/t.txt": CFN });
    expect(rel(root, await load.discoverTemplates(["w"], root))).toEqual([`w/t${ext} false ""`]);
  });

  it("a walk skips node_modules", async () => {
    const root = folder({ "w/node_modules/t.yaml": CFN, "w/src/t.yaml": CFN });
    expect(rel(root, await load.discoverTemplates(["w"], root))).toEqual(['w/src/t.yaml false ""']);
  });

  it("a walk sorts by name whatever order the folder lists them in (letters before case)", async () => {
    // Written in reverse, with upper and lower case mixed: a folder listing is in neither order.
    const names = ["z.yaml", "Y.yaml", "m.yaml", "B.yaml", "a.yaml"];
    const root = folder(Object.fromEntries(names.map((n) => [`w/${n}`, CFN])));
    expect(rel(root, await load.discoverTemplates(["w"], root))).toEqual(["a", "B", "m", "Y", "z"].map((n) => `w/${n}.yaml false ""`));
  });

  it("a cdk.out asset template has no nested-stack prefix", async () => {
    const root = folder({
      "cdk.out/manifest.json": JSON.stringify({
        artifacts: { S: { type: "aws:cloudformation:stack", properties: { templateFile: "S.template.json" } }, A: { type: "cdk:asset-manifest", properties: { file: "S.assets.json" } } },
      }),
      "cdk.out/S.assets.json": JSON.stringify({ files: { n: { source: { path: "N.template.json" } } } }),
    });
    expect(rel(root, await load.discoverTemplates(["cdk.out"], root))).toEqual(['cdk.out/S.template.json true ""', 'cdk.out/N.template.json false ""']);
  });

  it("a path that is neither a file nor a folder is refused", async () => {
    await expect(load.discoverTemplates(["/dev/null"], tempDir())).rejects.toMatchObject({
      name: "InputError",
      message: "--template /dev/null is neither a file nor a folder",
      hint: "pass template files or folders",
    });
  });
});

describe("loadTemplate", () => {
  it("a walked file that does not look like a template is not parsed at all (its syntax errors are no error)", async () => {
    const root = folder({ "w/notes.json": '{ "title": [unclosed\n' });
    expect(await load.loadTemplate({ path: join(root, "w/notes.json"), explicit: false, prefix: "" }, root)).toEqual({ file: undefined, nested: [] });
    await expect(load.loadTemplate({ path: join(root, "w/notes.json"), explicit: true, prefix: "" }, root)).rejects.toMatchObject({ name: "InputError" });
  });

  it("a walked JSON template with space before the colon, and a walked plan naming planned_values only, are read", async () => {
    const root = folder({
      "w/t.json": `{ "Resources" : { "Fn": { "Type": "AWS::Lambda::Function", "Properties": { "Environment": { "Variables": { "STAGE": "prod" } } } } } }`,
      "w/plan.json": JSON.stringify({ format_version: "1.2", planned_values: {} }),
    });
    const cfn = await load.loadTemplate({ path: join(root, "w/t.json"), explicit: false, prefix: "" }, root);
    expect(cfn.file?.functions.map((f) => f.id)).toEqual(["Fn"]);
    const plan = await load.loadTemplate({ path: join(root, "w/plan.json"), explicit: false, prefix: "" }, root);
    expect(plan.file).toMatchObject({ file: "w/plan.json", format: "terraform", functions: [] });
  });

  it("the template's own unknown values come with those of nested stacks it cannot read; a JSON template has no comments", async () => {
    const parent = JSON.stringify({
        Conditions: { IsProd: { "Fn::Equals": ["a", "b"] } },
        Resources: {
          Fn: { Type: "AWS::Lambda::Function", Properties: { Environment: { "Fn::If": ["IsProd", { Variables: { A: "1" } }, { Ref: "AWS::NoValue" }] } } },
          Missing: { Type: "AWS::CloudFormation::Stack", Metadata: { "aws:asset:path": "missing.json" }, Properties: {} },
        },
      });
    const root = folder({ "s/parent.json": parent });
    const { file, nested } = await load.loadTemplate({ path: join(root, "s/parent.json"), explicit: true, prefix: "Top/" }, root);
    expect(nested).toEqual([]);
    expect(file!.comments).toEqual([]);
    expect(file!.commentOnlyLines).toEqual(new Set());
    expect(file!.unknown).toEqual([
      { location: { file: "s/parent.json", ...positionOf(parent, '"Environment"') }, function: "Top/Fn", what: "Environment", reason: "set by Fn::If" },
      { location: { file: "s/parent.json", ...positionOf(parent, '"Missing"') }, function: "Top/Missing", what: "nested stack template", reason: "not read: no such file" },
    ]);
  });
});

describe("parseTemplateText", () => {
  it.each([
    ["JSON", '{"Resources": {}}'],
    ["JSON after white space and blank lines", '\n  \n  {"Resources": {}}'],
    ["a JSON list", '["a"]'],
  ])("%s is parsed whole, with no YAML scan", (_what, text) => {
    expect(load.parseTemplateText("t.json", text).scan).toBeUndefined();
  });

  it("YAML holding a flow mapping further down goes through the scan (its comments are found)", () => {
    const text = `# envseal-ignore ES001 rotated by the vendor\n${CFN}          TAGS: { a: b }\n`;
    const { src, scan } = load.parseTemplateText("t.yaml", text);
    expect(scan?.comments.map((c) => [c.pos.line, c.ids, c.reason])).toEqual([[1, ["ES001"], "rotated by the vendor"]]);
    expect(src.text(src.get(src.get(src.get(src.get(src.get(src.get(src.root, "Resources"), "Fn"), "Properties"), "Environment"), "Variables"), "STAGE"))).toBe("prod");
  });

  it("YAML the scan makes no skeleton of (anchors and aliases) is parsed whole", () => {
    const text = `${CFN}          OTHER: &stage prod\n          AGAIN: *stage\n`;
    const { src, scan } = load.parseTemplateText("t.yaml", text);
    expect(scan?.skeleton).toBeUndefined();
    const vars = src.get(src.get(src.get(src.get(src.get(src.root, "Resources"), "Fn"), "Properties"), "Environment"), "Variables");
    expect([src.text(src.get(vars, "STAGE")), src.text(src.get(vars, "AGAIN"))]).toEqual(["prod", "prod"]);
  });

  it("YAML is read through its skeleton: a syntax error in a section the rules do not read is no error", () => {
    const text = `${CFN}Outputs:\n  Broken: [unclosed\n`;
    const { src, scan } = load.parseTemplateText("t.yaml", text);
    expect(scan?.skeleton).toBeDefined();
    expect(src.get(src.root, "Outputs")).toBeUndefined();
    expect(src.text(src.get(src.get(src.get(src.get(src.get(src.get(src.root, "Resources"), "Fn"), "Properties"), "Environment"), "Variables"), "STAGE"))).toBe("prod");
  });
});
