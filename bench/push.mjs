// P5 — `envseal push` of 20 secrets to one function against the fake AWS (10 ms RTT, quotas on), per variable and
// with --bundle. Counted by the rig: KMS Encrypt and DescribeKey calls, Lambda GetFunctionConfiguration (the one read
// before the write, then the waiter's polls), UpdateFunctionConfiguration.
import { randomBytes } from "node:crypto";
import { fileURLToPath } from "node:url";
import { startFakeAws } from "./_fake-aws.mjs";
import { median, quantile, runNode } from "./_util.mjs";

const CLI = fileURLToPath(new URL("../dist/cli/main.js", import.meta.url));
const REGION = "us-east-1";
const FN = "bench-push";

/** Run the benchmark; returns rows for bench/run.mjs. */
export default async function run({ samples = Number(process.env.BENCH_PUSH_SAMPLES ?? 3), rttMs = Number(process.env.BENCH_RTT_MS ?? 10), serviceMs = Number(process.env.BENCH_SERVICE_MS ?? 2) } = {}) {
  const rows = [];
  const aws = await startFakeAws({ rttMs, serviceMs });
  try {
    for (const bundle of [false, true]) {
      const walls = [];
      let counts;
      for (let i = 0; i < samples; i++) {
        aws.addFunction(REGION, {
          FunctionName: FN,
          FunctionArn: `arn:aws:lambda:${REGION}:111122223333:function:${FN}`,
          Runtime: "nodejs20.x",
          Environment: { Variables: { LOG_LEVEL: "info" } },
          State: "Active",
          LastUpdateStatus: "Successful",
          RevisionId: `rev-${i}`,
        });
        // Dummy values, random per run; the bench never prints them.
        const pairs = Array.from({ length: 20 }, (_, k) => `SECRET_${String(k).padStart(2, "0")}=${randomBytes(12).toString("base64url")}`);
        const before = aws.snapshot();
        const env = { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "/tmp", AWS_ACCESS_KEY_ID: "AKIAIOSFODNN7EXAMPLE", AWS_SECRET_ACCESS_KEY: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", AWS_REGION: REGION, AWS_EC2_METADATA_DISABLED: "true", NO_COLOR: "1" };
        const r = await runNode([CLI, "--endpoint-url", aws.url, "--ca-bundle", aws.caFile, "push", "--function", FN, "--key", "alias/bench", ...pairs, ...(bundle ? ["--bundle"] : []), "--yes"], env, { allowFail: true });
        if (r.code !== 0) throw new Error(`push exited ${r.code}: ${r.stderr.slice(-800)}`);
        const after = aws.snapshot();
        const d = (op) => (after.calls[`${op}@${REGION}`] ?? 0) - (before.calls[`${op}@${REGION}`] ?? 0);
        counts = { encrypt: d("kms:Encrypt"), describe: d("kms:DescribeKey"), get: d("lambda:GetFunctionConfiguration"), update: d("lambda:UpdateFunctionConfiguration"), throttled: aws.throttled() };
        walls.push(r.wallMs);
      }
      rows.push({
        bench: "push",
        case: `envseal push, 20 secrets${bundle ? ", --bundle" : ", per variable"}`,
        n: 20,
        median: median(walls),
        p90: quantile(walls, 0.9),
        calls: `KMS Encrypt ${counts.encrypt}, DescribeKey ${counts.describe}; Lambda Get ${counts.get} (1 read + ${counts.get - 1} waiter polls), Update ${counts.update}; throttled ${counts.throttled}`,
      });
    }
  } finally {
    await aws.close();
  }
  return { title: `push wall time (CLI process), ${samples} samples each, fake AWS ${rttMs} ms RTT; the waiter sees Successful 300 ms after the update`, rows };
}
