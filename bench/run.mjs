// Entry of `npm run bench` (after `npm run build`): runs every bench module in bench/ (files not starting with "_")
// and prints one table. BENCH_ONLY=name runs one module. Knobs: BENCH_SAMPLES (cold, 15), BENCH_RTT_MS (10),
// BENCH_SERVICE_MS (2), BENCH_CASES (cold case ids), BENCH_AUDIT_SAMPLES (3), BENCH_AUDIT_FUNCTIONS (5000 per region),
// BENCH_PUSH_SAMPLES (3), BENCH_DETECT_SAMPLES (3), BENCH_DETECT_FUNCTIONS (10000, × 10 values),
// BENCH_TEMPLATE_SAMPLES (3), BENCH_TEMPLATE_FILES (1000), BENCH_TEMPLATE_FUNCTIONS (50).
import { readdirSync } from "node:fs";
import { fileURLToPath, pathToFileURL } from "node:url";
import { join } from "node:path";

const dir = fileURLToPath(new URL(".", import.meta.url));
const only = process.env.BENCH_ONLY;
const modules = readdirSync(dir)
  .filter((f) => f.endsWith(".mjs") && f !== "run.mjs" && !f.startsWith("_"))
  .filter((f) => !only || f === `${only}.mjs`)
  .sort();

const fmt = (x, digits = 1) => (typeof x === "number" && Number.isFinite(x) ? x.toFixed(digits) : String(x ?? ""));
const columns = [
  ["bench", (r) => r.bench],
  ["case", (r) => r.case],
  ["N", (r) => String(r.n ?? "")],
  ["median ms", (r) => fmt(r.median)],
  ["p90 ms", (r) => fmt(r.p90)],
  ["× floor", (r) => fmt(r.vsFloor, 2)],
  ["× SDK sequential", (r) => fmt(r.vsSequential, 2)],
  ["× SDK Promise.all", (r) => fmt(r.vsParallel, 2)],
  ["calls", (r) => r.calls ?? ""],
  ["TLS handshakes", (r) => fmt(r.tls, 1)],
  ["peak RSS MB", (r) => fmt(r.rssMb, 1)],
  ["Δ RSS vs node -e 0", (r) => (r.dRssMb === undefined ? "" : `${r.dRssMb >= 0 ? "+" : ""}${fmt(r.dRssMb, 1)}`)],
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
const line = (vals) => `| ${vals.map((v, i) => (i < 2 || i === 8 ? v.padEnd(widths[i]) : v.padStart(widths[i]))).join(" | ")} |`;
console.log(titles.join("\n"));
console.log(`node ${process.version}, ${Math.round((Date.now() - started) / 1000)} s total; ratios are median / median of the floor or baseline measured in this run (lower is faster)\n`);
console.log(line(columns.map(([h]) => h)));
console.log(`|${widths.map((w, i) => (i < 2 || i === 8 ? `:${"-".repeat(w + 1)}` : `${"-".repeat(w + 1)}:`)).join("|")}|`);
for (const c of cells) console.log(line(c));
