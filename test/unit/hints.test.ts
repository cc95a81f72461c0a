/**
 * Every command line envseal suggests — in an error's hint, a finding's remediation, a warning, a doc comment — names a
 * command that exists and only options that command (or the program) has. Scans the source text, so a new hint is
 * checked the day it is written.
 */
import { describe, expect, it } from "vitest";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import type { Command } from "commander";
import { buildProgram } from "../../src/cli/program.js";
import { CliContext } from "../../src/cli/context.js";
import { memoryIo } from "../support/cli.js";

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? sources(p) : p.endsWith(".ts") ? [p] : [];
  });
}

const program = buildProgram(new CliContext(memoryIo().io));
const flagsOf = (c: Command) => c.options.flatMap((o) => [o.long, o.short].filter((f): f is string => Boolean(f)).map((f) => f.replace(/^--no-/, "--")));
const globals = new Set([...flagsOf(program), "--help", "-h", "--version", "-V"]);
const commands = new Map(program.commands.map((c) => [c.name(), new Set([...flagsOf(c), ...globals])]));

/** `envseal WORD --flag ...` as written in the sources: the word and the flags that follow it. */
const SUGGESTION = /(`?)envseal ([a-z][a-z-]*)((?:\s+(?:--?[a-zA-Z][\w-]*|[A-Z][A-Z0-9_]*|[a-z][\w./:-]*|\.\.\.|\[[^\]]*\]))*)/g;

function suggestions(): Array<{ file: string; command: string; flags: string[]; quoted: boolean }> {
  const out: Array<{ file: string; command: string; flags: string[]; quoted: boolean }> = [];
  for (const file of sources("src")) {
    const text = readFileSync(file, "utf8");
    for (const m of text.matchAll(SUGGESTION)) {
      const flags = [...(m[3] ?? "").matchAll(/(?:^|\s)(--?[a-zA-Z][\w-]*)/g)].map((f) => f[1] as string);
      out.push({ file, command: m[2] as string, flags, quoted: m[1] === "`" });
    }
  }
  return out;
}

describe("hint strings", () => {
  const all = suggestions();

  it("finds the suggestions (the scan itself works)", () => {
    expect(all.filter((s) => s.flags.length > 0 || s.quoted).length).toBeGreaterThan(20);
    // Known hints this test must see: ES001's fix and the runtime's MissingVariable fix.
    expect(all.some((s) => s.command === "seal" && s.flags.includes("--function"))).toBe(true);
    expect(all.some((s) => s.command === "unset" && s.flags.includes("--function"))).toBe(true);
  });

  it("every suggested command exists and takes every option it is given", () => {
    const wrong: string[] = [];
    for (const s of all) {
      if (s.flags.length === 0 && !s.quoted) continue; // prose ("envseal reads …"), not a command line
      const known = commands.get(s.command);
      if (!known) {
        wrong.push(`${s.file}: envseal ${s.command} is not a command`);
        continue;
      }
      for (const f of s.flags) if (!known.has(f)) wrong.push(`${s.file}: envseal ${s.command} has no option ${f}`);
    }
    expect(wrong).toEqual([]);
  });

  it("catches a wrong suggestion (the check can fail)", () => {
    const probe = [..."envseal frob --function F `envseal push --nope`".matchAll(SUGGESTION)].map((m) => m[2]);
    expect(probe).toEqual(["frob", "push"]);
    expect(commands.has("frob")).toBe(false);
    expect(commands.get("push")?.has("--nope")).toBe(false);
  });
});
