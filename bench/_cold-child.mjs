// One cold-start sample in a fresh Node process: import → plaintext. Prints {ms, rssKb}: ms is performance.now() when
// the plaintext is ready, i.e. time since this process started (node start included), rssKb the peak RSS so far.
// Modes:
//   floor       one minimal SigV4-signed Decrypt of the first value with node:https and node:crypto only (the floor)
//   sequential  the Lambda console snippet's style: the SDK's KMSClient, one Decrypt after another
//   parallel    the SDK's KMSClient, Promise.all of the Decrypts
//   envseal     loadSecrets() of the built runtime (path from ENVSEAL_KMS_TRANSPORT; BENCH_MAXCONN sets
//               maxConnections), then 5 warm calls, which must not reach KMS
// Plaintexts are checked by sha256 against BENCH_EXPECT and never printed.
import { createHash, createHmac } from "node:crypto";

const mode = process.argv[2];
const names = process.env.BENCH_NAMES.split(",");
const fn = process.env.AWS_LAMBDA_FUNCTION_NAME;
let secrets;

async function floor() {
  const https = await import("node:https");
  const url = new URL(process.env.AWS_ENDPOINT_URL_KMS);
  const body = JSON.stringify({ CiphertextBlob: process.env[names[0]], EncryptionContext: { LambdaFunctionName: fn } });
  const date = new Date().toISOString().replace(/[-:]/g, "").replace(/\.\d{3}/, "");
  const region = process.env.AWS_REGION;
  const sha = (s) => createHash("sha256").update(s).digest("hex");
  const headers = { "content-type": "application/x-amz-json-1.1", host: url.host, "x-amz-date": date, "x-amz-security-token": process.env.AWS_SESSION_TOKEN, "x-amz-target": "TrentService.Decrypt" };
  const signed = Object.keys(headers).sort();
  const canonical = ["POST", "/", "", signed.map((h) => `${h}:${headers[h]}\n`).join(""), signed.join(";"), sha(body)].join("\n");
  const scope = `${date.slice(0, 8)}/${region}/kms/aws4_request`;
  let key = `AWS4${process.env.AWS_SECRET_ACCESS_KEY}`;
  for (const part of [date.slice(0, 8), region, "kms", "aws4_request"]) key = createHmac("sha256", key).update(part).digest();
  const signature = createHmac("sha256", key).update(["AWS4-HMAC-SHA256", date, scope, sha(canonical)].join("\n")).digest("hex");
  headers.authorization = `AWS4-HMAC-SHA256 Credential=${process.env.AWS_ACCESS_KEY_ID}/${scope}, SignedHeaders=${signed.join(";")}, Signature=${signature}`;
  const ca = process.env.AWS_CA_BUNDLE ? (await import("node:fs")).readFileSync(process.env.AWS_CA_BUNDLE) : undefined;
  const out = await new Promise((resolve, reject) => {
    const req = https.request({ hostname: url.hostname, port: url.port, method: "POST", path: "/", headers, ca }, (res) => {
      let text = "";
      res.on("data", (c) => (text += c));
      res.on("end", () => (res.statusCode === 200 ? resolve(JSON.parse(text)) : reject(new Error(`HTTP ${res.statusCode}`))));
    });
    req.on("error", reject);
    req.end(body);
  });
  return { [names[0]]: Buffer.from(out.Plaintext, "base64").toString("utf8") };
}

if (mode === "floor") {
  secrets = await floor();
} else if (mode === "envseal") {
  const { loadSecrets } = await import(process.env.BENCH_RUNTIME);
  const options = process.env.BENCH_MAXCONN ? { maxConnections: Number(process.env.BENCH_MAXCONN) } : {};
  secrets = await loadSecrets(options);
} else {
  const { KMSClient, DecryptCommand } = await import("@aws-sdk/client-kms");
  const client = new KMSClient({});
  const open = async (name) => {
    const out = await client.send(new DecryptCommand({ CiphertextBlob: Buffer.from(process.env[name], "base64"), EncryptionContext: { LambdaFunctionName: fn } }));
    return [name, new TextDecoder().decode(out.Plaintext)];
  };
  const entries = [];
  if (mode === "sequential") for (const name of names) entries.push(await open(name));
  else entries.push(...(await Promise.all(names.map(open))));
  secrets = Object.fromEntries(entries);
}
const ms = performance.now();
const rssKb = process.resourceUsage().maxRSS;
if (mode === "envseal") {
  // Warm invocations: answered from memory; the rig counts the calls of the whole sample.
  const { loadSecrets } = await import(process.env.BENCH_RUNTIME);
  for (let i = 0; i < 5; i++) await loadSecrets(process.env.BENCH_MAXCONN ? { maxConnections: Number(process.env.BENCH_MAXCONN) } : {});
}
const expected = JSON.parse(process.env.BENCH_EXPECT);
for (const name of mode === "floor" ? names.slice(0, 1) : names) {
  if (createHash("sha256").update(secrets[name] ?? "").digest("hex") !== expected[name]) {
    console.error(`mismatch for ${name}`);
    process.exit(2);
  }
}
console.log(JSON.stringify({ ms, rssKb }));
process.exit(0);
