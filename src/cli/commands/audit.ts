import { Command, Option } from "commander";
import { REPORT_FORMATS, renderReportChunks, writeReportFile, type ReportFormat } from "../../audit/format/index.js";
import { summaryLine, type AuditReport } from "../../audit/report.js";
import type { FailOn } from "../../audit/types.js";
import { emulatorFrom } from "../../core/ciphertext.js";
import { visible } from "../../core/visible.js";
import { AwsError, FindingsError, InputError } from "../../core/errors.js";
import { collect, positiveInt, type CliContext, type GlobalOptions } from "../context.js";
import { outputWidth } from "../io.js";

/** Options of `envseal audit`, as commander parses them. */
interface AuditOptions {
  regions?: string;
  input?: string;
  template?: string[];
  allVersions?: boolean;
  format?: ReportFormat;
  out?: string;
  failOn: FailOn;
  ignore?: string[];
  baseline?: string;
  requireCmk?: boolean;
  force?: boolean;
  org?: boolean;
  accounts?: string;
  roleName?: string;
  externalId?: string;
  includeCurrent?: boolean;
  concurrency?: number;
  securityHub?: boolean;
}

/** The format when `--format` is absent: from the `--out` extension, else `--output json`, else table on a TTY, else JSON. */
export function defaultFormat(opts: Pick<AuditOptions, "out">, g: Pick<GlobalOptions, "output">, stdoutIsTTY: boolean): ReportFormat {
  if (opts.out) {
    if (/\.sarif(\.json)?$/i.test(opts.out)) return "sarif";
    if (/\.asff(\.json)?$/i.test(opts.out)) return "asff";
    if (/\.(md|markdown)$/i.test(opts.out)) return "markdown";
    if (/\.(txt|log)$/i.test(opts.out)) return "table";
    return "json";
  }
  if (g.output === "json") return "json";
  return stdoutIsTTY ? "table" : "json";
}

/**
 * Refuse flag combinations that cannot work, before any AWS call. Returns whether this is an organisation audit.
 *
 * @example
 * ```ts
 * checkAuditFlags({ org: true, roleName: "EnvsealAudit", failOn: "high" }); // true
 * checkAuditFlags({ roleName: "EnvsealAudit", failOn: "high" });            // throws InputError: needs --org or --accounts
 * ```
 */
export function checkAuditFlags(opts: AuditOptions): boolean {
  const org = Boolean(opts.org) || opts.accounts !== undefined;
  const orgOnly = (["roleName", "externalId", "includeCurrent", "concurrency"] as const).filter((k) => opts[k] !== undefined);
  const flag = (k: string) => `--${k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
  if (!org && orgOnly.length > 0) throw new InputError(`${flag(orgOnly[0]!)} works only with --org or --accounts`, { hint: "add --org (every account of the organisation) or --accounts ID,ID" });
  if (org && !opts.roleName) throw new InputError("--org needs --role-name: the role to assume in each account", { hint: "e.g. --role-name EnvsealAudit (deploy it with samples/template-org-audit-role.yaml)" });
  if (opts.input !== undefined && org) throw new InputError("--input cannot be combined with --org or --accounts", { hint: "audit a file offline, or an organisation live" });
  if (opts.template !== undefined && org) throw new InputError("--template cannot be combined with --org or --accounts", { hint: "audit templates before deploy, or an organisation live" });
  if (opts.template !== undefined && opts.format === "asff") throw new InputError("--format asff needs each function's account, which templates do not name", { hint: "use --format sarif, json, markdown or table with --template" });
  if (opts.template !== undefined && opts.securityHub) throw new InputError("--security-hub needs a live audit, not --template", { hint: "drop --template: Security Hub takes the findings of deployed functions" });
  if (opts.input !== undefined && opts.securityHub) throw new InputError("--security-hub needs a live audit, not --input", { hint: "drop --input, or use --format asff to write the findings to a file" });
  return org;
}

/** Exit 3 when an org audit reached no account or Security Hub did not take findings; exit 1 when findings remain. */
function verdict(report: AuditReport, failOn: FailOn): void {
  const missing = report.summary.notAudited ?? [];
  if (report.org && report.org.accountsAudited === 0) {
    throw new AwsError(`no account could be audited (${missing.length} not audited; first: ${missing[0]?.reason ?? "unknown"})`, {
      code: "NothingAudited",
      operation: "sts:AssumeRole",
      hint: "check the member role and its trust policy in each account (docs/audit.md, Organisation audit)",
    });
  }
  const hub = report.securityHub;
  if (hub && (hub.failed.length > 0 || (hub.targets === 0 && hub.notPublished.length > 0))) {
    const what = hub.failed.length > 0 ? `${hub.failed.length} finding${hub.failed.length === 1 ? "" : "s"} not taken (first: ${hub.failed[0]!.code})` : `nothing published (first: ${hub.notPublished[0]!.reason})`;
    throw new AwsError(`Security Hub: ${what}`, { code: "SecurityHubPartialFailure", operation: "securityhub:BatchImportFindings", hint: "see securityHub in the report; run again to retry" });
  }
  if (report.summary.failed) {
    throw new FindingsError(`findings at or above --fail-on ${failOn} remain`, { hint: "fix them, or accept them with --ignore RULE[:GLOB] or --baseline FILE" });
  }
}

/** `envseal audit`. */
export function makeAuditCommand(ctx: CliContext): Command {
  return new Command("audit")
    .summary("scan Lambda functions (an account, an organisation, offline or in templates) for plaintext secrets and weak protection")
    .description(
      "Scan Lambda functions for plaintext secrets, sealed values that are not ciphertext, manifest drift, missing or unusable " +
        "at-rest keys, Environment.Error and oversized environments — in one account, every account of an organisation (--org), " +
        "in list-functions output, or before deploy in SAM/CloudFormation templates, CDK output and Terraform plans (--template). " +
        "Exit 1 when a finding at or above --fail-on remains. See docs/audit.md.",
    )
    .option("--regions <all|r1,r2>", "regions to scan: all (every region enabled for the account) or a list (default: --region / AWS_REGION)")
    .option("--input <file>", "audit `aws lambda list-functions` output offline instead (no credentials; key checks not run)")
    .addOption(
      new Option(
        "--template <paths...>",
        "audit templates before deploy instead: SAM/CloudFormation YAML or JSON files, folders, cdk.out, `terraform show -json` plans",
      ).conflicts(["input", "regions", "allVersions"]),
    )
    .option("--all-versions", "include published versions (FunctionVersion=ALL): they keep old plaintext forever")
    .option("--org", "audit every ACTIVE account of the organisation (Organizations ListAccounts) through --role-name")
    .option("--accounts <id,id>", "audit these accounts through --role-name (instead of listing the organisation)")
    .option("--role-name <name>", "with --org / --accounts: the role to assume in each account (session name envseal-audit)")
    .option("--external-id <id>", "with --org / --accounts: the external id the member roles' trust policy requires")
    .option("--include-current", "with --org / --accounts: also audit the current account, with the caller's own credentials")
    .option("--concurrency <n>", "with --org / --accounts: account-regions audited in parallel (default 6)", positiveInt("--concurrency"))
    .option("--security-hub", "send the findings to Security Hub (BatchImportFindings) and archive the ones that are gone")
    .addOption(new Option("--format <format>", "report format (default: table on a TTY, else JSON)").choices([...REPORT_FORMATS]))
    .option("--out <file>", "write the report to a new file (mode 0600, links not followed) and print a one-line summary")
    .option("--force", "with --out: replace the file if it exists")
    .addOption(new Option("--fail-on <severity>", "exit 1 when a finding at or above this remains").choices(["none", "low", "medium", "high", "critical"]).default("high"))
    .option("--ignore <RULE[:GLOB]>", "suppress a rule, optionally only for functions matching the glob (repeatable)", collect)
    .option("--baseline <file>", "a previous JSON report: its findings do not fail the run")
    .option("--require-cmk", "report environments without a customer managed at-rest key as medium (default low)")
    .action(async (opts: AuditOptions, cmd: Command) => {
      const g = ctx.globals(cmd);
      const org = checkAuditFlags(opts);
      // The auditor (SDK clients, secretlint, progress bar) loads only when an audit runs.
      const [{ audit }, { auditClients }, { parseRegions }, { progressBar }] = await Promise.all([
        import("../../audit/run.js"),
        import("../../audit/clients.js"),
        import("../../audit/live.js"),
        import("../../audit/progress.js"),
      ]);
      const regions = opts.regions !== undefined ? parseRegions(opts.regions) : undefined;
      const base = {
        regions,
        allVersions: opts.allVersions,
        requireCmk: opts.requireCmk,
        failOn: opts.failOn,
        ignore: opts.ignore,
        baseline: opts.baseline,
        emulator: emulatorFrom(ctx.io.env),
        securityHub: opts.securityHub,
      };
      const bar = g.quiet ? undefined : progressBar(ctx.io.stderr);
      let report: AuditReport;
      try {
        if (org) {
          const [{ auditOrg }, { orgClients }, accounts] = await Promise.all([import("../../audit/org/run.js"), import("../../audit/org/clients.js"), import("../../audit/org/accounts.js")]);
          const orgOptions = {
            accounts: opts.accounts !== undefined ? accounts.parseAccounts(opts.accounts) : undefined,
            roleName: accounts.parseRoleName(opts.roleName ?? ""),
            externalId: opts.externalId !== undefined ? accounts.parseExternalId(opts.externalId) : undefined,
            includeCurrent: opts.includeCurrent,
            concurrency: opts.concurrency,
          };
          const clients = orgClients(ctx.awsOptions(g));
          try {
            report = await auditOrg({ ...base, org: orgOptions, onProgress: bar?.update }, clients);
          } finally {
            clients.close();
          }
        } else {
          report = await audit(
            { ...base, input: opts.input, templates: opts.template, onProgress: bar?.update },
            opts.input === undefined && opts.template === undefined ? auditClients(ctx.awsOptions(g)) : undefined,
          );
        }
      } finally {
        bar?.stop();
      }
      const format = opts.format ?? defaultFormat(opts, g, Boolean(ctx.io.stdout.isTTY));
      // The table fits the terminal (or COLUMNS); a file, a pipe without COLUMNS, and the other formats keep whole lines.
      const pieces = renderReportChunks(report, format, { color: g.color && !opts.out, width: opts.out ? undefined : outputWidth(ctx.io) });
      if (opts.out) {
        await writeReportFile(opts.out, pieces, { force: Boolean(opts.force) });
        if (!g.quiet) ctx.output.out(`${summaryLine(report)}; ${format} report written to ${opts.out}\n`);
      } else {
        for (const piece of pieces) ctx.output.out(piece);
      }
      // Machine formats and files carry "not audited" inside; say it on stderr too, so it is never missed.
      const missing = report.summary.notAudited ?? [];
      if (missing.length > 0 && (opts.out || format !== "table") && !g.quiet) {
        ctx.output.err(`envseal: warning: not audited: ${visible(missing.map((n) => `${n.account}${n.region ? ` ${n.region}` : ""}`).join(", "))} (reasons in summary.notAudited)\n`);
      }
      verdict(report, opts.failOn);
    });
}
