import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { GetFunctionConfigurationCommand, type LambdaClient } from "@aws-sdk/client-lambda";
import { DisableKeyCommand, ScheduleKeyDeletionCommand, type KMSClient } from "@aws-sdk/client-kms";
import { createFunction, createKey, motoAvailable, motoClients, startMoto, type Moto } from "../support/moto.js";
import { runBuiltCli, type CliRun } from "../support/cli.js";
import { awsDecrypt, awsEncrypt } from "../support/awscli.js";
import { canary, expectNoCanary, filesUnder } from "../support/canary.js";

describe.skipIf(!motoAvailable())("envseal CLI against moto (SDK → HTTP → SigV4 → emulator)", () => {
  let moto: Moto;
  let kms: KMSClient;
  let lambda: LambdaClient;
  let key: { arn: string; keyId: string };
  let work: string;
  const canaries: string[] = [];
  const runs: CliRun[] = [];

  const cli = async (args: string[], stdin?: string) => {
    const r = await runBuiltCli(["--endpoint-url", moto.url, ...args], { env: moto.env(), ...(stdin !== undefined ? { stdin } : {}), cwd: work });
    runs.push(r);
    return r;
  };
  const vars = async (fn: string) => (await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: fn }))).Environment?.Variables ?? {};

  beforeAll(async () => {
    moto = await startMoto();
    ({ kms, lambda } = motoClients(moto));
    key = await createKey(kms, "alias/app");
    work = mkdtempSync(join(tmpdir(), "envseal-e2e-"));
  });
  afterAll(async () => {
    // Every stream captured in this suite, and every file under its work folder, is free of canaries
    // (decrypt and show --reveal runs are excluded where they print on purpose).
    runs.forEach((r, i) => expectNoCanary(canaries, { [`run ${i} stdout`]: r.stdout, [`run ${i} stderr`]: r.stderr }));
    const files = filesUnder(work);
    for (const [path, text] of Object.entries(files)) if (!path.endsWith(".env.secrets")) expectNoCanary(canaries, { [path]: text });
    rmSync(work, { recursive: true, force: true });
    await moto?.stop();
  });

  it("push keeps the other variables, writes the manifest and sealed values that the independent awscli opens", async () => {
    await createFunction(lambda, "orders-api", { EXISTING: "stays", LOG_LEVEL: "debug" });
    const pw = canary("pw");
    canaries.push(pw);
    const r = await cli(["push", "--function", "orders-api", "--key", "alias/app", "DB_PASSWORD", "--plain", "LOG_LEVEL=info"], pw);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain("+ DB_PASSWORD (sealed)");
    expect(r.stdout).toContain("~ LOG_LEVEL (plain)");

    const v = await vars("orders-api");
    expect(v.EXISTING).toBe("stays");
    expect(v.LOG_LEVEL).toBe("info");
    expect(v.ENVSEAL_SEALED).toBe("DB_PASSWORD:v2");
    expect(v.DB_PASSWORD).not.toContain(pw);
    // Wire format v2: the context names the variable too; the function name alone no longer opens it.
    const opened = awsDecrypt(moto, v.DB_PASSWORD!, "orders-api", "DB_PASSWORD");
    expect(() => awsDecrypt(moto, v.DB_PASSWORD!, "orders-api")).toThrow(/InvalidCiphertextException/);
    expect(() => awsDecrypt(moto, v.DB_PASSWORD!, "orders-api", "SENTRY_DSN")).toThrow(/InvalidCiphertextException/);
    expect(opened.plaintext).toBe(pw);
    expect(opened.keyId).toBe(key.arn);
    expect(() => awsDecrypt(moto, v.DB_PASSWORD!, "another-fn", "DB_PASSWORD")).toThrow(/InvalidCiphertextException/);
  });

  it("a value sealed by awscli (console style) opens with envseal decrypt, from stdin and as an argument", async () => {
    const secret = canary("console");
    canaries.push(secret);
    const sealed = awsEncrypt(moto, "alias/app", secret, "orders-api");
    const fromStdin = await runBuiltCli(["--endpoint-url", moto.url, "decrypt", "--function", "orders-api"], { env: moto.env(), stdin: `${sealed}\n` });
    expect(fromStdin.code, fromStdin.stderr).toBe(0);
    expect(fromStdin.stdout).toBe(secret);
    const asArg = await runBuiltCli(["--endpoint-url", moto.url, "decrypt", "-f", "orders-api", sealed], { env: moto.env() });
    expect(asArg.stdout).toBe(secret);
    const wrong = await cli(["decrypt", "--function", "billing-api", sealed]);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toContain("sealed for another function name?");
  });

  it("show lists names, kinds, bytes of 4096 and the at-rest key; --reveal opens values", async () => {
    const r = await cli(["show", "--function", "orders-api"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/DB_PASSWORD\s+sealed\s+v2\s+\d+/);
    expect(r.stdout).toMatch(/EXISTING\s+plain\s+-\s+\d+/);
    expect(r.stdout).toMatch(/size: \d+ of 4096 bytes/);
    const json = JSON.parse((await cli(["-o", "json", "show", "--function", "orders-api"])).stdout);
    expect(json.variables.map((x: { name: string; kind: string }) => `${x.name}:${x.kind}`)).toEqual([
      "DB_PASSWORD:sealed",
      "ENVSEAL_SEALED:envseal",
      "EXISTING:plain",
      "LOG_LEVEL:plain",
    ]);
    const reveal = await runBuiltCli(["--endpoint-url", moto.url, "show", "-f", "orders-api", "--reveal"], { env: moto.env() });
    expect(reveal.stdout).toContain(canaries[0]);
  });

  it("--dotenv with a missing file: envseal's own one-line error, exit 2 (Node intercepts only --env-file)", async () => {
    const r = await cli(["push", "--function", "orders-api", "--key", "alias/app", "--dotenv", join(work, "missing.env")]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`envseal: error: --dotenv ${join(work, "missing.env")} does not exist; pass the path of a readable dotenv file\n`);
  });

  it("push --dotenv --dry-run prints the diff and leaves the function as it was; --env-file, the older spelling, still works", async () => {
    const file = join(work, ".env.secrets");
    const a = canary("file");
    canaries.push(a);
    writeFileSync(file, `API_KEY=${a}\nOLD_TOKEN=old-token-value\n`, { mode: 0o600 });
    const before = await vars("orders-api");
    const r = await cli(["push", "--function", "orders-api", "--key", "alias/app", "--dotenv", file, "--dry-run"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain("+ API_KEY (sealed)");
    expect(r.stdout).toContain("dry run: nothing was written");
    expect(await vars("orders-api")).toEqual(before);

    const real = await cli(["push", "--function", "orders-api", "--key", "alias/app", "--env-file", file]);
    expect(real.code, real.stderr).toBe(0);
    expect((await vars("orders-api")).ENVSEAL_SEALED).toBe("API_KEY:v2,DB_PASSWORD:v2,OLD_TOKEN:v2");
  });

  it("unset removes the variable and its manifest entry, keeping the rest", async () => {
    const r = await cli(["unset", "--function", "orders-api", "OLD_TOKEN"]);
    expect(r.code, r.stderr).toBe(0);
    const v = await vars("orders-api");
    expect(v.OLD_TOKEN).toBeUndefined();
    expect(v.ENVSEAL_SEALED).toBe("API_KEY:v2,DB_PASSWORD:v2");
    expect(v.EXISTING).toBe("stays");
  });

  it("encrypt prints dotenv lines that awscli opens, and writes nothing to the function", async () => {
    const before = await vars("orders-api");
    const s = canary("enc");
    canaries.push(s);
    const r = await cli(["encrypt", "--function", "orders-api", "--key", key.arn, "WEBHOOK_SECRET"], s);
    expect(r.code, r.stderr).toBe(0);
    const [line, manifest] = r.stdout.trim().split("\n") as [string, string];
    const [name, value] = line.split("=", 2) as [string, string];
    expect(name).toBe("WEBHOOK_SECRET");
    expect(awsDecrypt(moto, line.slice(name.length + 1), "orders-api", "WEBHOOK_SECRET").plaintext).toBe(s);
    expect(value.length).toBeGreaterThan(0);
    expect(manifest).toBe("ENVSEAL_SEALED=WEBHOOK_SECRET:v2");
    // --wire-format v1: what the console's decrypt snippet opens (function context only).
    const v1 = await cli(["encrypt", "--function", "orders-api", "--key", key.arn, "--wire-format", "v1", "WEBHOOK_SECRET"], s);
    const [v1line, v1manifest] = v1.stdout.trim().split("\n") as [string, string];
    expect(awsDecrypt(moto, v1line.slice("WEBHOOK_SECRET=".length), "orders-api").plaintext).toBe(s);
    expect(v1manifest).toBe("ENVSEAL_SEALED=WEBHOOK_SECRET");
    expect(await vars("orders-api")).toEqual(before);
  });

  it.each([
    ["unknown function", 2, "function ghost-fn was not found", ["push", "-f", "ghost-fn", "-k", "alias/app", "A1=xxxxxxxx"]],
    ["unknown alias", 2, "KMS key alias/nope was not found", ["push", "-f", "orders-api", "-k", "alias/nope", "A1=xxxxxxxx"]],
    ["aws/lambda without --at-rest-only", 2, "alias/aws/lambda is an AWS managed key", ["push", "-f", "orders-api", "-k", "aws/lambda", "A1=xxxxxxxx"]],
    ["over 4096 bytes", 2, "over Lambda's limit of 4096 (largest: BIG 4", ["push", "-f", "orders-api", "--plain", `BIG=${"x".repeat(4100)}`]],
  ])("%s: exit %i, one line, nothing written", async (_label, code, fragment, args) => {
    const before = await vars("orders-api");
    const r = await cli(args as string[]);
    expect(r.code).toBe(code);
    expect(r.stderr).toContain(fragment);
    expect(r.stderr.trim().split("\n").filter((l) => !l.startsWith("warning: "))).toHaveLength(1);
    expect(await vars("orders-api")).toEqual(before);
  });

  it("refuses disabled and pending-deletion keys before encrypting", async () => {
    const disabled = await createKey(kms, "alias/disabled");
    await kms.send(new DisableKeyCommand({ KeyId: disabled.keyId }));
    const pending = await createKey(kms, "alias/pending");
    await kms.send(new ScheduleKeyDeletionCommand({ KeyId: pending.keyId, PendingWindowInDays: 7 }));
    const before = await vars("orders-api");
    const d = await cli(["push", "-f", "orders-api", "-k", "alias/disabled", "A1=xxxxxxxx"]);
    expect(d.code).toBe(2);
    expect(d.stderr).toContain("KMS key alias/disabled is disabled");
    const p = await cli(["push", "-f", "orders-api", "-k", "alias/pending", "A1=xxxxxxxx"]);
    expect(p.code).toBe(2);
    expect(p.stderr).toContain("KMS key alias/pending is pending deletion");
    expect(await vars("orders-api")).toEqual(before);
  });

  it("--at-rest-only with aws/lambda stores the value unsealed and says so", async () => {
    await createFunction(lambda, "at-rest-fn", { A1: "1" });
    const r = await cli(["push", "-f", "at-rest-fn", "-k", "aws/lambda", "--at-rest-only", "SETTING=not-so-secret"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain("+ SETTING (plain)");
    expect(r.stdout).toContain("at rest: aws/lambda");
    expect(await vars("at-rest-fn")).toEqual({ A1: "1", SETTING: "not-so-secret" });
  });

  it("a wrong endpoint port is a network error, exit 3", async () => {
    const r = await runBuiltCli(["--endpoint-url", "http://127.0.0.1:9", "--max-attempts", "1", "show", "-f", "orders-api"], { env: moto.env() });
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/network error \(ECONNREFUSED\)/);
  });
});
