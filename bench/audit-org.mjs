// P6 — `envseal audit --org` of 200 accounts × 2 regions × 100 functions against the fake AWS that knows accounts: STS
// AssumeRole, Organizations ListAccounts, Lambda's quota per account and region (15 requests/s), 10 ms RTT. The CLI
// runs as a process (report to a file); peak RSS from GNU time.
//
// The floor, measured and computed in this run: the fixed cost B (the same CLI auditing one account's empty region:
// process start, module load, GetCallerIdentity, one AssumeRole, one ListFunctions; median of the samples) plus the
// quota bound: one account-region of p pages cannot finish faster than its quota lets it — (p − 1) ÷ 15 s between its
// first and last page, plus one round trip for the last — and at most C account-regions (--concurrency) run at once, so
// floor = B + max(slowest account-region, Σ account-regions ÷ C). Counted by the rig: AssumeRole per account,
// DescribeKey against distinct keys, throttled answers.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { startFakeAws } from "./_fake-aws.mjs";
import { median, quantile, runNode } from "./_util.mjs";

const CLI = fileURLToPath(new URL("../dist/cli/main.js", import.meta.url));
const REGIONS = ["us-east-1", "eu-west-1"];
/** One customer managed at-rest key per account-region, used by every other function (the rest use aws/lambda). */
const KEYS_PER_ACCOUNT_REGION = 1;
const ROLE = "EnvsealAudit";

const accountId = (i) => String(200000000000 + i);
const fmtS = (ms) => (Number.isFinite(ms) ? `${(ms / 1000).toFixed(2)} s` : "n/a");

/**
 * The functions of one account-region: the P4 mix of values; every other function protected at rest by the
 * account-region's customer managed key, the rest by aws/lambda (ES004); one plaintext password every 25 functions.
 */
function makeFunctions(perAccountRegion) {
  return (account, region) =>
    Array.from({ length: perAccountRegion }, (_, i) => {
      const name = `fn-${String(i).padStart(4, "0")}`;
      return {
        FunctionName: name,
        FunctionArn: `arn:aws:lambda:${region}:${account}:function:${name}`,
        Runtime: "nodejs20.x",
        Role: `arn:aws:iam::${account}:role/app`,
        Handler: "index.handler",
        CodeSize: 1024,
        Timeout: 3,
        MemorySize: 128,
        LastModified: "2026-01-01T00:00:00.000+0000",
        Version: "$LATEST",
        Environment: {
          Variables: {
            LOG_LEVEL: "info",
            TABLE_NAME: `orders-${i}`,
            QUEUE_URL: `https://sqs.${region}.amazonaws.com/${account}/orders-${i}`,
            SECRET_ARN: `arn:aws:secretsmanager:${region}:${account}:secret:prod/db-${i}`,
            FEATURE_FLAGS: '{"newCheckout":true,"maxItems":50}',
            ...(i % 25 === 0 ? { DB_PASSWORD: `bench-Pw-${account.slice(-4)}-${i}-x9Q` } : {}),
          },
        },
        ...(i % 2 === 0 ? { KMSKeyArn: `arn:aws:kms:${region}:${account}:key/k-${i % KEYS_PER_ACCOUNT_REGION}` } : {}),
        State: "Active",
        LastUpdateStatus: "Successful",
        RevisionId: `rev-${i}`,
      };
    });
}

const baseEnv = () => ({
  PATH: process.env.PATH ?? "",
  HOME: process.env.HOME ?? "/tmp",
  AWS_ACCESS_KEY_ID: "AKIAIOSFODNN7EXAMPLE",
  AWS_SECRET_ACCESS_KEY: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
  AWS_REGION: "us-east-1",
  AWS_EC2_METADATA_DISABLED: "true",
  NO_COLOR: "1",
});

/** One CLI run on a fresh rig. `accounts` members; `only` passes --accounts instead of listing the organisation. */
async function runOnce({ accounts, perAccountRegion, regions, concurrency, rttMs, serviceMs, dir, label, only }) {
  const members = Array.from({ length: accounts }, (_, i) => accountId(i));
  const aws = await startFakeAws({ rttMs, serviceMs, lambdaRps: 15, accounts: members, orgFunctions: makeFunctions(perAccountRegion), roleName: ROLE });
  try {
    const out = join(dir, `report-${label}.json`);
    const args = [CLI, "--endpoint-url", aws.url, "--ca-bundle", aws.caFile, "audit", ...(only ? ["--accounts", members.join(",")] : ["--org"]), "--role-name", ROLE];
    args.push("--regions", regions.join(","), "--concurrency", String(concurrency), "--format", "json", "--out", out, "--fail-on", "none");
    const r = await runNode(args, baseEnv(), { allowFail: true });
    if (r.code !== 0) throw new Error(`audit --org exited ${r.code}: ${r.stderr.slice(-800)}`);
    const report = JSON.parse(readFileSync(out, "utf8"));
    const assumed = [...aws.assumeRoleCalls().values()];
    return {
      wallMs: r.wallMs,
      rssMb: r.rssKb / 1024,
      cpuMs: r.cpuMs,
      notAudited: report.summary.notAudited.length,
      functions: report.summary.functionsScanned,
      findings: report.summary.findingsTotal,
      assumeMax: Math.max(0, ...assumed),
      assumeTotal: assumed.reduce((a, b) => a + b, 0),
      describeKey: aws.calls("kms:DescribeKey"),
      simulate: aws.calls("iam:SimulatePrincipalPolicy"),
      keysNotChecked: report.summary.keysNotChecked.length,
      distinctKeys: aws.distinctKeysDescribed(),
      throttled: aws.throttled(),
      handshakes: aws.counters.handshakes,
    };
  } finally {
    await aws.close();
  }
}

/** Run the benchmark; returns rows for bench/run.mjs. */
export default async function run({
  samples = Number(process.env.BENCH_ORG_SAMPLES ?? 3),
  accounts = Number(process.env.BENCH_ORG_ACCOUNTS ?? 200),
  perAccountRegion = Number(process.env.BENCH_ORG_FUNCTIONS ?? 100),
  concurrency = Number(process.env.BENCH_ORG_CONCURRENCY ?? 6),
  rttMs = Number(process.env.BENCH_RTT_MS ?? 10),
  serviceMs = Number(process.env.BENCH_SERVICE_MS ?? 2),
} = {}) {
  const dir = mkdtempSync(join(tmpdir(), "envseal-bench-org-"));
  try {
    const base = [];
    const full = [];
    for (let i = 0; i < samples; i++) {
      base.push(await runOnce({ accounts: 1, perAccountRegion: 0, regions: ["us-east-1"], concurrency, rttMs, serviceMs, dir, label: `base-${i}`, only: true }));
      full.push(await runOnce({ accounts, perAccountRegion, regions: REGIONS, concurrency, rttMs, serviceMs, dir, label: `full-${i}` }));
    }
    const pages = Math.max(1, Math.ceil(perAccountRegion / 50));
    const unitMs = ((pages - 1) * 1000) / 15 + rttMs + serviceMs;
    const units = accounts * REGIONS.length;
    const bMs = median(base.map((x) => x.wallMs));
    const boundMs = Math.max(unitMs, (units * unitMs) / concurrency);
    const floorMs = bMs + boundMs;
    const walls = full.map((x) => x.wallMs);
    const last = full.at(-1);
    const n = accounts * REGIONS.length * perAccountRegion;
    return {
      title: `organisation audit (CLI process, report to a file), ${samples} sample(s), ${accounts} accounts × ${REGIONS.length} regions × ${perAccountRegion} functions, --concurrency ${concurrency}, fake AWS ${rttMs} ms RTT, Lambda 15 req/s per account-region`,
      rows: [
        { bench: "audit-org", case: "fixed cost B: 1 account, 1 empty region", n: 0, median: bMs, p90: quantile(base.map((x) => x.wallMs), 0.9), rssMb: median(base.map((x) => x.rssMb)) },
        { bench: "audit-org", case: `floor: B + ${units} account-regions × ${unitMs.toFixed(0)} ms ÷ ${concurrency}`, n, median: floorMs, p90: floorMs, vsFloor: 1 },
        {
          bench: "audit-org",
          case: `envseal audit --org, ${accounts} × ${REGIONS.length} × ${perAccountRegion}`,
          n,
          median: median(walls),
          p90: quantile(walls, 0.9),
          vsFloor: median(walls) / floorMs,
          calls: `CLI CPU ${fmtS(median(full.map((x) => x.cpuMs ?? NaN)))} (B ${fmtS(median(base.map((x) => x.cpuMs ?? NaN)))}); AssumeRole ${last.assumeTotal} for ${accounts} accounts (max ${last.assumeMax}/account); DescribeKey ${last.describeKey} for ${last.distinctKeys} distinct keys; ES014 simulations ${last.simulate} (not checked ${last.keysNotChecked}); throttled ${Math.max(...full.map((x) => x.throttled))}; not audited ${last.notAudited}; ${last.functions} functions, ${last.findings} findings`,
          tls: last.handshakes,
          rssMb: Math.max(...full.map((x) => x.rssMb)),
        },
      ],
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
