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
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new InputError(
      code === "ENOENT" ? `${flag} ${path} does not exist` : `cannot read ${flag} ${path} (${code ?? "error"})`,
      { hint: "pass the path of a readable dotenv file" },
    );
  }
  const parsed = parseDotenv(text);
  const continuation = new Set<string>();
  for (const value of Object.values(parsed)) {
    if (value.includes("\n")) for (const line of value.split("\n")) continuation.add(line.trim());
  }
  const lines = text.split(/\r?\n/);
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
      throw new InputError(`${flag} ${path}: line ${i + 1} is not NAME=VALUE`, {
        hint: "fix that line (dotenv syntax: NAME=VALUE, # comments, quoted multi-line values)",
      });
    }
    const m = /[=:]\s*(["'`])/.exec(line);
    if (m?.[1] && !line.slice((m.index ?? 0) + m[0].length).includes(m[1])) inQuote = m[1];
  }
  const names = Object.keys(parsed);
  if (names.length === 0) throw new InputError(`${flag} ${path} holds no variables`, { hint: "add NAME=VALUE lines" });
  for (const name of names) assertSettableName(name);
  return parsed;
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
  const fromStdin = await readBareValues(io, bare);
  return { ...fromFile, ...assigned, ...fromStdin };
}
