// Cold path of envseal/runtime: import → plaintext for N = 1, 8, 16 secrets, each sample a fresh Node process, against
// a local HTTPS fake KMS with injected latency, beside two baselines run in the same process tree:
// the console-snippet style (sequential Decrypts with the SDK) and Promise.all with the SDK; plus envseal with the
// values in one ENVSEAL_BUNDLE (one Decrypt), the floor the wire format allows.
import { spawn } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { fileURLToPath } from "node:url";
import { startFakeKms } from "./_fake-kms.mjs";

const CHILD = fileURLToPath(new URL("./_runtime-cold-child.mjs", import.meta.url));
const RUNTIME = fileURLToPath(new URL("../dist/runtime/index.js", import.meta.url));
const MODES = ["sequential", "parallel", "envseal", "envseal-bundle"];
const LABELS = {
  sequential: "SDK sequential (console snippet)",
  parallel: "SDK Promise.all",
  envseal: "envseal loadSecrets",
  "envseal-bundle": "envseal loadSecrets, ENVSEAL_BUNDLE",
};
const FUNCTION_NAME = "bench-fn";

function runChild(mode, env) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CHILD, mode === "envseal-bundle" ? "envseal" : mode], { env: env[mode], stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (err += d));
    child.on("error", reject);
    child.on("close", (code) => (code === 0 ? resolve(JSON.parse(out.trim().split("\n").at(-1)).ms) : reject(new Error(`${mode} sample failed (${code}): ${err.slice(-500)}`))));
  });
}

const quantile = (xs, q) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))];
};

/** Run the benchmark; returns rows for bench/run.mjs. */
export default async function run({ samples = Number(process.env.BENCH_SAMPLES ?? 15), latencyMs = Number(process.env.BENCH_LATENCY_MS ?? 10) } = {}) {
  const kms = await startFakeKms({ latencyMs });
  const rows = [];
  try {
    for (const n of [1, 8, 16]) {
      const names = Array.from({ length: n }, (_, i) => `SECRET_${String(i).padStart(2, "0")}`);
      const variables = {};
      const values = {};
      const expected = {};
      for (const name of names) {
        const value = randomBytes(24).toString("base64url");
        values[name] = value;
        variables[name] = kms.seal(value, FUNCTION_NAME);
        expected[name] = createHash("sha256").update(value).digest("hex");
      }
      const base = {
        PATH: process.env.PATH ?? "",
        HOME: process.env.HOME ?? "/tmp",
        AWS_LAMBDA_FUNCTION_NAME: FUNCTION_NAME,
        AWS_REGION: "us-east-1",
        AWS_ACCESS_KEY_ID: "AKIAIOSFODNN7EXAMPLE",
        AWS_SECRET_ACCESS_KEY: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
        AWS_SESSION_TOKEN: "bench",
        AWS_ENDPOINT_URL_KMS: kms.url,
        AWS_EC2_METADATA_DISABLED: "true",
        AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
        NODE_EXTRA_CA_CERTS: kms.caFile,
        BENCH_NAMES: names.join(","),
        BENCH_EXPECT: JSON.stringify(expected),
        BENCH_RUNTIME: RUNTIME,
      };
      // The bundle: one ciphertext of the JSON object of every value, so one Decrypt opens them all.
      const bundleValues = {};
      for (const name of names) bundleValues[name] = values[name];
      const bundle = kms.seal(JSON.stringify(bundleValues), FUNCTION_NAME);
      const env = Object.fromEntries(MODES.map((m) => [m, m === "envseal-bundle" ? { ...base, ENVSEAL_BUNDLE: bundle } : { ...base, ENVSEAL_SEALED: names.join(","), ...variables }]));
      const times = Object.fromEntries(MODES.map((m) => [m, []]));
      const conns = Object.fromEntries(MODES.map((m) => [m, 0]));
      // One warm-up round (disk cache), then interleaved samples so drift hits every mode alike.
      for (const mode of MODES) await runChild(mode, env);
      for (let i = 0; i < samples; i++) {
        for (const mode of MODES) {
          const before = kms.counters.connections;
          times[mode].push(await runChild(mode, env));
          conns[mode] += kms.counters.connections - before;
        }
      }
      const med = Object.fromEntries(MODES.map((m) => [m, quantile(times[m], 0.5)]));
      for (const mode of MODES) {
        rows.push({
          bench: "runtime-cold",
          case: LABELS[mode],
          n,
          median: med[mode],
          p90: quantile(times[mode], 0.9),
          vsSequential: med[mode] / med.sequential,
          vsParallel: med[mode] / med.parallel,
          tlsConns: conns[mode] / samples,
        });
      }
    }
  } finally {
    await kms.close();
  }
  return { title: `cold path import → plaintext, fresh process per sample, ${samples} samples, fake KMS over HTTPS with ${latencyMs} ms per request`, rows };
}
