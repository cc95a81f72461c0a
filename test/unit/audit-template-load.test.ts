/**
 * Finding and loading templates (src/audit/template/load.ts) in process: the walk (sorted, hidden and tool folders
 * skipped, cdk.out assemblies), what is skipped or refused with which message, nested stacks inside and outside the
 * template's folder.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { discoverTemplates, loadTemplate } from "../../src/audit/template/load.js";

const root = mkdtempSync(join(tmpdir(), "envseal-template-load-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const put = (rel: string, text: string) => {
  const path = join(root, rel);
  mkdirSync(join(path, ".."), { recursive: true });
  writeFileSync(path, text);
  return path;
};
const CFN = "Resources:\n  Fn:\n    Type: AWS::Serverless::Function\n    Properties:\n      Environment:\n        Variables:\n          STAGE: prod\n";

describe("discoverTemplates", () => {
  it("walks folders in name order, keeps template extensions, skips hidden and tool folders; named files are explicit", async () => {
    put("w/b.yaml", CFN);
    put("w/a.json", "{}");
    put("w/c.TEMPLATE", CFN);
    put("w/notes.txt", "Resources:");
    put("w/sub/d.yml", CFN);
    put("w/.hidden/e.yaml", CFN);
    put("w/node_modules/f.yaml", CFN);
    put("w/.aws-sam/g.yaml", CFN);
    put("w/.terraform/h.json", "{}");
    put("w/.git/i.yaml", CFN);
    const found = await discoverTemplates(["w", "w/notes.txt"], root);
    expect(found.map((p) => [p.path.slice(root.length + 1), p.explicit, p.prefix])).toEqual([
      ["w/a.json", false, ""],
      ["w/b.yaml", false, ""],
      ["w/c.TEMPLATE", false, ""],
      ["w/sub/d.yml", false, ""],
      ["w/notes.txt", true, ""],
    ]);
  });

  it("a cdk.out folder yields its stacks (explicit) and asset templates", async () => {
    put("cdk.out/manifest.json", JSON.stringify({ artifacts: { S: { type: "aws:cloudformation:stack", properties: { templateFile: "S.template.json" } }, A: { type: "cdk:asset-manifest", properties: { file: "S.assets.json" } } } }));
    put("cdk.out/S.assets.json", JSON.stringify({ files: { n: { source: { path: "N.template.json" } } } }));
    const found = await discoverTemplates(["cdk.out"], root);
    expect(found.map((p) => [p.path.slice(root.length + 1), p.explicit])).toEqual([
      ["cdk.out/S.template.json", true],
      ["cdk.out/N.template.json", false],
    ]);
  });

  it("a path that does not exist, or cannot be read, is refused with what to pass", async () => {
    await expect(discoverTemplates(["nope/missing.yaml"], root)).rejects.toMatchObject({
      name: "InputError",
      message: "cannot read --template nope/missing.yaml: no such file or folder",
      hint: "pass template files or folders (SAM/CloudFormation YAML or JSON, cdk.out, terraform show -json output)",
    });
    put("file.yaml", CFN);
    await expect(discoverTemplates(["file.yaml/below"], root)).rejects.toMatchObject({ message: "cannot read --template file.yaml/below (ENOTDIR)" });
  });
});

describe("loadTemplate", () => {
  it("a walked file that does not look like a template is skipped; a named one is refused", async () => {
    const path = put("l/config.json", JSON.stringify({ name: "x" }));
    expect((await loadTemplate({ path, explicit: false, prefix: "" }, root)).file).toBeUndefined();
    const resourcesButNoTemplate = put("l/odd.json", JSON.stringify({ Resources: "none", x: 1 }));
    expect((await loadTemplate({ path: resourcesButNoTemplate, explicit: false, prefix: "" }, root)).file).toBeUndefined();
    await expect(loadTemplate({ path, explicit: true, prefix: "" }, root)).rejects.toMatchObject({
      message: "template l/config.json is neither a CloudFormation/SAM template (no Resources) nor a Terraform JSON plan",
      hint: "pass a template, cdk.out, or the output of `terraform show -json plan.out`",
    });
  });

  it("a file that cannot be read names its code", async () => {
    await expect(loadTemplate({ path: join(root, "l/gone.yaml"), explicit: true, prefix: "" }, root)).rejects.toMatchObject({
      message: "cannot read template l/gone.yaml (ENOENT)",
      hint: "check the path and its permissions",
    });
  });

  it("reads CloudFormation with its comments, and Terraform plans", async () => {
    const cfn = put("l/t.yaml", `# envseal-ignore ES001 reason\n${CFN}`);
    const loaded = await loadTemplate({ path: cfn, explicit: false, prefix: "" }, root);
    expect(loaded.file).toMatchObject({ file: "l/t.yaml", format: "cloudformation", unknown: [] });
    expect(loaded.file!.functions.map((f) => f.id)).toEqual(["Fn"]);
    expect(loaded.file!.comments.map((c) => [c.pos.line, c.ids])).toEqual([[1, ["ES001"]]]);
    expect([...loaded.file!.commentOnlyLines]).toEqual([1]);
    expect(loaded.nested).toEqual([]);
    const tf = put("l/plan.json", JSON.stringify({ format_version: "1.2", resource_changes: [] }));
    expect((await loadTemplate({ path: tf, explicit: false, prefix: "" }, root)).file).toEqual({
      file: "l/plan.json",
      format: "terraform",
      functions: [],
      parameters: new Map(),
      comments: [],
      commentOnlyLines: new Set(),
      unknown: [],
    });
  });

  it("nested stacks: read when inside the template's folder, otherwise reported as not read", async () => {
    put("n/child.yaml", CFN);
    const stack = (id: string, path: string) => ({ [id]: { Type: "AWS::CloudFormation::Stack", Metadata: { "aws:asset:path": path }, Properties: {} } });
    const parent = put("n/parent.json", JSON.stringify({ Resources: { ...stack("Inner", "child.yaml"), ...stack("Outside", "../l/t.yaml"), ...stack("Missing", "missing.yaml"), ...stack("Folder", "sub") } }));
    mkdirSync(join(root, "n/sub"), { recursive: true });
    const loaded = await loadTemplate({ path: parent, explicit: true, prefix: "Top/" }, root);
    expect(loaded.nested).toEqual([{ path: join(root, "n/child.yaml"), explicit: true, prefix: "Top/Inner/" }]);
    expect(loaded.file!.unknown.map((u) => [u.function, u.what, u.reason])).toEqual([
      ["Top/Outside", "nested stack template", "not read: points outside the template's folder"],
      ["Top/Missing", "nested stack template", "not read: no such file"],
      ["Top/Folder", "nested stack template", "not read: not a file"],
    ]);
  });
});
