import { Command } from "commander";
import type { CliContext } from "../context.js";
import { renderShow, renderShowNames } from "../render.js";

/** `envseal show`. */
export function makeShowCommand(ctx: CliContext): Command {
  return new Command("show")
    .summary("list a function's variables: sealed or plain, bytes used of 4096, at-rest key")
    .requiredOption("-f, --function <name>", "function name or ARN")
    .option("--reveal", "also print every value, opening sealed ones (needs kms:Decrypt)")
    .action(async (opts: { function: string; reveal?: boolean }, cmd: Command) => {
      const g = ctx.globals(cmd);
      const { show } = await import("../../ops/show.js");
      const result = await show(await ctx.deps(g), { functionName: opts.function, reveal: Boolean(opts.reveal) });
      if (g.output !== "json" && g.quiet) {
        // --quiet: the names only (values are never printed without --output json or the table).
        ctx.output.out(renderShowNames(result));
        return;
      }
      if (opts.reveal) {
        if (g.output === "json") ctx.output.outSecret(`${JSON.stringify(result, null, 2)}\n`);
        else ctx.output.outSecret(renderShow(result, g.color));
        return;
      }
      ctx.print(g, result, () => renderShow(result, g.color));
    });
}
