/**
 * Text tables and lines fitted to a terminal: aligned columns (`show`, the audit table), word wrap, a flexible last
 * column, long lines with a hanging indent. Widths count code points of text that has been through `visible()` (no
 * control characters, no escape sequences); colour is added after layout, so it never counts.
 * @module
 */

/** Below this many columns for the last cell, it moves under its row instead of beside it. */
export const MIN_LAST_COLUMN = 20;
/** Indent of a last cell moved under its row. */
const UNDER_INDENT = 4;

/** Width of `text` in code points. */
function width(text: string): number {
  let n = 0;
  for (const _ of text) n++;
  return n;
}

/** `word` cut into pieces of at most `max` code points. */
function cut(word: string, max: number): string[] {
  const chars = [...word];
  const out: string[] = [];
  for (let i = 0; i < chars.length; i += max) out.push(chars.slice(i, i + max).join(""));
  return out;
}

/**
 * `text` wrapped at spaces into lines of at most `max` code points (`next` for the lines after the first; default
 * `max`); a word longer than its line (an ARN, a path) is cut. Always at least one line; a limit below 1 counts as 1.
 *
 * @example
 * ```ts
 * wrapWords("the at-rest key is disabled", 12); // ["the at-rest", "key is", "disabled"]
 * ```
 */
export function wrapWords(text: string, max: number, next = max): string[] {
  const limitOf = (n: number) => Math.max(1, Math.floor(n));
  const lines: string[] = [];
  let limit = limitOf(max);
  let line = "";
  const push = () => {
    lines.push(line);
    line = "";
    limit = limitOf(next);
  };
  for (const word of text.split(" ").filter((w) => w !== "")) {
    let rest = word;
    while (rest !== "") {
      const room = line === "" ? limit : limit - width(line) - 1;
      if (width(rest) <= room) {
        line = line === "" ? rest : `${line} ${rest}`;
        rest = "";
      } else if (line !== "") {
        push();
      } else {
        const [head = "", ...tail] = cut(rest, limit);
        line = head;
        rest = tail.join("");
        if (rest !== "") push();
      }
    }
  }
  lines.push(line);
  return lines;
}

/**
 * One logical line fitted to `max` columns: wrapped at spaces, continuation lines indented by `indent` spaces (kept
 * below `max`). With `max` undefined (no limit), the line as it is.
 *
 * @example
 * ```ts
 * hangingWrap("warning: not scanned: arn:aws:lambda:…", 40, 2); // ["warning: not scanned:", "  arn:aws:lambda:…"]
 * ```
 */
export function hangingWrap(line: string, max: number | undefined, indent: number): string[] {
  if (max === undefined || width(line) <= max) return [line];
  const lead = /^ */.exec(line)![0];
  const pad = " ".repeat(Math.min(indent, Math.max(0, max - 10)));
  const [first = "", ...rest] = wrapWords(line.slice(lead.length), max - lead.length, max - pad.length);
  return [`${lead}${first}`, ...rest.map((l) => `${pad}${l}`)];
}

/**
 * Rows of cells (the first row the header) laid out as an aligned table: every column but the last padded to its
 * widest cell, two spaces apart. With `max` set, no line is wider than `max`:
 * - the last column is wrapped, its continuation lines aligned under it;
 * - when fewer than {@link MIN_LAST_COLUMN} columns are left for it, it goes under its row, indented, wrapped to `max`;
 * - when even the other columns do not fit, each row is stacked: its first two cells on one line, every other cell
 *   on its own line labelled with its header (`  function: …`), the last cell under them; there is no header line.
 *
 * Nothing is ever truncated: in the stacked layout a name wider than its line continues on the next one; only the
 * first line of a stacked row (two short cells: severity and rule) is not wrapped. Returns the physical lines of each row.
 *
 * @example
 * ```ts
 * layoutRows([["RULE", "MESSAGE"], ["ES004", "the environment is protected at rest by aws/lambda only"]], 40);
 * // [["RULE   MESSAGE"], ["ES004  the environment is protected at", "       rest by aws/lambda only"]]
 * ```
 */
export function layoutRows(rows: readonly (readonly string[])[], max?: number): string[][] {
  const columns = rows[0]?.length ?? 0;
  const last = columns - 1;
  const widths = Array.from({ length: last }, (_, i) => Math.max(...rows.map((r) => width(r[i] ?? ""))));
  const fixed = (r: readonly string[]) => widths.map((w, i) => (r[i] ?? "") + " ".repeat(w - width(r[i] ?? ""))).join("  ");
  const before = widths.reduce((a, b) => a + b, 0) + 2 * last;
  if (max === undefined) return rows.map((r) => [`${fixed(r)}${last > 0 ? "  " : ""}${r[last] ?? ""}`.trimEnd()]);
  const indent = max >= UNDER_INDENT + MIN_LAST_COLUMN ? UNDER_INDENT : 0;
  const under = (message: string) => (message === "" ? [] : wrapWords(message, max - indent).map((l) => `${" ".repeat(indent)}${l}`));
  if (before - 2 > max && last > 1) return rows.map((r, n) => (n === 0 ? [] : stacked(r, rows[0]!, max, under)));
  const room = max - before;
  return rows.map((r) => {
    const message = r[last] ?? "";
    if (room >= MIN_LAST_COLUMN || last === 0) {
      const [first = "", ...rest] = wrapWords(message, last === 0 ? max : room);
      return [`${fixed(r)}${last > 0 ? "  " : ""}${first}`.trimEnd(), ...rest.map((l) => `${" ".repeat(before)}${l}`)];
    }
    return [fixed(r).trimEnd(), ...under(message)];
  });
}

/** One row stacked for a very narrow terminal: see {@link layoutRows}. */
function stacked(r: readonly string[], head: readonly string[], max: number, under: (message: string) => string[]): string[] {
  const last = r.length - 1;
  const lines = [`${r[0] ?? ""}  ${r[1] ?? ""}`.trimEnd()];
  // An empty cell leaves its label alone on the line, without a trailing space.
  for (let i = 2; i < last; i++) lines.push(...hangingWrap(`  ${(head[i] ?? "").toLowerCase()}: ${r[i] ?? ""}`.trimEnd(), max, 4));
  return [...lines, ...under(r[last] ?? "")];
}
