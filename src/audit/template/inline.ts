/**
 * Inline suppressions written in templates:
 *
 * - a comment `# envseal-ignore ES001[,ES020] reason…` on the value's line, or on comment lines directly above it;
 * - a resource's `Metadata: { envseal: { ignore: [{ id: ES001, reason: "…", variable: NAME }] } }` (as Checkov's
 *   `Metadata.checkov.skip`), for the whole function or one variable.
 *
 * Comments are found by the `yaml` lexer (scan.ts), so a `#` inside a quoted or block string is never taken for one.
 * @module
 */
import type { Node } from "yaml";
import type { Source } from "./source.js";
import type { InlineSuppression, Pos, TemplateFunction } from "./types.js";
import type { Finding } from "../types.js";

const RULE_TOKEN = /^[A-Za-z]{2}\d{3}$/;

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
