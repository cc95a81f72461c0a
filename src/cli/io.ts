/**
 * The CLI's window on the world: output streams, stdin, prompts. Tests pass a memory implementation.
 * Every line written through {@link Io.out} or {@link Io.err} passes a redactor holding every secret value this
 * process has read, so a value cannot reach the terminal by accident; only `decrypt` and `show --reveal`
 * write values, through {@link Io.outSecret}.
 * @module
 */
import { InputError } from "../core/errors.js";
import { visible } from "../core/visible.js";

/** A writable text stream. */
export interface TextSink {
  write(text: string): unknown;
  readonly isTTY?: boolean | undefined;
  /** Columns of the terminal, when the sink is one (Node sets it on a TTY stream). */
  readonly columns?: number | undefined;
}

/** What the CLI needs from its process. */
export interface Io {
  readonly stdout: TextSink;
  readonly stderr: TextSink;
  readonly stdinIsTTY: boolean;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** All of stdin as text. */
  readStdin(): Promise<string>;
  /** Ask on the terminal without echo. */
  promptHidden(question: string): Promise<string>;
  /** Ask yes/no on the terminal; default no. */
  confirm(question: string): Promise<boolean>;
}

const REDACTED = "[redacted]";
/** Values shorter than this are not redacted: they would blank out ordinary words. */
const MIN_REDACT = 4;

/** Redacting writer around an {@link Io}. */
export class Output {
  private readonly secrets = new Set<string>();
  constructor(readonly io: Io) {}

  /** Remember a secret value so that no later line can print it. */
  registerSecret(value: string): void {
    if (value.length >= MIN_REDACT) this.secrets.add(value);
  }

  /** Replace every registered secret in `text`. */
  redact(text: string): string {
    let out = text;
    for (const s of this.secrets) if (out.includes(s)) out = out.split(s).join(REDACTED);
    return out;
  }

  /** Write to stdout, redacted. */
  out(text: string): void {
    this.io.stdout.write(this.redact(text));
  }

  /** Write to stderr, redacted. */
  err(text: string): void {
    this.io.stderr.write(this.redact(text));
  }

  /**
   * Write one line to stderr, redacted, then its control characters shown as escapes (`visible`): error messages quote
   * names and paths read from files (`--input`, `--template`), which may hold terminal escape sequences.
   */
  errLine(text: string): void {
    this.io.stderr.write(`${visible(this.redact(text))}\n`);
  }

  /** Write a value the user asked to see (`decrypt`, `show --reveal`). */
  outSecret(text: string): void {
    this.io.stdout.write(text);
  }
}

/**
 * How wide stdout's lines may be: `COLUMNS` when it is set to a positive whole number (as many CLIs do, so
 * `COLUMNS=80 envseal audit --format table | less` fits 80 columns), else the terminal's width when stdout is a TTY,
 * else undefined — no limit, so a pipe or a file gets every line whole.
 *
 * @example
 * ```ts
 * outputWidth({ ...io, env: { COLUMNS: "100" } }); // 100
 * ```
 */
export function outputWidth(io: Pick<Io, "env" | "stdout">): number | undefined {
  const fromEnv = io.env.COLUMNS?.trim();
  if (fromEnv && /^\d+$/.test(fromEnv) && Number(fromEnv) > 0) return Number(fromEnv);
  const columns = io.stdout.columns;
  return io.stdout.isTTY && typeof columns === "number" && columns > 0 ? columns : undefined;
}

/** Read stdin to the end. */
async function readAll(stream: NodeJS.ReadStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === "string" ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(chunks).toString("utf8");
}

/** Read a line from a raw-mode TTY without echo. Ctrl-C aborts. */
function readHidden(question: string): Promise<string> {
  const { stdin, stderr } = process;
  stderr.write(question);
  return new Promise((resolve, reject) => {
    let buf = "";
    const done = (fn: () => void) => {
      stdin.off("data", onData);
      stdin.setRawMode(false);
      stdin.pause();
      stderr.write("\n");
      fn();
    };
    const onData = (chunk: Buffer | string) => {
      for (const ch of chunk.toString("utf8")) {
        if (ch === "\r" || ch === "\n" || ch === "\u0004") return done(() => resolve(buf));
        if (ch === "\u0003") return done(() => reject(new InputError("aborted at the prompt; nothing was written")));
        if (ch === "\u007f" || ch === "\b") buf = buf.slice(0, -1);
        else buf += ch;
      }
    };
    stdin.setRawMode(true);
    stdin.resume();
    stdin.on("data", onData);
  });
}

async function readLine(question: string): Promise<string> {
  const { createInterface } = await import("node:readline/promises");
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return await rl.question(question);
  } finally {
    rl.close();
  }
}

/** The real process. */
export function processIo(): Io {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    stdinIsTTY: Boolean(process.stdin.isTTY),
    env: process.env,
    readStdin: () => readAll(process.stdin),
    promptHidden: readHidden,
    confirm: async (q) => /^y(es)?$/i.test((await readLine(`${q} [y/N] `)).trim()),
  };
}
