// Run `runCli` from a built library entry, as a package consumer would: `node run-entry.mjs dist/index.cjs audit …`
// (required, the CommonJS build) or `… dist/index.js audit …` (imported, the ESM build). Exits with runCli's code.
import { createRequire } from "node:module";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";

const [entry, ...args] = process.argv.slice(2);
const path = resolve(entry ?? "");
const { runCli } = path.endsWith(".cjs") ? createRequire(import.meta.url)(path) : await import(pathToFileURL(path).href);
const io = {
  stdout: { write: (s) => process.stdout.write(s), isTTY: false },
  stderr: { write: (s) => process.stderr.write(s), isTTY: false },
  stdinIsTTY: false,
  env: process.env,
  readStdin: async () => "",
  promptHidden: async () => "",
  confirm: async () => false,
};
process.exitCode = await runCli(args, io);
