/**
 * Issue 13's attacks, made as the attacker would: someone allowed lambda:UpdateFunctionConfiguration but no KMS
 * permission edits the configuration with the AWS SDK (against moto); then the built runtime starts in a Lambda-like
 * child process (AWS_LAMBDA_RUNTIME_API set, as Lambda sets it). Each attack fails closed with the documented error,
 * and nothing reaches the attacker's HTTPS endpoint (a local listener counts requests: zero).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createServer, type Server } from "node:https";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { AddressInfo } from "node:net";
import { GetFunctionConfigurationCommand, UpdateFunctionConfigurationCommand, type LambdaClient } from "@aws-sdk/client-lambda";
import { createFunction, createKey, motoAvailable, motoClients, startMoto, type Moto } from "../support/moto.js";
import { runBuiltCli } from "../support/cli.js";
import { canary } from "../support/canary.js";
import { unsealInChild, type Outcome } from "../support/runtime-child.js";
// @ts-expect-error -- a plain .mjs helper without types
import { throwawayCert } from "../../bench/_fake-crypto.mjs";

describe.skipIf(!motoAvailable())("integrity: configuration edits without KMS permission fail closed", () => {
  let moto: Moto;
  let lambda: LambdaClient;
  let attacker: Server;
  let attackerUrl = "";
  let attackerRequests = 0;
  const values = { DB_PASSWORD: canary("db"), SENTRY_DSN: canary("dsn"), API_KEY: canary("api") };

  const vars = async (fn: string) => (await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: fn }))).Environment?.Variables ?? {};
  /** The attacker's edit: a whole new variable map, written with the Lambda API only. */
  const edit = (fn: string, variables: Record<string, string>) => lambda.send(new UpdateFunctionConfigurationCommand({ FunctionName: fn, Environment: { Variables: variables } }));
  /** A cold start of the built runtime inside "Lambda", KMS on moto through the handler's own kmsEndpoint option. */
  const coldStart = async (fn: string, extraEnv: Record<string, string> = {}, options: Record<string, unknown> = {}): Promise<Outcome> => {
    const variables = { ...(await vars(fn)), AWS_LAMBDA_RUNTIME_API: "127.0.0.1:9001", ...extraEnv };
    return (await unsealInChild(moto, fn, variables, { kmsEndpoint: moto.url, timeoutMs: 3000, ...options })).outcome;
  };
  const push = async (fn: string, args: string[], stdin: string) => {
    const r = await runBuiltCli(["--endpoint-url", moto.url, "push", "-f", fn, "-k", "alias/app", ...args], { env: moto.env(), stdin });
    expect(r.code, r.stderr).toBe(0);
  };

  beforeAll(async () => {
    moto = await startMoto();
    ({ lambda } = motoClients(moto));
    await createKey(motoClients(moto).kms, "alias/app");
    await createFunction(lambda, "victim", {});
    await push("victim", ["DB_PASSWORD", "SENTRY_DSN", "API_KEY"], `${values.DB_PASSWORD}\n${values.SENTRY_DSN}\n${values.API_KEY}\n`);
    await createFunction(lambda, "victim-bundle", {});
    await push("victim-bundle", ["--bundle", "DB_PASSWORD"], values.DB_PASSWORD);
    const dir = mkdtempSync(join(tmpdir(), "envseal-attacker-"));
    const { certFile, keyFile } = throwawayCert(dir) as { certFile: string; keyFile: string };
    attacker = createServer({ key: readFileSync(keyFile), cert: readFileSync(certFile) }, (_req, res) => {
      attackerRequests++;
      res.writeHead(200, { "content-type": "application/x-amz-json-1.1" });
      res.end(JSON.stringify({ Plaintext: Buffer.from("attacker-chosen").toString("base64"), KeyId: "x" }));
    });
    await new Promise<void>((r) => attacker.listen(0, "127.0.0.1", r));
    attackerUrl = `https://localhost:${(attacker.address() as AddressInfo).port}`;
    process.env.ATTACKER_CA = certFile;
  });
  afterAll(async () => {
    await new Promise((r) => attacker?.close(r));
    await moto?.stop();
  });

  it("the untouched configuration opens", async () => {
    expect(await coldStart("victim")).toEqual({ ok: true, secrets: values });
  });

  it("swapping DB_PASSWORD and SENTRY_DSN fails in KMS, naming the variable", async () => {
    const v = await vars("victim");
    await edit("victim", { ...v, DB_PASSWORD: v.SENTRY_DSN!, SENTRY_DSN: v.DB_PASSWORD! });
    const out = await coldStart("victim");
    await edit("victim", v);
    expect(out).toMatchObject({ ok: false, name: "UnsealError", code: "InvalidCiphertextException", variable: "DB_PASSWORD" });
    expect((out as { message: string }).message).toContain("sealed for another variable or function?");
  });

  it.each([
    ["a ciphertext copied under a new name", (v: Record<string, string>) => ({ ...v, STOLEN: v.DB_PASSWORD!, ENVSEAL_SEALED: `${v.ENVSEAL_SEALED},STOLEN:v2` })],
    ["a v2 ciphertext marked v1 (downgrade)", (v: Record<string, string>) => ({ ...v, ENVSEAL_SEALED: v.ENVSEAL_SEALED!.replace("DB_PASSWORD:v2", "DB_PASSWORD") })],
  ])("%s fails in KMS", async (_label, change) => {
    const v = await vars("victim");
    await edit("victim", change(v));
    const out = await coldStart("victim");
    await edit("victim", v);
    expect(out).toMatchObject({ ok: false, code: "InvalidCiphertextException" });
  });

  it("the whole bundle put under a per-variable name fails in KMS", async () => {
    const bundle = (await vars("victim-bundle")).ENVSEAL_BUNDLE!;
    const v = await vars("victim");
    await edit("victim", { ...v, API_KEY: bundle });
    const out = await coldStart("victim");
    await edit("victim", v);
    expect(out).toMatchObject({ ok: false, code: "InvalidCiphertextException", variable: "API_KEY" });
  });

  it("an older bundle put back is refused by minBundleGeneration (without it, rollback is possible: documented)", async () => {
    const old = await vars("victim-bundle");
    await push("victim-bundle", ["DB_PASSWORD"], `${values.DB_PASSWORD}-rotated`);
    const current = await vars("victim-bundle");
    await edit("victim-bundle", old);
    const refused = await coldStart("victim-bundle", {}, { minBundleGeneration: 2 });
    expect(refused).toMatchObject({ ok: false, code: "BundleRolledBack", variable: "ENVSEAL_BUNDLE" });
    expect(await coldStart("victim-bundle")).toMatchObject({ ok: true });
    await edit("victim-bundle", current);
    expect(await coldStart("victim-bundle", {}, { minBundleGeneration: 2 })).toMatchObject({ ok: true });
  });

  it("a name dropped from ENVSEAL_SEALED fails closed with required", async () => {
    const v = await vars("victim");
    await edit("victim", { ...v, ENVSEAL_SEALED: "API_KEY:v2,SENTRY_DSN:v2" });
    const out = await coldStart("victim", {}, { required: ["DB_PASSWORD", "API_KEY"] });
    await edit("victim", v);
    expect(out).toMatchObject({ ok: false, code: "MissingSecret", variable: "DB_PASSWORD" });
  });

  it("AWS_ENDPOINT_URL_KMS (and AWS_CA_BUNDLE) set by the attacker: nothing reaches the attacker, inside Lambda", async () => {
    attackerRequests = 0;
    const env = { AWS_ENDPOINT_URL_KMS: attackerUrl, AWS_ENDPOINT_URL: attackerUrl, AWS_CA_BUNDLE: process.env.ATTACKER_CA!, NODE_EXTRA_CA_CERTS: process.env.ATTACKER_CA! };
    for (const transport of ["lean", "sdk"]) {
      // Without the handler's kmsEndpoint, envseal talks to AWS's KMS host (unreachable here: the load fails closed).
      const out = (await unsealInChild(moto, "victim", { ...(await vars("victim")), AWS_LAMBDA_RUNTIME_API: "127.0.0.1:9001", ...env }, { kmsTransport: transport, timeoutMs: 2000, maxAttempts: 1 })).outcome;
      expect(out.ok, JSON.stringify(out)).toBe(false);
      // With it, envseal talks to the endpoint the code chose, whatever the configuration says.
      const chosen = (await unsealInChild(moto, "victim", { ...(await vars("victim")), AWS_LAMBDA_RUNTIME_API: "127.0.0.1:9001", ...env }, { kmsTransport: transport, kmsEndpoint: moto.url })).outcome;
      expect(chosen).toEqual({ ok: true, secrets: values });
    }
    expect(attackerRequests).toBe(0);
  });

  it("outside Lambda the environment's endpoint is honoured as before (tests, local runs)", async () => {
    attackerRequests = 0;
    const out = (await unsealInChild({ url: attackerUrl }, "victim", { ...(await vars("victim")), NODE_EXTRA_CA_CERTS: process.env.ATTACKER_CA! }, { kmsTransport: "lean", timeoutMs: 3000 })).outcome;
    expect(attackerRequests).toBeGreaterThan(0);
    expect(out.ok).toBe(true);
  });
});
