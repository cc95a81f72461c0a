// `envseal audit --template` on 1,000 SAM templates of 50 functions each (BENCH_TEMPLATE_FILES, BENCH_TEMPLATE_FUNCTIONS),
// offline, report to a file. Baseline measured in the same run: a node process that only parses the same files with
// the yaml package's plain parse() (no positions, no rules). Target: under 10 s for the whole audit (issue 17).
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { writeTemplates } from "./_template-fixtures.mjs";
import { median, quantile, runNode } from "./_util.mjs";

const CLI = fileURLToPath(new URL("../dist/cli/main.js", import.meta.url));
const BASELINE = fileURLToPath(new URL("./_template-baseline.mjs", import.meta.url));

/** Run the benchmark; returns rows for bench/run.mjs. */
export default async function run({
  samples = Number(process.env.BENCH_TEMPLATE_SAMPLES ?? 3),
  files = Number(process.env.BENCH_TEMPLATE_FILES ?? 1000),
  functions = Number(process.env.BENCH_TEMPLATE_FUNCTIONS ?? 50),
} = {}) {
  const dir = mkdtempSync(join(tmpdir(), "envseal-bench-template-"));
  const env = { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "/tmp", NO_COLOR: "1" };
  try {
    const templates = join(dir, "templates");
    writeTemplates(templates, files, functions);
    const base = [];
    const audit = [];
    let summary = "";
    for (let i = 0; i < samples; i++) {
      base.push(await runNode([BASELINE, templates], env));
      const out = join(dir, `report-${i}.json`);
      const r = await runNode([CLI, "audit", "--template", templates, "--format", "json", "--out", out, "--fail-on", "none"], env);
      const report = JSON.parse(readFileSync(out, "utf8"));
      if (report.summary.functionsScanned !== files * functions) throw new Error(`audit scanned ${report.summary.functionsScanned} functions`);
      summary = `${report.summary.findingsTotal} findings, ${report.summary.suppressedTotal} suppressed inline`;
      audit.push(r);
    }
    const baseMs = median(base.map((r) => r.wallMs));
    const auditMs = median(audit.map((r) => r.wallMs));
    const n = files * functions;
    const rss = (rs) => Math.max(...rs.map((r) => r.rssKb ?? 0)) / 1024 || undefined;
    return {
      title: `audit --template, ${files} SAM templates × ${functions} functions, ${samples} sample(s) each (CLI process, report to a file); target < 10000 ms`,
      rows: [
        { bench: "template", case: "baseline: yaml parse() of the same files", n: files, median: baseMs, p90: quantile(base.map((r) => r.wallMs), 0.9), vsFloor: 1, rssMb: rss(base) },
        {
          bench: "template",
          case: `envseal audit --template (${files} files)`,
          n,
          median: auditMs,
          p90: quantile(audit.map((r) => r.wallMs), 0.9),
          vsFloor: auditMs / baseMs,
          calls: `${summary}; ${auditMs < 10_000 ? "under" : "OVER"} the 10 s target`,
          rssMb: rss(audit),
        },
      ],
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
