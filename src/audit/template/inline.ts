/**
 * Inline suppressions written in templates:
 *
 * - a comment `# envseal-ignore ES001[,ES020] reason…` on the value's line, or on comment lines directly above it;
 * - a resource's `Metadata: { envseal: { ignore: [{ id: ES001, reason: "…", variable: NAME }] } }` (as Checkov's
 *   `Metadata.checkov.skip`), for the whole function or one variable.
 *
 * Comments are found with the `yaml` lexer, so a `#` inside a quoted or block string is never taken for one.
 * @module
 */
import { Lexer, type Node } from "yaml";
import type { Source } from "./source.js";
import type { InlineSuppression, Pos, TemplateFunction } from "./types.js";
import type { Finding } from "../types.js";

const MARKER = /^#\s*envseal-ignore\b[\s:]*(.*)$/i;
const RULE_TOKEN = /^[A-Za-z]{2}\d{3}$/;
/** Lexer tokens that stand for structure, not source text (byte-order mark, document, flow end, scalar). */
const CONTROL = new Set(["\u{FEFF}", "\u0002", "\u0018", "\u001f"]);

/** Comment suppressions of a file and the lines that hold nothing but a comment. */
export interface CommentSuppressions {
  readonly comments: InlineSuppression[];
  readonly commentOnlyLines: Set<number>;
}

/**
 * Parse `envseal-ignore` text after the marker: rule ids (comma or space separated), then the reason.
 *
 * @example
 * ```ts
 * parseIgnoreText("ES001, ES020 vendor test key, rotated daily"); // { ids: ["ES001", "ES020"], reason: "vendor test key, rotated daily" }
 * ```
 */
export function parseIgnoreText(text: string): { ids: string[]; reason: string } {
  const ids: string[] = [];
  let rest = text.trim();
  for (;;) {
    const m = /^([^\s,]+)[\s,]*/.exec(rest);
    if (!m || !RULE_TOKEN.test(m[1] ?? "")) break;
    ids.push((m[1] ?? "").toUpperCase());
    rest = rest.slice(m[0].length);
  }
  return { ids, reason: clipReason(rest.replace(/^[-–—:]+\s*/, "")) };
}

function clipReason(text: string): string {
  const one = text.replace(/\s+/g, " ").trim();
  return one.length > 200 ? `${one.slice(0, 200)}…` : one;
}

/**
 * Find the `# envseal-ignore` comments of a YAML file (JSON has none). Cheap when the file has no marker at all.
 *
 * @example
 * ```ts
 * readCommentSuppressions(src).comments[0]; // { kind: "comment", ids: ["ES001"], reason: "…", pos: { line: 14, column: 32 } }
 * ```
 */
export function readCommentSuppressions(src: Source): CommentSuppressions {
  const out: CommentSuppressions = { comments: [], commentOnlyLines: new Set() };
  if (!/envseal-ignore/i.test(src.raw)) return out;
  let offset = 0;
  for (const token of new Lexer().lex(src.raw)) {
    if (token.length === 1 && CONTROL.has(token)) continue;
    if (token.startsWith("#")) {
      const lineStart = src.raw.lastIndexOf("\n", offset - 1) + 1;
      const line = src.lineOf(offset);
      const alone = src.raw.slice(lineStart, offset).trim() === "";
      if (alone) out.commentOnlyLines.add(line);
      const m = MARKER.exec(token);
      if (m) {
        const { ids, reason } = parseIgnoreText(m[1] ?? "");
        out.comments.push({ kind: "comment", ids, reason, pos: { line, column: offset - lineStart + 1 } });
      }
    }
    offset += token.length;
  }
  return out;
}

/**
 * Read `Metadata.envseal.ignore` of a resource: a list of `{ id, reason, variable? }` (a bare rule id string is an
 * entry without a reason).
 *
 * @example
 * ```ts
 * readMetadataSuppressions(src, src.get(src.get(resource, "Metadata"), "envseal"));
 * ```
 */
export function readMetadataSuppressions(src: Source, envseal: Node | undefined): InlineSuppression[] {
  const out: InlineSuppression[] = [];
  for (const item of src.items(src.get(envseal, "ignore"))) {
    const pos = src.pos(item);
    const bare = src.text(item);
    if (bare !== undefined) {
      out.push({ kind: "metadata", ids: [bare.trim().toUpperCase()], reason: "", pos });
      continue;
    }
    const id = src.text(src.get(item, "id"))?.trim().toUpperCase();
    const variable = src.text(src.get(item, "variable"));
    out.push({
      kind: "metadata",
      ids: id ? [id] : [],
      reason: clipReason(src.text(src.get(item, "reason")) ?? ""),
      ...(variable ? { variable } : {}),
      pos,
    });
  }
  return out;
}

/**
 * The suppression that covers a finding, if any: a metadata entry of its function (for its rule, and its variable
 * when the entry names one), else a comment on the finding's line or in the comment block directly above it.
 *
 * @example
 * ```ts
 * const by = coveringSuppression(finding, fn, comments, commentOnlyLines);
 * if (by) suppressed.push({ ...finding, suppressedBy: `inline:${by.kind}`, reason: by.reason });
 * ```
 */
export function coveringSuppression(
  finding: Pick<Finding, "ruleId" | "variable" | "location">,
  fn: Pick<TemplateFunction, "metadataSuppressions"> | undefined,
  comments: readonly InlineSuppression[],
  commentOnlyLines: ReadonlySet<number>,
): InlineSuppression | undefined {
  const meta = fn?.metadataSuppressions.find(
    (s) => s.ids.includes(finding.ruleId) && (s.variable === undefined || s.variable === finding.variable),
  );
  if (meta) return meta;
  const line = finding.location?.line;
  if (line === undefined) return undefined;
  return comments.find((c) => c.ids.includes(finding.ruleId) && covers(c.pos, line, commentOnlyLines));
}

function covers(at: Pos, line: number, commentOnlyLines: ReadonlySet<number>): boolean {
  if (at.line === line) return true;
  if (at.line > line || !commentOnlyLines.has(at.line)) return false;
  for (let l = at.line + 1; l < line; l++) if (!commentOnlyLines.has(l)) return false;
  return true;
}
