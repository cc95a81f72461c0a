import { Command, Option } from "commander";
import { InputError } from "../../core/errors.js";
import { type PushPreview } from "../../ops/push.js";
import { collect, wireFormatOption, type CliContext } from "../context.js";
import { diffSummary, renderDiff, renderPush } from "../render.js";
import { collectValues, splitAssignments } from "../values.js";

/** Typed options of `push`. */
export interface PushOptions {
  function: string;
  key?: string;
  dotenv?: string;
  envFile?: string;
  plain?: string[];
  atRestKey?: string;
  atRestOnly?: boolean;
  unseal?: boolean;
  bundle?: boolean;
  dryRun?: boolean;
  yes?: boolean;
  wireFormat: "v1" | "v2";
}

/** `envseal push`. */
export function makePushCommand(ctx: CliContext): Command {
  return new Command("push")
    .summary("seal values and merge them into a function's environment (others kept)")
    .description(
      "Seal values client-side with KMS and merge them into the function's environment: other variables are kept, " +
        "ENVSEAL_SEALED and KMSKeyArn are updated, the write carries the RevisionId and waits until the update is live. " +
        "NAME alone reads the value from stdin (piped) or a hidden prompt, so it stays out of shell history.",
    )
    .argument("[values...]", "NAME=VALUE or NAME (value from stdin or a hidden prompt)")
    .requiredOption("-f, --function <name>", "function name or ARN")
    .option("-k, --key <key>", "KMS key to seal with: key id, key ARN, alias/NAME, alias ARN (aws/lambda needs --at-rest-only)")
    .option("--dotenv <path>", "read NAME=VALUE pairs from a dotenv file")
    .addOption(new Option("--env-file <path>", "older spelling of --dotenv (Node itself intercepts it when the file is missing)").hideHelp())
    .option("--plain <NAME=VALUE>", "store a value unsealed (repeatable)", collect)
    .option("--bundle", "keep every sealed secret in one ENVSEAL_BUNDLE (moves per-variable ones in)")
    .option("--no-bundle", "one variable per sealed secret (moves the bundle's entries out)")
    .option("--at-rest-key <key>", "at-rest key (KMSKeyArn): a customer managed key, or aws/lambda to clear it (default: the sealing key)")
    .option("--at-rest-only", "store the values unsealed, protected at rest only (layer 1)")
    .option("--unseal", "allow --plain or --at-rest-only to replace a value that is sealed now (the diff says sealed → PLAIN)")
    .addOption(wireFormatOption())
    .option("--dry-run", "print what would change; call no write API")
    .option("-y, --yes", "do not ask before writing")
    .action(async (values: string[], opts: PushOptions, cmd: Command) => {
      const g = ctx.globals(cmd);
      const secrets = await collectValues(ctx.io, { args: values, dotenv: opts.dotenv, envFile: opts.envFile });
      const plain = splitAssignments(opts.plain ?? [], "--plain");
      if (plain.bare.length > 0) {
        throw new InputError(`--plain ${plain.bare[0]} needs a value`, { hint: "write --plain NAME=VALUE" });
      }
      for (const v of Object.values(secrets)) ctx.output.registerSecret(v);
      const { push } = await import("../../ops/push.js");
      const result = await push(await ctx.deps(g), {
        functionName: opts.function,
        key: opts.key,
        secrets,
        plain: plain.assigned,
        atRestKey: opts.atRestKey,
        atRestOnly: Boolean(opts.atRestOnly),
        unseal: Boolean(opts.unseal),
        wireVersion: opts.wireFormat === "v1" ? 1 : 2,
        bundle: opts.bundle,
        dryRun: Boolean(opts.dryRun),
        confirm: ctx.confirmer<PushPreview>(
          opts.yes,
          (p) => `Write these changes to ${p.functionName}?`,
          (p) => `${p.functionName}: ${diffSummary(p.diff)}; ${p.bytes} of 4096 bytes; at rest: ${p.atRestKey}\n${renderDiff(p.diff, g.color)}`,
        ),
      });
      ctx.print(g, result, () => renderPush(result, g.color, ctx.shownBeforeWrite));
    });
}
