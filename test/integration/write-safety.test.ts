/**
 * Nothing lost on any write (issue 11), through the built CLI against moto behind the test proxy (RevisionId,
 * KMSKeyArn, Environment.Error and faults as Lambda has them):
 * - an environment the caller cannot read is never written from (every writing command), and show and audit say so;
 * - concurrent `push --bundle` processes and `unset` racing pushes lose no secret: every retry re-plans from the
 *   fresh read, and the runtime opens every secret afterwards;
 * - a rotate racing a push leaves no value under the old key, in either order;
 * - a write whose answer is lost is recognised as done; a wait whose reads stall ends within the user's limits.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DecryptCommand, EncryptCommand, type KMSClient } from "@aws-sdk/client-kms";
import { GetFunctionConfigurationCommand, LambdaClient, type FunctionConfiguration } from "@aws-sdk/client-lambda";
import { createFunction, createKey, motoAvailable, motoClients, startMoto, TEST_CREDENTIALS, type Moto } from "../support/moto.js";
import { startAwsProxy, type AwsProxy } from "../support/aws-proxy.js";
import { runBuiltCli, type CliRun } from "../support/cli.js";
import { canary, expectNoCanary } from "../support/canary.js";
import { loadInChild } from "../support/runtime-child.js";

const UPDATE = "lambda:UpdateFunctionConfiguration";

describe.skipIf(!motoAvailable())("write safety: unreadable environments, races, lost answers", () => {
  let moto: Moto;
  let proxy: AwsProxy;
  let kms: KMSClient;
  let direct: LambdaClient;
  let viaProxy: LambdaClient;
  let oldKey: { arn: string; keyId: string };
  let newKey: { arn: string; keyId: string };
  const canaries: string[] = [];
  const runs: CliRun[] = [];

  const cli = async (args: readonly string[], stdin = ""): Promise<CliRun> => {
    const r = await runBuiltCli(["--endpoint-url", proxy.url, ...args], { env: moto.env(), stdin });
    runs.push(r);
    return r;
  };
  const secret = (label: string): string => {
    const c = canary(label);
    canaries.push(c);
    return c;
  };
  const config = async (name: string): Promise<FunctionConfiguration> => {
    const { $metadata: _, ...cfg } = await viaProxy.send(new GetFunctionConfigurationCommand({ FunctionName: name }));
    return cfg;
  };
  const vars = async (name: string) => (await config(name)).Environment?.Variables ?? {};
  const seal = async (name: string, plaintext: string, keyArn: string): Promise<string> => {
    const out = await kms.send(new EncryptCommand({ KeyId: keyArn, Plaintext: Buffer.from(plaintext), EncryptionContext: { LambdaFunctionName: name } }));
    return Buffer.from(out.CiphertextBlob!).toString("base64");
  };
  const keyOf = async (name: string, value: string): Promise<string> =>
    (await kms.send(new DecryptCommand({ CiphertextBlob: Buffer.from(value, "base64"), EncryptionContext: { LambdaFunctionName: name } }))).KeyId!;

  beforeAll(async () => {
    moto = await startMoto();
    proxy = await startAwsProxy(moto.url);
    ({ kms, lambda: direct } = motoClients(moto));
    viaProxy = new LambdaClient({ region: "us-east-1", endpoint: proxy.url, credentials: TEST_CREDENTIALS });
    oldKey = await createKey(kms, "alias/old");
    newKey = await createKey(kms, "alias/new");
  });
  afterAll(async () => {
    runs.forEach((r, i) => expectNoCanary(canaries, { [`run ${i} stdout`]: r.stdout, [`run ${i} stderr`]: r.stderr }));
    await proxy?.stop();
    await moto?.stop();
  });

  describe("an environment the caller cannot decrypt (Environment.Error, no Variables)", () => {
    const name = "unreadable-fn";
    beforeAll(async () => {
      await createFunction(direct, name, { KEEP_ONE: "1", KEEP_TWO: "2", SEALED_A: await seal(name, secret("unreadable"), oldKey.arn), ENVSEAL_SEALED: "SEALED_A" });
      await createFunction(direct, "unreadable-src", { TOKEN: await seal("unreadable-src", secret("src"), oldKey.arn), ENVSEAL_SEALED: "TOKEN" });
      // The at-rest key the caller lacks kms:Decrypt on.
      await cli(["push", "-f", name, "--at-rest-key", "alias/old", "-y"]);
      proxy.unreadable(name, "AccessDeniedException");
    });
    afterAll(() => proxy.readable(name));

    it.each([
      ["push", ["push", "-f", name, "-k", "alias/old", "NEW_ONE"], "x-value-x"],
      ["push --plain", ["push", "-f", name, "--plain", "LOG_LEVEL=debug"], ""],
      ["unset", ["unset", "-f", name, "KEEP_ONE"], ""],
      ["rotate", ["rotate", "-f", name, "--to-key", "alias/new"], ""],
      ["copy", ["copy", "--from", "unreadable-src", "--to", name, "-k", "alias/old"], ""],
      ["adopt", ["adopt", "-f", name, "KEEP_ONE"], ""],
    ])("%s refuses: exit 3, one line naming the at-rest key and kms:Decrypt, nothing written", async (_label, args, stdin) => {
      const before = await config(name);
      proxy.resetCounters();
      const r = await cli(args, stdin);
      expect(r.code, r.stderr).toBe(3);
      const lines = r.stderr.trimEnd().split("\n");
      expect(lines, r.stderr).toHaveLength(1);
      expect(lines[0]).toMatch(/refused: Lambda could not decrypt the environment of unreadable-fn for you \(Environment.Error AccessDeniedException\)/);
      expect(lines[0]).toContain(`kms:Decrypt on the at-rest key ${oldKey.arn}`);
      expect(lines[0]).toContain("nothing was written");
      expect(proxy.counters(UPDATE).requests).toBe(0);
      proxy.readable(name);
      try {
        const after = await config(name);
        expect(after.RevisionId).toBe(before.RevisionId);
        expect(Object.keys(after.Environment?.Variables ?? {}).sort()).toEqual(["ENVSEAL_SEALED", "KEEP_ONE", "KEEP_TWO", "SEALED_A"]);
      } finally {
        proxy.unreadable(name, "AccessDeniedException");
      }
    });

    it("show says plainly that the variables could not be read (exit 3), never lists none", async () => {
      const r = await cli(["show", "-f", name]);
      expect(r.code).toBe(3);
      expect(r.stdout).toBe("");
      expect(r.stderr).toContain(`the variables of unreadable-fn could not be read: Lambda could not decrypt its environment for you (Environment.Error AccessDeniedException): reading it needs kms:Decrypt on the at-rest key ${oldKey.arn}`);
    });

    it("audit reports the function as not scanned, counts it, and never as clean", async () => {
      const r = await cli(["audit", "--format", "json", "--fail-on", "none"]);
      expect(r.code, r.stderr).toBe(0);
      const report = JSON.parse(r.stdout) as {
        summary: { functionsNotScanned: number; notScanned: Array<{ functionArn: string; reason: string }> };
        findings: Array<{ ruleId: string; functionName: string; severity: string }>;
      };
      expect(report.summary.functionsNotScanned).toBe(1);
      expect(report.summary.notScanned[0]!.functionArn).toMatch(/:function:unreadable-fn$/);
      expect(report.summary.notScanned[0]!.reason).toContain(oldKey.arn);
      // ES006: the at-rest key's rotation is off (true, and key-level); no variable rule ran on variables it could not read.
      expect(report.findings.filter((f) => f.functionName === name).map((f) => `${f.ruleId}:${f.severity}`)).toEqual(["ES006:medium", "ES007:medium"]);
      const table = await cli(["audit", "--format", "table", "--fail-on", "none"]);
      expect(table.stdout).toMatch(/1 function not scanned \(environment unreadable\)/);
      expect(table.stdout).toMatch(/warning: not scanned: arn:aws:lambda:us-east-1:\d{12}:function:unreadable-fn: Environment.Error AccessDeniedException/);
    });
  });

  describe("races", () => {
    it("24 concurrent push --bundle processes: every secret is in the bundle and the runtime opens each", async () => {
      const name = "race-bundle";
      await createFunction(direct, name, { PRE: "kept" });
      const values = Array.from({ length: 24 }, (_, i) => secret(`bundle${i}`));
      proxy.resetCounters();
      const results = await Promise.all(values.map((v, i) => cli(["push", "-f", name, "-k", "alias/old", "--bundle", `WRITER_${i}`], v)));
      results.forEach((r, i) => expect(r.code, `writer ${i}: ${r.stderr}`).toBe(0));
      const update = proxy.counters(UPDATE);
      expect(update.preconditionFailed).toBeGreaterThan(0);
      expect(update.forwarded).toBe(values.length);
      const after = await vars(name);
      expect(Object.keys(after).sort()).toEqual(["ENVSEAL_BUNDLE", "PRE"]);
      const opened = await loadInChild(moto, name, after);
      expect(opened.code, opened.stderr).toBe(0);
      expect(opened.secrets).toEqual(Object.fromEntries(values.map((v, i) => [`WRITER_${i}`, v])));
    });

    it("unset racing pushes into one bundle: exactly the removed entries go, every added one stays", async () => {
      const name = "race-unset";
      await createFunction(direct, name, { PRE: "kept" });
      const initial = Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`OLD_${i}`, secret(`old${i}`)]));
      const seed = await cli(["push", "-f", name, "-k", "alias/old", "--bundle", ...Object.keys(initial)], Object.values(initial).join("\n"));
      expect(seed.code, seed.stderr).toBe(0);
      const added = Object.fromEntries(Array.from({ length: 8 }, (_, i) => [`NEW_${i}`, secret(`new${i}`)]));
      const removed = ["OLD_0", "OLD_2", "OLD_4", "OLD_6", "OLD_8"];
      const results = await Promise.all([
        ...Object.entries(added).map(([n, v]) => cli(["push", "-f", name, "--bundle", n], v)),
        ...removed.map((n) => cli(["unset", "-f", name, n, "-y"])),
      ]);
      results.forEach((r) => expect(r.code, r.stderr).toBe(0));
      const opened = await loadInChild(moto, name, await vars(name));
      const expected = { ...added, ...initial };
      for (const n of removed) delete expected[n];
      expect(opened.secrets).toEqual(expected);
    });

    it.each([
      ["the push lands first (rotate re-plans and re-encrypts it)", "kms:ReEncrypt", ["-k", "alias/old"]],
      ["the rotate lands first (push re-plans under the function's new key)", "kms:Encrypt", []],
    ] as const)("rotate racing a push, %s: no value is left under the old key", async (label, held, keyArgs) => {
      const name = `race-rotate-${held === "kms:Encrypt" ? "b" : "a"}`;
      await createFunction(direct, name, { A_ONE: await seal(name, secret(`${label}-a`), oldKey.arn), ENVSEAL_SEALED: "A_ONE" });
      expect((await cli(["push", "-f", name, "--at-rest-key", "alias/old", "-y"])).code).toBe(0);
      // Hold one side's KMS call so that the other writes first; the held side then meets 412 and re-plans.
      proxy.delay(held, 1500);
      try {
        const first = held === "kms:ReEncrypt" ? cli(["rotate", "-f", name, "--to-key", "alias/new"]) : cli(["push", "-f", name, ...keyArgs, "B_TWO"], secret(`${label}-b`));
        await new Promise((r) => setTimeout(r, 500));
        const second =
          held === "kms:ReEncrypt" ? cli(["push", "-f", name, ...keyArgs, "B_TWO"], secret(`${label}-b`)) : cli(["rotate", "-f", name, "--to-key", "alias/new"]);
        const [r1, r2] = await Promise.all([first, second]);
        expect(r1.code, r1.stderr).toBe(0);
        expect(r2.code, r2.stderr).toBe(0);
      } finally {
        proxy.delay(held, 0);
      }
      const after = await vars(name);
      expect(after.ENVSEAL_SEALED).toBe("A_ONE,B_TWO");
      expect(await keyOf(name, after.A_ONE!)).toBe(newKey.arn);
      expect(await keyOf(name, after.B_TWO!)).toBe(newKey.arn);
      expect((await config(name)).KMSKeyArn).toBe(newKey.arn);
    });
  });

  describe("lost answers and stalled reads", () => {
    it.each(["reset-after", "500-after"] as const)("rotate whose update is applied but whose answer is lost (%s) reports it written, exit 0", async (fault) => {
      const name = `lost-${fault}`;
      await createFunction(direct, name, { A_ONE: await seal(name, secret(fault), oldKey.arn), ENVSEAL_SEALED: "A_ONE" });
      proxy.schedule(UPDATE, [fault]);
      const r = await cli(["rotate", "-f", name, "--to-key", "alias/new"]);
      proxy.clearFaults();
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toMatch(/written \(revision [0-9a-f-]+\); the update is live/);
      expect(r.stderr).not.toMatch(/nothing was written/);
      expect(await keyOf(name, (await vars(name)).A_ONE!)).toBe(newKey.arn);
      const again = await cli(["rotate", "-f", name, "--to-key", "alias/new"]);
      expect(again.stderr).toContain("already under alias/new; nothing to rotate");
    });

    it("push whose read-back stalls after a successful update ends within --timeout × --max-attempts: written, not yet confirmed live", async () => {
      const name = "stalled-reads";
      await createFunction(direct, name, { KEEP: "k" });
      // The first read (planning) passes; every read after the update stalls.
      proxy.schedule("lambda:GetFunctionConfiguration", ["pass"], "stall");
      const started = Date.now();
      const r = await cli(["--timeout", "1", "--max-attempts", "2", "push", "-f", name, "--plain", "LOG_LEVEL=info"]);
      const took = Date.now() - started;
      proxy.clearFaults();
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toMatch(/written \(revision [0-9a-f-]+\); not yet confirmed live: the function could not be read back within 5 s; check with `envseal show --function stalled-reads`/);
      expect(took).toBeLessThan(20_000);
      expect(await vars(name)).toEqual({ KEEP: "k", LOG_LEVEL: "info" });
    });
  });
});
