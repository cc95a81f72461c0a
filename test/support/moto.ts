/**
 * Start and stop moto server for integration tests: a free port on 127.0.0.1, stopped by PID.
 * When moto is missing, suites skip with a message; under CI=true a missing moto fails the run.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { createServer } from "node:net";
import { CreateKeyCommand, CreateAliasCommand, KMSClient } from "@aws-sdk/client-kms";
import { CreateFunctionCommand, LambdaClient } from "@aws-sdk/client-lambda";
import { CreateRoleCommand, IAMClient } from "@aws-sdk/client-iam";

const PYTHON = process.env.MOTO_PYTHON ?? "python3";

let available: boolean | undefined;

/** True when `python3 -m moto.server` can run here. Under CI=true, throws when it cannot. */
export function motoAvailable(): boolean {
  if (available === undefined) {
    const r = spawnSync(PYTHON, ["-c", "import moto.server, flask"], { stdio: "ignore", timeout: 30_000 });
    available = r.status === 0;
    if (!available) {
      const msg = `moto server is not installed (${PYTHON} -c "import moto.server" failed): integration tests against moto are skipped. Install it with: pip install "moto[server]"`;
      if (process.env.CI === "true") throw new Error(`${msg} — CI=true requires moto`);
      console.warn(msg);
    }
  }
  return available;
}

/** A free TCP port on 127.0.0.1. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const addr = srv.address();
      const port = typeof addr === "object" && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/** A running moto server. */
export interface Moto {
  readonly url: string;
  readonly port: number;
  readonly pid: number;
  /** Environment for a child process (CLI, handler) that talks to this moto; sets `ENVSEAL_EMULATOR=moto`. */
  env(region?: string): Record<string, string>;
  /** Stop the server by PID. */
  stop(): Promise<void>;
}

/** Credentials moto accepts; any value works, these are fixed so tests are repeatable. */
export const TEST_CREDENTIALS = { accessKeyId: "AKIAIOSFODNN7EXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY" };

/** Start moto on a free port and wait until it answers. */
export async function startMoto(): Promise<Moto> {
  const port = await freePort();
  const child: ChildProcess = spawn(PYTHON, ["-m", "moto.server", "-H", "127.0.0.1", "-p", String(port)], {
    stdio: ["ignore", "ignore", "pipe"],
    env: { ...process.env, MOTO_ALLOW_NONEXISTENT_REGION: "true" },
  });
  let stderr = "";
  child.stderr?.on("data", (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`moto exited early (${child.exitCode}): ${stderr}`);
    try {
      const res = await fetch(`${url}/moto-api/`);
      if (res.ok || res.status < 500) break;
    } catch {
      /* not up yet */
    }
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`moto did not start on ${url} within 30 s: ${stderr}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  const pid = child.pid as number;
  // moto's Lambda checks that the execution role exists.
  await new IAMClient({ region: "us-east-1", endpoint: url, credentials: TEST_CREDENTIALS }).send(
    new CreateRoleCommand({ RoleName: "envseal-test", AssumeRolePolicyDocument: JSON.stringify({ Version: "2012-10-17", Statement: [] }) }),
  );
  return {
    url,
    port,
    pid,
    env: (region = "us-east-1") => ({
      AWS_ACCESS_KEY_ID: TEST_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: TEST_CREDENTIALS.secretAccessKey,
      AWS_REGION: region,
      AWS_DEFAULT_REGION: region,
      AWS_ENDPOINT_URL: url,
      AWS_EC2_METADATA_DISABLED: "true",
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
      // moto's KMS blobs are not shaped like AWS's: the auditor takes them for sealed only in this mode.
      ENVSEAL_EMULATOR: "moto",
    }),
    stop: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise<void>((r) => child.once("exit", () => r()));
      process.kill(pid, "SIGTERM");
      const timer = setTimeout(() => child.exitCode === null && process.kill(pid, "SIGKILL"), 5_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** SDK clients pointed at moto. */
export function motoClients(moto: Moto, region = "us-east-1") {
  const config = { region, endpoint: moto.url, credentials: TEST_CREDENTIALS };
  return { kms: new KMSClient(config), lambda: new LambdaClient(config) };
}

/** A tiny valid deployment package (index.js in a zip). */
export const TINY_ZIP = Buffer.from(
  "UEsDBBQAAAAAAPd4d12S6LV5JQAAACUAAAAIAAAAaW5kZXguanNleHBvcnRzLmhhbmRsZXI9YXN5bmMoKT0+KHtvazp0cnVlfSk7UEsBAhQDFAAAAAAA93h3XZLotXklAAAAJQAAAAgAAAAAAAAAAAAAAIABAAAAAGluZGV4LmpzUEsFBgAAAAABAAEANgAAAEsAAAAAAA==",
  "base64",
);

/** Create a symmetric customer managed key, optionally with an alias; returns its ARN and id. */
export async function createKey(kms: KMSClient, alias?: string): Promise<{ arn: string; keyId: string }> {
  const out = await kms.send(new CreateKeyCommand({ Description: "envseal test key" }));
  const meta = out.KeyMetadata!;
  if (alias) await kms.send(new CreateAliasCommand({ AliasName: alias, TargetKeyId: meta.KeyId! }));
  return { arn: meta.Arn!, keyId: meta.KeyId! };
}

/** Create a function with the given variables. */
export async function createFunction(lambda: LambdaClient, name: string, variables: Record<string, string> = {}): Promise<string> {
  const out = await lambda.send(
    new CreateFunctionCommand({
      FunctionName: name,
      Runtime: "nodejs22.x",
      Role: "arn:aws:iam::123456789012:role/envseal-test",
      Handler: "index.handler",
      Code: { ZipFile: TINY_ZIP },
      ...(Object.keys(variables).length ? { Environment: { Variables: variables } } : {}),
    }),
  );
  return out.FunctionArn!;
}
