/**
 * CDK cloud assemblies (`cdk.out`): `manifest.json` lists the stacks (`aws:cloudformation:stack` artifacts and their
 * `templateFile`), nested assemblies of stages (`cdk:cloud-assembly`, `directoryName`) and asset manifests
 * (`cdk:asset-manifest`), whose file assets include nested stack templates (`*.nested.template.json`).
 * @module
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";

/**
 * The templates an assembly names. Paths are absolute.
 *
 * @example
 * ```ts
 * const { stacks, assetTemplates } = (await readAssembly("/repo/cdk.out")) ?? { stacks: [], assetTemplates: [] };
 * ```
 */
export interface AssemblyTemplates {
  /** Top-level stack templates. */
  readonly stacks: string[];
  /** Templates found only in asset manifests (nested stacks); read when no parent reached them first. */
  readonly assetTemplates: string[];
}

function isObject(x: unknown): x is Record<string, unknown> {
  return typeof x === "object" && x !== null && !Array.isArray(x);
}

async function readJson(path: string): Promise<unknown> {
  try {
    return JSON.parse(await readFile(path, "utf8"));
  } catch {
    return undefined;
  }
}

/**
 * Read `dir/manifest.json` when it is a CDK cloud assembly manifest; `undefined` when `dir` is not an assembly.
 *
 * @example
 * ```ts
 * const assembly = await readAssembly("cdk.out"); // { stacks: ["/repo/cdk.out/Api.template.json"], assetTemplates: […] }
 * ```
 */
export async function readAssembly(dir: string, depth = 0): Promise<AssemblyTemplates | undefined> {
  const manifest = await readJson(join(dir, "manifest.json"));
  if (!isObject(manifest) || !isObject(manifest.artifacts)) return undefined;
  const out: AssemblyTemplates = { stacks: [], assetTemplates: [] };
  for (const artifact of Object.values(manifest.artifacts)) {
    if (!isObject(artifact) || !isObject(artifact.properties)) continue;
    const props = artifact.properties;
    if (artifact.type === "aws:cloudformation:stack" && typeof props.templateFile === "string") {
      out.stacks.push(join(dir, props.templateFile));
    } else if (artifact.type === "cdk:cloud-assembly" && typeof props.directoryName === "string" && depth < 8) {
      const inner = await readAssembly(join(dir, props.directoryName), depth + 1);
      if (inner) {
        out.stacks.push(...inner.stacks);
        out.assetTemplates.push(...inner.assetTemplates);
      }
    } else if (artifact.type === "cdk:asset-manifest" && typeof props.file === "string") {
      out.assetTemplates.push(...(await assetTemplates(dir, join(dir, props.file))));
    }
  }
  return out;
}

async function assetTemplates(dir: string, file: string): Promise<string[]> {
  const assets = await readJson(file);
  if (!isObject(assets) || !isObject(assets.files)) return [];
  const out: string[] = [];
  for (const asset of Object.values(assets.files)) {
    const source = isObject(asset) && isObject(asset.source) ? asset.source : undefined;
    const path = source?.path;
    if (typeof path === "string" && path.endsWith(".template.json") && (source?.packaging ?? "file") === "file") out.push(join(dir, path));
  }
  return out;
}
