/** A cdk.out cloud assembly (src/audit/template/cdk.ts): stacks, nested assemblies (stages) up to 8 deep, asset-manifest templates. */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { readAssembly } from "../../src/audit/template/cdk.js";

const root = mkdtempSync(join(tmpdir(), "envseal-cdk-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let n = 0;
const write = (dir: string, file: string, doc: unknown) => {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, file), typeof doc === "string" ? doc : JSON.stringify(doc));
};
const fresh = () => join(root, `a${n++}`);

describe("readAssembly", () => {
  it("lists stack templates, the stacks of nested assemblies, and .template.json file assets of asset manifests", async () => {
    const dir = fresh();
    write(dir, "manifest.json", {
      artifacts: {
        Api: { type: "aws:cloudformation:stack", properties: { templateFile: "Api.template.json" } },
        ApiAssets: { type: "cdk:asset-manifest", properties: { file: "Api.assets.json" } },
        Stage: { type: "cdk:cloud-assembly", properties: { directoryName: "assembly-Stage" } },
        Tree: { type: "cdk:tree", properties: { file: "tree.json" } },
        NoProps: { type: "aws:cloudformation:stack" },
        BadTemplate: { type: "aws:cloudformation:stack", properties: { templateFile: 5 } },
        Odd: "not an object",
      },
    });
    write(dir, "Api.assets.json", {
      files: {
        a: { source: { path: "Nested.template.json", packaging: "file" } },
        b: { source: { path: "Other.template.json" } },
        c: { source: { path: "asset.abc", packaging: "zip" } },
        d: { source: { path: "Zipped.template.json", packaging: "zip" } },
        e: { source: { path: "code.js" } },
        f: { nosource: true },
        g: "odd",
      },
    });
    write(join(dir, "assembly-Stage"), "manifest.json", {
      artifacts: {
        Inner: { type: "aws:cloudformation:stack", properties: { templateFile: "Inner.template.json" } },
        InnerAssets: { type: "cdk:asset-manifest", properties: { file: "Inner.assets.json" } },
      },
    });
    write(join(dir, "assembly-Stage"), "Inner.assets.json", { files: { x: { source: { path: "InnerNested.template.json" } } } });
    expect(await readAssembly(dir)).toEqual({
      stacks: [join(dir, "Api.template.json"), join(dir, "assembly-Stage", "Inner.template.json")],
      assetTemplates: [join(dir, "Nested.template.json"), join(dir, "Other.template.json"), join(dir, "assembly-Stage", "InnerNested.template.json")],
    });
  });

  it("not an assembly: no manifest, a manifest that is not JSON, or one without artifacts", async () => {
    const none = fresh();
    mkdirSync(none, { recursive: true });
    expect(await readAssembly(none)).toBeUndefined();
    const broken = fresh();
    write(broken, "manifest.json", "{not json");
    expect(await readAssembly(broken)).toBeUndefined();
    const noArtifacts = fresh();
    write(noArtifacts, "manifest.json", { version: "36.0.0" });
    expect(await readAssembly(noArtifacts)).toBeUndefined();
    const listArtifacts = fresh();
    write(listArtifacts, "manifest.json", { artifacts: [] });
    expect(await readAssembly(listArtifacts)).toBeUndefined();
  });

  it("an asset manifest that is missing or has no files adds nothing; a nested assembly that is missing adds nothing", async () => {
    const dir = fresh();
    write(dir, "manifest.json", {
      artifacts: {
        A: { type: "cdk:asset-manifest", properties: { file: "missing.assets.json" } },
        B: { type: "cdk:asset-manifest", properties: { file: "empty.assets.json" } },
        C: { type: "cdk:cloud-assembly", properties: { directoryName: "nowhere" } },
        D: { type: "cdk:asset-manifest", properties: { file: 7 } },
      },
    });
    write(dir, "empty.assets.json", { files: [] });
    expect(await readAssembly(dir)).toEqual({ stacks: [], assetTemplates: [] });
  });

  it("an artifact is read by its type only: another type's properties, a null artifact or asset, and a source that is not an object add nothing", async () => {
    const dir = fresh();
    write(dir, "manifest.json", {
      artifacts: {
        Nothing: null,
        Tree: { type: "cdk:tree", properties: { templateFile: "Tree.template.json", directoryName: "sub", file: "tree.assets.json" } },
        AssemblyWithoutDirectory: { type: "cdk:cloud-assembly", properties: { file: "tree.assets.json" } },
        Assets: { type: "cdk:asset-manifest", properties: { file: "a.assets.json" } },
      },
    });
    write(join(dir, "sub"), "manifest.json", { artifacts: { S: { type: "aws:cloudformation:stack", properties: { templateFile: "Sub.template.json" } } } });
    write(dir, "tree.assets.json", { files: { t: { source: { path: "FromTree.template.json" } } } });
    write(dir, "a.assets.json", { files: { n: null, s: { source: "Str.template.json" }, ok: { source: { path: "Ok.template.json" } } } });
    expect(await readAssembly(dir)).toEqual({ stacks: [], assetTemplates: [join(dir, "Ok.template.json")] });
  });

  it("follows nested assemblies at most 8 levels down", async () => {
    const top = fresh();
    let dir = top;
    for (let level = 0; level <= 9; level++) {
      write(dir, "manifest.json", {
        artifacts: {
          S: { type: "aws:cloudformation:stack", properties: { templateFile: `L${level}.template.json` } },
          N: { type: "cdk:cloud-assembly", properties: { directoryName: "next" } },
        },
      });
      dir = join(dir, "next");
    }
    const out = await readAssembly(top);
    expect(out!.stacks.map((p) => p.split("/").at(-1))).toEqual(["L0", "L1", "L2", "L3", "L4", "L5", "L6", "L7", "L8"].map((l) => `${l}.template.json`));
  });
});
