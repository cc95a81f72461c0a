// Bench-only preload (`node --import`), for the "proposed fix" row of bench/audit.mjs: secretlint's always-on
// profiler keeps every performance mark and, on each new mark, searches all earlier ones, so a long audit slows down
// quadratically. Emptying it every 50 ms shows what a fix in src/audit/secrets.ts (clearing it after each lint) buys.
import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";

const require = createRequire(pathToFileURL(`${process.cwd()}/`));
const core = require.resolve("@secretlint/core");
const { secretLintProfiler } = await import(pathToFileURL(require.resolve("@secretlint/profiler", { paths: [core] })).href);
setInterval(() => {
  secretLintProfiler.entries.length = 0;
  secretLintProfiler.measures.length = 0;
  performance.clearMarks();
  performance.clearMeasures();
}, 50).unref();
