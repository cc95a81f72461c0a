/**
 * What a CloudFormation value will be: a literal, literal text around references (`!Sub`, `!Join`, dynamic
 * references), or something only known at deploy time (`!Ref`, `!GetAtt`, `!If`, …). References keep their names
 * (for ES021); dynamic references keep their service (for ES020); the literal text is what the live rules judge.
 * @module
 */
import type { Node } from "yaml";
import type { Source } from "./source.js";
import type { DynamicRef, TemplateValue } from "./types.js";

/** `{{resolve:SERVICE:ID}}`; the id may hold `${…}` when written inside `!Sub`. */
const DYNAMIC = /\{\{resolve:(secretsmanager|ssm-secure|ssm):(.*?)\}\}/g;
/** A parameter or secret id that says secret. */
const SECRET_ID = /(password|passwd|passphrase|secret|token|api[-_]?key|private[-_]?key|credential|auth[-_]?key|signing[-_]?key)/i;
/** `${Name}`, `${Res.Attr}`, `${!Literal}` in a `!Sub` string. */
const SUB_VAR = /\$\{([^}]*)\}/g;
/** Literal text shorter than this around references is not judged (`${Prefix}-${Stage}` is not a secret). */
const MIN_LITERAL = 8;

type Part = { readonly lit: string } | { readonly ref: string };

interface Acc {
  readonly parts: Part[];
  readonly refs: Set<string>;
  readonly dynamic: DynamicRef[];
}

/**
 * Classify a value node. Returns `undefined` for `!Ref AWS::NoValue` (the variable is not set).
 *
 * @example
 * ```ts
 * classifyValue(src, node); // { kind: "partial", text: "postgres://app:${DbPassword}@db:5432/app", literal: "postgres://app:@db:5432/app", refs: ["DbPassword"], … }
 * ```
 */
export function classifyValue(src: Source, node: Node | undefined): TemplateValue | undefined {
  const top = src.intrinsic(node);
  if (top?.fn === "Ref" && src.text(top.arg) === "AWS::NoValue") return undefined;
  const acc: Acc = { parts: [], refs: new Set(), dynamic: [] };
  walk(src, node, acc);
  const literal = acc.parts.map((p) => ("lit" in p ? p.lit : "")).join("");
  const firstRef = acc.parts.find((p): p is { ref: string } => "ref" in p);
  const base = { refs: [...acc.refs], dynamic: acc.dynamic, pos: src.pos(node) };
  if (!firstRef) return { kind: "literal", text: literal, ...base };
  if (literal.trim().length >= MIN_LITERAL) {
    return { kind: "partial", text: acc.parts.map((p) => ("lit" in p ? p.lit : `\${${p.ref}}`)).join(""), literal, ...base };
  }
  return { kind: "deferred", text: `\${${firstRef.ref}}`, ...base };
}

/**
 * True when a `{{resolve:…}}` id or an SSM parameter name says secret.
 *
 * @example
 * ```ts
 * secretishId("/app/db/password"); // true
 * secretishId("/app/table-name");  // false
 * ```
 */
export function secretishId(id: string): boolean {
  return SECRET_ID.test(id);
}

function walk(src: Source, node: Node | undefined, acc: Acc): void {
  const fn = src.intrinsic(node);
  if (!fn) {
    const text = src.text(node);
    if (text !== undefined) addString(text, acc, (s) => acc.parts.push({ lit: s }));
    else if (src.scalar(node) === null || node === undefined) acc.parts.push({ lit: "" });
    else {
      acc.parts.push({ ref: "value" });
      collect(src, node, acc);
    }
    return;
  }
  switch (fn.fn) {
    case "Ref": {
      const name = src.text(fn.arg) ?? "Ref";
      acc.parts.push({ ref: name });
      acc.refs.add(name);
      return;
    }
    case "Fn::Sub":
      return sub(src, fn.arg, acc);
    case "Fn::Join":
      return join(src, fn.arg, acc);
    default:
      // !GetAtt, !If, !Select, !FindInMap, !ImportValue, !Base64, …: known at deploy time only, never a literal secret.
      acc.parts.push({ ref: fn.fn });
      collectArg(src, fn.fn, fn.arg, acc);
  }
}

/** Split a string around dynamic references; literal pieces go to `lit`, references become parts and are recorded. */
function addString(text: string, acc: Acc, lit: (s: string) => void): void {
  let last = 0;
  for (const m of text.matchAll(DYNAMIC)) {
    if (m.index > last) lit(text.slice(last, m.index));
    const service = m[1] as DynamicRef["service"];
    const id = m[2] ?? "";
    acc.parts.push({ ref: `resolve:${service}` });
    acc.dynamic.push({ service, secretish: secretishId(id) });
    for (const v of id.matchAll(SUB_VAR)) addSubRef(v[1] ?? "", acc);
    last = m.index + m[0].length;
  }
  if (last < text.length) lit(text.slice(last));
}

function addSubRef(expr: string, acc: Acc): void {
  const name = expr.trim();
  if (name && !name.startsWith("!")) acc.refs.add(name.split(".")[0] ?? name);
}

function sub(src: Source, arg: Node | undefined, acc: Acc): void {
  const isList = src.isSeq(arg);
  const items = isList ? src.items(arg) : [];
  const template = isList ? src.text(items[0]) : src.text(arg);
  if (template === undefined) {
    acc.parts.push({ ref: "Fn::Sub" });
    collect(src, arg, acc);
    return;
  }
  const literalVars = new Map<string, string>();
  const localVars = new Set<string>();
  for (const e of src.entries(items[1])) {
    const text = src.intrinsic(e.value) ? undefined : src.text(e.value);
    if (text !== undefined) literalVars.set(e.key, text);
    else {
      localVars.add(e.key);
      collect(src, e.value, acc);
    }
  }
  addString(template, acc, (piece) => {
    let last = 0;
    for (const m of piece.matchAll(SUB_VAR)) {
      if (m.index > last) acc.parts.push({ lit: piece.slice(last, m.index) });
      const expr = (m[1] ?? "").trim();
      if (expr.startsWith("!")) acc.parts.push({ lit: `\${${expr.slice(1)}}` });
      else if (literalVars.has(expr)) acc.parts.push({ lit: literalVars.get(expr) ?? "" });
      else {
        acc.parts.push({ ref: expr });
        if (!localVars.has(expr)) addSubRef(expr, acc);
      }
      last = m.index + m[0].length;
    }
    if (last < piece.length) acc.parts.push({ lit: piece.slice(last) });
  });
}

function join(src: Source, arg: Node | undefined, acc: Acc): void {
  const [delimiter, list] = src.items(arg);
  if (!src.isSeq(arg) || !src.isSeq(list) || src.intrinsic(list)) {
    acc.parts.push({ ref: "Fn::Join" });
    collect(src, arg, acc);
    return;
  }
  const sep = src.text(delimiter) ?? "";
  src.items(list).forEach((item, i) => {
    if (i > 0 && sep) acc.parts.push({ lit: sep });
    walk(src, item, acc);
  });
}

/** Record references and dynamic references anywhere inside a deploy-time value, without taking its text. */
function collect(src: Source, node: Node | undefined, acc: Acc): void {
  const fn = src.intrinsic(node);
  if (fn) return collectArg(src, fn.fn, fn.arg, acc);
  const text = src.text(node);
  if (text !== undefined) return addString(text, acc, () => {});
  for (const child of src.children(node)) collect(src, child, acc);
}

function collectArg(src: Source, fn: string, arg: Node | undefined, acc: Acc): void {
  if (fn === "Ref") {
    const name = src.text(arg);
    if (name) acc.refs.add(name);
    return;
  }
  if (fn === "Fn::GetAtt") {
    const first = src.text(arg) ?? src.text(src.items(arg)[0]);
    if (first) acc.refs.add(first.split(".")[0] ?? first);
    return;
  }
  if (fn === "Fn::Sub") {
    const scratch: Acc = { parts: [], refs: acc.refs, dynamic: acc.dynamic };
    return sub(src, arg, scratch);
  }
  // A short-form tag's argument is the tagged node itself: look inside it, not at its tag again; it may hold a
  // long-form call (`!Base64 {"Fn::Sub": …}`).
  const inner = src.longForm(arg);
  if (inner) return collectArg(src, inner.fn, inner.arg, acc);
  const text = src.text(arg);
  if (text !== undefined) return addString(text, acc, () => {});
  for (const child of src.children(arg)) collect(src, child, acc);
}
