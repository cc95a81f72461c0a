/**
 * Where values come from: `NAME=VALUE` arguments, `NAME` alone (stdin when piped, a hidden prompt on a TTY),
 * `--dotenv` (dotenv's parser; `--env-file` is its older spelling) and `--plain NAME=VALUE`. Names are checked here; values are never echoed.
 * @module
 */
import { readFile } from "node:fs/promises";
import { parse as parseDotenv } from "dotenv";
import { InputError } from "../core/errors.js";
import { assertSettableName } from "../core/limits.js";
import type { Io } from "./io.js";

/** Split `NAME=VALUE` arguments from bare `NAME`s. */
export function splitAssignments(args: readonly string[], flag = "argument"): { assigned: Record<string, string>; bare: string[] } {
  const assigned: Record<string, string> = {};
  const bare: string[] = [];
  for (const arg of args) {
    const eq = arg.indexOf("=");
    const name = eq === -1 ? arg : arg.slice(0, eq);
    assertSettableName(name);
    if (name in assigned || bare.includes(name)) {
      throw new InputError(`${name} is given twice`, { hint: `give each name once (${flag})` });
    }
    if (eq === -1) bare.push(name);
    else assigned[name] = arg.slice(eq + 1);
  }
  return { assigned, bare };
}

const DOTENV_LINE = /^\s*(?:export\s+)?[\w.-]+\s*[=:]/;

/**
 * Read and parse a dotenv file with dotenv's parser. Throws {@link InputError} when it is missing, unreadable,
 * has a line that is not `NAME=VALUE` (by line number, never content), or has no variables.
 */
export async function readEnvFile(path: string, flag = "--dotenv"): Promise<Record<string, string>> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new InputError(
      code === "ENOENT" ? `${flag} ${path} does not exist` : `cannot read ${flag} ${path} (${code ?? "error"})`,
      { hint: "pass the path of a readable dotenv file" },
    );
  }
  const text = decodeUtf8(bytes, path, flag);
  const parsed = parseDotenv(text);
  const continuation = new Set<string>();
  for (const value of Object.values(parsed)) {
    if (value.includes("\n")) for (const line of value.split("\n")) continuation.add(line.trim());
  }
  const at = (i: number) => `${flag} ${path}: line ${i + 1}`;
  const lines = text.split(/\r?\n/);
  const firstLine = new Map<string, number>();
  let inQuote: string | undefined;
  for (let i = 0; i < lines.length; i++) {
    const line = (lines[i] as string).trim();
    if (inQuote) {
      if (line.endsWith(inQuote)) inQuote = undefined;
      continue;
    }
    if (line === "" || line.startsWith("#")) continue;
    if (!DOTENV_LINE.test(line)) {
      if (continuation.has(line)) continue;
      throw new InputError(`${at(i)} is not NAME=VALUE`, {
        hint: "fix that line (dotenv syntax: NAME=VALUE, # comments, quoted multi-line values)",
      });
    }
    const name = (/^(?:export\s+)?([\w.-]+)/.exec(line)?.[1] ?? "") as string;
    const m = /[=:]\s*(["'`])/.exec(line);
    if (m?.[1] && !line.slice((m.index ?? 0) + m[0].length).includes(m[1])) inQuote = m[1];
    try {
      assertSettableName(name);
    } catch (err) {
      throw new InputError(`${at(i)}: ${(err as Error).message}`, { hint: (err as InputError).hint ?? "fix the name on that line" });
    }
    const seen = firstLine.get(name);
    if (seen !== undefined) {
      // dotenv keeps the last and drops the others without a word: which value was meant is the user's call.
      throw new InputError(`${at(i)} sets ${name} again (first set on line ${seen + 1})`, { hint: "keep one line per name" });
    }
    firstLine.set(name, i);
    const raw = line.slice((/[=:]/.exec(line)?.index ?? line.length) + 1).trimStart();
    if (!m?.[1] && /[^\s]#/.test(raw)) {
      // Unquoted, `#` starts a comment in dotenv: `p#ssw0rd` would seal `p`.
      throw new InputError(`${at(i)}: ${name}'s unquoted value holds #, which dotenv reads as the start of a comment`, {
        hint: "quote the value (NAME=\"...\") so all of it is sealed",
      });
    }
    if ((parsed[name] ?? "") === "") {
      throw new InputError(`${at(i)}: ${name} is empty; there is nothing to seal`, { hint: "give it a value, or remove the line" });
    }
  }
  const names = Object.keys(parsed);
  if (names.length === 0) throw new InputError(`${flag} ${path} holds no variables`, { hint: "add NAME=VALUE lines" });
  for (const name of names) assertSettableName(name);
  return parsed;
}

/** `bytes` as UTF-8, or an {@link InputError} naming the first line that is not (never its content). */
function decodeUtf8(bytes: Buffer, path: string, flag: string): string {
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    let line = 1;
    for (let i = 0; i < bytes.length; i++) {
      if (bytes[i] === 0x0a) line++;
      else if ((bytes[i] as number) >= 0x80) {
        // Find the first byte sequence that does not decode on its own line.
        const end = bytes.indexOf(0x0a, i);
        const chunk = bytes.subarray(bytes.lastIndexOf(0x0a, i) + 1, end === -1 ? bytes.length : end);
        try {
          new TextDecoder("utf-8", { fatal: true }).decode(chunk);
          i = end === -1 ? bytes.length : end - 1;
        } catch {
          break;
        }
      }
    }
    throw new InputError(`${flag} ${path}: line ${line} is not valid UTF-8`, {
      hint: "save the file as UTF-8 (a value in another encoding would be sealed with replacement characters)",
    });
  }
}

/**
 * Values for bare names: from stdin when it is piped (one name: all of it less one trailing newline;
 * several: one line each), otherwise a hidden prompt per name.
 */
export async function readBareValues(io: Io, names: readonly string[]): Promise<Record<string, string>> {
  if (names.length === 0) return {};
  const out: Record<string, string> = {};
  if (io.stdinIsTTY) {
    for (const name of names) out[name] = await io.promptHidden(`Value for ${name} (hidden): `);
    return out;
  }
  const text = await io.readStdin();
  if (names.length === 1) {
    out[names[0] as string] = text.replace(/\r?\n$/, "");
    return out;
  }
  const lines = text.replace(/\r?\n$/, "").split(/\r?\n/);
  if (lines.length !== names.length) {
    throw new InputError(`stdin has ${lines.length} lines for ${names.length} names (${names.join(", ")})`, {
      hint: "pipe one value per line, in the order of the names",
    });
  }
  names.forEach((name, i) => (out[name] = lines[i] as string));
  return out;
}

/** Said once per command when a secret came as `NAME=VALUE` on the command line. */
export const ARGV_WARNING =
  "warning: a value given as NAME=VALUE on the command line is visible to other processes (ps) and kept in shell history; give NAME alone to type it hidden or pipe it on stdin, or use --dotenv";

/** Everything a command's value arguments give, merged; a name given twice across sources is an error. */
export async function collectValues(
  io: Io,
  sources: { args: readonly string[]; dotenv?: string | undefined; envFile?: string | undefined },
): Promise<Record<string, string>> {
  const { assigned, bare } = splitAssignments(sources.args);
  if (sources.dotenv !== undefined && sources.envFile !== undefined) {
    throw new InputError("--dotenv and --env-file are the same option", { hint: "give --dotenv once" });
  }
  const [path, flag] = sources.dotenv !== undefined ? [sources.dotenv, "--dotenv"] : [sources.envFile, "--env-file"];
  const fromFile = path !== undefined ? await readEnvFile(path, flag) : {};
  for (const name of Object.keys(fromFile)) {
    if (name in assigned || bare.includes(name)) {
      throw new InputError(`${name} is given both in ${flag} and as an argument`, { hint: "give each name once" });
    }
  }
  if (Object.keys(assigned).length > 0) io.stderr.write(`${ARGV_WARNING}\n`);
  const fromStdin = await readBareValues(io, bare);
  return { ...fromFile, ...assigned, ...fromStdin };
}
