// P4 — `envseal audit` of 5,000 functions in each of 4 regions against the fake AWS with quotas on (Lambda's control
// plane 15 requests/s per region, ListFunctions 50 a page), 10 ms RTT. The floor is the quota's: max over regions of
// pages ÷ 15 per second (pages are sequential anyway: each needs the previous NextMarker). Counted by the rig:
// ListFunctions pages, throttled answers (429 / ThrottlingException), DescribeKey calls against distinct keys.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { startFakeAws } from "./_fake-aws.mjs";
import { median, quantile, runNode } from "./_util.mjs";

const CLI = fileURLToPath(new URL("../dist/cli/main.js", import.meta.url));
const REGIONS = ["us-east-1", "us-west-2", "eu-west-1", "ap-southeast-2"];
const KEYS_PER_REGION = 10;

function functionsFor(aws, region, count) {
  const sealed = aws.sealKmsShaped("bench-value-not-a-secret", "placeholder");
  return Array.from({ length: count }, (_, i) => {
    const name = `fn-${region}-${String(i).padStart(5, "0")}`;
    return {
      FunctionName: name,
      FunctionArn: `arn:aws:lambda:${region}:111122223333:function:${name}`,
      Runtime: "nodejs20.x",
      Role: "arn:aws:iam::111122223333:role/bench",
      Handler: "index.handler",
      CodeSize: 1024,
      Timeout: 3,
      MemorySize: 128,
      LastModified: "2026-01-01T00:00:00.000+0000",
      Version: "$LATEST",
      // A realistic mix for the detectors (issue 15): ordinary values, a URL, JSON, an ARN, and the sealed secret.
      Environment: {
        Variables: {
          LOG_LEVEL: "info",
          TABLE_NAME: `orders-${i}`,
          QUEUE_URL: `https://sqs.${region}.amazonaws.com/111122223333/orders-${i}`,
          SECRET_ARN: `arn:aws:secretsmanager:${region}:111122223333:secret:prod/db-${i}`,
          FEATURE_FLAGS: '{"newCheckout":true,"maxItems":50}',
          ENVSEAL_SEALED: "DB_PASSWORD",
          DB_PASSWORD: sealed,
        },
      },
      KMSKeyArn: `arn:aws:kms:${region}:111122223333:key/bench-${region}-${i % KEYS_PER_REGION}`,
      State: "Active",
      LastUpdateStatus: "Successful",
      RevisionId: `rev-${i}`,
    };
  });
}

/** One audit run on a fresh rig (empty buckets and counters). */
async function auditOnce({ perRegion, rttMs, serviceMs, dir, i }) {
  const aws = await startFakeAws({ rttMs, serviceMs, lambdaRps: 15, kmsRps: 5500 });
  for (const region of REGIONS) for (const f of functionsFor(aws, region, perRegion)) aws.addFunction(region, f);
  try {
    const out = join(dir, `report-${i}.json`);
    const env = {
      PATH: process.env.PATH ?? "",
      HOME: process.env.HOME ?? "/tmp",
      AWS_ACCESS_KEY_ID: "AKIAIOSFODNN7EXAMPLE",
      AWS_SECRET_ACCESS_KEY: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
      AWS_REGION: "us-east-1",
      AWS_EC2_METADATA_DISABLED: "true",
      NO_COLOR: "1",
    };
    const args = [CLI, "--endpoint-url", aws.url, "--ca-bundle", aws.caFile, "audit", "--regions", REGIONS.join(","), "--format", "json", "--out", out, "--fail-on", "none"];
    const r = await runNode(args, env, { allowFail: true });
    if (r.code !== 0) throw new Error(`audit exited ${r.code}: ${r.stderr.slice(-800)}`);
    const report = readFileSync(out, "utf8");
    return {
      wallMs: r.wallMs,
      pages: Math.max(...REGIONS.map((rg) => aws.calls(`lambda:ListFunctions@${rg}`))),
      throttled: aws.throttled(),
      describeKey: aws.calls("kms:DescribeKey"),
      rotation: aws.calls("kms:GetKeyRotationStatus"),
      unchecked: report.match(/throttled/gi)?.length ?? 0,
      handshakes: aws.counters.handshakes,
    };
  } finally {
    await aws.close();
  }
}

/** Run the benchmark at BENCH_AUDIT_FUNCTIONS per region (default 5,000); returns rows for bench/run.mjs. */
export default async function run({
  samples = Number(process.env.BENCH_AUDIT_SAMPLES ?? 3),
  perRegion = Number(process.env.BENCH_AUDIT_FUNCTIONS ?? 5000),
  rttMs = Number(process.env.BENCH_RTT_MS ?? 10),
  serviceMs = Number(process.env.BENCH_SERVICE_MS ?? 2),
} = {}) {
  const rows = [];
  const dir = mkdtempSync(join(tmpdir(), "envseal-bench-audit-"));
  try {
    for (const [size, label] of [[perRegion, "envseal audit"]]) {
      const results = [];
      for (let i = 0; i < samples; i++) results.push(await auditOnce({ perRegion: size, rttMs, serviceMs, dir, i }));
      const walls = results.map((x) => x.wallMs);
      const floorMs = (Math.ceil(size / 50) / 15) * 1000;
      const last = results.at(-1);
      rows.push({ bench: "audit", case: `quota floor (${Math.ceil(size / 50)} pages ÷ 15/s)`, n: size * REGIONS.length, median: floorMs, p90: floorMs, vsFloor: 1, calls: "" });
      rows.push({
        bench: "audit",
        case: `${label}, ${REGIONS.length} regions × ${size}`,
        n: size * REGIONS.length,
        median: median(walls),
        p90: quantile(walls, 0.9),
        vsFloor: median(walls) / floorMs,
        calls: `ListFunctions ${last.pages}/region; throttled ${Math.max(...results.map((x) => x.throttled))}; DescribeKey ${last.describeKey} for ${REGIONS.length * KEYS_PER_REGION} keys; rotation ${last.rotation}; throttle notes in report ${last.unchecked}`,
        tls: last.handshakes,
      });
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return { title: `audit wall time (CLI process, report to a file), ${samples} sample(s) each, fake AWS ${rttMs} ms RTT, Lambda 15 req/s per region`, rows };
}
