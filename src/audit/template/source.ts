/**
 * One template file parsed with positions: YAML (CloudFormation short-form tags included) and JSON both go through
 * the `yaml` parser with a `LineCounter`, so every node knows its line and column. Accessors read the tree the way
 * the template readers need it — map lookups, scalars, intrinsic functions in short or long form — and never copy it.
 * Parse errors become one-line {@link InputError}s naming the file, line and error code, never a line of the file.
 * @module
 */
import { LineCounter, isAlias, isMap, isScalar, isSeq, parseDocument, type Document, type Node } from "yaml";
import { InputError } from "../../core/errors.js";
import { CFN_TAGS, isIntrinsicKey, longName } from "./intrinsics.js";
import type { Pos } from "./types.js";

/**
 * A map entry: its key text, the key node (for positions) and the value node.
 *
 * @example
 * ```ts
 * for (const { key, keyNode, value } of src.entries(resources)) console.log(key, src.pos(keyNode), src.text(value));
 * ```
 */
export interface Entry {
  readonly key: string;
  readonly keyNode: Node;
  readonly value: Node | undefined;
}

/**
 * An intrinsic function call: `Ref`, `Fn::Sub`, … and its argument node.
 *
 * @example
 * ```ts
 * const call = src.intrinsic(node); // { fn: "Ref", arg: <the scalar "DbPassword"> } for `!Ref DbPassword`
 * ```
 */
export interface Intrinsic {
  readonly fn: string;
  /** The argument. For a short-form tag this is the tagged node itself (read it with the accessors, not `intrinsic`). */
  readonly arg: Node | undefined;
}

/**
 * A parsed template file (`raw` is its text, kept for comments and tag positions).
 *
 * @example
 * ```ts
 * const src = parseSource("template.yaml", text);
 * const resources = src.get(src.root, "Resources");
 * for (const { key, value } of src.entries(resources)) console.log(key, src.pos(value));
 * ```
 */
export class Source {
  private constructor(
    /** Path relative to the working directory, forward slashes. */
    readonly file: string,
    readonly raw: string,
    private readonly doc: Document.Parsed,
    private readonly lines: LineCounter,
  ) {}

  /**
   * Parse `text`; throws {@link InputError} naming `file`, line and column when it is not YAML or JSON.
   * JSON (text starting with `{` or `[`) keeps its types (Terraform's `null` and `true` matter); YAML is read with the
   * failsafe schema, every scalar a string, as CloudFormation hands environment values to Lambda (and faster).
   */
  static parse(file: string, text: string): Source {
    const lines = new LineCounter();
    const schema = /^\s*[{[]/.test(text) ? "core" : "failsafe";
    const doc = parseDocument(text, { schema, customTags: [...CFN_TAGS], lineCounter: lines, prettyErrors: false, strict: false });
    const err = doc.errors[0];
    if (err) {
      const at = lines.linePos(err.pos[0]);
      const kind = file.toLowerCase().endsWith(".json") ? "JSON" : "YAML";
      throw new InputError(`template ${file}:${at.line}:${at.col} is not valid ${kind} (${err.code})`, {
        hint: "fix the syntax (cfn-lint or a YAML linter shows the line), or leave the file out of --template",
      });
    }
    return new Source(file, text, doc, lines);
  }

  /** The document's top node. */
  get root(): Node | undefined {
    return this.deref(this.doc.contents ?? undefined);
  }

  /** Follow an alias (`*name`) to its anchor; anything else as is. */
  deref(node: unknown): Node | undefined {
    if (node === null || node === undefined) return undefined;
    if (isAlias(node)) return (node.resolve(this.doc) as Node | undefined) ?? undefined;
    return node as Node;
  }

  /** The entries of a mapping (empty for anything else). Keys are scalars' text; other keys are skipped. */
  entries(node: Node | undefined): Entry[] {
    const map = this.deref(node);
    if (!isMap(map)) return [];
    const out: Entry[] = [];
    for (const pair of map.items) {
      const keyNode = pair.key as Node;
      if (!isScalar(keyNode)) continue;
      out.push({ key: String(keyNode.value), keyNode, value: this.deref(pair.value) });
    }
    return out;
  }

  /** The entry `key` of a mapping, with its key node. */
  entry(node: Node | undefined, key: string): Entry | undefined {
    const map = this.deref(node);
    if (!isMap(map)) return undefined;
    for (const pair of map.items) {
      const keyNode = pair.key as Node;
      if (isScalar(keyNode) && String(keyNode.value) === key) return { key, keyNode, value: this.deref(pair.value) };
    }
    return undefined;
  }

  /** The value of `key` in a mapping. */
  get(node: Node | undefined, key: string): Node | undefined {
    return this.entry(node, key)?.value;
  }

  /** The items of a sequence (empty for anything else). */
  items(node: Node | undefined): Array<Node | undefined> {
    const seq = this.deref(node);
    if (!isSeq(seq)) return [];
    return seq.items.map((i) => this.deref(i));
  }

  /** True for a mapping. */
  isMap(node: Node | undefined): boolean {
    return isMap(this.deref(node));
  }

  /** True for a sequence. */
  isSeq(node: Node | undefined): boolean {
    return isSeq(this.deref(node));
  }

  /** A scalar's value (string, number, boolean or null); `undefined` for collections and absent nodes. */
  scalar(node: Node | undefined): string | number | boolean | null | undefined {
    const n = this.deref(node);
    if (!isScalar(n)) return undefined;
    const v = n.value;
    if (typeof v === "string" || typeof v === "number" || typeof v === "boolean" || v === null) return v;
    if (typeof v === "bigint") return v.toString();
    return undefined;
  }

  /** A scalar as CloudFormation reads it: strings, numbers and booleans as text; `undefined` otherwise. */
  text(node: Node | undefined): string | undefined {
    const v = this.scalar(node);
    return v === null || v === undefined ? undefined : String(v);
  }

  /** The intrinsic function a node is (`!Ref X`, `{"Ref": "X"}`, `!Sub …`, `{"Fn::Sub": …}`), or `undefined`. */
  intrinsic(node: Node | undefined): Intrinsic | undefined {
    const n = this.deref(node);
    if (!n) return undefined;
    const fromTag = longName(n.tag);
    if (fromTag) return { fn: fromTag, arg: n };
    return this.longForm(n);
  }

  /** A long-form intrinsic (`{"Fn::Sub": …}`, a single-key mapping), whatever tag the node carries. */
  longForm(node: Node | undefined): Intrinsic | undefined {
    const n = this.deref(node);
    if (!isMap(n) || n.items.length !== 1) return undefined;
    const [only] = this.entries(n);
    return only && isIntrinsicKey(only.key) ? { fn: only.key, arg: only.value } : undefined;
  }

  /** Every node directly inside a collection (values of a mapping, items of a sequence). */
  children(node: Node | undefined): Node[] {
    const n = this.deref(node);
    if (isMap(n)) return this.entries(n).flatMap((e) => (e.value ? [e.value] : []));
    if (isSeq(n)) return this.items(n).filter((x): x is Node => x !== undefined);
    return [];
  }

  /** Where a node starts (1-based), counting a short-form tag written before it as part of it. */
  pos(node: Node | undefined): Pos {
    const n = node ? (isAlias(node) ? node : this.deref(node)) : undefined;
    let offset = n?.range?.[0] ?? 0;
    const tag = n?.tag;
    if (tag && tag.startsWith("!") && !isAlias(n)) {
      const at = this.raw.lastIndexOf(tag, offset);
      if (at >= 0 && /^\s*$/.test(this.raw.slice(at + tag.length, offset))) offset = at;
    }
    const p = this.lines.linePos(offset);
    return { line: p.line, column: p.col };
  }
}
