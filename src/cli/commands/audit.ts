import { Command, Option } from "commander";
import { REPORT_FORMATS, renderReport, writeReportFile, type ReportFormat } from "../../audit/format/index.js";
import { summaryLine } from "../../audit/report.js";
import type { FailOn } from "../../audit/types.js";
import { emulatorFrom } from "../../core/ciphertext.js";
import { FindingsError } from "../../core/errors.js";
import { collect, type CliContext, type GlobalOptions } from "../context.js";

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
}

/** The format when `--format` is absent: from the `--out` extension, else `--output json`, else table on a TTY, else JSON. */
export function defaultFormat(opts: Pick<AuditOptions, "out">, g: Pick<GlobalOptions, "output">, stdoutIsTTY: boolean): ReportFormat {
  if (opts.out) {
    if (/\.sarif(\.json)?$/i.test(opts.out)) return "sarif";
    if (/\.(md|markdown)$/i.test(opts.out)) return "markdown";
    if (/\.(txt|log)$/i.test(opts.out)) return "table";
    return "json";
  }
  if (g.output === "json") return "json";
  return stdoutIsTTY ? "table" : "json";
}

/** `envseal audit`. */
export function makeAuditCommand(ctx: CliContext): Command {
  return new Command("audit")
    .summary("scan an account's Lambda functions (live, offline or in templates) for plaintext secrets and weak protection")
    .description(
      "Scan Lambda functions for plaintext secrets, sealed values that are not ciphertext, manifest drift, missing or unusable " +
        "at-rest keys, Environment.Error and oversized environments — in an account, in list-functions output, or before deploy " +
        "in SAM/CloudFormation templates, CDK output and Terraform plans (--template). Exit 1 when a finding at or above " +
        "--fail-on remains. See docs/audit.md.",
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
    .addOption(new Option("--format <format>", "report format (default: table on a TTY, else JSON)").choices([...REPORT_FORMATS]))
    .option("--out <file>", "write the report to a new file (mode 0600, links not followed) and print a one-line summary")
    .option("--force", "with --out: replace the file if it exists")
    .addOption(new Option("--fail-on <severity>", "exit 1 when a finding at or above this remains").choices(["none", "low", "medium", "high", "critical"]).default("high"))
    .option("--ignore <RULE[:GLOB]>", "suppress a rule, optionally only for functions matching the glob (repeatable)", collect)
    .option("--baseline <file>", "a previous JSON report: its findings do not fail the run")
    .option("--require-cmk", "report environments without a customer managed at-rest key as medium (default low)")
    .action(async (opts: AuditOptions, cmd: Command) => {
      const g = ctx.globals(cmd);
      // The auditor (SDK clients, secretlint, progress bar) loads only when an audit runs.
      const [{ audit }, { auditClients }, { parseRegions }, { progressBar }] = await Promise.all([
        import("../../audit/run.js"),
        import("../../audit/clients.js"),
        import("../../audit/live.js"),
        import("../../audit/progress.js"),
      ]);
      const regions = opts.regions !== undefined ? parseRegions(opts.regions) : undefined;
      const bar = g.quiet ? undefined : progressBar(ctx.io.stderr);
      let report;
      try {
        report = await audit(
          {
            regions,
            input: opts.input,
            templates: opts.template,
            allVersions: opts.allVersions,
            requireCmk: opts.requireCmk,
            failOn: opts.failOn,
            ignore: opts.ignore,
            baseline: opts.baseline,
            emulator: emulatorFrom(ctx.io.env),
            onProgress: bar?.update,
          },
          opts.input === undefined && opts.template === undefined ? auditClients(ctx.awsOptions(g)) : undefined,
        );
      } finally {
        bar?.stop();
      }
      const format = opts.format ?? defaultFormat(opts, g, Boolean(ctx.io.stdout.isTTY));
      const text = renderReport(report, format, { color: g.color && !opts.out });
      if (opts.out) {
        await writeReportFile(opts.out, text, { force: Boolean(opts.force) });
        if (!g.quiet) ctx.output.out(`${summaryLine(report)}; ${format} report written to ${opts.out}\n`);
      } else {
        ctx.output.out(text);
      }
      if (report.summary.failed) {
        throw new FindingsError(`findings at or above --fail-on ${opts.failOn} remain`, {
          hint: "fix them, or accept them with --ignore RULE[:GLOB] or --baseline FILE",
        });
      }
    });
}
