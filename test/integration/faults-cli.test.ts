/**
 * Faults under the four writing commands, through the fault-injecting proxy in front of moto: after every faulted run
 * the target function's configuration is either exactly the expected new one (the SDK's retries got through) or
 * identical to before, RevisionId included (they did not) — never half-written, no variable lost.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DecryptCommand, EncryptCommand, type KMSClient } from "@aws-sdk/client-kms";
import { GetFunctionConfigurationCommand, LambdaClient, type FunctionConfiguration } from "@aws-sdk/client-lambda";
import { createFunction, createKey, motoAvailable, motoClients, startMoto, TEST_CREDENTIALS, type Moto } from "../support/moto.js";
import { startAwsProxy, type AwsProxy, type Fault } from "../support/aws-proxy.js";
import { runBuiltCli, type CliRun } from "../support/cli.js";
import { canary, expectNoCanary } from "../support/canary.js";

const UPDATE = "lambda:UpdateFunctionConfiguration";

/** A faulted run: CLI flags, what the proxy does, and whether the SDK's retries are expected to get through. */
interface Scenario {
  readonly label: string;
  readonly flags: readonly string[];
  /** Faults on the command's KMS operation (push: Encrypt; rotate, copy: ReEncrypt) and on the write. */
  readonly kms?: { queue: Fault[]; then?: Fault };
  readonly update: { queue: Fault[]; then?: Fault };
  readonly succeeds: boolean;
  /** Requests the write must have seen. */
  readonly updateRequests: number;
  /** One-line message on failure. */
  readonly message?: RegExp;
}

const SCENARIOS: readonly Scenario[] = [
  {
    label: "throttled, then the retries succeed",
    flags: [],
    kms: { queue: ["throttle"] },
    update: { queue: ["throttle", "throttle"] },
    succeeds: true,
    updateRequests: 3,
  },
  {
    label: "500s past --max-attempts 2",
    flags: ["--max-attempts", "2"],
    update: { queue: [], then: "500" },
    succeeds: false,
    updateRequests: 2,
    message: /^envseal: error: .*(ServiceException|HTTP 500)/,
  },
  {
    label: "connection reset once, then the retry succeeds",
    flags: [],
    kms: { queue: ["reset"] },
    update: { queue: ["reset"] },
    succeeds: true,
    updateRequests: 2,
  },
  {
    label: "stalled past --timeout 1 on every attempt",
    flags: ["--timeout", "1", "--max-attempts", "2"],
    update: { queue: [], then: "stall" },
    succeeds: false,
    updateRequests: 2,
    message: /^envseal: error: lambda:UpdateFunctionConfiguration: .*ETIMEDOUT/,
  },
];

describe.skipIf(!motoAvailable())("faults under push, rotate, copy, unset: fully updated or untouched", () => {
  let moto: Moto;
  let proxy: AwsProxy;
  let kms: KMSClient;
  let direct: LambdaClient;
  let viaProxy: LambdaClient;
  let app: { arn: string };
  let next: { arn: string };
  const canaries: string[] = [];
  const runs: CliRun[] = [];
  let serial = 0;

  const cli = async (args: readonly string[], stdin = ""): Promise<CliRun> => {
    const r = await runBuiltCli(["--endpoint-url", proxy.url, ...args], { env: moto.env(), stdin });
    runs.push(r);
    return r;
  };
  /** The whole configuration, read through the proxy so it carries the proxy's RevisionId. */
  const config = async (name: string): Promise<FunctionConfiguration> => {
    const { $metadata: _, ...cfg } = await viaProxy.send(new GetFunctionConfigurationCommand({ FunctionName: name }));
    return cfg;
  };
  const seal = async (name: string, plaintext: string, keyArn: string): Promise<string> => {
    const out = await kms.send(new EncryptCommand({ KeyId: keyArn, Plaintext: Buffer.from(plaintext), EncryptionContext: { LambdaFunctionName: name } }));
    return Buffer.from(out.CiphertextBlob!).toString("base64");
  };
  const open = async (name: string, value: string): Promise<{ plaintext: string; keyId: string }> => {
    const out = await kms.send(new DecryptCommand({ CiphertextBlob: Buffer.from(value, "base64"), EncryptionContext: { LambdaFunctionName: name } }));
    return { plaintext: Buffer.from(out.Plaintext!).toString("utf8"), keyId: out.KeyId! };
  };
  const secret = (label: string): string => {
    const c = canary(label);
    canaries.push(c);
    return c;
  };

  /** One command under test: creates its function(s), runs, and checks a successful result exactly. */
  interface Case {
    readonly command: string;
    readonly kmsOp?: string;
    prepare(name: string): Promise<{ args: string[]; stdin?: string; target: string; check(before: Record<string, string>, after: Record<string, string>): Promise<void> }>;
  }

  const CASES: readonly Case[] = [
    {
      command: "push",
      kmsOp: "kms:Encrypt",
      async prepare(name) {
        await createFunction(direct, name, { KEEP: "kept", OTHER: "other" });
        const value = secret("push");
        return {
          args: ["push", "-f", name, "-k", "alias/app", "NEW_SECRET"],
          stdin: value,
          target: name,
          async check(before, after) {
            expect(before).toEqual({ KEEP: "kept", OTHER: "other" });
            expect(after).toEqual({ KEEP: "kept", OTHER: "other", ENVSEAL_SEALED: "NEW_SECRET", NEW_SECRET: after.NEW_SECRET });
            expect(await open(name, after.NEW_SECRET!)).toEqual({ plaintext: value, keyId: app.arn });
          },
        };
      },
    },
    {
      command: "rotate",
      kmsOp: "kms:ReEncrypt",
      async prepare(name) {
        const [a, b] = [secret("rot-a"), secret("rot-b")];
        await createFunction(direct, name, { PLAIN: "p", A_ONE: await seal(name, a, app.arn), B_TWO: await seal(name, b, app.arn), ENVSEAL_SEALED: "A_ONE,B_TWO" });
        return {
          args: ["rotate", "-f", name, "--to-key", "alias/next"],
          target: name,
          async check(before, after) {
            expect(Object.keys(after).sort()).toEqual(["A_ONE", "B_TWO", "ENVSEAL_SEALED", "PLAIN"]);
            expect({ PLAIN: after.PLAIN, ENVSEAL_SEALED: after.ENVSEAL_SEALED }).toEqual({ PLAIN: "p", ENVSEAL_SEALED: "A_ONE,B_TWO" });
            expect(after.A_ONE).not.toBe(before.A_ONE);
            expect(await open(name, after.A_ONE!)).toEqual({ plaintext: a, keyId: next.arn });
            expect(await open(name, after.B_TWO!)).toEqual({ plaintext: b, keyId: next.arn });
          },
        };
      },
    },
    {
      command: "copy",
      kmsOp: "kms:ReEncrypt",
      async prepare(name) {
        const source = `${name}-src`;
        const s = secret("copy");
        await createFunction(direct, source, { API_TOKEN: await seal(source, s, app.arn), ENVSEAL_SEALED: "API_TOKEN" });
        await createFunction(direct, name, { EXISTING: "e", ENVSEAL_SEALED: "" });
        return {
          args: ["copy", "--from", source, "--to", name, "-k", "alias/next"],
          target: name,
          async check(_before, after) {
            expect(after).toEqual({ EXISTING: "e", ENVSEAL_SEALED: "API_TOKEN", API_TOKEN: after.API_TOKEN });
            expect(await open(name, after.API_TOKEN!)).toEqual({ plaintext: s, keyId: next.arn });
          },
        };
      },
    },
    {
      command: "unset",
      async prepare(name) {
        const sealedB = await seal(name, secret("unset-b"), app.arn);
        await createFunction(direct, name, { KEEP: "k", A_ONE: await seal(name, secret("unset-a"), app.arn), B_TWO: sealedB, ENVSEAL_SEALED: "A_ONE,B_TWO" });
        return {
          args: ["unset", "-f", name, "A_ONE"],
          target: name,
          async check(_before, after) {
            expect(after).toEqual({ KEEP: "k", B_TWO: sealedB, ENVSEAL_SEALED: "B_TWO" });
          },
        };
      },
    },
  ];

  beforeAll(async () => {
    moto = await startMoto();
    proxy = await startAwsProxy(moto.url);
    const clients = motoClients(moto);
    kms = clients.kms;
    direct = clients.lambda;
    viaProxy = new LambdaClient({ region: "us-east-1", endpoint: proxy.url, credentials: TEST_CREDENTIALS });
    app = await createKey(kms, "alias/app");
    next = await createKey(kms, "alias/next");
  });
  afterAll(async () => {
    runs.forEach((r, i) => expectNoCanary(canaries, { [`run ${i} stdout`]: r.stdout, [`run ${i} stderr`]: r.stderr }));
    await proxy?.stop();
    await moto?.stop();
  });

  for (const c of CASES) {
    for (const s of SCENARIOS) {
      it(`${c.command}: ${s.label}`, async () => {
        const name = `fault-${c.command}-${++serial}`;
        const run = await c.prepare(name);
        const before = await config(run.target);
        expect(before.RevisionId).toBe(proxy.revisionOf(run.target));

        proxy.clearFaults();
        proxy.resetCounters();
        proxy.schedule(UPDATE, s.update.queue, s.update.then);
        if (s.kms && c.kmsOp) proxy.schedule(c.kmsOp, s.kms.queue, s.kms.then);
        const r = await cli([...s.flags, ...run.args], run.stdin);
        proxy.clearFaults();
        const counted = proxy.counters(UPDATE);
        const after = await config(run.target);

        expect(counted.requests, JSON.stringify(proxy.allCounters())).toBe(s.updateRequests);
        if (s.succeeds) {
          expect(r.code, r.stderr).toBe(0);
          expect(counted.forwarded).toBe(1);
          if (s.kms && c.kmsOp) {
            const k = proxy.counters(c.kmsOp);
            expect(k.throttle + k.reset).toBe(s.kms.queue.length);
            expect(k.forwarded).toBeGreaterThan(0);
          }
          // Fully updated: a new revision, the exact new environment, the rest of the configuration as it was.
          expect(after.RevisionId).not.toBe(before.RevisionId);
          await run.check(before.Environment?.Variables ?? {}, after.Environment?.Variables ?? {});
          const rest = (cfg: FunctionConfiguration) => {
            const { Environment: _e, RevisionId: _r, LastModified: _l, KMSKeyArn: _k, ...others } = cfg;
            return others;
          };
          expect(rest(after)).toEqual(rest(before));
          // push sets the sealing key as the at-rest key, rotate the new key; copy and unset leave it.
          const atRest = { push: app.arn, rotate: next.arn }[c.command as "push" | "rotate"];
          expect(after.KMSKeyArn).toBe(atRest ?? before.KMSKeyArn);
        } else {
          expect(r.code).toBe(3);
          expect(counted.forwarded).toBe(0);
          // Untouched: the whole configuration, RevisionId and LastModified included, is identical.
          expect(after).toEqual(before);
          const lines = r.stderr.trimEnd().split("\n");
          expect(lines, r.stderr).toHaveLength(1);
          expect(lines[0]).toMatch(s.message!);
          expect(r.stderr).not.toMatch(/\n\s+at /);
        }
      });
    }
  }
});
