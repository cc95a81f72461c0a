import { Command } from "commander";
import type { EnvDiff } from "../../core/diff.js";
import type { CliContext } from "../context.js";
import { diffSummary, renderDiff, writtenLine } from "../render.js";

/** `envseal unset`. */
export function makeUnsetCommand(ctx: CliContext): Command {
  return new Command("unset")
    .summary("remove variables from a function (and from the manifest)")
    .argument("<names...>", "variable names to remove")
    .requiredOption("-f, --function <name>", "function name or ARN")
    .option("-y, --yes", "do not ask before writing")
    .action(async (names: string[], opts: { function: string; yes?: boolean }, cmd: Command) => {
      const g = ctx.globals(cmd);
      const { unset } = await import("../../ops/unset.js");
      const result = await unset(await ctx.deps(g), {
        functionName: opts.function,
        names,
        confirm: ctx.confirmer<{ functionName: string; diff: EnvDiff }>(
          opts.yes,
          (p) => `Remove these from ${p.functionName}?`,
          (p) => renderDiff(p.diff, g.color),
        ),
      });
      // The summary line always; the names again only when the prompt did not just show them.
      ctx.print(g, result, () =>
        `${result.functionName}: ${diffSummary(result.diff)}; ${result.bytes} of 4096 bytes\n${ctx.shownBeforeWrite ? "" : renderDiff(result.diff, g.color)}${writtenLine(result)}`,
      );
    });
}
