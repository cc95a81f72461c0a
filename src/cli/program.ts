/**
 * The commander program: global options and one command per file. Actions parse options into typed objects and
 * call one library function; they neither exit nor catch. {@link runCli} is the one place that maps errors to
 * exit codes.
 * @module
 */
import { Command, CommanderError, Option } from "commander";
import { Declined, EnvsealError, ExitCode, FindingsError, exitCodeOf, type ExitCode as Code } from "../core/errors.js";
import { visible } from "../core/visible.js";
import { CliContext, positiveInt, type DepsFactory } from "./context.js";
import type { Io } from "./io.js";
import { makeDecryptCommand, makeEncryptCommand } from "./commands/crypt.js";
import { makePushCommand } from "./commands/push.js";
import { makeShowCommand } from "./commands/show.js";
import { makeUnsetCommand } from "./commands/unset.js";
import { extraCommands } from "./registry.js";

/** The version printed by `--version`. */
export const VERSION = "0.1.0";

/** Build the program for one run. */
export function buildProgram(ctx: CliContext): Command {
  const program = new Command("envseal")
    .description(
      "Keep secrets in AWS Lambda environment variables safe: seal them client-side with KMS (layer 2, sealed) on top of " +
        "Lambda's encryption at rest (layer 1); unseal at cold start; audit accounts.",
    )
    .version(VERSION)
    .option("--region <region>", "AWS region (default: AWS_REGION or the profile's)")
    .option("--profile <name>", "named profile from ~/.aws/config")
    .option("--endpoint-url <url>", "endpoint for every AWS call (AWS_ENDPOINT_URL_KMS / _LAMBDA work too)")
    .addOption(new Option("-o, --output <format>", "output format").choices(["text", "json"]).default("text"))
    .option("--no-color", "no colors (NO_COLOR works too)")
    .option("-q, --quiet", "print only what a script needs")
    .option("-v, --verbose", "show stack traces and AWS request ids on errors")
    .option("--max-attempts <n>", "attempts per AWS call, first included (default 3; audit: 8)", positiveInt("--max-attempts"))
    .option("--timeout <seconds>", "socket timeout per AWS request (default 10)", positiveInt("--timeout"))
    .option("--fips", "use FIPS endpoints (AWS_USE_FIPS_ENDPOINT=true works too)")
    .option("--ca-bundle <file>", "trusted CA certificates, PEM, used instead of Node's roots (AWS_CA_BUNDLE works too)")
    // Each command's --help lists the global options too: they go before or after the command name.
    .configureHelp({ showGlobalOptions: true })
    .showHelpAfterError("(run with --help for usage)")
    .exitOverride()
    .configureOutput({
      writeOut: (s) => ctx.io.stdout.write(s),
      writeErr: (s) => ctx.io.stderr.write(s),
      // commander quotes what was typed (an unknown option, an argument): control characters in it are shown as escapes.
      outputError: (s, write) => write(`envseal: ${s.split("\n").map(visible).join("\n")}`),
    });
  const commands = [
    makeEncryptCommand,
    makeDecryptCommand,
    makePushCommand,
    makeShowCommand,
    makeUnsetCommand,
    ...extraCommands,
  ];
  for (const make of commands) {
    const cmd = make(ctx);
    cmd.copyInheritedSettings(program);
    cmd.showHelpAfterError(`(run envseal ${cmd.name()} --help for usage)`);
    program.addCommand(cmd);
  }
  return program;
}

/** Options of {@link runCli}. */
export interface RunOptions {
  /** Build AWS clients (tests pass mocks or point at an emulator). Default: real clients. */
  deps?: DepsFactory;
}

/**
 * Run the CLI with `argv` (without `node` and the script) and return the exit code. Never calls `process.exit`.
 *
 * @example
 * ```ts
 * const code = await runCli(["show", "--function", "orders-api"], processIo());
 * ```
 */
export async function runCli(argv: readonly string[], io: Io, options: RunOptions = {}): Promise<Code> {
  const ctx = new CliContext(io, options.deps);
  const program = buildProgram(ctx);
  const verbose = argv.includes("--verbose") || argv.includes("-v");
  try {
    await program.parseAsync([...argv], { from: "user" });
    return ExitCode.Ok;
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.code === "commander.helpDisplayed" || err.code === "commander.version" || err.code === "commander.help") return ExitCode.Ok;
      return ExitCode.Usage;
    }
    const code = exitCodeOf(err);
    if (err instanceof Declined) {
      // "n" at the prompt is an answer, not a failure.
      ctx.output.errLine(`envseal: ${err.message}`);
      return ExitCode.Ok;
    }
    if (err instanceof FindingsError) {
      ctx.output.errLine(`envseal: ${err.oneLine}`);
    } else if (err instanceof EnvsealError) {
      ctx.output.errLine(`envseal: error: ${err.oneLine}`);
      if (verbose) {
        if (err.cause) ctx.output.err(`  cause: ${JSON.stringify(err.cause)}\n`);
        ctx.output.err(`${err.stack ?? ""}\n`);
      }
    } else {
      const e = err as Error;
      ctx.output.errLine(`envseal: unexpected error: ${e?.name ?? "Error"}: ${e?.message ?? String(err)}; run with --verbose and report it`);
      if (verbose) ctx.output.err(`${e?.stack ?? ""}\n`);
    }
    return code;
  } finally {
    ctx.close();
  }
}
