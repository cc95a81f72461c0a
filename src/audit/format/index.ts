/**
 * Report formats and writing a report to a file.
 * @module
 */
import { constants } from "node:fs";
import { lstat, open } from "node:fs/promises";
import { InputError } from "../../core/errors.js";
import type { AuditReport } from "../report.js";
import { renderAsff } from "./asff.js";
import { renderSarif } from "./sarif.js";
import { renderJson, renderJsonChunks, renderMarkdown, renderTable, type TableOptions } from "./text.js";

/** Output formats of `envseal audit --format`. */
export const REPORT_FORMATS = ["table", "json", "sarif", "markdown", "asff"] as const;
/** One of {@link REPORT_FORMATS}. */
export type ReportFormat = (typeof REPORT_FORMATS)[number];

/**
 * Render a report in `format`; `options` (colour, width) shape the table only.
 *
 * @example
 * ```ts
 * renderReport(report, "sarif"); // SARIF 2.1.0 JSON text
 * renderReport(report, "table", { width: 80 }); // the table, no line wider than 80
 * ```
 */
export function renderReport(report: AuditReport, format: ReportFormat, options: TableOptions = {}): string {
  switch (format) {
    case "json":
      return renderJson(report);
    case "sarif":
      return renderSarif(report);
    case "markdown":
      return renderMarkdown(report);
    case "asff":
      return renderAsff(report);
    case "table":
      return renderTable(report, options);
  }
}

/**
 * The report in `format`, in pieces whose concatenation is {@link renderReport}'s text: JSON comes a few hundred findings
 * at a time (an organisation's report can hold tens of thousands), the other formats in one piece.
 *
 * @example
 * ```ts
 * await writeReportFile("org.json", renderReportChunks(report, "json"));
 * ```
 */
export function renderReportChunks(report: AuditReport, format: ReportFormat, options: TableOptions = {}): Iterable<string> {
  return format === "json" ? renderJsonChunks(report) : [renderReport(report, format, options)];
}

/**
 * Write a report file readable by its owner only (mode 0600). Never follows a symbolic link: the file is opened with
 * `O_NOFOLLOW`, so a link planted at `path` (even between a check and the open) makes the write fail instead of
 * overwriting the link's target. An existing file is replaced only with `force`. Throws {@link InputError} naming the path.
 *
 * @example
 * ```ts
 * await writeReportFile("envseal.sarif", renderReport(report, "sarif"), { force: true });
 * ```
 */
export async function writeReportFile(path: string, text: string | Iterable<string>, options: { force?: boolean } = {}): Promise<void> {
  const existing = await lstat(path).catch(() => undefined);
  if (existing?.isSymbolicLink()) {
    throw new InputError(`--out ${path} is a symbolic link; envseal does not write reports through links`, { hint: "pass the path of a regular file" });
  }
  if (existing && !existing.isFile()) throw new InputError(`--out ${path} is not a regular file`, { hint: "pass a file path" });
  if (existing && !options.force) throw new InputError(`--out ${path} already exists`, { hint: "pass --force to overwrite it, or choose another path" });
  const flags = constants.O_WRONLY | constants.O_CREAT | constants.O_NOFOLLOW | (options.force ? constants.O_TRUNC : constants.O_EXCL);
  let fh;
  try {
    fh = await open(path, flags, 0o600);
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code === "ELOOP") throw new InputError(`--out ${path} is a symbolic link; envseal does not write reports through links`, { hint: "pass the path of a regular file" });
    if (code === "EEXIST") throw new InputError(`--out ${path} already exists`, { hint: "pass --force to overwrite it, or choose another path" });
    throw new InputError(`cannot write --out ${path}${code ? ` (${code})` : ""}`, { hint: "pass a writable file path" });
  }
  try {
    await fh.chmod(0o600);
    for (const piece of typeof text === "string" ? [text] : text) await fh.write(piece, null, "utf8");
  } catch (err) {
    const code = (err as { code?: string }).code;
    throw new InputError(`cannot write --out ${path}${code ? ` (${code})` : ""}`, { hint: "pass a writable file path" });
  } finally {
    await fh.close();
  }
}

export { renderAsff } from "./asff.js";
export { renderSarif } from "./sarif.js";
export { renderJson, renderJsonChunks, renderMarkdown, renderTable, tableMessage, type TableOptions } from "./text.js";
