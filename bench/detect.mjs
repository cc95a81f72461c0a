// Detection cost (issue 15): scanning 100,000 values offline must take under 10 s. The workload is 10,000 functions ×
// 10 variables — 7 ordinary configuration values, 1 sealed value (KMS-shaped), 1 provider token (each provider rule's
// positive example in turn), 1 password found by name. Cases, each over the same functions, interleaved per sample:
//   baseline: secretlint's recommended preset alone, one pass per function — the library the auditor ran before;
//   envseal's detectSecrets (sealed check, provider rules, secretlint, name + entropy);
//   envseal's provider rules alone;
//   the built CLI auditing the same 100,000 values from a file (`envseal audit --input`, Node start included).
// Ratios are against the baseline's median in the same run; nothing here is asserted.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { lintSource } from "@secretlint/core";
import { creator as recommended } from "@secretlint/secretlint-rule-preset-recommend";
import { fakeKmsCipher } from "./_fake-crypto.mjs";
import { median, quantile, runNode } from "./_util.mjs";

const CLI = fileURLToPath(new URL("../dist/cli/main.js", import.meta.url));
const { detectSecrets, matchProviderRule, PROVIDER_RULES, expandTemplate, seededRng } = await import(new URL("../dist/audit/index.js", import.meta.url).href);

const ORDINARY = [
  ["LOG_LEVEL", "info"],
  ["TABLE_NAME", "orders-{l:6}"],
  ["QUEUE_URL", "https://sqs.eu-west-1.amazonaws.com/{d:12}/orders-{l:4}"],
  ["SECRET_ARN", "arn:aws:secretsmanager:eu-west-1:{d:12}:secret:prod/db-{a:6}"],
  ["FEATURE_FLAGS", '{"newCheckout":true,"maxItems":{d:2},"region":"eu-west-1"}'],
  ["REQUEST_ID", "{uuid}"],
  ["API_BASE_URL", "https://api.acme-corp.com/v{d:1}"],
  ["GIT_SHA", "{h:40}"],
  ["NODE_OPTIONS", "--enable-source-maps"],
  ["TIMEOUT_MS", "{d:4}"],
];

function workload(functions) {
  const rng = seededRng("bench-detect");
  const cipher = fakeKmsCipher();
  return Array.from({ length: functions }, (_, i) => {
    const vars = {};
    for (let k = 0; k < 7; k++) {
      const [name, t] = ORDINARY[(i + k) % ORDINARY.length];
      vars[name] = expandTemplate(t, rng);
    }
    vars.DB_SEALED = cipher.encryptKmsShaped(Buffer.from(expandTemplate("{a:24}", rng)), { LambdaFunctionName: `fn-${i}` }).toString("base64");
    vars.CONFIG_VALUE = expandTemplate(PROVIDER_RULES[i % PROVIDER_RULES.length].examples.positive, rng);
    vars.DB_PASSWORD = expandTemplate("{a:14}", rng);
    return vars;
  });
}

const SECRETLINT_CONFIG = {
  rules: [{ id: "@secretlint/secretlint-rule-preset-recommend", rule: recommended, rules: [{ id: "@secretlint/secretlint-rule-aws", options: { enableIDScanRule: true } }] }],
};

const cases = {
  "baseline: secretlint recommended preset alone": async (fns) => {
    let n = 0;
    for (const vars of fns) {
      const content = Object.entries(vars).map(([k, v]) => `${k}=${v}`).join("\n");
      const r = await lintSource({ source: { content, filePath: "/lambda-environment", contentType: "text" }, options: { config: SECRETLINT_CONFIG, maskSecrets: true, noPhysicFilePath: true } });
      n += r.messages.length;
    }
    return n;
  },
  "envseal detectSecrets (all detectors)": async (fns) => {
    let n = 0;
    for (const vars of fns) n += (await detectSecrets(vars)).size;
    return n;
  },
  "envseal provider rules alone": async (fns) => {
    let n = 0;
    for (const vars of fns) for (const v of Object.values(vars)) if (matchProviderRule(v)) n++;
    return n;
  },
};

/** Run the benchmark; returns rows for bench/run.mjs. */
export default async function run({ samples = Number(process.env.BENCH_DETECT_SAMPLES ?? 3), functions = Number(process.env.BENCH_DETECT_FUNCTIONS ?? 10_000) } = {}) {
  const fns = workload(functions);
  const values = functions * 10;
  const times = Object.fromEntries(Object.keys(cases).map((k) => [k, []]));
  const found = {};
  for (let s = 0; s < samples; s++) {
    for (const [name, scan] of Object.entries(cases)) {
      const t0 = performance.now();
      found[name] = await scan(fns);
      times[name].push(performance.now() - t0);
    }
  }
  const dir = mkdtempSync(join(tmpdir(), "envseal-bench-detect-"));
  const cli = [];
  try {
    const input = join(dir, "functions.json");
    const page = fns.map((vars, i) => ({ FunctionName: `fn-${i}`, FunctionArn: `arn:aws:lambda:eu-west-1:111122223333:function:fn-${i}`, Version: "$LATEST", Environment: { Variables: { ...vars, ENVSEAL_SEALED: "DB_SEALED" } }, KMSKeyArn: "arn:aws:kms:eu-west-1:111122223333:key/bench" }));
    writeFileSync(input, JSON.stringify({ Functions: page }));
    const env = { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "/tmp", NO_COLOR: "1" };
    for (let s = 0; s < samples; s++) {
      const r = await runNode([CLI, "audit", "--input", input, "--format", "json", "--out", join(dir, "report.json"), "--fail-on", "none"], env, { allowFail: true });
      if (r.code !== 0) throw new Error(`audit exited ${r.code}: ${r.stderr.slice(-600)}`);
      cli.push(r.wallMs);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const base = median(times["baseline: secretlint recommended preset alone"]);
  const rows = Object.entries(times).map(([name, t]) => ({
    bench: "detect",
    case: name,
    n: values,
    median: median(t),
    p90: quantile(t, 0.9),
    vsFloor: median(t) / base,
    calls: `${found[name]} hits; ${((median(t) / values) * 1000).toFixed(1)} µs a value`,
  }));
  rows.push({
    bench: "detect",
    case: `envseal audit --input (CLI, ${values.toLocaleString("en")} values)`,
    n: values,
    median: median(cli),
    p90: quantile(cli, 0.9),
    vsFloor: median(cli) / base,
    calls: `target < 10,000 ms: ${median(cli) < 10_000 ? "met" : "NOT met"}`,
  });
  return { title: `secret detection over ${values.toLocaleString("en")} values (${functions.toLocaleString("en")} functions × 10), ${samples} sample(s); × floor = × the secretlint-only baseline`, rows };
}
