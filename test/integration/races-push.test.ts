/**
 * 20 concurrent `envseal push` processes (the built CLI) against one function, each adding its own variable, through
 * the proxy that gives moto Lambda's RevisionId semantics. All 20 must be there afterwards, with the variables that
 * were there before — and the proxy must have answered 412s, so the result comes from RevisionId + re-merge, not luck.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DecryptCommand, type KMSClient } from "@aws-sdk/client-kms";
import { GetFunctionConfigurationCommand, type LambdaClient } from "@aws-sdk/client-lambda";
import { createFunction, createKey, motoAvailable, motoClients, startMoto, type Moto } from "../support/moto.js";
import { startAwsProxy, type AwsProxy } from "../support/aws-proxy.js";
import { runBuiltCli, type CliRun } from "../support/cli.js";
import { canary, expectNoCanary } from "../support/canary.js";

const WRITERS = 20;

describe.skipIf(!motoAvailable())("races: concurrent push processes against one function", () => {
  let moto: Moto;
  let proxy: AwsProxy;
  let kms: KMSClient;
  let lambda: LambdaClient;
  const runs: CliRun[] = [];
  const canaries: string[] = [];

  beforeAll(async () => {
    moto = await startMoto();
    proxy = await startAwsProxy(moto.url);
    ({ kms, lambda } = motoClients(moto));
    await createKey(kms, "alias/app");
  });
  afterAll(async () => {
    runs.forEach((r, i) => expectNoCanary(canaries, { [`writer ${i} stdout`]: r.stdout, [`writer ${i} stderr`]: r.stderr }));
    await proxy?.stop();
    await moto?.stop();
  });

  it(`${WRITERS} writers each add a variable; every one is present and 412s were answered`, async () => {
    await createFunction(lambda, "race-fn", { PRE_ONE: "1", PRE_TWO: "2" });
    proxy.resetCounters();
    const values = Array.from({ length: WRITERS }, (_, i) => {
      const c = canary(`w${i}`);
      canaries.push(c);
      return c;
    });
    const results = await Promise.all(
      values.map((value, i) =>
        runBuiltCli(["--endpoint-url", proxy.url, "push", "-f", "race-fn", "-k", "alias/app", `WRITER_${i}`], { env: moto.env(), stdin: value }),
      ),
    );
    runs.push(...results);
    results.forEach((r, i) => expect(r.code, `writer ${i}: ${r.stderr}`).toBe(0));

    const update = proxy.counters("lambda:UpdateFunctionConfiguration");
    // Exactly one successful write per writer; every other attempt was refused by RevisionId.
    expect(update.forwarded).toBe(WRITERS);
    expect(update.preconditionFailed).toBeGreaterThan(0);
    expect(update.requests).toBe(update.forwarded + update.preconditionFailed);
    console.info(`race: ${update.requests} UpdateFunctionConfiguration calls, ${update.preconditionFailed} answered 412`);

    const vars = (await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: "race-fn" }))).Environment?.Variables ?? {};
    const names = values.map((_, i) => `WRITER_${i}`);
    expect(Object.keys(vars).sort()).toEqual(["ENVSEAL_SEALED", "PRE_ONE", "PRE_TWO", ...names].sort());
    expect({ PRE_ONE: vars.PRE_ONE, PRE_TWO: vars.PRE_TWO }).toEqual({ PRE_ONE: "1", PRE_TWO: "2" });
    expect(vars.ENVSEAL_SEALED).toBe([...names].sort().map((n) => `${n}:v2`).join(","));
    for (const [i, name] of names.entries()) {
      const out = await kms.send(
        new DecryptCommand({ CiphertextBlob: Buffer.from(vars[name]!, "base64"), EncryptionContext: { LambdaFunctionName: "race-fn", EnvsealVariable: name } }),
      );
      expect(Buffer.from(out.Plaintext!).toString("utf8"), name).toBe(values[i]);
    }
  });
});
