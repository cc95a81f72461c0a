/**
 * Report formats and writing a report to a file.
 * @module
 */
import { chmod, open } from "node:fs/promises";
import { InputError } from "../../core/errors.js";
import type { AuditReport } from "../report.js";
import { renderSarif } from "./sarif.js";
import { renderJson, renderMarkdown, renderTable } from "./text.js";

/** Output formats of `envseal audit --format`. */
export const REPORT_FORMATS = ["table", "json", "sarif", "markdown"] as const;
/** One of {@link REPORT_FORMATS}. */
export type ReportFormat = (typeof REPORT_FORMATS)[number];

/**
 * Render a report in `format`.
 *
 * @example
 * ```ts
 * renderReport(report, "sarif"); // SARIF 2.1.0 JSON text
 * ```
 */
export function renderReport(report: AuditReport, format: ReportFormat, options: { color?: boolean } = {}): string {
  switch (format) {
    case "json":
      return renderJson(report);
    case "sarif":
      return renderSarif(report);
    case "markdown":
      return renderMarkdown(report);
    case "table":
      return renderTable(report, options);
  }
}

/**
 * Write a report file readable by its owner only (mode 0600, also when it already existed).
 * Throws {@link InputError} naming the path when it cannot be written.
 *
 * @example
 * ```ts
 * await writeReportFile("envseal.sarif", renderReport(report, "sarif"));
 * ```
 */
export async function writeReportFile(path: string, text: string): Promise<void> {
  try {
    const fh = await open(path, "w", 0o600);
    try {
      await fh.writeFile(text, "utf8");
    } finally {
      await fh.close();
    }
    await chmod(path, 0o600);
  } catch (err) {
    const code = (err as { code?: string }).code;
    throw new InputError(`cannot write --out ${path}${code ? ` (${code})` : ""}`, { hint: "pass a writable file path" });
  }
}

export { renderSarif } from "./sarif.js";
export { renderJson, renderMarkdown, renderTable } from "./text.js";
