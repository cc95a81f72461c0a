/**
 * CloudFormation and SAM templates (YAML or JSON, CDK output included): the `AWS::Lambda::Function` and
 * `AWS::Serverless::Function` resources, with SAM `Globals.Function` merged in the way SAM merges it (variables
 * merged, the function's own winning; `KmsKeyArn` inherited unless the function sets one), the template's
 * parameters (for ES021) and the nested stacks CDK points at with `aws:asset:path`.
 * @module
 */
import type { Node } from "yaml";
import { readMetadataSuppressions } from "./inline.js";
import type { Source } from "./source.js";
import type { KeyState, Pos, TemplateFunction, TemplateParameter, TemplateValue, UnknownValue } from "./types.js";
import { classifyValue, secretishId } from "./values.js";

const FUNCTION_TYPES = new Set(["AWS::Lambda::Function", "AWS::Serverless::Function"]);

/**
 * What one CloudFormation template holds for the auditor.
 *
 * @example
 * ```ts
 * const { functions, parameters, nested } = readCloudFormation(Source.parse("template.yaml", text));
 * ```
 */
export interface CloudFormationRead {
  readonly functions: TemplateFunction[];
  readonly parameters: Map<string, TemplateParameter>;
  /** Nested stacks whose template CDK wrote next to this one (`Metadata["aws:asset:path"]`). */
  readonly nested: Array<{ readonly logicalId: string; readonly assetPath: string; readonly pos: Pos }>;
  readonly unknown: UnknownValue[];
}

/**
 * True when the document is a CloudFormation or SAM template (a `Resources` mapping at the top).
 *
 * @example
 * ```ts
 * isCloudFormation(Source.parse("t.yaml", "Resources:\n  A:\n    Type: AWS::SNS::Topic\n")); // true
 * ```
 */
export function isCloudFormation(src: Source): boolean {
  return src.isMap(src.get(src.root, "Resources"));
}

/**
 * Read the functions of a template. `prefix` names the nested stack path (`Parent/NestedStack/`) for nested templates.
 *
 * @example
 * ```ts
 * const { functions } = readCloudFormation(Source.parse("template.yaml", text));
 * functions[0]?.variables.get("TABLE_NAME")?.kind; // "deferred" for !Ref Table
 * ```
 */
export function readCloudFormation(src: Source, prefix = ""): CloudFormationRead {
  const root = src.root;
  const parameters = readParameters(src, src.get(root, "Parameters"));
  const globals = src.get(src.get(root, "Globals"), "Function");
  const out: CloudFormationRead = { functions: [], parameters, nested: [], unknown: [] };
  for (const { key, keyNode, value } of src.entries(src.get(root, "Resources"))) {
    const type = src.text(src.get(value, "Type"));
    if (type === "AWS::CloudFormation::Stack") {
      const assetPath = src.text(src.get(src.get(value, "Metadata"), "aws:asset:path"));
      if (assetPath) out.nested.push({ logicalId: key, assetPath, pos: src.pos(keyNode) });
      continue;
    }
    if (!type || !FUNCTION_TYPES.has(type)) continue;
    const sam = type === "AWS::Serverless::Function";
    const fn = readFunction(src, `${prefix}${key}`, src.pos(keyNode), value, sam ? globals : undefined);
    out.functions.push(fn);
    out.unknown.push(...unknownOf(src.file, fn));
  }
  return out;
}

function readParameters(src: Source, node: Node | undefined): Map<string, TemplateParameter> {
  const out = new Map<string, TemplateParameter>();
  for (const { key, value } of src.entries(node)) {
    const noEcho = String(src.scalar(src.get(value, "NoEcho")) ?? "").toLowerCase() === "true";
    const ssmType = (src.text(src.get(value, "Type")) ?? "").startsWith("AWS::SSM::Parameter::Value<");
    const def = src.text(src.get(value, "Default")) ?? "";
    out.set(key, { name: key, noEcho, ssmType, secretishDefault: ssmType && secretishId(def) });
  }
  return out;
}

interface EnvRead {
  readonly variables: Map<string, TemplateValue>;
  readonly unknown?: string;
  readonly pos?: Pos;
}

function readEnvironment(src: Source, owner: Node | undefined): EnvRead {
  const entry = src.entry(owner, "Environment");
  const variables = new Map<string, TemplateValue>();
  if (!entry) return { variables };
  const pos = src.pos(entry.keyNode);
  const env = src.intrinsic(entry.value);
  if (env) return { variables, unknown: `set by ${env.fn}`, pos };
  const vars = src.get(entry.value, "Variables");
  const fn = src.intrinsic(vars);
  if (fn) return { variables, unknown: `Variables set by ${fn.fn}`, pos };
  for (const { key, value } of src.entries(vars)) {
    const v = classifyValue(src, value);
    if (v) variables.set(key, v);
  }
  return { variables, pos };
}

function readKey(src: Source, owner: Node | undefined): { state: KeyState; pos: Pos } | undefined {
  const entry = src.entry(owner, "KmsKeyArn");
  if (!entry) return undefined;
  const pos = src.pos(entry.value ?? entry.keyNode);
  const fn = src.intrinsic(entry.value);
  if (fn?.fn === "Ref" && src.text(fn.arg) === "AWS::NoValue") return { state: { kind: "absent" }, pos };
  if (fn?.fn === "Fn::If") {
    const noValue = src.items(fn.arg).some((b) => {
      const inner = src.intrinsic(b);
      return inner?.fn === "Ref" && src.text(inner.arg) === "AWS::NoValue";
    });
    return { state: noValue ? { kind: "unknown" } : { kind: "set", text: "${Fn::If}" }, pos };
  }
  if (fn) return { state: { kind: "set", text: `\${${fn.fn}}` }, pos };
  const text = src.text(entry.value) ?? "";
  return { state: text.trim() ? { kind: "set", text } : { kind: "absent" }, pos };
}

function readFunction(src: Source, id: string, pos: Pos, resource: Node | undefined, globals: Node | undefined): TemplateFunction {
  const props = src.get(resource, "Properties");
  const own = readEnvironment(src, props);
  const inherited = globals ? readEnvironment(src, globals) : { variables: new Map<string, TemplateValue>() };
  const variables = new Map([...inherited.variables, ...own.variables]);
  const environmentUnknown = own.unknown ?? inherited.unknown;
  const key = readKey(src, props) ?? (globals ? readKey(src, globals) : undefined);
  return {
    id,
    file: src.file,
    pos,
    variables: environmentUnknown ? new Map() : variables,
    key: key?.state ?? { kind: "absent" },
    ...(key ? { keyPos: key.pos } : {}),
    ...(environmentUnknown ? { environmentUnknown } : {}),
    ...(own.pos ?? inherited.pos ? { environmentPos: own.pos ?? inherited.pos } : {}),
    metadataSuppressions: readMetadataSuppressions(src, src.get(src.get(resource, "Metadata"), "envseal")),
  };
}

function unknownOf(file: string, fn: TemplateFunction): UnknownValue[] {
  const out: UnknownValue[] = [];
  if (fn.environmentUnknown) {
    const at = fn.environmentPos ?? fn.pos;
    out.push({ location: { file, ...at }, function: fn.id, what: "Environment", reason: fn.environmentUnknown });
  }
  if (fn.key.kind === "unknown") {
    const at = fn.keyPos ?? fn.pos;
    out.push({ location: { file, ...at }, function: fn.id, what: "KmsKeyArn", reason: "set by Fn::If with AWS::NoValue in a branch" });
  }
  return out;
}
