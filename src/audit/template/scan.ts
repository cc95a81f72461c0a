/**
 * One pass of the `yaml` lexer over a YAML template finds (a) the `# envseal-ignore` comments and (b) the block
 * structure: which lines hold `Parameters`, `Globals`, and in `Resources` each resource's `Type`, `Metadata`,
 * `Properties.Environment` and `Properties.KmsKeyArn`. The skeleton is the template with every other line left
 * empty, so the full parser (the slow part) only composes what the rules read, and every line and column stays
 * where it was. Anything unusual (anchors and aliases, several documents, explicit keys, tags or flow collections at
 * the start of a line, tabs in indentation, inconsistent indentation) gives no skeleton: the whole template is parsed.
 * Syntax errors are reported by the parser for the lines it reads; the lines it skips are left to cfn-lint.
 * @module
 */
import { Lexer } from "yaml";
import { parseIgnoreText } from "./inline.js";
import type { InlineSuppression } from "./types.js";

/**
 * What the lexer pass found.
 *
 * @example
 * ```ts
 * const { skeleton, comments, commentOnlyLines } = scanYaml(text);
 * ```
 */
export interface YamlScan {
  readonly comments: InlineSuppression[];
  /** Lines that hold nothing but a comment. */
  readonly commentOnlyLines: Set<number>;
  /** The template with only the audited lines kept, or `undefined` to parse it whole. */
  readonly skeleton: string | undefined;
}

interface KeyLine {
  readonly key: string;
  /** 0-based line index. */
  readonly line: number;
  readonly indent: number;
  /** Something other than a comment follows the `:` on the same line. */
  hasValue: boolean;
}

const [SPACE, HASH, BANG, QUESTION, AMP, STAR, DASH, LBRACE, LBRACKET, RBRACE, RBRACKET] = [..." #!?&*-{[}]"].map((c) =>
  c.charCodeAt(0),
);
const MARKER = /^#\s*envseal-ignore\b[\s:]*(.*)$/i;

/** Top-level sections kept whole, and the audited keys of a resource and of its Properties. */
const KEEP_TOP = new Set(["Parameters", "Globals"]);
const KEEP_RESOURCE = new Set(["Type", "Metadata"]);
const KEEP_PROPERTIES = new Set(["Environment", "KmsKeyArn"]);

/**
 * Scan a YAML template.
 *
 * @example
 * ```ts
 * const { skeleton, comments } = scanYaml(text);
 * const src = Source.parse("template.yaml", skeleton ?? text);
 * ```
 */
export function scanYaml(raw: string): YamlScan {
  const out = { comments: [] as InlineSuppression[], commentOnlyLines: new Set<number>() };
  const keys: KeyLine[] = [];
  let bail = /^ *\t/m.test(raw); // a tab in a line's leading whitespace
  let offset = 0;
  let line = 0;
  let lineStart = 0;
  let indent = 0;
  let content = false; // the current line has content before this token
  let depth = 0;
  let candidate: { key: string; line: number; indent: number } | undefined;
  let open: KeyLine | undefined; // the key line we are on, to see whether a value follows its colon
  for (const token of new Lexer().lex(raw)) {
    const c0 = token.charCodeAt(0);
    if (token.length === 1 && (c0 === 0x02 || c0 === 0x18 || c0 === 0x1f || c0 === 0xfeff)) continue; // control tokens
    if (offset === lineStart) {
      indent = 0;
      content = false;
      open = undefined;
      if (c0 === SPACE && onlySpaces(token)) {
        indent = token.length;
        offset += token.length;
        continue;
      }
    }
    if (token === "\n" || token === "\r\n") { // a line break (a block scalar's body may start with one: counted below)
      line++;
      offset += token.length;
      lineStart = offset;
      continue;
    }
    if (c0 === SPACE && onlySpaces(token)) {
      offset += token.length;
      continue;
    }
    if (c0 === HASH) {
      comment(out, token, line, offset - lineStart, !content);
    } else if (!content && (token === "---" || token === "...")) {
      if (keys.length > 0 || token === "...") bail = true; // a second document (or an end marker): parse it whole
    } else {
      const colon = token === ":";
      if (open && !colon) open.hasValue = true;
      if (candidate && colon) {
        open = { key: candidate.key, line: candidate.line, indent: candidate.indent, hasValue: false };
        keys.push(open);
      } else if (!content && depth === 0 && (c0 === BANG || c0 === QUESTION || c0 === LBRACE || c0 === LBRACKET)) {
        // a tag or explicit key at the start of a line, or a flow collection that is the value of the key above it
        bail = true;
      }
      candidate = undefined;
      if (c0 === AMP || c0 === STAR) bail = true;
      else if (c0 === LBRACE || c0 === LBRACKET) depth += token.length === 1 ? 1 : 0;
      else if (c0 === RBRACE || c0 === RBRACKET) depth = Math.max(0, depth - (token.length === 1 ? 1 : 0));
      else if (!content && depth === 0 && c0 !== DASH && token.indexOf("\n") < 0) candidate = { key: unquote(token), line, indent };
      content = true;
    }
    for (let nl = token.indexOf("\n"); nl >= 0; nl = token.indexOf("\n", nl + 1)) {
      line++;
      lineStart = offset + nl + 1;
    }
    offset += token.length;
  }
  return { ...out, skeleton: bail ? undefined : skeletonOf(raw, keys) };
}

function onlySpaces(token: string): boolean {
  for (let i = 1; i < token.length; i++) if (token.charCodeAt(i) !== SPACE) return false;
  return true;
}

function unquote(token: string): string {
  const q = token[0];
  return (q === '"' || q === "'") && token.length >= 2 && token.endsWith(q) ? token.slice(1, -1) : token;
}

function comment(out: { comments: InlineSuppression[]; commentOnlyLines: Set<number> }, token: string, line: number, column: number, alone: boolean): void {
  if (alone) out.commentOnlyLines.add(line + 1);
  const m = MARKER.exec(token);
  if (!m) return;
  const { ids, reason } = parseIgnoreText(m[1] ?? "");
  out.comments.push({ kind: "comment", ids, reason, pos: { line: line + 1, column: column + 1 } });
}

/** Children of the key at `index`: the keys one level deeper until a key at its indent or less; `undefined` if ragged. */
function children(keys: readonly KeyLine[], index: number, end: number): number[] | undefined {
  const parent = keys[index] as KeyLine;
  const first = keys[index + 1];
  if (!first || index + 1 >= end || first.indent <= parent.indent) return [];
  const out: number[] = [];
  for (let i = index + 1; i < end; i++) {
    const k = keys[i] as KeyLine;
    if (k.indent <= parent.indent) break;
    if (k.indent < first.indent) return undefined;
    if (k.indent === first.indent) out.push(i);
  }
  return out;
}

/** Index of the first key after `index` at its indent or less (the end of its block), bounded by `end`. */
function blockEnd(keys: readonly KeyLine[], index: number, end: number): number {
  const indent = (keys[index] as KeyLine).indent;
  for (let i = index + 1; i < end; i++) if ((keys[i] as KeyLine).indent <= indent) return i;
  return end;
}

function skeletonOf(raw: string, keys: KeyLine[]): string | undefined {
  const lines = raw.split("\n");
  const keep = new Uint8Array(lines.length);
  const endLine = (end: number) => (end < keys.length ? (keys[end] as KeyLine).line : lines.length);
  const keepBlock = (i: number, end: number) => keep.fill(1, (keys[i] as KeyLine).line, endLine(end));
  const top = keys[0];
  if (!top) return undefined;
  for (const k of keys) if (k.indent < top.indent) return undefined;
  const tops: number[] = [];
  keys.forEach((k, i) => k.indent === top.indent && tops.push(i));
  for (const t of tops) {
    const end = blockEnd(keys, t, keys.length);
    const key = (keys[t] as KeyLine).key;
    if (KEEP_TOP.has(key)) keepBlock(t, end);
    else if (key === "Resources" && !sliceMap(keys, t, end, keep, keepBlock, (r, rEnd) => {
      return sliceMap(keys, r, rEnd, keep, keepBlock, (p, pEnd) => {
        const name = (keys[p] as KeyLine).key;
        if (KEEP_RESOURCE.has(name)) return keepBlock(p, pEnd), true;
        if (name !== "Properties") return true;
        return sliceMap(keys, p, pEnd, keep, keepBlock, (q, qEnd) => (KEEP_PROPERTIES.has((keys[q] as KeyLine).key) && keepBlock(q, qEnd), true));
      });
    })) {
      return undefined;
    }
  }
  return lines.map((l, i) => (keep[i] ? l : "")).join("\n");
}

/** Keep a map's header line and let `each` decide about its entries; a header with an inline value is kept whole. */
function sliceMap(
  keys: readonly KeyLine[],
  index: number,
  end: number,
  keep: Uint8Array,
  keepBlock: (i: number, end: number) => void,
  each: (child: number, childEnd: number) => boolean,
): boolean {
  const header = keys[index] as KeyLine;
  if (header.hasValue) return keepBlock(index, end), true;
  keep[header.line] = 1;
  const kids = children(keys, index, end);
  if (!kids) return false;
  return kids.every((c) => each(c, blockEnd(keys, c, end)));
}
