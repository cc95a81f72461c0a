/**
 * Run the built CLI (`dist/cli/main.js`) as a subprocess, or in-process with a memory Io.
 */
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { runCli, type RunOptions } from "../../src/cli/program.js";
import type { Io } from "../../src/cli/io.js";
import { recordOutput } from "./canary.js";

/** Runs that print values on purpose (`decrypt`, `show --reveal`): their stdout is not leak-scanned, stderr is. */
function printsValues(args: readonly string[]): boolean {
  return args.includes("decrypt") || args.includes("get") || args.includes("--reveal");
}

function record(args: readonly string[], run: { stdout: string; stderr: string }): void {
  const label = `envseal ${args.filter((a) => !a.includes("=")).join(" ").slice(0, 120)}`;
  if (!printsValues(args)) recordOutput(`${label} (stdout)`, run.stdout);
  recordOutput(`${label} (stderr)`, run.stderr);
}

export const CLI_PATH = fileURLToPath(new URL("../../dist/cli/main.js", import.meta.url));

/** What a run printed and returned. */
export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Run `node dist/cli/main.js ...args` with `env` (added to a clean base) and optional stdin. */
export function runBuiltCli(args: readonly string[], opts: { env?: Record<string, string>; stdin?: string; cwd?: string } = {}): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const base: Record<string, string> = { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "/tmp", NO_COLOR: "1" };
    const child = spawn(process.execPath, [CLI_PATH, ...args], { env: { ...base, ...opts.env }, cwd: opts.cwd, stdio: ["pipe", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("error", reject);
    child.on("close", (code) => {
      record(args, { stdout, stderr });
      resolve({ code: code ?? -1, stdout, stderr });
    });
    child.stdin.end(opts.stdin ?? "");
  });
}

/** A memory Io: stdin text, captured stdout/stderr, scripted prompt answers. */
export function memoryIo(opts: { stdin?: string; tty?: boolean; answers?: string[]; env?: Record<string, string> } = {}) {
  const captured = { stdout: "", stderr: "", prompts: [] as string[] };
  const answers = [...(opts.answers ?? [])];
  const io: Io = {
    stdout: { write: (s: string) => (captured.stdout += s), isTTY: false },
    stderr: { write: (s: string) => (captured.stderr += s), isTTY: false },
    stdinIsTTY: Boolean(opts.tty),
    env: opts.env ?? {},
    readStdin: async () => opts.stdin ?? "",
    promptHidden: async (q) => {
      captured.prompts.push(q);
      return answers.shift() ?? "";
    },
    confirm: async (q) => {
      captured.prompts.push(q);
      return /^y/i.test(answers.shift() ?? "n");
    },
  };
  return { io, captured };
}

/** Run the CLI in-process (commander with exitOverride), returning the exit code and captured output. */
export async function runInProcess(
  args: readonly string[],
  opts: { stdin?: string; tty?: boolean; answers?: string[]; run?: RunOptions } = {},
): Promise<CliRun & { prompts: string[] }> {
  const { io, captured } = memoryIo(opts);
  const code = await runCli(args, io, opts.run);
  record(args, captured);
  return { code, stdout: captured.stdout, stderr: captured.stderr, prompts: captured.prompts };
}
