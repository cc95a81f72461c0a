// P1, P2, P3 — the runtime's cold path, import → plaintext, each sample a fresh Node process, against the fake AWS
// (bench/_fake-aws.mjs: HTTPS, injected RTT and service time). Cases run interleaved, so drift hits all alike:
//   node -e 0                  Node's own start and memory (the P3 baseline)
//   floor                      node start + one minimal SigV4-signed Decrypt with node:https (the P1 floor)
//   SDK sequential / Promise.all   the baselines (console snippet; SDK in parallel)
//   envseal lean / sdk path    per variable and ENVSEAL_BUNDLE; lean per variable also with maxConnections 1, 2, 4
// Each envseal sample also makes 5 warm calls: "KMS calls" counts the whole sample, so warm calls add nothing.
import { createHash, randomBytes } from "node:crypto";
import { fileURLToPath } from "node:url";
import { startFakeAws } from "./_fake-aws.mjs";
import { median, quantile, runNode } from "./_util.mjs";

const CHILD = fileURLToPath(new URL("./_cold-child.mjs", import.meta.url));
const RUNTIME = fileURLToPath(new URL("../dist/runtime/index.js", import.meta.url));
const FN = "bench-fn";

function secretsFor(aws, n) {
  const names = Array.from({ length: n }, (_, i) => `SECRET_${String(i).padStart(2, "0")}`);
  const values = Object.fromEntries(names.map((name) => [name, randomBytes(24).toString("base64url")]));
  const sealed = Object.fromEntries(names.map((name) => [name, aws.seal(values[name], FN)]));
  const expected = Object.fromEntries(names.map((name) => [name, createHash("sha256").update(values[name]).digest("hex")]));
  return { names, sealed, expected, bundle: aws.seal(JSON.stringify(values), FN) };
}

/** Run the benchmark; returns rows for bench/run.mjs. */
export default async function run({ samples = Number(process.env.BENCH_SAMPLES ?? 15), rttMs = Number(process.env.BENCH_RTT_MS ?? 10), serviceMs = Number(process.env.BENCH_SERVICE_MS ?? 2) } = {}) {
  const aws = await startFakeAws({ rttMs, serviceMs });
  const rows = [];
  try {
    const base = {
      PATH: process.env.PATH ?? "",
      HOME: process.env.HOME ?? "/tmp",
      AWS_LAMBDA_FUNCTION_NAME: FN,
      AWS_REGION: "us-east-1",
      AWS_ACCESS_KEY_ID: "AKIAIOSFODNN7EXAMPLE",
      AWS_SECRET_ACCESS_KEY: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
      AWS_SESSION_TOKEN: "bench-session-token",
      AWS_ENDPOINT_URL_KMS: aws.url,
      AWS_CA_BUNDLE: aws.caFile,
      // The SDK baselines trust the throwaway certificate this way; every case pays the same (tiny) cost.
      NODE_EXTRA_CA_CERTS: aws.caFile,
      AWS_EC2_METADATA_DISABLED: "true",
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
      BENCH_RUNTIME: RUNTIME,
    };
    const s8 = secretsFor(aws, 8);
    const s16 = secretsFor(aws, 16);
    const perVar = (s) => ({ ...base, ...s.sealed, ENVSEAL_SEALED: s.names.join(","), BENCH_NAMES: s.names.join(","), BENCH_EXPECT: JSON.stringify(s.expected) });
    const bundled = (s) => ({ ...base, ENVSEAL_BUNDLE: s.bundle, BENCH_NAMES: s.names.join(","), BENCH_EXPECT: JSON.stringify(s.expected) });
    const cases = [
      { id: "node", label: "node -e 0 (Node start; memory baseline)", n: 0, args: ["-e", "console.log(JSON.stringify({ ms: performance.now(), rssKb: process.resourceUsage().maxRSS }))"], env: base },
      { id: "floor", label: "floor: node start + 1 minimal signed Decrypt", n: 1, args: [CHILD, "floor"], env: perVar(s8) },
      { id: "sequential", label: "SDK sequential (console snippet)", n: 8, args: [CHILD, "sequential"], env: perVar(s8) },
      { id: "parallel", label: "SDK Promise.all", n: 8, args: [CHILD, "parallel"], env: perVar(s8) },
      { id: "lean-bundle", label: "envseal lean, ENVSEAL_BUNDLE", n: 8, args: [CHILD, "envseal"], env: bundled(s8) },
      { id: "lean-bundle-16", label: "envseal lean, ENVSEAL_BUNDLE", n: 16, args: [CHILD, "envseal"], env: bundled(s16) },
      { id: "lean", label: "envseal lean, per variable (maxConnections 8)", n: 8, args: [CHILD, "envseal"], env: perVar(s8) },
      { id: "lean-4", label: "envseal lean, per variable, maxConnections 4", n: 8, args: [CHILD, "envseal"], env: { ...perVar(s8), BENCH_MAXCONN: "4" } },
      { id: "lean-2", label: "envseal lean, per variable, maxConnections 2", n: 8, args: [CHILD, "envseal"], env: { ...perVar(s8), BENCH_MAXCONN: "2" } },
      { id: "lean-1", label: "envseal lean, per variable, maxConnections 1", n: 8, args: [CHILD, "envseal"], env: { ...perVar(s8), BENCH_MAXCONN: "1" } },
      { id: "sdk-bundle", label: "envseal SDK path, ENVSEAL_BUNDLE", n: 8, args: [CHILD, "envseal"], env: { ...bundled(s8), ENVSEAL_KMS_TRANSPORT: "sdk" } },
      { id: "sdk", label: "envseal SDK path, per variable", n: 8, args: [CHILD, "envseal"], env: { ...perVar(s8), ENVSEAL_KMS_TRANSPORT: "sdk" } },
    ];
    const only = process.env.BENCH_CASES?.split(",");
    const selected = cases.filter((c) => !only || only.includes(c.id) || ["node", "floor", "sequential", "parallel"].includes(c.id));
    const stats = Object.fromEntries(selected.map((c) => [c.id, { ms: [], rss: [], calls: 0, lean: 0, handshakes: 0 }]));
    for (const c of selected) await runNode(c.args, c.env); // warm-up: disk cache
    for (let i = 0; i < samples; i++) {
      for (const c of selected) {
        const before = aws.snapshot();
        const r = await runNode(c.args, c.env);
        const after = aws.snapshot();
        const st = stats[c.id];
        st.ms.push(r.out.ms);
        st.rss.push(r.rssKb);
        st.calls += (after.calls["kms:Decrypt@us-east-1"] ?? 0) - (before.calls["kms:Decrypt@us-east-1"] ?? 0);
        st.lean += after.leanDecrypts - before.leanDecrypts;
        st.handshakes += after.handshakes - before.handshakes;
      }
    }
    const med = (id) => median(stats[id].ms);
    const nodeRss = median(stats.node.rss);
    for (const c of selected) {
      const st = stats[c.id];
      const rssKb = median(st.rss);
      rows.push({
        bench: "cold",
        case: c.label,
        n: c.n,
        median: med(c.id),
        p90: quantile(st.ms, 0.9),
        vsFloor: c.id === "node" ? undefined : med(c.id) / med("floor"),
        vsSequential: c.n === 8 ? med(c.id) / med("sequential") : undefined,
        vsParallel: c.n === 8 ? med(c.id) / med("parallel") : undefined,
        calls: c.id === "node" ? "" : `${(st.calls / samples).toFixed(1)} Decrypt${c.id.startsWith("lean") ? ` (${(st.lean / samples).toFixed(1)} lean)` : ""}`,
        tls: c.id === "node" ? undefined : st.handshakes / samples,
        rssMb: rssKb / 1024,
        dRssMb: (rssKb - nodeRss) / 1024,
      });
    }
  } finally {
    await aws.close();
  }
  return {
    title: `cold path import → plaintext, fresh process per sample, ${samples} samples per case, interleaved; fake AWS over HTTPS, ${rttMs} ms RTT + ${serviceMs} ms service time; ms = time since process start`,
    rows,
  };
}
