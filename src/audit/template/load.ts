/**
 * From `--template PATH…` to parsed templates: files are read as given; folders are walked for `*.yaml`, `*.yml`,
 * `*.json` and `*.template` files that look like templates, and a folder holding a CDK `manifest.json` is read as a
 * cloud assembly. Nested stacks are followed through `aws:asset:path` (their functions are named
 * `Parent/NestedStack/Function`); the caller reads each template once (template/audit.ts).
 * @module
 */
import { readdir, readFile, stat } from "node:fs/promises";
import { dirname, extname, join, relative, resolve, sep } from "node:path";
import { InputError } from "../../core/errors.js";
import { readAssembly } from "./cdk.js";
import { isCloudFormation, readCloudFormation } from "./cloudformation.js";
import { scanYaml, type YamlScan } from "./scan.js";
import { Source } from "./source.js";
import { isTerraformPlan, readTerraformPlan } from "./terraform.js";
import type { TemplateFile, UnknownValue } from "./types.js";

const EXTENSIONS = new Set([".yaml", ".yml", ".json", ".template"]);
const SKIP_DIRS = new Set(["node_modules", ".git", ".terraform", ".aws-sam"]);
/** Cheap test before parsing a file found by a folder walk: templates and plans name one of these. */
const LOOKS_LIKE_TEMPLATE = /"?Resources"?\s*:|"resource_changes"|"planned_values"/;

/**
 * A template to read.
 *
 * @example
 * ```ts
 * const item: Pending = { path: "/repo/template.yaml", explicit: true, prefix: "" };
 * ```
 */
export interface Pending {
  readonly path: string;
  /** Named on the command line (an error when it is not a template) or found by a walk (skipped then). */
  readonly explicit: boolean;
  /** Nested stack path before each function's logical id. */
  readonly prefix: string;
}

/**
 * Path as reports show it: relative to `cwd`, forward slashes.
 *
 * @example
 * ```ts
 * displayPath("/repo/infra/template.yaml", "/repo"); // "infra/template.yaml"
 * ```
 */
export function displayPath(path: string, cwd: string): string {
  return relative(cwd, path).split(sep).join("/") || ".";
}

async function kindOf(path: string, given: string): Promise<"file" | "dir"> {
  try {
    const st = await stat(path);
    if (st.isDirectory()) return "dir";
    if (st.isFile()) return "file";
  } catch (err) {
    const code = (err as { code?: string }).code;
    throw new InputError(`cannot read --template ${given}${code === "ENOENT" ? ": no such file or folder" : code ? ` (${code})` : ""}`, {
      hint: "pass template files or folders (SAM/CloudFormation YAML or JSON, cdk.out, terraform show -json output)",
    });
  }
  throw new InputError(`--template ${given} is neither a file nor a folder`, { hint: "pass template files or folders" });
}

async function walk(dir: string, out: Pending[]): Promise<void> {
  const assembly = await readAssembly(dir);
  if (assembly) {
    for (const path of assembly.stacks) out.push({ path, explicit: true, prefix: "" });
    for (const path of assembly.assetTemplates) out.push({ path, explicit: false, prefix: "" });
    return;
  }
  const names = (await readdir(dir, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name));
  for (const d of names) {
    if (d.name.startsWith(".") || SKIP_DIRS.has(d.name)) continue;
    const path = join(dir, d.name);
    if (d.isDirectory()) await walk(path, out);
    else if (d.isFile() && EXTENSIONS.has(extname(d.name).toLowerCase())) out.push({ path, explicit: false, prefix: "" });
  }
}

/**
 * The templates under `paths` (files or folders), in order: files as given, folders walked (sorted), CDK assemblies
 * through their manifest. Throws {@link InputError} (exit 2) for a path that does not exist.
 *
 * @example
 * ```ts
 * const queue = await discoverTemplates(["infra/", "plan.json"], process.cwd());
 * ```
 */
export async function discoverTemplates(paths: readonly string[], cwd: string): Promise<Pending[]> {
  const queue: Pending[] = [];
  for (const given of paths) {
    const path = resolve(cwd, given);
    if ((await kindOf(path, given)) === "dir") await walk(path, queue);
    else queue.push({ path, explicit: true, prefix: "" });
  }
  return queue;
}

/**
 * Read and parse one template. Returns `file: undefined` for a file a folder walk found that is not a template, and
 * the nested stack templates to read next. Throws {@link InputError} for a file named on the command line that is not
 * a template, and for a template that does not parse (naming file, line and column, never quoting it).
 *
 * @example
 * ```ts
 * const { file, nested } = await loadTemplate({ path: "/repo/template.yaml", explicit: true, prefix: "" }, "/repo");
 * ```
 */
export async function loadTemplate(item: Pending, cwd: string): Promise<{ file: TemplateFile | undefined; nested: Pending[] }> {
  const nested: Pending[] = [];
  const file = await loadOne(item, cwd, nested);
  return { file, nested };
}

async function loadOne(item: Pending, cwd: string, nestedOut: Pending[]): Promise<TemplateFile | undefined> {
  const file = displayPath(item.path, cwd);
  let text: string;
  try {
    text = await readFile(item.path, "utf8");
  } catch (err) {
    const code = (err as { code?: string }).code;
    throw new InputError(`cannot read template ${file}${code ? ` (${code})` : ""}`, { hint: "check the path and its permissions" });
  }
  if (!item.explicit && !LOOKS_LIKE_TEMPLATE.test(text)) return undefined;
  const { src, scan } = parseTemplateText(file, text);
  if (isTerraformPlan(src)) {
    const tf = readTerraformPlan(src);
    return { file, format: "terraform", functions: tf.functions, parameters: new Map(), comments: [], commentOnlyLines: new Set(), unknown: tf.unknown };
  }
  if (!isCloudFormation(src)) {
    if (!item.explicit) return undefined;
    throw new InputError(`template ${file} is neither a CloudFormation/SAM template (no Resources) nor a Terraform JSON plan`, {
      hint: "pass a template, cdk.out, or the output of `terraform show -json plan.out`",
    });
  }
  const cfn = readCloudFormation(src, item.prefix);
  const unknown: UnknownValue[] = [...cfn.unknown];
  for (const nested of cfn.nested) {
    const base = dirname(item.path);
    const path = resolve(base, nested.assetPath);
    const reason = !path.startsWith(base + sep) ? "points outside the template's folder" : await missing(path);
    if (reason) {
      unknown.push({ location: { file, ...nested.pos }, function: `${item.prefix}${nested.logicalId}`, what: "nested stack template", reason: `not read: ${reason}` });
    } else {
      nestedOut.push({ path, explicit: true, prefix: `${item.prefix}${nested.logicalId}/` });
    }
  }
  const comments = scan?.comments ?? [];
  const commentOnlyLines = scan?.commentOnlyLines ?? new Set<number>();
  return { file, format: "cloudformation", functions: cfn.functions, parameters: cfn.parameters, comments, commentOnlyLines, unknown };
}

/**
 * Parse a template: JSON whole; YAML through its skeleton (only the audited lines) when the lexer pass could make one,
 * whole otherwise — and whole again if the skeleton does not parse, so the error names the template's own line.
 *
 * @example
 * ```ts
 * const { src, scan } = parseTemplateText("template.yaml", text);
 * readCloudFormation(src).functions; // the same as from Source.parse(file, text)
 * ```
 */
export function parseTemplateText(file: string, text: string): { src: Source; scan: YamlScan | undefined } {
  if (/^\s*[{[]/.test(text)) return { src: Source.parse(file, text), scan: undefined };
  const scan = scanYaml(text);
  if (scan.skeleton !== undefined) {
    try {
      return { src: Source.parse(file, scan.skeleton), scan };
    } catch {
      // fall through: the whole template gives the error its true place
    }
  }
  return { src: Source.parse(file, text), scan };
}

async function missing(path: string): Promise<string | undefined> {
  try {
    return (await stat(path)).isFile() ? undefined : "not a file";
  } catch {
    return "no such file";
  }
}
