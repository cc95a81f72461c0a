// Entry of `npm run bench` (after `npm run build`): runs every bench module in bench/ (files not starting with "_")
// and prints one table. BENCH_ONLY=name runs one module; BENCH_SAMPLES and BENCH_LATENCY_MS tune runtime-cold.
import { readdirSync } from "node:fs";
import { fileURLToPath, pathToFileURL } from "node:url";
import { join } from "node:path";

const dir = fileURLToPath(new URL(".", import.meta.url));
const only = process.env.BENCH_ONLY;
const modules = readdirSync(dir)
  .filter((f) => f.endsWith(".mjs") && f !== "run.mjs" && !f.startsWith("_"))
  .filter((f) => !only || f === `${only}.mjs`)
  .sort();

const fmt = (x, digits = 1) => (typeof x === "number" ? x.toFixed(digits) : String(x ?? ""));
const columns = [
  ["bench", (r) => r.bench],
  ["case", (r) => r.case],
  ["N", (r) => String(r.n)],
  ["median ms", (r) => fmt(r.median)],
  ["p90 ms", (r) => fmt(r.p90)],
  ["× sequential", (r) => fmt(r.vsSequential, 2)],
  ["× Promise.all", (r) => fmt(r.vsParallel, 2)],
  ["TLS conns", (r) => fmt(r.tlsConns, 1)],
];

const titles = [];
const rows = [];
const started = Date.now();
for (const file of modules) {
  const { default: bench } = await import(pathToFileURL(join(dir, file)).href);
  process.stderr.write(`bench: running ${file}…\n`);
  const result = await bench();
  titles.push(`${file.replace(/\.mjs$/, "")}: ${result.title}`);
  rows.push(...result.rows);
}

const cells = rows.map((r) => columns.map(([, get]) => get(r)));
const widths = columns.map(([h], i) => Math.max(h.length, ...cells.map((c) => c[i].length)));
const line = (vals) => `| ${vals.map((v, i) => (i < 2 ? v.padEnd(widths[i]) : v.padStart(widths[i]))).join(" | ")} |`;
console.log(titles.join("\n"));
console.log(`node ${process.version}, ${Math.round((Date.now() - started) / 1000)} s total; ratios are median / median of the baseline (lower is faster)\n`);
console.log(line(columns.map(([h]) => h)));
console.log(`|${widths.map((w, i) => (i < 2 ? `:${"-".repeat(w + 1)}` : `${"-".repeat(w + 1)}:`)).join("|")}|`);
for (const c of cells) console.log(line(c));
