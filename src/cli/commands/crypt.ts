import { Command, Option } from "commander";
import { writeFile } from "node:fs/promises";
import { InputError } from "../../core/errors.js";
import type { CliContext } from "../context.js";
import { collectValues } from "../values.js";

/** `envseal encrypt`. */
export function makeEncryptCommand(ctx: CliContext): Command {
  return new Command("encrypt")
    .summary("print sealed values for a function (dotenv or JSON); writes nothing to AWS")
    .argument("[values...]", "NAME=VALUE or NAME (value from stdin or a hidden prompt)")
    .requiredOption("-f, --function <name>", "function the values are for (their encryption context)")
    .requiredOption("-k, --key <key>", "customer managed KMS key: key id, key ARN, alias/NAME or alias ARN")
    .option("--dotenv <path>", "read NAME=VALUE pairs from a dotenv file")
    .addOption(new Option("--env-file <path>", "older spelling of --dotenv (Node itself intercepts it when the file is missing)").hideHelp())
    .option("--bundle", "seal all values as one ENVSEAL_BUNDLE (one Decrypt opens them all)")
    .action(async (values: string[], opts: { function: string; key: string; dotenv?: string; envFile?: string; bundle?: boolean }, cmd: Command) => {
      const g = ctx.globals(cmd);
      const plain = await collectValues(ctx.io, { args: values, dotenv: opts.dotenv, envFile: opts.envFile });
      for (const v of Object.values(plain)) ctx.output.registerSecret(v);
      const { encrypt } = await import("../../ops/crypt.js");
      const result = await encrypt(await ctx.deps(g), { functionName: opts.function, key: opts.key, values: plain, bundle: Boolean(opts.bundle) });
      if (g.output === "json") ctx.output.out(`${JSON.stringify(result, null, 2)}\n`);
      else ctx.output.out(Object.entries(result.sealed).map(([n, v]) => `${n}=${v}\n`).join(""));
    });
}

/** `envseal decrypt`. */
export function makeDecryptCommand(ctx: CliContext): Command {
  return new Command("decrypt")
    .summary("open one sealed value (from the argument or stdin)")
    .argument("[value]", "sealed value (base64); read from stdin when omitted")
    .requiredOption("-f, --function <name>", "function the value was sealed for")
    .option("--out <file>", "write the plaintext to a new file (mode 0600) instead of stdout")
    .action(async (value: string | undefined, opts: { function: string; out?: string }, cmd: Command) => {
      const g = ctx.globals(cmd);
      let sealed = value;
      if (sealed === undefined) {
        if (ctx.io.stdinIsTTY) throw new InputError("decrypt needs a value", { hint: "pass it as an argument or pipe it on stdin" });
        sealed = (await ctx.io.readStdin()).trim();
      }
      const { decrypt } = await import("../../ops/crypt.js");
      const result = await decrypt(await ctx.deps(g), { functionName: opts.function, value: sealed });
      if (opts.out) {
        try {
          await writeFile(opts.out, result.plaintext, { mode: 0o600, flag: "wx" });
        } catch (err) {
          const code = (err as NodeJS.ErrnoException).code;
          throw new InputError(`cannot write --out ${opts.out} (${code ?? "error"})`, {
            hint: code === "EEXIST" ? "choose a path that does not exist yet" : "choose a writable path",
          });
        }
        ctx.print(g, { functionName: result.functionName, keyArn: result.keyArn, out: opts.out }, () => `wrote ${opts.out} (mode 0600)\n`);
        return;
      }
      if (g.output === "json") ctx.output.outSecret(`${JSON.stringify(result, null, 2)}\n`);
      else ctx.output.outSecret(ctx.io.stdout.isTTY ? `${result.plaintext}\n` : result.plaintext);
    });
}
