/**
 * The runtime as Lambda runs it: a handler using the installed package (npm pack → consumer), loaded by Lambda's own
 * runtime interface client (aws-lambda-ric) under Node 22 and 24 (Lambda's nodejs22.x / nodejs24.x), polling a Runtime
 * API emulator; KMS is moto behind the counting proxy. Both the built file and an esbuild bundle made the way the README
 * says, on both KMS paths; a bundle made without the SDK external fails with an error that says what it is; and Lambda
 * multi-concurrency (AWS_LAMBDA_MAX_CONCURRENCY, worker threads) is measured: each worker cold-starts on its own.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { join } from "node:path";
import { EncryptCommand, type KMSClient } from "@aws-sdk/client-kms";
import { createKey, motoAvailable, motoClients, startMoto, TEST_CREDENTIALS, type Moto } from "../support/moto.js";
import { startAwsProxy, type AwsProxy } from "../support/aws-proxy.js";
import { canary, recordOutput } from "../support/canary.js";
import { installConsumer, packRepo, REPO, repoVersion, writeFiles } from "../support/consumer.js";
import { startRuntimeApi, type RuntimeApi } from "../support/runtime-api.js";
import { sha256 } from "../support/runtime-moto.js";
// @ts-expect-error -- a plain .mjs helper without types
import { toolPaths } from "../support/tools.mjs";

const tools = toolPaths() as { node22: string; node24: string; ric: string } | undefined;
const ESBUILD = join(REPO, "node_modules/esbuild/bin/esbuild");
const FN = "ric-fn";

/** The README's handler: open at init (top-level await), answer with names and a digest — never a value. */
const HANDLER = `
import { createHash } from "node:crypto";
import { loadSecrets } from "envseal/runtime";
const secrets = await loadSecrets({ kmsTransport: process.env.TEST_TRANSPORT });
export const handler = async () => ({
  names: Object.keys(secrets).sort(),
  digest: createHash("sha256").update(JSON.stringify(secrets)).digest("hex"),
});
`;

describe.skipIf(!motoAvailable() || !tools)("Lambda's runtime interface client (aws-lambda-ric) loads the handler", () => {
  let consumer: string;
  let moto: Moto;
  let proxy: AwsProxy;
  let kms: KMSClient;
  const values = { A_ONE: canary("ric-a"), B_TWO: canary("ric-b") };
  let perVariable: Record<string, string> = {};
  let bundled: Record<string, string> = {};
  const children: ChildProcess[] = [];

  beforeAll(async () => {
    const pack = packRepo();
    consumer = installConsumer(pack.tarball, [`@aws-sdk/client-kms@${repoVersion("@aws-sdk/client-kms")}`]);
    writeFiles(consumer, { "src/index.mjs": HANDLER });
    // The README's recipe: platform node, ESM, the AWS SDK external (Lambda's Node.js runtimes ship it).
    const build = (out: string, extra: string[]) => {
      const r = spawnSync(ESBUILD, ["src/index.mjs", "--bundle", "--platform=node", "--format=esm", "--target=node22", `--outfile=${out}`, ...extra], { cwd: consumer, encoding: "utf8" });
      if (r.status !== 0) throw new Error(`esbuild failed: ${r.stderr}`);
    };
    build("bundle/index.mjs", ["--external:@aws-sdk/*"]);
    build("bundle-sdk-inside/index.mjs", []);
    moto = await startMoto();
    proxy = await startAwsProxy(moto.url);
    ({ kms } = motoClients(moto));
    const key = await createKey(kms, "alias/ric");
    const seal = async (plaintext: string) =>
      Buffer.from((await kms.send(new EncryptCommand({ KeyId: key.arn, Plaintext: Buffer.from(plaintext), EncryptionContext: { LambdaFunctionName: FN } }))).CiphertextBlob!).toString("base64");
    perVariable = { A_ONE: await seal(values.A_ONE), B_TWO: await seal(values.B_TWO), ENVSEAL_SEALED: "A_ONE,B_TWO" };
    bundled = { ENVSEAL_BUNDLE: await seal(JSON.stringify(values)) };
  }, 300_000);
  afterAll(async () => {
    for (const c of children) if (c.exitCode === null) c.kill("SIGKILL");
    await proxy?.stop();
    await moto?.stop();
  });

  /** Start aws-lambda-ric on `node` for the handler in `taskRoot`, against a fresh Runtime API emulator. */
  async function startRic(node: string, taskRoot: string, variables: Record<string, string>, extraEnv: Record<string, string> = {}): Promise<{ api: RuntimeApi; stderr: () => string; stop: () => Promise<void> }> {
    const api = await startRuntimeApi(FN);
    const child = spawn(node, [tools!.ric, "index.handler"], {
      cwd: join(consumer, taskRoot),
      env: {
        PATH: process.env.PATH ?? "",
        LAMBDA_TASK_ROOT: join(consumer, taskRoot),
        _HANDLER: "index.handler",
        AWS_LAMBDA_RUNTIME_API: api.address,
        AWS_LAMBDA_FUNCTION_NAME: FN,
        AWS_LAMBDA_FUNCTION_VERSION: "$LATEST",
        AWS_LAMBDA_FUNCTION_MEMORY_SIZE: "256",
        AWS_LAMBDA_LOG_GROUP_NAME: `/aws/lambda/${FN}`,
        AWS_LAMBDA_LOG_STREAM_NAME: "2026/11/30/[$LATEST]0123456789abcdef",
        AWS_REGION: "us-east-1",
        AWS_ACCESS_KEY_ID: TEST_CREDENTIALS.accessKeyId,
        AWS_SECRET_ACCESS_KEY: TEST_CREDENTIALS.secretAccessKey,
        AWS_SESSION_TOKEN: "ric-session-token",
        AWS_ENDPOINT_URL_KMS: proxy.url,
        AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
        ...variables,
        ...extraEnv,
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    children.push(child);
    let output = "";
    child.stdout!.on("data", (d: Buffer) => (output += d.toString()));
    child.stderr!.on("data", (d: Buffer) => (output += d.toString()));
    return {
      api,
      stderr: () => output,
      stop: async () => {
        if (child.exitCode === null) {
          const exited = new Promise((r) => child.once("exit", r));
          child.kill("SIGTERM");
          await exited;
        }
        recordOutput(`aws-lambda-ric ${taskRoot} (output)`, output);
        await api.stop();
      },
    };
  }

  const matrix = (["22", "24"] as const).flatMap((major) =>
    (["src", "bundle"] as const).flatMap((root) => (["lean", "sdk"] as const).map((transport) => [major, root, transport] as const)),
  );

  it.each(matrix)("Node %s, %s (built file or README bundle), %s KMS path: the handler opens the secrets at init", async (major, root, transport) => {
    const node = major === "22" ? tools!.node22 : tools!.node24;
    const ric = await startRic(node, root, bundled, { TEST_TRANSPORT: transport });
    try {
      const first = await ric.api.invoke({});
      expect(first.ok, `${first.body}\n${ric.stderr()}`).toBe(true);
      expect(JSON.parse(first.body)).toEqual({ names: ["A_ONE", "B_TWO"], digest: sha256(JSON.stringify(values)) });
      expect(ric.api.initErrors).toEqual([]);
    } finally {
      await ric.stop();
    }
  });

  it("a bundle with the AWS SDK inside (no --external) fails at init saying what it is, not 'the next invocation retries'", async () => {
    const ric = await startRic(tools!.node22, "bundle-sdk-inside", bundled, { TEST_TRANSPORT: "sdk" });
    try {
      const deadline = Date.now() + 20_000;
      while (ric.api.initErrors.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      expect(ric.api.initErrors, ric.stderr()).toHaveLength(1);
      const reported = JSON.parse(ric.api.initErrors[0]!) as { errorType: string; errorMessage: string };
      expect(reported.errorType).toBe("UnsealError");
      expect(reported.errorMessage).toBe("ENVSEAL_BUNDLE: the handler's bundle cannot load node:https at run time: a CommonJS require() inside an ESM bundle");
      expect(ric.stderr()).not.toContain("the next invocation retries");
    } finally {
      await ric.stop();
    }
  });

  it.each([
    ["one variable per secret", () => perVariable, 2],
    ["a bundle", () => bundled, 1],
  ] as const)("multi-concurrency (4 worker threads), %s: each worker cold-starts on its own; warm invocations call KMS no more", async (_label, vars, perWorker) => {
    proxy.resetCounters();
    const ric = await startRic(tools!.node24, "bundle", vars(), { TEST_TRANSPORT: "lean", AWS_LAMBDA_MAX_CONCURRENCY: "4", AWS_LAMBDA_NODEJS_WORKER_COUNT: "4" });
    try {
      const deadline = Date.now() + 30_000;
      while (ric.api.waiting() < 4 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      expect(ric.api.waiting(), ric.stderr()).toBe(4);
      const atInit = proxy.counters("kms:Decrypt").requests;
      expect(atInit).toBe(4 * perWorker);
      const results = await Promise.all(Array.from({ length: 12 }, () => ric.api.invoke({})));
      for (const r of results) expect(JSON.parse(r.body)).toEqual({ names: ["A_ONE", "B_TWO"], digest: sha256(JSON.stringify(values)) });
      expect(proxy.counters("kms:Decrypt").requests).toBe(atInit);
      console.info(`multi-concurrency, 4 workers, ${_label}: ${atInit} Decrypts per execution environment at init, 0 on 12 warm invocations`);
    } finally {
      await ric.stop();
    }
  });
});
