/**
 * Text rendering of results: names, kinds, sizes. Never values, except where `show --reveal` passes them.
 * @module
 */
import { styleText } from "node:util";
import type { EnvDiff, NameChange } from "../core/diff.js";
import { layoutRows } from "../core/layout.js";
import type { PushResult } from "../ops/push.js";
import type { ShowResult } from "../ops/show.js";

type Color = "green" | "yellow" | "red" | "dim" | "bold";

/** Paint when color is on. */
export function paint(on: boolean, color: Color, text: string): string {
  return on ? styleText(color, text) : text;
}

/** The diff, one name a line: `+ NAME (sealed)`, `~ NAME (plain)`, `~ NAME (sealed → PLAIN)`, `- NAME (plain)`. */
export function renderDiff(diff: EnvDiff, color: boolean): string {
  const kind = (n: NameChange) =>
    n.from === undefined ? n.kind : n.kind === "plain" ? `${n.from} → PLAIN` : `${n.from} → ${n.kind}`;
  const line = (mark: string, c: Color) => (n: NameChange) => `  ${paint(color, c, mark)} ${n.name} (${kind(n)})\n`;
  return [
    ...diff.added.map(line("+", "green")),
    ...diff.changed.map(line("~", "yellow")),
    ...diff.removed.map(line("-", "red")),
  ].join("");
}

/** One-line summary of a diff. */
export function diffSummary(diff: EnvDiff): string {
  return `${diff.added.length} added, ${diff.changed.length} changed, ${diff.removed.length} removed, ${diff.unchanged} unchanged`;
}

/** What a writing command did, in one line: written and live, written but not yet confirmed live, or nothing. */
export interface WriteOutcome {
  readonly functionName: string;
  readonly dryRun?: boolean;
  readonly written: boolean;
  readonly live: boolean;
  readonly notLiveReason?: string | undefined;
  readonly revisionId: string | undefined;
}

/**
 * The last line of a writing command.
 *
 * @example
 * ```ts
 * writtenLine({ functionName: "api", written: true, live: true, revisionId: "r2" }); // "written (revision r2); the update is live\n"
 * ```
 */
export function writtenLine(r: WriteOutcome): string {
  if (r.dryRun) return "dry run: nothing was written\n";
  if (!r.written) return "nothing to change\n";
  const rev = r.revisionId ? ` (revision ${r.revisionId})` : "";
  if (r.live) return `written${rev}; the update is live\n`;
  return `written${rev}; not yet confirmed live: ${r.notLiveReason ?? "unknown"}; check with \`envseal show --function ${r.functionName}\`\n`;
}

/** `push` as text. */
export function renderPush(r: PushResult, color: boolean, listed = false): string {
  const head = `${r.functionName}: ${diffSummary(r.diff)}; ${r.bytes} of 4096 bytes; at rest: ${r.atRestKey}\n`;
  const tail = writtenLine(r);
  return listed ? tail : head + renderDiff(r.diff, color) + tail;
}

/** A plain left-aligned table (the audit's shares its layout, `layoutRows`). */
export function table(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  return layoutRows([headers, ...rows]).map(([line]) => `${line}\n`).join("");
}

/**
 * A value as one table cell: as it is when it is one line of printable text, else JSON-quoted (`"a\\nb"`), so a
 * multi-line value or a terminal escape sequence cannot break the table or the terminal.
 *
 * @example
 * ```ts
 * printable("line1\nline2"); // '"line1\\nline2"'
 * ```
 */
export function printable(value: string): string {
  // eslint-disable-next-line no-control-regex
  return /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/.test(value) || value.startsWith('"') ? JSON.stringify(value) : value;
}

/** `show --quiet`: the names, one a line (what a script loops over). */
export function renderShowNames(r: ShowResult): string {
  return r.variables.map((v) => `${v.name}\n`).join("");
}

/** `show` as text. */
export function renderShow(r: ShowResult, color: boolean): string {
  const pct = Math.round((r.bytes / r.limit) * 100);
  const atRest = r.atRestKey === "aws/lambda" ? "aws/lambda (AWS managed key)" : `${r.atRestKey} (customer managed key)`;
  let out = `${r.functionName}  ${r.functionArn}\nat rest: ${atRest}\nsize: ${r.bytes} of ${r.limit} bytes (${pct}%)\n`;
  const reveal = r.variables.some((v) => v.value !== undefined);
  const headers = reveal ? ["NAME", "KIND", "FORMAT", "BYTES", "VALUE"] : ["NAME", "KIND", "FORMAT", "BYTES"];
  const rows = r.variables.map((v) => {
    const row = [v.name, v.kind, v.format ?? "-", String(v.bytes)];
    return reveal ? [...row, v.value === undefined ? "" : printable(v.value)] : row;
  });
  out += r.variables.length === 0 ? "(no environment variables)\n" : table(headers, rows);
  if (r.bundleNote) out += paint(color, "yellow", `note: ${r.bundleNote}\n`);
  for (const n of r.missingSealed) out += paint(color, "yellow", `warning: ENVSEAL_SEALED lists ${n}, which is not set\n`);
  const v1 = r.variables.filter((v) => v.format === "v1").map((v) => v.name);
  if (v1.length > 0) {
    out += paint(color, "yellow", `note: ${v1.join(", ")} ${v1.length === 1 ? "is" : "are"} wire format v1 (bound to the function only, swappable); \`envseal upgrade --function ${r.functionName}\` binds them to their names\n`);
  }
  return out;
}
