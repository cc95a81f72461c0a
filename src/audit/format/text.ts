/**
 * Human formats: the terminal table and Markdown (for a PR comment or an issue). Names, rules, messages and, for
 * template findings, `file:line:col` — never a value.
 * @module
 */
import { styleText } from "node:util";
import { summaryLine, type AuditReport } from "../report.js";
import { visible } from "../../core/visible.js";
import { RULES } from "../rules.js";
import { hangingWrap, layoutRows } from "../../core/layout.js";
import type { Finding, Severity } from "../types.js";

const COLOR: Record<Severity, "red" | "yellow" | "cyan" | "magenta"> = { critical: "magenta", high: "red", medium: "yellow", low: "cyan" };

function where(f: Finding): string {
  if (f.location) return f.functionName;
  return `${f.region}/${f.functionName}${f.version === "$LATEST" ? "" : `:${f.version}`}`;
}

/** `file:line:col` of a template finding, or "-". */
function located(f: Finding): string {
  return f.location ? `${f.location.file}:${f.location.line}:${f.location.column}` : "-";
}

/** True when the findings come from several accounts (`audit --org`): the account gets its own column. */
function byAccount(report: AuditReport): boolean {
  return report.org !== undefined || report.findings.some((f) => f.account !== undefined);
}

/** Lines on what Security Hub did, shared by the table and (escaped) Markdown. */
function hubLines(report: AuditReport): string[] {
  const out: string[] = [];
  const hub = report.securityHub;
  if (hub) {
    out.push(`security hub: ${hub.imported} imported, ${hub.archived} archived in ${hub.targets} account-region${hub.targets === 1 ? "" : "s"}`);
    for (const f of hub.failed) out.push(`security hub: ${f.action} failed: ${f.account} ${f.region} ${f.id}: ${f.code}${f.message ? ` ${f.message}` : ""}`);
    for (const n of hub.notPublished) out.push(`security hub: not published: ${n.account} ${n.region}: ${n.reason}`);
    for (const w of hub.workflowNotResolved) out.push(`security hub: workflow not set to RESOLVED for ${w.count} archived finding${w.count === 1 ? "" : "s"} in ${w.account} ${w.region}: ${w.reason}`);
  }
  return out;
}

/**
 * A finding's message as the table shows it: the VARIABLE column already names the variable, so the message does not
 * repeat it — a leading name is dropped (`DB_PASSWORD looks like …` → `looks like …`) and a later one becomes "it"
 * (`published version 3 keeps it in plain text …`). JSON, SARIF, ASFF and Markdown keep the whole message.
 *
 * @example
 * ```ts
 * tableMessage({ variable: "API_TOKEN", message: "ENVSEAL_SEALED lists API_TOKEN, but the environment has no such variable" });
 * // "ENVSEAL_SEALED lists it, but the environment has no such variable"
 * ```
 */
export function tableMessage(f: Pick<Finding, "variable" | "message">): string {
  const name = f.variable;
  if (!name) return f.message;
  if (f.message.startsWith(`${name} `)) return f.message.slice(name.length + 1);
  const at = new RegExp(`(?<![A-Za-z0-9_])${name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}(?![A-Za-z0-9_])`);
  return f.message.replace(at, "it");
}

/** Options of {@link renderTable}. */
export interface TableOptions {
  /** Colour each finding's lines by severity (`styleText`). Default: false. */
  color?: boolean;
  /**
   * Fit every line into this many columns: the MESSAGE column and long lines are wrapped; SEVERITY, RULE, ACCOUNT,
   * FUNCTION, VARIABLE and LOCATION keep their columns, and only on a terminal too narrow for them is each finding
   * stacked, one labelled line per column (`layoutRows`). Default: undefined, no limit — one line per finding, for pipes
   * and files.
   */
  width?: number | undefined;
}

/**
 * The report as a terminal table: one row per finding, then each rule's remediation, the summary and the warnings.
 * Names, paths and messages are printed through `visible()`, so a control character or bidi override in a function or
 * variable name shows as `\x1b` / `\u202e` instead of acting on the terminal. With `width` (16 or more), no line is
 * wider than it.
 *
 * @example
 * ```ts
 * process.stdout.write(renderTable(report, { color: process.stdout.isTTY, width: process.stdout.columns }));
 * ```
 */
export function renderTable(report: AuditReport, options: TableOptions = {}): string {
  const paint = (s: Severity, text: string) => (options.color ? styleText(COLOR[s], text) : text);
  const max = options.width !== undefined && options.width > 0 ? Math.floor(options.width) : undefined;
  const out: string[] = [];
  const say = (line: string, indent = 2) => out.push(...hangingWrap(visible(line), max, indent));
  if (report.findings.length > 0) {
    const account = byAccount(report);
    const withLocation = report.findings.some((f) => f.location);
    const head = ["SEVERITY", "RULE", ...(account ? ["ACCOUNT"] : []), "FUNCTION", "VARIABLE", ...(withLocation ? ["LOCATION"] : []), "MESSAGE"];
    const cells = (f: Finding) => [
      f.severity.toUpperCase(),
      f.ruleId,
      ...(account ? [f.account ?? "-"] : []),
      where(f),
      f.variable ?? "-",
      ...(withLocation ? [located(f)] : []),
      tableMessage(f),
    ];
    const rows = layoutRows([head, ...report.findings.map((f) => cells(f).map(visible))], max);
    out.push(...rows[0]!);
    report.findings.forEach((f, i) => out.push(...(rows[i + 1] ?? []).map((line) => paint(f.severity, line))));
    const rules = [...new Set(report.findings.map((f) => f.ruleId))].sort();
    out.push("", "remediation:");
    for (const id of rules) {
      const remediation = report.findings.find((f) => f.ruleId === id)?.remediation ?? RULES[id].remediation;
      say(`  ${id} ${RULES[id].title}: ${remediation}`, 4);
    }
    out.push("");
  }
  say(summaryLine(report));
  for (const u of report.summary.templates?.unknown ?? []) {
    say(`unknown: ${u.location.file}:${u.location.line}:${u.location.column} ${u.function} ${u.what}: ${u.reason}`);
  }
  for (const k of report.summary.keysNotChecked) say(`warning: at-rest key ${k.key} not checked: ${k.reason}`);
  for (const n of report.summary.notScanned) say(`warning: not scanned: ${n.functionArn}: ${n.reason}`);
  for (const n of report.summary.notAudited ?? []) say(`warning: NOT AUDITED: ${n.account}${n.region ? ` ${n.region}` : " (whole account)"}: ${n.reason}`);
  for (const line of hubLines(report)) say(line);
  if (report.summary.failed) say(`failing: findings at or above --fail-on ${report.options.failOn} remain`);
  return out.map((line) => `${line}\n`).join("");
}

/** A Markdown cell: newlines become spaces, other control characters visible escapes, table syntax escaped. */
function md(text: string): string {
  return visible(text.replace(/\r?\n/g, " ")).replace(/[|\\`*<>[\]]/g, (c) => `\\${c}`);
}

/**
 * The report as GitHub-flavoured Markdown.
 *
 * @example
 * ```ts
 * await writeFile("audit.md", renderMarkdown(report), { mode: 0o600 });
 * ```
 */
export function renderMarkdown(report: AuditReport): string {
  const s = report.summary;
  let out = "# envseal audit\n\n";
  out += `${md(summaryLine(report))}.\n\n`;
  out += `| severity | count |\n|---|---|\n`;
  for (const sev of ["critical", "high", "medium", "low"] as const) out += `| ${sev} | ${s.findingsBySeverity[sev]} |\n`;
  if (s.templates) {
    out += `\n| template | functions |\n|---|---|\n`;
    for (const [file, n] of Object.entries(s.templates.functionsPerFile)) out += `| ${md(file)} | ${n} |\n`;
  } else {
    out += `\n| region | functions scanned |\n|---|---|\n`;
    for (const [region, n] of Object.entries(s.functionsPerRegion)) out += `| ${md(region)} | ${n} |\n`;
  }
  if (s.functionsPerAccount) {
    out += `\n| account | functions scanned |\n|---|---|\n`;
    for (const [account, n] of Object.entries(s.functionsPerAccount)) out += `| ${md(account)} | ${n} |\n`;
  }
  out += `\nAt-rest keys: ${s.keyChecks}${s.keyChecks === "checked" ? ` (${s.keysChecked} distinct)` : ""}. Duration: ${s.durationMs} ms. ` +
    `Fail on: ${report.options.failOn}${s.failed ? " — **failing**" : ""}.\n`;
  for (const k of s.keysNotChecked) out += `\n> at-rest key ${md(k.key)} not checked: ${md(k.reason)}\n`;
  if (s.notScanned.length > 0) {
    out += "\n## Not scanned\n\nTheir variables could not be read, so they are not known to be clean.\n\n| function | reason |\n|---|---|\n";
    for (const n of s.notScanned) out += `| ${md(n.functionArn)} | ${md(n.reason)} |\n`;
  }
  const missing = s.notAudited ?? [];
  if (missing.length > 0) {
    out += "\n## Not audited\n\nThese accounts and regions were not audited, so they are not known to be clean.\n\n| account | region | reason |\n|---|---|---|\n";
    for (const n of missing) out += `| ${md(n.account)} | ${n.region ? md(n.region) : "(whole account)"} | ${md(n.reason)} |\n`;
  }
  if (report.securityHub) out += `\n## Security Hub\n\n${hubLines(report).map((l) => `- ${md(l)}`).join("\n")}\n`;
  const withLocation = [...report.findings, ...report.suppressed].some((f) => f.location);
  const loc = (f: Finding) => (withLocation ? ` ${md(located(f))} |` : "");
  const locHead = withLocation ? " location |" : "";
  const locRule = withLocation ? "---|" : "";
  if (report.findings.length > 0) {
    const account = byAccount(report);
    out += `\n## Findings\n\n| severity | rule |${account ? " account |" : ""} function | variable |${locHead} message | remediation |\n|---|---|${account ? "---|" : ""}---|---|${locRule}---|---|\n`;
    for (const f of report.findings) {
      out += `| ${f.severity} | ${f.ruleId} | ${account ? `${md(f.account ?? "–")} | ` : ""}${md(where(f))} | ${f.variable ? md(f.variable) : "–"} |${loc(f)} ${md(f.message)} | ${f.remediation.replace(/\|/g, "\\|")} |\n`;
    }
  }
  if (report.suppressed.length > 0) {
    out += `\n## Suppressed\n\n| rule | function | variable |${locHead} by |\n|---|---|---|${locRule}---|\n`;
    for (const f of report.suppressed) {
      const by = f.reason ? `${f.suppressedBy}: ${f.reason}` : f.suppressedBy;
      out += `| ${f.ruleId} | ${md(`${f.account ? `${f.account}/` : ""}${where(f)}`)} | ${f.variable ? md(f.variable) : "–"} |${loc(f)} ${md(by)} |\n`;
    }
  }
  const unknown = s.templates?.unknown ?? [];
  if (unknown.length > 0) {
    out += "\n## Unknown until deploy (not checked)\n\n| location | function | what | why |\n|---|---|---|---|\n";
    for (const u of unknown) {
      out += `| ${md(`${u.location.file}:${u.location.line}:${u.location.column}`)} | ${md(u.function)} | ${md(u.what)} | ${md(u.reason)} |\n`;
    }
  }
  return out;
}

/** The report as JSON (the stable schema, docs/audit.md). */
export function renderJson(report: AuditReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}

/** Findings per chunk of {@link renderJsonChunks}. */
const FINDINGS_PER_CHUNK = 250;

/**
 * The same text as {@link renderJson}, in pieces of at most 250 findings, so a report of tens of thousands of findings
 * (an organisation) is written without ever holding its whole text — twice, as a string and as bytes — in memory.
 *
 * @example
 * ```ts
 * for (const piece of renderJsonChunks(report)) await fh.write(piece);
 * ```
 */
export function* renderJsonChunks(report: AuditReport): Generator<string> {
  const entries = Object.entries(report).filter(([, v]) => v !== undefined);
  const indent = (text: string, by: string) => text.replace(/\n/g, `\n${by}`);
  yield "{\n";
  for (const [i, [key, value]] of entries.entries()) {
    const comma = i < entries.length - 1 ? "," : "";
    if ((key === "findings" || key === "suppressed") && Array.isArray(value) && value.length > 0) {
      yield `  ${JSON.stringify(key)}: [\n`;
      for (let j = 0; j < value.length; j += FINDINGS_PER_CHUNK) {
        yield value
          .slice(j, j + FINDINGS_PER_CHUNK)
          .map((f, k) => `    ${indent(JSON.stringify(f, null, 2), "    ")}${j + k < value.length - 1 ? "," : ""}\n`)
          .join("");
      }
      yield `  ]${comma}\n`;
    } else {
      yield `  ${JSON.stringify(key)}: ${indent(JSON.stringify(value, null, 2), "  ")}${comma}\n`;
    }
  }
  yield "}\n";
}
