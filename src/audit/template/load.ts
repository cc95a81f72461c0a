/**
 * From `--template PATH…` to parsed templates: files are read as given; folders are walked for `*.yaml`, `*.yml`,
 * `*.json` and `*.template` files that look like templates, and a folder holding a CDK `manifest.json` is read as a
 * cloud assembly. Nested stacks are followed through `aws:asset:path` (their functions are named
 * `Parent/NestedStack/Function`). Every template is read once.
 * @module
 */
import { readdir, readFile, stat } from "node:fs/promises";
import { dirname, extname, join, relative, resolve, sep } from "node:path";
import { InputError } from "../../core/errors.js";
import { readAssembly } from "./cdk.js";
import { isCloudFormation, readCloudFormation } from "./cloudformation.js";
import { readCommentSuppressions } from "./inline.js";
import { Source } from "./source.js";
import { isTerraformPlan, readTerraformPlan } from "./terraform.js";
import type { TemplateFile, UnknownValue } from "./types.js";

const EXTENSIONS = new Set([".yaml", ".yml", ".json", ".template"]);
const SKIP_DIRS = new Set(["node_modules", ".git", ".terraform", ".aws-sam"]);
/** Cheap test before parsing a file found by a folder walk: templates and plans name one of these. */
const LOOKS_LIKE_TEMPLATE = /"?Resources"?\s*:|"resource_changes"|"planned_values"/;

interface Pending {
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
 * Read every template under `paths` (files or folders), relative to `cwd`. Throws {@link InputError} (exit 2) for a
 * path that does not exist, a file named on the command line that is not a template, a template that does not parse
 * (naming file, line and column, never quoting it), or when no template is found at all.
 *
 * @example
 * ```ts
 * const files = await loadTemplates(["infra/", "plan.json"], process.cwd());
 * files.flatMap((f) => f.functions).length; // functions found
 * ```
 */
export async function loadTemplates(paths: readonly string[], cwd: string): Promise<TemplateFile[]> {
  const queue: Pending[] = [];
  for (const given of paths) {
    const path = resolve(cwd, given);
    if ((await kindOf(path, given)) === "dir") await walk(path, queue);
    else queue.push({ path, explicit: true, prefix: "" });
  }
  const done = new Set<string>();
  const files: TemplateFile[] = [];
  for (let i = 0; i < queue.length; i++) {
    const item = queue[i] as Pending;
    if (done.has(item.path)) continue;
    done.add(item.path);
    const file = await loadOne(item, cwd, queue);
    if (file) files.push(file);
  }
  if (files.length === 0) {
    throw new InputError(`no CloudFormation, SAM, CDK or Terraform plan template found in --template ${paths.join(" ").slice(0, 200)}`, {
      hint: "pass template files (.yaml, .yml, .json, .template), a folder holding them, or cdk.out",
    });
  }
  return files;
}

async function loadOne(item: Pending, cwd: string, queue: Pending[]): Promise<TemplateFile | undefined> {
  const file = displayPath(item.path, cwd);
  let text: string;
  try {
    text = await readFile(item.path, "utf8");
  } catch (err) {
    const code = (err as { code?: string }).code;
    throw new InputError(`cannot read template ${file}${code ? ` (${code})` : ""}`, { hint: "check the path and its permissions" });
  }
  if (!item.explicit && !LOOKS_LIKE_TEMPLATE.test(text)) return undefined;
  const src = Source.parse(file, text);
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
      // Read the nested template before any asset-manifest sighting of it, so its functions carry the parent path.
      queue.splice(queue.indexOf(item) + 1, 0, { path, explicit: true, prefix: `${item.prefix}${nested.logicalId}/` });
    }
  }
  const { comments, commentOnlyLines } = readCommentSuppressions(src);
  return { file, format: "cloudformation", functions: cfn.functions, parameters: cfn.parameters, comments, commentOnlyLines, unknown };
}

async function missing(path: string): Promise<string | undefined> {
  try {
    return (await stat(path)).isFile() ? undefined : "not a file";
  } catch {
    return "no such file";
  }
}
