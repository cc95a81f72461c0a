/**
 * The independent client for cross-checks: awscli v1 against moto.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Moto } from "./moto.js";

/** True when the `aws` command runs here; under CI=true a missing awscli fails the run (.ci/run installs it). */
export function awscliAvailable(): boolean {
  const ok = spawnSync("aws", ["--version"], { stdio: "ignore" }).status === 0;
  if (!ok && process.env.CI === "true") throw new Error("awscli is not installed — CI=true requires it (.ci/run installs it with apt-get)");
  if (!ok) console.warn("awscli is not installed: the suites that cross-check with it are skipped");
  return ok;
}

/** Run `aws ...args --endpoint-url moto` and return stdout; throws with stderr on failure. */
export function aws(moto: Moto, args: string[], region = "us-east-1"): string {
  const r = spawnSync("aws", [...args, "--endpoint-url", moto.url, "--region", region], {
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "/tmp", ...moto.env(region) },
    encoding: "utf8",
  });
  if (r.status !== 0) throw new Error(`aws ${args.join(" ")} failed (${r.status}): ${r.stderr}`);
  return r.stdout;
}

/** Decrypt a sealed value with awscli and the function-name context; returns plaintext and the KeyId KMS reports. */
export function awsDecrypt(moto: Moto, sealed: string, functionName: string): { plaintext: string; keyId: string } {
  const dir = mkdtempSync(join(tmpdir(), "envseal-awscli-"));
  try {
    const file = join(dir, "blob");
    writeFileSync(file, Buffer.from(sealed, "base64"), { mode: 0o600 });
    const out = JSON.parse(
      aws(moto, ["kms", "decrypt", "--ciphertext-blob", `fileb://${file}`, "--encryption-context", `LambdaFunctionName=${functionName}`, "--output", "json"]),
    ) as { Plaintext: string; KeyId: string };
    return { plaintext: Buffer.from(out.Plaintext, "base64").toString("utf8"), keyId: out.KeyId };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Seal a value with awscli the way the Lambda console's helper does (context LambdaFunctionName). The plaintext goes
 * through stdin (`cat |` gives aws a real pipe: Node's stdio pipes are sockets, which /dev/stdin cannot open), never
 * into a file or argv.
 */
export function awsEncrypt(moto: Moto, keyId: string, plaintext: string, functionName: string): string {
  const r = spawnSync(
    "sh",
    ["-c", 'cat | aws "$@"', "sh", "kms", "encrypt", "--key-id", keyId, "--plaintext", "fileb:///dev/stdin",
      "--encryption-context", `LambdaFunctionName=${functionName}`, "--endpoint-url", moto.url, "--query", "CiphertextBlob", "--output", "text"],
    { input: plaintext, encoding: "utf8", env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "/tmp", ...moto.env() } },
  );
  if (r.status !== 0) throw new Error(`aws kms encrypt failed (${r.status}): ${r.stderr}`);
  return r.stdout.trim();
}
