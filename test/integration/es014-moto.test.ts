/**
 * ES014 against moto behind the test proxy (which keeps `KMSKeyArn` and answers `iam:SimulatePrincipalPolicy`):
 * the live audit through the built CLI, and the scheduled handler in-process with the real audit clients.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PutKeyPolicyCommand, type KMSClient } from "@aws-sdk/client-kms";
import { UpdateFunctionConfigurationCommand, LambdaClient } from "@aws-sdk/client-lambda";
import { createFunction, createKey, motoAvailable, motoClients, startMoto, TEST_CREDENTIALS, type Moto } from "../support/moto.js";
import { startAwsProxy, type AwsProxy } from "../support/aws-proxy.js";
import { runBuiltCli } from "../support/cli.js";
import type { AuditReport } from "../../src/audit/report.js";
import { auditClients } from "../../src/audit/clients.js";
import { runScheduledAudit } from "../../handlers/audit.js";

const adminOnly = JSON.stringify({
  Version: "2012-10-17",
  Statement: [{ Sid: "Admins", Effect: "Allow", Principal: { AWS: "arn:aws:iam::123456789012:role/key-admin" }, Action: "kms:*", Resource: "*" }],
});

describe.skipIf(!motoAvailable())("ES014: the execution role cannot decrypt the at-rest key", () => {
  let moto: Moto;
  let proxy: AwsProxy;
  let kms: KMSClient;

  beforeAll(async () => {
    moto = await startMoto();
    proxy = await startAwsProxy(moto.url);
    ({ kms } = motoClients(moto));
    const lambda = new LambdaClient({ region: "us-east-1", endpoint: proxy.url, credentials: TEST_CREDENTIALS });
    const healthy = (await createKey(kms)).arn;
    const locked = (await createKey(kms)).arn;
    await kms.send(new PutKeyPolicyCommand({ KeyId: locked, PolicyName: "default", Policy: adminOnly }));
    for (const [name, key] of [["es014-ok", healthy], ["es014-locked", locked]] as const) {
      await createFunction(lambda, name, {});
      await lambda.send(new UpdateFunctionConfigurationCommand({ FunctionName: name, KMSKeyArn: key, Environment: { Variables: { LOG_LEVEL: "info" } } }));
    }
    proxy.simulate(() => "allowed");
  });
  afterAll(async () => {
    await proxy?.stop();
    await moto?.stop();
  });

  it("live audit (built CLI): a finding for the locked key's function only", async () => {
    const r = await runBuiltCli(["--endpoint-url", proxy.url, "audit", "--format", "json", "--fail-on", "critical"], { env: moto.env() });
    expect(r.code, r.stderr).toBe(1);
    const report = JSON.parse(r.stdout) as AuditReport;
    const es014 = report.findings.filter((f) => f.ruleId === "ES014");
    expect(es014.map((f) => f.functionName)).toEqual(["es014-locked"]);
    expect(es014[0]!.message).toContain("will fail at init");
    // Two functions, two keys, one role: one simulation per (role, key).
    expect(proxy.counters("iam:SimulatePrincipalPolicy").requests).toBe(2);
  });

  it("auditing identity may not simulate: the healthy pair is listed as not checked, the locked key still fails", async () => {
    proxy.simulate(() => "AccessDenied");
    try {
      const r = await runBuiltCli(["--endpoint-url", proxy.url, "audit", "--format", "json", "--fail-on", "critical"], { env: moto.env() });
      const report = JSON.parse(r.stdout) as AuditReport;
      // The locked key still fails: its key policy alone leaves no way in.
      expect(report.findings.filter((f) => f.ruleId === "ES014").map((f) => f.functionName)).toEqual(["es014-locked"]);
      expect(report.summary.keysNotChecked.map((k) => k.reason).join(" ")).toContain("iam:SimulatePrincipalPolicy (AccessDenied)");
    } finally {
      proxy.simulate(() => "allowed");
    }
  });

  it("scheduled handler: the same finding in its log", async () => {
    const saved = { ...process.env };
    Object.assign(process.env, { AWS_ACCESS_KEY_ID: TEST_CREDENTIALS.accessKeyId, AWS_SECRET_ACCESS_KEY: TEST_CREDENTIALS.secretAccessKey });
    const lines: string[] = [];
    try {
      await runScheduledAudit(
        { regions: ["us-east-1"], allVersions: false, requireCmk: false, ignore: [], failOn: "none", emulator: "moto", securityHub: false },
        { clients: auditClients({ endpointUrl: proxy.url, region: "us-east-1" }), log: (l) => lines.push(l) },
      );
    } finally {
      process.env = saved;
    }
    const findings = lines.map((l) => JSON.parse(l) as { type: string; ruleId?: string; functionName?: string }).filter((l) => l.ruleId === "ES014");
    expect(findings.map((f) => f.functionName)).toEqual(["es014-locked"]);
  });
});
