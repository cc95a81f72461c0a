/**
 * The built AWS Config rule (dist/handlers/config-rule.js) in a child process, on events in Config's shapes built from
 * functions that really exist in moto: Lambda and KMS are moto's; AWS Config is a recording fake in this file, because
 * moto 5.2 implements PutEvaluations only with TestMode and keeps no configuration history for Lambda functions. The
 * fake records every PutEvaluations and answers GetResourceConfigHistory with the item of the function as moto has it.
 * ES014 runs behind the test proxy, which answers iam:SimulatePrincipalPolicy (moto 5.2 has none); key policies and
 * grants are moto's.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spawn } from "node:child_process";
import { createServer, type Server } from "node:http";
import { fileURLToPath } from "node:url";
import { DeleteFunctionCommand, GetFunctionConfigurationCommand, PublishVersionCommand, UpdateFunctionConfigurationCommand, type LambdaClient } from "@aws-sdk/client-lambda";
import { PutKeyPolicyCommand } from "@aws-sdk/client-kms";
import { createFunction, createKey, motoAvailable, motoClients, startMoto, type Moto } from "../support/moto.js";
import { startAwsProxy, type AwsProxy, type SimulationRequest } from "../support/aws-proxy.js";
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
  let proxy: AwsProxy;
  let lambda: LambdaClient;
  let openKey = "";
  let lockedKey = "";
  const simulations: SimulationRequest[] = [];
  let config: Server;
  let configUrl = "";
  const recorded: Recorded = { put: [], history: [] };
  const pw = canary("cfgpw");
  const outputs: Record<string, string> = {};
  leakRegistry().canaries.add(STRIPE);

  beforeAll(async () => {
    moto = await startMoto();
    ({ lambda } = motoClients(moto, "us-east-1"));
    const { kms } = motoClients(moto, "us-east-1");
    openKey = (await createKey(kms)).arn;
    lockedKey = (await createKey(kms)).arn;
    // Only an administrator role in the locked key's policy: no delegation to IAM, so no identity policy can let a role in.
    const adminOnly = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { AWS: "arn:aws:iam::123456789012:role/key-admin" }, Action: "kms:*", Resource: "*" }] };
    await kms.send(new PutKeyPolicyCommand({ KeyId: lockedKey, PolicyName: "default", Policy: JSON.stringify(adminOnly) }));
    proxy = await startAwsProxy(moto.url);
    proxy.simulate((req) => (simulations.push(req), "allowed"));
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
    await proxy?.stop();
    await moto?.stop();
  });

  /** Invoke the built handler once, in a fresh process, with `event` on stdin. */
  function invoke(label: string, event: unknown, endpoint?: string): Promise<{ code: number; stdout: string; stderr: string }> {
    const script = `const { handler } = await import(${JSON.stringify(HANDLER)}); let s = ""; for await (const c of process.stdin) s += c; await handler(JSON.parse(s));`;
    return new Promise((resolve, reject) => {
      const child = spawn(process.execPath, ["--input-type=module", "-e", script], {
        env: { PATH: process.env.PATH ?? "", ...moto.env("us-east-1"), ...(endpoint ? { AWS_ENDPOINT_URL: endpoint } : {}), AWS_ENDPOINT_URL_CONFIG_SERVICE: configUrl },
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

  it("ES014: a role the at-rest key's policy leaves out is NON_COMPLIANT; the open key's role is simulated and COMPLIANT (ES006 only: moto keys do not rotate)", async () => {
    const role = "arn:aws:iam::123456789012:role/app";
    const base = await current("leaky");
    const locked = { ...base, FunctionName: "locked", FunctionArn: base.FunctionArn!.replace(/leaky$/, "locked"), Role: role, KMSKeyArn: lockedKey, Environment: { Variables: { LOG_LEVEL: "info" } } };
    const open = { ...locked, FunctionName: "open", FunctionArn: base.FunctionArn!.replace(/leaky$/, "open"), KMSKeyArn: openKey };
    const r1 = await invoke("es014 locked", changeEvent(lambdaItem(locked)), proxy.url);
    expect(r1.code, r1.stderr).toBe(0);
    expect(last().Evaluations).toEqual([expect.objectContaining({ ComplianceResourceId: "locked", ComplianceType: "NON_COMPLIANT", Annotation: "envseal: ES014 (at or above high)" })]);
    const r2 = await invoke("es014 open", changeEvent(lambdaItem(open)), proxy.url);
    expect(r2.code, r2.stderr).toBe(0);
    expect(last().Evaluations).toEqual([expect.objectContaining({ ComplianceResourceId: "open", ComplianceType: "COMPLIANT", Annotation: "envseal: nothing at or above high; below: ES006" })]);
    // Both keys' policies and grants were read from moto; the role was simulated against each key, for kms:Decrypt.
    expect(proxy.counters("kms:GetKeyPolicy").requests).toBe(2);
    expect(proxy.counters("kms:ListGrants").requests).toBe(2);
    expect(simulations.map((s) => [s.role, s.actions, s.resources])).toEqual([
      [role, ["kms:Decrypt"], [lockedKey]],
      [role, ["kms:Decrypt"], [openKey]],
    ]);
  });

  it("no value reached an evaluation, an annotation or a log line", () => {
    expectNoCanary([pw, STRIPE], { ...outputs, evaluations: JSON.stringify(recorded.put) });
  });
});
