/**
 * Runtime integration helpers: run a Node child with a Lambda-like environment (the built runtime, as at a cold start).
 */
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { fileURLToPath } from "node:url";
import { TEST_CREDENTIALS } from "./moto.js";
import { recordOutput } from "./canary.js";

export const DIST = fileURLToPath(new URL("../../dist", import.meta.url));
export const ESM_DRIVER = fileURLToPath(new URL("./runtime-driver.mjs", import.meta.url));
export const CJS_DRIVER = fileURLToPath(new URL("./runtime-driver.cjs", import.meta.url));

/** The environment Lambda gives a function: its name, region, role credentials, and its variables; KMS at `kms.url`. */
export function lambdaEnv(kms: { url: string }, functionName: string, variables: Record<string, string>, region = "us-east-1"): Record<string, string> {
  return {
    PATH: process.env.PATH ?? "",
    HOME: process.env.HOME ?? "/tmp",
    AWS_LAMBDA_FUNCTION_NAME: functionName,
    AWS_REGION: region,
    AWS_ACCESS_KEY_ID: TEST_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: TEST_CREDENTIALS.secretAccessKey,
    AWS_SESSION_TOKEN: "test-session-token",
    AWS_ENDPOINT_URL_KMS: kms.url,
    AWS_EC2_METADATA_DISABLED: "true",
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
    ...variables,
  };
}

/** What a child printed and how it ended. */
export interface ChildRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Run `node ...args` with exactly `env` (under `node`, default this process's); its stderr goes to the leak scanner. */
export function runNode(args: readonly string[], env: Record<string, string>, node: string = process.execPath): Promise<ChildRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(node, args, { env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("error", reject);
    child.on("close", (code) => {
      recordOutput(`node ${args.join(" ").slice(0, 80)} (stderr)`, stderr);
      resolve({ code: code ?? -1, stdout, stderr });
    });
  });
}

/** sha256 hex of a value, so a child can confirm a plaintext without printing it. */
export function sha256(value: string): string {
  return createHash("sha256").update(value).digest("hex");
}
