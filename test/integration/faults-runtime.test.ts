/**
 * The runtime (`dist/runtime`, in a child process like a Lambda init) against KMS through the fault-injecting proxy:
 * it retries with the SDK's strategy and succeeds, or raises `UnsealError` naming the variable and the cause.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EncryptCommand, type KMSClient } from "@aws-sdk/client-kms";
import { createKey, motoAvailable, motoClients, startMoto, type Moto } from "../support/moto.js";
import { unsealInChild } from "../support/runtime-child.js";
import { NODES } from "../support/nodes.js";
import { startAwsProxy, type AwsProxy, type Fault } from "../support/aws-proxy.js";
import { canary, expectNoCanary } from "../support/canary.js";

const DECRYPT = "kms:Decrypt";
const FN = "runtime-faults-fn";

describe.skipIf(!motoAvailable()).each(NODES.flatMap(([label, node]) => (["sdk", "lean"] as const).map((t) => [t, label, node] as const)))("runtime (kmsTransport %s, %s) under KMS faults: retries then succeeds, or UnsealError naming the cause", (transport, _label, node) => {
  let moto: Moto;
  let proxy: AwsProxy;
  let kms: KMSClient;
  let variables: Record<string, string>;
  let secret: string;
  const captured: string[] = [];

  beforeAll(async () => {
    moto = await startMoto();
    proxy = await startAwsProxy(moto.url);
    kms = motoClients(moto).kms;
    const key = await createKey(kms);
    secret = canary("runtime-fault");
    const out = await kms.send(new EncryptCommand({ KeyId: key.arn, Plaintext: Buffer.from(secret), EncryptionContext: { LambdaFunctionName: FN } }));
    variables = { DB_PASSWORD: Buffer.from(out.CiphertextBlob!).toString("base64"), ENVSEAL_SEALED: "DB_PASSWORD", LOG_LEVEL: "info" };
  });
  afterAll(async () => {
    expectNoCanary([secret], Object.fromEntries(captured.map((t, i) => [`child ${i}`, t])));
    await proxy?.stop();
    await moto?.stop();
  });

  const run = async (faults: Fault[], then: Fault | undefined, options: Record<string, unknown>) => {
    proxy.clearFaults();
    proxy.resetCounters();
    proxy.schedule(DECRYPT, faults, then);
    const r = await unsealInChild(proxy, FN, variables, { ...options, kmsTransport: transport }, node);
    // Everything but the secrets a successful load returns must be free of the plaintext.
    captured.push(r.outcome.ok ? "" : JSON.stringify(r.outcome), r.stderr);
    return { outcome: r.outcome, counted: proxy.counters(DECRYPT) };
  };

  it.each([
    ["throttling", ["throttle", "throttle"]],
    ["500 KMSInternalException", ["500", "500"]],
    ["connection resets", ["reset", "reset"]],
  ] as const)("%s twice, then the third attempt opens the value", async (_label, faults) => {
    const { outcome, counted } = await run([...faults], undefined, { maxAttempts: 3, timeoutMs: 8000 });
    expect(outcome).toEqual({ ok: true, secrets: { DB_PASSWORD: secret } });
    expect(counted.requests).toBe(3);
    expect(counted.forwarded).toBe(1);
  });

  it.each([
    ["throttling", "throttle", "ThrottlingException", /DB_PASSWORD: KMS throttled kms:Decrypt and the retries ran out \(ThrottlingException\)/],
    ["500s", "500", "KMSInternalException", /DB_PASSWORD: .*KMSInternalException/],
  ] as const)("%s on every attempt: UnsealError after exactly maxAttempts (2) Decrypts", async (_label, fault, code, message) => {
    const { outcome, counted } = await run([], fault, { maxAttempts: 2, timeoutMs: 8000 });
    expect(outcome).toMatchObject({ ok: false, name: "UnsealError", code, variable: "DB_PASSWORD" });
    expect((outcome as { message: string }).message).toMatch(message);
    expect(counted.requests).toBe(2);
    expect(counted.forwarded).toBe(0);
  });

  it("connection resets on every attempt: UnsealError after exactly maxAttempts (2) Decrypts", async () => {
    const { outcome, counted } = await run([], "reset", { maxAttempts: 2, timeoutMs: 8000 });
    expect(outcome).toMatchObject({ ok: false, name: "UnsealError", variable: "DB_PASSWORD" });
    expect(counted.requests).toBe(2);
    expect(counted.forwarded).toBe(0);
  });

  // Both paths name a reset, though the SDK renames ECONNRESET errors to "TimeoutError": src/runtime/errors.ts reads
  // the Node code first.
  it("connection resets on every attempt: the UnsealError names the reset, not a timeout", async () => {
    const { outcome } = await run([], "reset", { maxAttempts: 2, timeoutMs: 8000 });
    expect(outcome).toMatchObject({ ok: false, name: "UnsealError", code: "ECONNRESET", variable: "DB_PASSWORD" });
    expect((outcome as { message: string }).message).toMatch(/DB_PASSWORD: .*ECONNRESET/);
  });

  it("a stall past timeoutMs: UnsealError with code Timeout naming the bound", async () => {
    const { outcome, counted } = await run([], "stall", { maxAttempts: 2, timeoutMs: 1000 });
    expect(outcome).toMatchObject({ ok: false, name: "UnsealError", code: "Timeout", variable: "DB_PASSWORD" });
    expect((outcome as { message: string }).message).toBe("DB_PASSWORD: kms:Decrypt timed out after 1000 ms");
    expect(counted.stall).toBeGreaterThanOrEqual(1);
    expect(counted.forwarded).toBe(0);
  });
});
