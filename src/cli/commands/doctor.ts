import { Command } from "commander";
import { emulatorFrom } from "../../core/ciphertext.js";
import { FindingsError, InputError } from "../../core/errors.js";
import type { DoctorReport } from "../../ops/doctor.js";
import type { CliContext } from "../context.js";
import { paint } from "../render.js";

/** Options of `envseal doctor`, as commander parses them. */
interface DoctorCliOptions {
  function?: string;
  all?: boolean;
  regions?: string;
  sealingKey?: string;
}

const MARK = { pass: ["✓", "green"], fail: ["✗", "red"], unknown: ["?", "yellow"], warn: ["!", "yellow"] } as const;

/**
 * The checklist as text: one line per check, with its detail and, when not passing, its fix.
 *
 * @example
 * ```ts
 * renderDoctor(report, false); // "orders-api (arn:…)\n  ✓ execution role: arn:aws:iam::…\n…"
 * ```
 */
export function renderDoctor(report: DoctorReport, color: boolean): string {
  const lines: string[] = [];
  for (const f of report.functions) {
    lines.push(`${paint(color, "bold", f.functionName)} (${f.functionArn}), at-rest key ${f.atRestKey}`);
    for (const c of f.checks) {
      const [mark, tone] = MARK[c.status];
      lines.push(`  ${paint(color, tone, `${mark} ${c.status.padEnd(7)}`)} ${c.title}: ${c.detail}`);
      if (c.fix && c.status !== "pass") lines.push(`            fix: ${c.fix}`);
    }
    const n = f.counts;
    lines.push(`  ${n.pass} pass, ${n.fail} fail, ${n.unknown} unknown, ${n.warn} warn`, "");
  }
  if (report.functions.length === 0) lines.push("no function found", "");
  return `${lines.join("\n")}`;
}

/**
 * `envseal doctor`.
 *
 * @example
 * ```ts
 * program.addCommand(makeDoctorCommand(ctx)); // envseal doctor --function F | --all [--regions …]
 * ```
 */
export function makeDoctorCommand(ctx: CliContext): Command {
  return new Command("doctor")
    .summary("will this function start and unseal? key access of the execution role, sealed values, injection variables")
    .description(
      "Check, for one function (--function) or every function of the chosen regions (--all), that the execution role may " +
        "kms:Decrypt the at-rest key and the key of each sealed value (key policy, grants, IAM policy simulation), that the " +
        "manifest, bundle and values are consistent, and which configuration-injection variables are set. Each check is pass, " +
        "fail, unknown (the caller may not read what decides it) or warn. Exit 1 when a check fails. See docs/doctor.md.",
    )
    .option("-f, --function <name>", "function name or ARN")
    .option("--all", "every function of --regions (default: --region / AWS_REGION)")
    .option("--regions <all|r1,r2>", "with --all: regions to check, or all enabled regions")
    .option("--sealing-key <key>", "the key the values were sealed with (the --key given to push); a real KMS blob does not name it")
    .action(async (opts: DoctorCliOptions, cmd: Command) => {
      const g = ctx.globals(cmd);
      if (Boolean(opts.function) === Boolean(opts.all)) {
        throw new InputError("doctor needs exactly one of --function F and --all", { hint: "envseal doctor --function F, or envseal doctor --all [--regions r1,r2]" });
      }
      if (opts.regions !== undefined && !opts.all) throw new InputError("--regions applies to --all", { hint: "use --region with --function" });
      const emulator = emulatorFrom(ctx.io.env);
      const ops = await import("../../ops/doctor.js");
      let report: DoctorReport;
      if (opts.function) {
        report = await ops.doctor(await ctx.deps(g), { functionName: opts.function, sealingKey: opts.sealingKey, emulator });
      } else {
        const [{ auditClients }, { parseRegions }, { createIamClient }] = await Promise.all([
          import("../../audit/clients.js"),
          import("../../audit/live.js"),
          import("../../transport/clients.js"),
        ]);
        const options = ctx.awsOptions(g);
        const iam = createIamClient(options);
        try {
          const regions = opts.regions !== undefined ? parseRegions(opts.regions) : undefined;
          report = await ops.doctorAll(auditClients(options), { iam: () => iam }, { regions, sealingKey: opts.sealingKey, emulator });
        } finally {
          iam.destroy();
        }
      }
      ctx.print(g, report, () => renderDoctor(report, g.color));
      if (report.failed) {
        const n = report.functions.reduce((s, f) => s + f.counts.fail, 0);
        throw new FindingsError(`doctor: ${n} check(s) failed`, { hint: "apply each failing check's fix, then run doctor again" });
      }
    });
}
