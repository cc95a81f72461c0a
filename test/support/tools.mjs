// Tools some suites need beyond npm ci, fetched from the npm registry into .tools/ (git-ignored), once:
// - Node.js 22 and 24 (Lambda's nodejs22.x and nodejs24.x), from the registry's node-linux-<arch> packages;
// - aws-lambda-ric, Lambda's runtime interface client for Node.js, built with Node 22 (it needs Node 22+).
//
//   node test/support/tools.mjs install     # what `npm test` and .ci/run do first; idempotent
//   node test/support/tools.mjs status      # what is there
//
// Suites ask with toolPaths(): a missing tool skips them with a message, except under CI=true, where it fails the run.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
export const TOOLS_DIR = join(ROOT, ".tools");

/** Exact versions, so every machine tests the same runtimes. Lambda's nodejs22.x / nodejs24.x track these lines. */
export const NODE_VERSIONS = { 22: "22.23.5", 24: "24.22.3" };
export const RIC_VERSION = "4.0.2";

const ARCH = { x64: "x64", arm64: "arm64" }[process.arch];

/** Where a Node.js binary of `major` lives once installed. */
export function nodePath(major) {
  return join(TOOLS_DIR, `node-${NODE_VERSIONS[major]}`, "package", "bin", "node");
}

/** Where aws-lambda-ric's entry point lives once installed. */
export function ricPath() {
  return join(TOOLS_DIR, `ric-${RIC_VERSION}`, "node_modules", "aws-lambda-ric", "index.mjs");
}

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], ...opts });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(" ")} failed (${r.status}): ${(r.stderr || r.stdout || "").slice(-2000)}`);
  return r.stdout;
}

function installNode(major) {
  const target = dirname(dirname(dirname(nodePath(major))));
  if (existsSync(nodePath(major))) return;
  if (!ARCH || process.platform !== "linux") throw new Error(`no node-linux package for ${process.platform}/${process.arch}`);
  const tmp = `${target}.tmp`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  run("npm", ["pack", `node-linux-${ARCH}@${NODE_VERSIONS[major]}`, "--pack-destination", tmp, "--silent"]);
  const tgz = readdirSync(tmp).find((f) => f.endsWith(".tgz"));
  if (!tgz) throw new Error(`npm pack node-linux-${ARCH}@${NODE_VERSIONS[major]} produced no tarball`);
  run("tar", ["xzf", join(tmp, tgz), "-C", tmp]);
  rmSync(join(tmp, tgz));
  rmSync(target, { recursive: true, force: true });
  renameSync(tmp, target);
  const version = run(nodePath(major), ["--version"]).trim();
  if (version !== `v${NODE_VERSIONS[major]}`) throw new Error(`installed node reports ${version}, expected v${NODE_VERSIONS[major]}`);
}

function installRic() {
  if (existsSync(ricPath())) return;
  installNode(22);
  const dir = join(TOOLS_DIR, `ric-${RIC_VERSION}`);
  const tmp = `${dir}.tmp`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  writeFileSync(join(tmp, "package.json"), JSON.stringify({ name: "envseal-test-ric", private: true }));
  // Its install scripts build a small N-API addon with node-gyp: run them under Node 22 (its engines), against
  // Node 22's headers from the same package. N-API keeps the addon loadable by Node 24 too.
  const node22 = dirname(dirname(nodePath(22)));
  run("npm", ["install", `aws-lambda-ric@${RIC_VERSION}`, "--no-audit", "--no-fund", "--no-save", "--silent"], {
    cwd: tmp,
    env: { ...process.env, PATH: `${dirname(nodePath(22))}:${process.env.PATH}`, npm_config_nodedir: node22, npm_config_engine_strict: "false" },
  });
  if (!existsSync(join(tmp, "node_modules", "aws-lambda-ric", "index.mjs"))) throw new Error("aws-lambda-ric did not install");
  rmSync(dir, { recursive: true, force: true });
  renameSync(tmp, dir);
}

/** Install every tool that is missing. */
export function installTools() {
  mkdirSync(TOOLS_DIR, { recursive: true });
  installNode(22);
  installNode(24);
  installRic();
}

/**
 * Paths of the installed tools, or `undefined` (with a message) when one is missing. Under CI=true a missing tool
 * throws: CI must install them (`.ci/run` does, through `npm test`).
 */
export function toolPaths() {
  const paths = { node22: nodePath(22), node24: nodePath(24), ric: ricPath() };
  const missing = Object.entries(paths).filter(([, p]) => !existsSync(p)).map(([k]) => k);
  if (missing.length === 0) return paths;
  const msg = `test tools missing (${missing.join(", ")}): run \`node test/support/tools.mjs install\` (npm test does)`;
  if (process.env.CI === "true") throw new Error(`${msg} — CI=true requires them`);
  console.warn(`${msg}; those suites are skipped`);
  return undefined;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const cmd = process.argv[2] ?? "status";
  if (cmd === "install") {
    const started = Date.now();
    installTools();
    console.log(`test tools ready in ${TOOLS_DIR} (${Math.round((Date.now() - started) / 1000)} s)`);
  } else {
    for (const [name, p] of Object.entries({ node22: nodePath(22), node24: nodePath(24), ric: ricPath() })) {
      console.log(`${name}: ${existsSync(p) ? p : "missing"}`);
    }
  }
}
