/**
 * `--max-attempts` and `--timeout` reach the SDK's retry strategy and request handler: the proxy counts exactly the
 * attempts asked for, and a stall ends through the timeout (a counted stalled attempt, exit 3), not a hand-written loop.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GetFunctionConfigurationCommand, type LambdaClient } from "@aws-sdk/client-lambda";
import { createFunction, createKey, motoAvailable, motoClients, startMoto, type Moto } from "../support/moto.js";
import { startAwsProxy, type AwsProxy } from "../support/aws-proxy.js";
import { runBuiltCli } from "../support/cli.js";

describe.skipIf(!motoAvailable())("--max-attempts and --timeout are the SDK's", () => {
  let moto: Moto;
  let proxy: AwsProxy;
  let lambda: LambdaClient;

  beforeAll(async () => {
    moto = await startMoto();
    proxy = await startAwsProxy(moto.url);
    const clients = motoClients(moto);
    lambda = clients.lambda;
    await createKey(clients.kms, "alias/app");
    await createFunction(lambda, "opts-fn", { KEEP: "k" });
  });
  afterAll(async () => {
    await proxy?.stop();
    await moto?.stop();
  });

  const push = (flags: string[]) =>
    runBuiltCli(["--endpoint-url", proxy.url, ...flags, "push", "-f", "opts-fn", "-k", "alias/app", "--plain", "LOG_LEVEL=info", "TOKEN_X"], {
      env: moto.env(),
      stdin: "not-a-real-secret",
    });
  const unchanged = async () =>
    expect((await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: "opts-fn" }))).Environment?.Variables).toEqual({ KEEP: "k" });

  it.each([1, 2, 4])("--max-attempts %i against a KMS that always answers 500: exactly that many Encrypt calls, exit 3", async (n) => {
    proxy.clearFaults();
    proxy.resetCounters();
    proxy.schedule("kms:Encrypt", [], "500");
    const r = await push(["--max-attempts", String(n)]);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/^envseal: error: TOKEN_X: kms:Encrypt failed: KMSInternalException \(HTTP 500\)/);
    expect(proxy.counters("kms:Encrypt")).toMatchObject({ requests: n, "500": n, forwarded: 0 });
    expect(proxy.counters("lambda:UpdateFunctionConfiguration").requests).toBe(0);
    await unchanged();
  });

  it("without --max-attempts the SDK's default of 3 applies", async () => {
    proxy.clearFaults();
    proxy.resetCounters();
    proxy.schedule("kms:Encrypt", [], "500");
    expect((await push([])).code).toBe(3);
    expect(proxy.counters("kms:Encrypt").requests).toBe(3);
    await unchanged();
  });

  it("--timeout 1 ends a stall through the request timeout: one stalled attempt per --max-attempts, exit 3", async () => {
    proxy.clearFaults();
    proxy.resetCounters();
    proxy.schedule("kms:Encrypt", [], "stall");
    const r = await push(["--timeout", "1", "--max-attempts", "2"]);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/^envseal: error: .*(ETIMEDOUT|TimeoutError|timed out)/);
    expect(proxy.counters("kms:Encrypt")).toMatchObject({ requests: 2, stall: 2, forwarded: 0 });
    await unchanged();
  });
});
