/**
 * Run the built runtime (`dist/runtime/index.js`) in a child Node process with a Lambda-like environment:
 * the function's variables, AWS_LAMBDA_FUNCTION_NAME, region, credentials and the KMS endpoint.
 */
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { Moto } from "./moto.js";
import { recordOutput } from "./canary.js";

const RUNTIME = fileURLToPath(new URL("../../dist/runtime/index.js", import.meta.url));

/** Open every secret of a function the way a handler would; resolves the plaintext map or the error text. */
export function loadInChild(
  moto: Moto,
  functionName: string,
  variables: Record<string, string>,
  options: Record<string, unknown> = {},
): Promise<{ code: number; secrets?: Record<string, string>; stderr: string }> {
  const script = `
    import { loadSecrets } from ${JSON.stringify(RUNTIME)};
    try {
      const s = await loadSecrets(${JSON.stringify(options)});
      process.stdout.write(JSON.stringify(s));
    } catch (e) {
      process.stderr.write(String(e && e.message));
      process.exitCode = 1;
    }`;
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? "",
    ...variables,
    AWS_LAMBDA_FUNCTION_NAME: functionName,
    AWS_REGION: "us-east-1",
    AWS_ACCESS_KEY_ID: moto.env().AWS_ACCESS_KEY_ID as string,
    AWS_SECRET_ACCESS_KEY: moto.env().AWS_SECRET_ACCESS_KEY as string,
    AWS_ENDPOINT_URL_KMS: moto.url,
  };
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--input-type=module", "-e", script], { env, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.stderr.on("data", (d: Buffer) => (err += d.toString()));
    child.on("error", reject);
    child.on("close", (code) => {
      recordOutput(`runtime child for ${functionName} (stderr)`, err);
      resolve({ code: code ?? -1, ...(code === 0 ? { secrets: JSON.parse(out) as Record<string, string> } : {}), stderr: err });
    });
  });
}
