/**
 * Key lifecycle commands: `rotate`, `copy`, `adopt`.
 * @module
 */
import { Command } from "commander";
import type { EnvDiff } from "../../core/diff.js";
import type { CliContext } from "../context.js";
import { diffSummary, renderDiff, writtenLine } from "../render.js";

/** `envseal rotate`. */
export function makeRotateCommand(ctx: CliContext): Command {
  return new Command("rotate")
    .summary("re-encrypt every sealed value to another key server-side (ReEncrypt), then set KMSKeyArn")
    .requiredOption("-f, --function <name>", "function name or ARN")
    .requiredOption("--to-key <key>", "customer managed KMS key to re-encrypt to")
    .option("--dry-run", "re-encrypt to check permissions, write nothing")
    .option("-y, --yes", "do not ask before writing")
    .action(async (opts: { function: string; toKey: string; dryRun?: boolean; yes?: boolean }, cmd: Command) => {
      const g = ctx.globals(cmd);
      const { rotate } = await import("../../ops/rotate.js");
      const r = await rotate(await ctx.deps(g), {
        functionName: opts.function,
        toKey: opts.toKey,
        dryRun: Boolean(opts.dryRun),
        confirm: ctx.confirmer<{ functionName: string; names: readonly string[]; toKeyArn: string }>(
          opts.yes,
          (p) => `Re-encrypt ${p.names.length} value(s) of ${p.functionName} to ${p.toKeyArn}?`,
          (p) => p.names.map((n) => `  ~ ${n}\n`).join(""),
        ),
      });
      ctx.print(g, r, () =>
        `${r.functionName}: ${r.names.length} value(s) re-encrypted from ${r.fromKeyArns.join(", ")} to ${r.toKeyArn}\n` +
        r.names.map((n) => `  ~ ${n}\n`).join("") +
        (r.dryRun ? "" : `at rest: ${r.atRestKey}\n`) +
        writtenLine(r),
      );
    });
}

/** `envseal copy`. */
export function makeCopyCommand(ctx: CliContext): Command {
  return new Command("copy")
    .summary("copy sealed values to another function, re-bound to its name (fixes InvalidCiphertextException after a rename)")
    .argument("[names...]", "names to copy (default: every sealed name)")
    .requiredOption("--from <function>", "source function name or ARN")
    .requiredOption("--to <function>", "target function name or ARN")
    .option("-k, --key <key>", "key to seal under for the target (default: the target's at-rest key, else the source's)")
    .option("--overwrite", "replace names the target already has")
    .option("--dry-run", "compute, write nothing")
    .option("-y, --yes", "do not ask before writing")
    .action(async (names: string[], opts: { from: string; to: string; key?: string; overwrite?: boolean; dryRun?: boolean; yes?: boolean }, cmd: Command) => {
      const g = ctx.globals(cmd);
      const { copy } = await import("../../ops/copy.js");
      const r = await copy(await ctx.deps(g), {
        from: opts.from,
        to: opts.to,
        names,
        key: opts.key,
        overwrite: Boolean(opts.overwrite),
        dryRun: Boolean(opts.dryRun),
        confirm: ctx.confirmer<{ functionName: string; diff: EnvDiff }>(
          opts.yes,
          (p) => `Write these changes to ${p.functionName}?`,
          (p) => renderDiff(p.diff, g.color),
        ),
      });
      ctx.print(g, r, () =>
        `${r.from} → ${r.to}: ${diffSummary(r.diff)}; sealed under ${r.keyArn}\n${renderDiff(r.diff, g.color)}` +
        writtenLine({ ...r, functionName: r.to }),
      );
    });
}

/** `envseal adopt`. */
export function makeAdoptCommand(ctx: CliContext): Command {
  return new Command("adopt")
    .summary("add values sealed elsewhere (Lambda console) to the manifest, after checking they open")
    .argument("<names...>", "variables holding console-sealed values")
    .requiredOption("-f, --function <name>", "function name or ARN")
    .option("-y, --yes", "do not ask before writing")
    .action(async (names: string[], opts: { function: string; yes?: boolean }, cmd: Command) => {
      const g = ctx.globals(cmd);
      const { adopt } = await import("../../ops/adopt.js");
      const r = await adopt(await ctx.deps(g), {
        functionName: opts.function,
        names,
        confirm: ctx.confirmer<{ functionName: string; names: readonly string[] }>(
          opts.yes,
          (p) => `Add ${p.names.join(", ")} to ENVSEAL_SEALED of ${p.functionName}?`,
          () => "",
        ),
      });
      ctx.print(g, r, () =>
        r.adopted.map((n) => `  + ${n} (sealed with ${r.keys[n]})\n`).join("") +
        r.alreadySealed.map((n) => `  = ${n} (already in ENVSEAL_SEALED)\n`).join("") +
        (r.adopted.length ? `${r.functionName}: ${r.adopted.length} adopted; ${writtenLine(r)}` : `${r.functionName}: nothing to adopt\n`),
      );
    });
}
