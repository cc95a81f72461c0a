/**
 * Terraform plans as `terraform show -json plan.out` writes them: every `aws_lambda_function` in `resource_changes`
 * (what the plan will make: `change.after`, with `after_unknown` for values known only after apply and
 * `after_sensitive` for values Terraform marks sensitive), and any that only `planned_values` lists. Values known
 * only after apply are "unknown": never clean, listed in the report.
 * @module
 */
import type { Node } from "yaml";
import { InputError } from "../../core/errors.js";
import type { Source } from "./source.js";
import type { KeyState, Pos, TemplateFunction, TemplateValue, UnknownValue } from "./types.js";

/**
 * What a plan holds for the auditor.
 *
 * @example
 * ```ts
 * const { functions, unknown } = readTerraformPlan(Source.parse("plan.json", text));
 * ```
 */
export interface TerraformRead {
  readonly functions: TemplateFunction[];
  readonly unknown: UnknownValue[];
}

const UNKNOWN_TEXT = "${known after apply}";

/**
 * True when the document is Terraform's JSON plan (or state) representation.
 *
 * @example
 * ```ts
 * isTerraformPlan(Source.parse("plan.json", '{"format_version":"1.2","resource_changes":[]}')); // true
 * ```
 */
export function isTerraformPlan(src: Source): boolean {
  const root = src.root;
  return src.text(src.get(root, "format_version")) !== undefined && (src.get(root, "resource_changes") !== undefined || src.get(root, "planned_values") !== undefined);
}

/**
 * Read the Lambda functions of a plan. Throws {@link InputError} for a format version this reader does not know.
 *
 * @example
 * ```ts
 * const { functions, unknown } = readTerraformPlan(Source.parse("plan.json", text));
 * ```
 */
export function readTerraformPlan(src: Source): TerraformRead {
  const root = src.root;
  const version = src.text(src.get(root, "format_version")) ?? "";
  if (!/^[01]\./.test(version)) {
    throw new InputError(`template ${src.file}: Terraform JSON format_version ${version.slice(0, 12)} is not supported`, {
      hint: "envseal reads format_version 0.x and 1.x (terraform show -json from Terraform 0.12 and later)",
    });
  }
  const out: TerraformRead = { functions: [], unknown: [] };
  const seen = new Set<string>();
  for (const rc of src.items(src.get(root, "resource_changes"))) {
    if (src.text(src.get(rc, "type")) !== "aws_lambda_function" || (src.text(src.get(rc, "mode")) ?? "managed") !== "managed") continue;
    const address = src.text(src.get(rc, "address")) ?? "aws_lambda_function";
    seen.add(address);
    const change = src.get(rc, "change");
    const actions = src.items(src.get(change, "actions")).map((a) => src.text(a));
    const after = src.get(change, "after");
    if ((actions.length === 1 && actions[0] === "delete") || src.scalar(after) === null || after === undefined) continue;
    const pos = src.pos(src.get(rc, "address") ?? rc);
    read(src, out, { address, pos, after, unknown: src.get(change, "after_unknown"), sensitive: src.get(change, "after_sensitive") });
  }
  for (const res of plannedResources(src, src.get(src.get(root, "planned_values"), "root_module"))) {
    const address = src.text(src.get(res, "address")) ?? "aws_lambda_function";
    if (src.text(src.get(res, "type")) !== "aws_lambda_function" || seen.has(address)) continue;
    if ((src.text(src.get(res, "mode")) ?? "managed") !== "managed") continue;
    const pos = src.pos(src.get(res, "address") ?? res);
    read(src, out, { address, pos, after: src.get(res, "values"), unknown: undefined, sensitive: src.get(res, "sensitive_values") });
  }
  return out;
}

function plannedResources(src: Source, module: Node | undefined): Node[] {
  const own = src.items(src.get(module, "resources")).filter((r): r is Node => r !== undefined);
  return [...own, ...src.items(src.get(module, "child_modules")).flatMap((m) => plannedResources(src, m))];
}

interface Change {
  readonly address: string;
  readonly pos: Pos;
  readonly after: Node | undefined;
  readonly unknown: Node | undefined;
  readonly sensitive: Node | undefined;
}

/** `environment` is a list of one block; its `variables` a map. Each level can be `true` (all unknown / sensitive). */
function level(src: Source, node: Node | undefined): { all: boolean; vars: Node | undefined } {
  if (src.scalar(node) === true) return { all: true, vars: undefined };
  const block = src.items(node)[0];
  if (src.scalar(block) === true) return { all: true, vars: undefined };
  const vars = src.get(block, "variables");
  return { all: src.scalar(vars) === true, vars };
}

function read(src: Source, out: TerraformRead, c: Change): void {
  const file = src.file;
  const unknownEnv = level(src, src.get(c.unknown, "environment"));
  const sensitiveEnv = level(src, src.get(c.sensitive, "environment"));
  const variables = new Map<string, TemplateValue>();
  const envEntry = src.entry(c.after, "environment");
  const envPos = envEntry ? src.pos(envEntry.keyNode) : c.pos;
  const block = src.items(envEntry?.value)[0];
  for (const { key, value } of src.entries(src.get(block, "variables"))) {
    const text = src.text(value);
    if (text === undefined) continue;
    const sensitive = sensitiveEnv.all || src.scalar(src.get(sensitiveEnv.vars, key)) === true;
    variables.set(key, { kind: "literal", text, refs: [], dynamic: [], ...(sensitive ? { sensitive } : {}), pos: src.pos(value) });
  }
  for (const { key, keyNode, value } of src.entries(unknownEnv.vars)) {
    if (src.scalar(value) !== true) continue;
    const pos = src.pos(keyNode);
    variables.set(key, { kind: "deferred", text: UNKNOWN_TEXT, refs: [], dynamic: [], pos });
    out.unknown.push({ location: { file, ...pos }, function: c.address, what: `variable ${key}`, reason: "known after apply" });
  }
  if (unknownEnv.all) {
    out.unknown.push({ location: { file, ...envPos }, function: c.address, what: "environment", reason: "known after apply" });
  }

  const keyEntry = src.entry(c.after, "kms_key_arn");
  const keyUnknown = src.scalar(src.get(c.unknown, "kms_key_arn")) === true;
  const keyText = src.text(keyEntry?.value)?.trim() ?? "";
  const keyPos = keyEntry ? src.pos(keyEntry.value ?? keyEntry.keyNode) : undefined;
  const key: KeyState = keyUnknown ? { kind: "unknown" } : keyText ? { kind: "set", text: keyText } : { kind: "absent" };
  if (keyUnknown) {
    out.unknown.push({ location: { file, ...(keyPos ?? c.pos) }, function: c.address, what: "kms_key_arn", reason: "known after apply" });
  }
  out.functions.push({
    id: c.address,
    file,
    pos: c.pos,
    variables: unknownEnv.all ? new Map() : variables,
    key,
    ...(keyPos ? { keyPos } : {}),
    ...(unknownEnv.all ? { environmentUnknown: "known after apply" } : {}),
    environmentPos: envPos,
    metadataSuppressions: [],
  });
}
