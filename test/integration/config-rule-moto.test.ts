/**
 * The built AWS Config rule (dist/handlers/config-rule.js) in a child process, on events in Config's shapes built from
 * functions that really exist in moto: Lambda and KMS are moto's; AWS Config is a recording fake in this file, because
 * moto 5.2 implements PutEvaluations only with TestMode and keeps no configuration history for Lambda functions. The
 * fake records every PutEvaluations and answers GetResourceConfigHistory with the item of the function as moto has it.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spawn } from "node:child_process";
import { createServer, type Server } from "node:http";
import { fileURLToPath } from "node:url";
import { DeleteFunctionCommand, GetFunctionConfigurationCommand, PublishVersionCommand, UpdateFunctionConfigurationCommand, type LambdaClient } from "@aws-sdk/client-lambda";
import { createFunction, motoAvailable, motoClients, startMoto, type Moto } from "../support/moto.js";
import { canary, expectNoCanary, leakRegistry, recordOutput } from "../support/canary.js";
import { RESULT_TOKEN, changeEvent, historyItem, lambdaItem, oversizedEvent, scheduledEvent } from "../support/config-events.js";

const HANDLER = fileURLToPath(new URL("../../dist/handlers/config-rule.js", import.meta.url));
const STRIPE = `sk_live_${"51HxQeLkdIwHuVvQmP2c8TzR"}`;

interface Recorded {
  put: Array<{ Evaluations: Array<Record<string, unknown>>; ResultToken: string }>;
  history: Array<Record<string, unknown>>;
}

describe.skipIf(!motoAvailable())("the built Config rule against moto (Lambda, KMS) and a recording Config", () => {
  let moto: Moto;
  let lambda: LambdaClient;
  let config: Server;
  let configUrl = "";
  const recorded: Recorded = { put: [], history: [] };
  const pw = canary("cfgpw");
  const outputs: Record<string, string> = {};
  leakRegistry().canaries.add(STRIPE);

  beforeAll(async () => {
    moto = await startMoto();
    ({ lambda } = motoClients(moto, "us-east-1"));
    await createFunction(lambda, "leaky", { STRIPE_KEY: STRIPE, LOG_LEVEL: "info" });
    await createFunction(lambda, "quiet", { LOG_LEVEL: "info" });
    await createFunction(lambda, "versioned", { STRIPE_KEY: STRIPE });
    await lambda.send(new PublishVersionCommand({ FunctionName: "versioned" }));
    await lambda.send(new UpdateFunctionConfigurationCommand({ FunctionName: "versioned", Environment: { Variables: { DB_PASSWORD: pw } } }));
    config = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", async () => {
        const op = String(req.headers["x-amz-target"] ?? "").split(".")[1];
        const input = JSON.parse(Buffer.concat(chunks).toString("utf8") || "{}");
        let out: unknown = {};
        if (op === "PutEvaluations") {
          recorded.put.push(input);
          out = { FailedEvaluations: [] };
        } else if (op === "GetResourceConfigHistory") {
          recorded.history.push(input);
          const cfg = await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: input.resourceId }));
          const h = historyItem(lambdaItem(cfg));
          out = { configurationItems: [{ ...h, configurationItemCaptureTime: Date.parse(String(h.configurationItemCaptureTime)) / 1000, resourceCreationTime: Date.parse(String(h.resourceCreationTime)) / 1000 }] };
        }
        const body = JSON.stringify(out);
        res.writeHead(200, { "content-type": "application/x-amz-json-1.1", "content-length": Buffer.byteLength(body), "x-amzn-requestid": "fake" });
        res.end(body);
      });
    });
    await new Promise<void>((r) => config.listen(0, "127.0.0.1", r));
    configUrl = `http://127.0.0.1:${(config.address() as { port: number }).port}`;
  });

  afterAll(async () => {
    await new Promise<void>((r) => (config ? config.close(() => r()) : r()));
    await moto?.stop();
  });

  /** Invoke the built handler once, in a fresh process, with `event` on stdin. */
  function invoke(label: string, event: unknown): Promise<{ code: number; stdout: string; stderr: string }> {
    const script = `const { handler } = await import(${JSON.stringify(HANDLER)}); let s = ""; for await (const c of process.stdin) s += c; await handler(JSON.parse(s));`;
    return new Promise((resolve, reject) => {
      const child = spawn(process.execPath, ["--input-type=module", "-e", script], {
        env: { PATH: process.env.PATH ?? "", ...moto.env("us-east-1"), AWS_ENDPOINT_URL_CONFIG_SERVICE: configUrl },
        stdio: ["pipe", "pipe", "pipe"],
      });
      let stdout = "";
      let stderr = "";
      child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
      child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
      child.on("error", reject);
      child.on("close", (code) => {
        recordOutput(`config-rule ${label} (stdout)`, stdout);
        recordOutput(`config-rule ${label} (stderr)`, stderr);
        outputs[`${label} stdout`] = stdout;
        outputs[`${label} stderr`] = stderr;
        resolve({ code: code ?? -1, stdout, stderr });
      });
      child.stdin.end(JSON.stringify(event));
    });
  }

  const current = async (name: string) => lambda.send(new GetFunctionConfigurationCommand({ FunctionName: name }));
  const last = () => recorded.put.at(-1)!;

  it("change-triggered: the recorded item of a function holding a Stripe key is NON_COMPLIANT, naming the rule and variable", async () => {
    const r = await invoke("change", changeEvent(lambdaItem(await current("leaky"))));
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout.trim())).toEqual({ type: "envseal.config.evaluations", kind: "change", compliant: 0, nonCompliant: 1, notApplicable: 0 });
    expect(last()).toEqual({
      ResultToken: RESULT_TOKEN,
      Evaluations: [{ ComplianceResourceType: "AWS::Lambda::Function", ComplianceResourceId: "leaky", ComplianceType: "NON_COMPLIANT", Annotation: "envseal: ES001 STRIPE_KEY (at or above high)", OrderingTimestamp: Date.parse("2026-11-30T09:00:05.123Z") / 1000 }],
    });
  });

  it("an item without the environment is read from moto's Lambda; a quiet function is COMPLIANT", async () => {
    await invoke("live read", changeEvent(lambdaItem(await current("quiet"), { withEnvironment: false })));
    expect(last().Evaluations).toEqual([expect.objectContaining({ ComplianceResourceId: "quiet", ComplianceType: "COMPLIANT", Annotation: "envseal: nothing at or above high; below: ES004" })]);
  });

  it("oversized: the item comes from GetResourceConfigHistory", async () => {
    const before = recorded.history.length;
    const r = await invoke("oversized", oversizedEvent(lambdaItem(await current("leaky"))));
    expect(r.code, r.stderr).toBe(0);
    expect(recorded.history.slice(before)).toEqual([{ resourceType: "AWS::Lambda::Function", resourceId: "leaky", laterTime: Date.parse("2026-11-30T09:00:05.123Z") / 1000, limit: 1 }]);
    expect(last().Evaluations).toEqual([expect.objectContaining({ ComplianceResourceId: "leaky", ComplianceType: "NON_COMPLIANT" })]);
  });

  it("periodic: every function of the region, a published version's Stripe key counted against its function", async () => {
    await invoke("periodic", scheduledEvent("2026-11-30T12:00:00.000Z", { allVersions: "true" }));
    const byName = Object.fromEntries(last().Evaluations.map((e) => [e.ComplianceResourceId, [e.ComplianceType, e.Annotation]]));
    expect(byName).toEqual({
      leaky: ["NON_COMPLIANT", "envseal: ES001 STRIPE_KEY (at or above high)"],
      quiet: ["COMPLIANT", "envseal: nothing at or above high; below: ES004"],
      versioned: ["NON_COMPLIANT", "envseal: ES009 STRIPE_KEY@v1 (at or above high)"],
    });
  });

  it("deleted: NOT_APPLICABLE, without reading anything", async () => {
    const item = lambdaItem(await current("quiet"), { status: "ResourceDeleted" });
    await lambda.send(new DeleteFunctionCommand({ FunctionName: "quiet" }));
    const before = recorded.history.length;
    await invoke("deleted", changeEvent(item));
    expect(last().Evaluations).toEqual([expect.objectContaining({ ComplianceResourceId: "quiet", ComplianceType: "NOT_APPLICABLE", Annotation: "envseal: the function was deleted" })]);
    expect(recorded.history.length).toBe(before);
  });

  it("no value reached an evaluation, an annotation or a log line", () => {
    expectNoCanary([pw, STRIPE], { ...outputs, evaluations: JSON.stringify(recorded.put) });
  });
});
