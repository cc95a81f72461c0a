/**
 * `seal` (seal plaintext variables in place) and `get` (read one variable).
 * @module
 */
import { Command } from "commander";
import { readFile, writeFile } from "node:fs/promises";
import { InputError } from "../../core/errors.js";
import type { EnvDiff } from "../../core/diff.js";
import type { CliContext } from "../context.js";
import { diffSummary, renderDiff, writtenLine } from "../render.js";

/** The plaintext-secret findings (ES001) of one function in an `envseal audit --format json` report. */
async function flaggedIn(report: string, functionName: string): Promise<string[]> {
  let data: unknown;
  try {
    data = JSON.parse(await readFile(report, "utf8"));
  } catch {
    throw new InputError(`--from-report ${report} is not readable JSON`, { hint: "pass a report written by `envseal audit --format json --out FILE`" });
  }
  const findings = (data as { findings?: unknown }).findings;
  if (!Array.isArray(findings)) throw new InputError(`--from-report ${report} is not an envseal audit JSON report`, { hint: "pass a report written by `envseal audit --format json --out FILE`" });
  return findings
    .filter((f: { ruleId?: unknown; functionName?: unknown; variable?: unknown }) => f.ruleId === "ES001" && f.functionName === functionName && typeof f.variable === "string")
    .map((f: { variable: string }) => f.variable);
}

/** `envseal seal`. */
export function makeSealCommand(ctx: CliContext): Command {
  return new Command("seal")
    .summary("seal plaintext variables already in a function, in place (the fix for audit ES001; the value is never printed)")
    .argument("[names...]", "plaintext variables of the function to seal")
    .requiredOption("-f, --function <name>", "function name or ARN")
    .option("-k, --key <key>", "customer managed KMS key (default: the function's at-rest key)")
    .option("--from-report <file>", "seal every variable an `envseal audit --format json` report flags as ES001 on this function")
    .option("-y, --yes", "do not ask before writing")
    .action(async (names: string[], opts: { function: string; key?: string; fromReport?: string; yes?: boolean }, cmd: Command) => {
      const g = ctx.globals(cmd);
      const fromReport = opts.fromReport ? await flaggedIn(opts.fromReport, opts.function) : [];
      if (opts.fromReport && fromReport.length === 0 && names.length === 0) {
        throw new InputError(`--from-report ${opts.fromReport} flags no plaintext secret (ES001) on ${opts.function}`, { hint: "check --function, or name the variables" });
      }
      const { seal } = await import("../../ops/seal.js");
      const r = await seal(await ctx.deps(g), {
        functionName: opts.function,
        names: [...names, ...fromReport],
        key: opts.key,
        confirm: ctx.confirmer<{ functionName: string; diff: EnvDiff }>(opts.yes, (p) => `Seal these in ${p.functionName}?`, (p) => renderDiff(p.diff, g.color)),
      });
      ctx.print(g, r, () =>
        `${r.functionName}: ${diffSummary(r.diff)}; sealed under ${r.keyArn}\n${ctx.shownBeforeWrite ? "" : renderDiff(r.diff, g.color)}${writtenLine(r)}` +
        "rotate these secrets at their source: their plaintext was readable until now\n",
      );
    });
}

/** `envseal get`. */
export function makeGetCommand(ctx: CliContext): Command {
  return new Command("get")
    .summary("print one variable of a function (sealed, bundled or plain) to stdout, or to a new file with mode 0600")
    .argument("<name>", "the variable")
    .requiredOption("-f, --function <name>", "function name or ARN")
    .option("--out <file>", "write the value to a new file (mode 0600) instead of stdout")
    .action(async (name: string, opts: { function: string; out?: string }, cmd: Command) => {
      const g = ctx.globals(cmd);
      const { get } = await import("../../ops/get.js");
      const r = await get(await ctx.deps(g), { functionName: opts.function, name });
      if (opts.out) {
        try {
          await writeFile(opts.out, r.value, { mode: 0o600, flag: "wx" });
        } catch (err) {
          const code = (err as NodeJS.ErrnoException).code;
          throw new InputError(`cannot write --out ${opts.out} (${code ?? "error"})`, { hint: code === "EEXIST" ? "choose a path that does not exist yet" : "choose a writable path" });
        }
        ctx.print(g, { functionName: r.functionName, name: r.name, kind: r.kind, out: opts.out }, () => `wrote ${opts.out} (mode 0600)\n`);
        return;
      }
      if (g.output === "json") ctx.output.outSecret(`${JSON.stringify(r, null, 2)}\n`);
      else ctx.output.outSecret(ctx.io.stdout.isTTY ? `${r.value}\n` : r.value);
    });
}
