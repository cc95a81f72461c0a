// One cold-start sample, in a fresh Node process: import → plaintext for every name in BENCH_NAMES.
// Modes: envseal (envseal/runtime), sequential (the Lambda console snippet's style: one Decrypt after another with the
// SDK), parallel (Promise.all of Decrypts with the SDK). Prints {ms}; checks the plaintexts by sha256, never prints them.
const t0 = performance.now();
import { createHash } from "node:crypto";

const mode = process.argv[2];
const names = process.env.BENCH_NAMES.split(",");
const fn = process.env.AWS_LAMBDA_FUNCTION_NAME;
let secrets;
if (mode === "envseal") {
  const { loadSecrets } = await import(process.env.BENCH_RUNTIME);
  secrets = await loadSecrets();
} else {
  const { KMSClient, DecryptCommand } = await import("@aws-sdk/client-kms");
  const client = new KMSClient({});
  const open = async (name) => {
    const out = await client.send(
      new DecryptCommand({ CiphertextBlob: Buffer.from(process.env[name], "base64"), EncryptionContext: { LambdaFunctionName: fn } }),
    );
    return [name, new TextDecoder().decode(out.Plaintext)];
  };
  const entries = [];
  if (mode === "sequential") for (const name of names) entries.push(await open(name));
  else entries.push(...(await Promise.all(names.map(open))));
  secrets = Object.fromEntries(entries);
}
const ms = performance.now() - t0;
const expected = JSON.parse(process.env.BENCH_EXPECT);
for (const name of names) {
  if (createHash("sha256").update(secrets[name] ?? "").digest("hex") !== expected[name]) {
    console.error(`mismatch for ${name}`);
    process.exit(2);
  }
}
console.log(JSON.stringify({ ms }));
process.exit(0);
