/**
 * What users install: `npm pack` of this repository (the built dist/), installed into a throwaway consumer project,
 * and child processes run there under a chosen Node.js binary.
 */
import { spawn, spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { tempDir } from "./canary.js";

export const REPO = fileURLToPath(new URL("../../", import.meta.url));

/** The version of a dependency installed in this repository (so consumers install the same, from npm's cache). */
export function repoVersion(pkg: string): string {
  return (JSON.parse(readFileSync(join(REPO, "node_modules", pkg, "package.json"), "utf8")) as { version: string }).version;
}

/** `npm pack` of the repository into a temp folder; returns the tarball path and what `npm pack --json` reported. */
export function packRepo(): { tarball: string; files: string[]; size: number; unpackedSize: number } {
  const dest = tempDir("envseal-pack-");
  const r = spawnSync("npm", ["pack", "--json", "--pack-destination", dest, "--ignore-scripts"], { cwd: REPO, encoding: "utf8" });
  if (r.status !== 0) throw new Error(`npm pack failed: ${r.stderr}`);
  const [info] = JSON.parse(r.stdout) as Array<{ filename: string; files: Array<{ path: string }>; size: number; unpackedSize: number }>;
  return { tarball: join(dest, info!.filename), files: info!.files.map((f) => f.path), size: info!.size, unpackedSize: info!.unpackedSize };
}

/** A consumer project with `envseal` (the tarball) and `deps` installed. */
export function installConsumer(tarball: string, deps: readonly string[], opts: { type?: "module" | "commonjs"; omitDev?: boolean } = {}): string {
  const dir = tempDir("envseal-consumer-");
  writeFileSync(join(dir, "package.json"), JSON.stringify({ name: "envseal-consumer", private: true, type: opts.type ?? "module" }));
  const args = ["install", tarball, ...deps, "--no-audit", "--no-fund", "--no-package-lock", "--loglevel=error", ...(opts.omitDev ? ["--omit=dev"] : [])];
  const r = spawnSync("npm", args, { cwd: dir, encoding: "utf8", env: { ...process.env, npm_config_engine_strict: "false" } });
  if (r.status !== 0) throw new Error(`npm install in the consumer failed: ${r.stderr}`);
  return dir;
}

/** Write `files` (relative path → text) under `dir`. */
export function writeFiles(dir: string, files: Readonly<Record<string, string>>): void {
  for (const [rel, text] of Object.entries(files)) {
    const path = join(dir, rel);
    mkdirSync(join(path, ".."), { recursive: true });
    writeFileSync(path, text);
  }
}

/** What a child printed and returned. */
export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Run `node args` in `cwd` with exactly `env` (plus PATH and HOME), optionally with stdin. */
export function runIn(node: string, args: readonly string[], cwd: string, env: Record<string, string> = {}, timeoutMs = 60_000): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(node, args, { cwd, env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "/tmp", ...env }, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, stdout, stderr });
    });
  });
}
