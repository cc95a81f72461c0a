/**
 * Run the built CLI under a real pseudo-terminal with util-linux `script`, so stdin, stdout and stderr are TTYs and
 * the CLI asks its questions as it does for a person. When `script` is missing, suites skip with a message; under
 * CI=true a missing `script` fails the run (.ci/run installs bsdutils, which ships it).
 */
import { spawn, spawnSync } from "node:child_process";
import { CLI_PATH } from "./cli.js";
import { recordOutput } from "./canary.js";

let available: boolean | undefined;

/** True when util-linux `script` runs here. Under CI=true, throws when it cannot. */
export function scriptAvailable(): boolean {
  if (available === undefined) {
    available = spawnSync("script", ["--version"], { stdio: "ignore" }).status === 0;
    if (!available) {
      const msg = "util-linux `script` is not installed: the tests that answer prompts on a real terminal are skipped. Install it with: apt-get install bsdutils";
      if (process.env.CI === "true") throw new Error(`${msg} — CI=true requires it`);
      console.warn(msg);
    }
  }
  return available;
}

/** Quote one word for `sh -c`. */
function shellQuote(word: string): string {
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

/** What a run on the terminal printed (stdout and stderr together, as a terminal shows them) and returned. */
export interface PtyRun {
  code: number;
  /** Everything the terminal showed, echoed input included, with CR LF turned into LF. */
  output: string;
}

/**
 * Run `node dist/cli/main.js ...args` on a pseudo-terminal (`script -qec CMD /dev/null`) with `env` added to a clean
 * base, typing `input` into the terminal. `script -e` returns the CLI's exit code.
 *
 * @example
 * ```ts
 * const r = await runBuiltCliInPty(["push", "-f", "orders-api", "-k", "alias/app", "--dotenv", file], { input: "n\n" });
 * ```
 */
export function runBuiltCliInPty(args: readonly string[], opts: { env?: Record<string, string>; input?: string; timeoutMs?: number } = {}): Promise<PtyRun> {
  const command = [process.execPath, CLI_PATH, ...args].map(shellQuote).join(" ");
  const base: Record<string, string> = { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "/tmp", NO_COLOR: "1", TERM: "dumb" };
  return new Promise((resolve, reject) => {
    const child = spawn("script", ["-qec", command, "/dev/null"], { env: { ...base, ...opts.env }, stdio: ["pipe", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (d: Buffer) => (output += d.toString()));
    child.stderr.on("data", (d: Buffer) => (output += d.toString()));
    const timer = setTimeout(() => child.kill("SIGKILL"), opts.timeoutMs ?? 60_000);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      const text = output.replace(/\r\n/g, "\n");
      recordOutput(`envseal ${args.join(" ").slice(0, 120)} (terminal)`, text);
      resolve({ code: code ?? -1, output: text });
    });
    child.stdin.end(opts.input ?? "");
  });
}
