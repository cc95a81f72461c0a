/**
 * `envseal doctor` through the built binary (`node dist/cli/main.js`) against moto behind the test proxy: the proxy
 * keeps `KMSKeyArn` and answers `iam:SimulatePrincipalPolicy`, which moto 5.2 lacks. Exit codes 0 / 1 / 2, the
 * checklist and the JSON, and no value in any output.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { KMSClient } from "@aws-sdk/client-kms";
import type { LambdaClient } from "@aws-sdk/client-lambda";
import { createFunction, createKey, motoAvailable, motoClients, startMoto, type Moto } from "../support/moto.js";
import { startAwsProxy, type AwsProxy } from "../support/aws-proxy.js";
import { runBuiltCli, type CliRun } from "../support/cli.js";
import { canary, expectNoCanary } from "../support/canary.js";
import type { DoctorReport } from "../../src/ops/doctor.js";

describe.skipIf(!motoAvailable())("envseal doctor (built CLI, moto)", () => {
  let moto: Moto;
  let proxy: AwsProxy;
  let kms: KMSClient;
  let lambda: LambdaClient;
  const secrets = [canary("doctor-a"), canary("doctor-b")];
  const runs: CliRun[] = [];
  const cli = async (...args: string[]) => {
    const r = await runBuiltCli(["--endpoint-url", proxy.url, ...args], { env: moto.env() });
    runs.push(r);
    return r;
  };

  beforeAll(async () => {
    moto = await startMoto();
    proxy = await startAwsProxy(moto.url);
    ({ kms, lambda } = motoClients(moto));
    await createKey(kms, "alias/doc-seal");
    await createKey(kms, "alias/doc-rest");
    await createFunction(lambda, "doc-cli-a", { LOG_LEVEL: "info" });
    await createFunction(lambda, "doc-cli-b", {});
    for (const [fn, secret] of [["doc-cli-a", secrets[0]], ["doc-cli-b", secrets[1]]] as const) {
      const r = await runBuiltCli(["--endpoint-url", proxy.url, "push", "-f", fn, "-k", "alias/doc-seal", "--at-rest-key", "alias/doc-rest", "DB_PASSWORD"], { env: moto.env(), stdin: secret });
      expect(r.code, r.stderr).toBe(0);
    }
  });
  afterAll(async () => {
    runs.forEach((r, i) => expectNoCanary(secrets, { [`run ${i} stdout`]: r.stdout, [`run ${i} stderr`]: r.stderr }));
    await proxy?.stop();
    await moto?.stop();
  });
  beforeEach(() => proxy.simulate(() => "allowed"));

  it("healthy: exit 0, a checklist with every check passing", async () => {
    const r = await cli("doctor", "--function", "doc-cli-a");
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain("doc-cli-a");
    expect(r.stdout).toMatch(/✓ pass\s+execution role can decrypt the at-rest key/);
    expect(r.stdout).toMatch(/✓ pass\s+execution role can open DB_PASSWORD: key read from the blob/);
    expect(r.stdout).not.toContain("fail ");
  });

  it("--output json: the report, no value", async () => {
    const r = await cli("--output", "json", "doctor", "-f", "doc-cli-a");
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout) as DoctorReport;
    expect(report.failed).toBe(false);
    expect(report.functions[0]!.checks.find((c) => c.id === "sealing-key:DB_PASSWORD")!.status).toBe("pass");
  });

  it("role without kms:Decrypt: exit 1 and the fix", async () => {
    proxy.simulate(() => "implicitDeny");
    const r = await cli("doctor", "-f", "doc-cli-a");
    expect(r.code, r.stdout).toBe(1);
    expect(r.stdout).toMatch(/✗ fail\s+execution role can decrypt the at-rest key/);
    expect(r.stdout).toContain("fix: update the function's configuration");
    expect(r.stderr).toMatch(/doctor: \d+ check\(s\) failed/);
  });

  it("caller may not simulate: unknown, exit 0, never pass", async () => {
    proxy.simulate(() => "AccessDenied");
    const r = await cli("--output", "json", "doctor", "-f", "doc-cli-a");
    expect(r.code, r.stderr).toBe(0);
    const checks = (JSON.parse(r.stdout) as DoctorReport).functions[0]!.checks;
    expect(checks.filter((c) => c.id === "at-rest-key" || c.id.startsWith("sealing-key:")).map((c) => c.status)).toEqual(["unknown", "unknown"]);
  });

  it("--all: every function of the region; exit 1 when one fails", async () => {
    proxy.simulate((req) => (req.context["kms:EncryptionContext:LambdaFunctionName"]?.[0] === "doc-cli-b" ? "implicitDeny" : "allowed"));
    const r = await cli("--output", "json", "doctor", "--all");
    expect(r.code, r.stderr).toBe(1);
    const report = JSON.parse(r.stdout) as DoctorReport;
    const byName = Object.fromEntries(report.functions.map((f) => [f.functionName, f.failed]));
    expect(byName).toEqual({ "doc-cli-a": false, "doc-cli-b": true });
  });

  it.each([
    [["doctor"], "exactly one of --function F and --all"],
    [["doctor", "-f", "doc-cli-a", "--all"], "exactly one of --function F and --all"],
    [["doctor", "-f", "doc-cli-a", "--regions", "all"], "--regions applies to --all"],
    [["doctor", "-f", "no-such-function"], "no-such-function"],
  ])("usage and input errors exit 2: %j", async (args, message) => {
    const r = await cli(...args);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toContain(message);
  });
});
