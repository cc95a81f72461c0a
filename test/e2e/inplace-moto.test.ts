/**
 * `envseal seal` (seal plaintext variables in place — the audit's ES001 fix) and `envseal get` (read one variable),
 * through the built binary against moto.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { GetFunctionConfigurationCommand, type LambdaClient } from "@aws-sdk/client-lambda";
import { EncryptCommand } from "@aws-sdk/client-kms";
import { createFunction, createKey, motoAvailable, motoClients, startMoto, type Moto } from "../support/moto.js";
import { runBuiltCli, type CliRun } from "../support/cli.js";
import { canary, expectNoCanary, tempDir } from "../support/canary.js";
import { awsDecrypt } from "../support/awscli.js";

describe.skipIf(!motoAvailable())("seal in place and get", () => {
  let moto: Moto;
  let lambda: LambdaClient;
  const pw = canary("inplace-pw");
  const token = canary("inplace-token");
  const dir = tempDir("envseal-inplace-");
  const runs: CliRun[] = [];
  const cli = async (args: string[], stdin = "") => {
    const r = await runBuiltCli(["--endpoint-url", moto.url, ...args], { env: moto.env(), stdin });
    runs.push(r);
    return r;
  };
  const vars = async (fn: string) => (await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: fn }))).Environment?.Variables ?? {};

  beforeAll(async () => {
    moto = await startMoto();
    ({ lambda } = motoClients(moto));
    await createKey(motoClients(moto).kms, "alias/app");
    await createFunction(lambda, "leaky", { DB_PASSWORD: pw, API_TOKEN: token, LOG_LEVEL: "info" });
  });
  afterAll(async () => {
    // seal and audit never print a value; get prints the one asked for.
    for (const r of runs.filter((x) => !x.stdout.includes("wrote "))) expectNoCanary([pw, token], { stderr: r.stderr });
    await moto?.stop();
  });

  it("seal seals named plaintext variables where they are: never printed, bound to their names, others kept", async () => {
    const r = await cli(["seal", "-f", "leaky", "-k", "alias/app", "DB_PASSWORD"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain("~ DB_PASSWORD (plain → sealed)");
    expectNoCanary([pw, token], { stdout: r.stdout, stderr: r.stderr });
    const v = await vars("leaky");
    expect(v.ENVSEAL_SEALED).toBe("DB_PASSWORD:v2");
    expect(v.LOG_LEVEL).toBe("info");
    expect(v.API_TOKEN).toBe(token);
    expect(awsDecrypt(moto, v.DB_PASSWORD!, "leaky", "DB_PASSWORD").plaintext).toBe(pw);
  });

  it("seal --from-report seals what the audit flagged on the function", async () => {
    const report = join(dir, "report.json");
    const audit = await cli(["audit", "--format", "json", "--out", report, "--fail-on", "none"]);
    expect(audit.code, audit.stderr).toBe(0);
    const flagged = (JSON.parse(readFileSync(report, "utf8")) as { findings: Array<{ ruleId: string; variable: string; functionName: string }> }).findings.filter(
      (f) => f.ruleId === "ES001" && f.functionName === "leaky",
    );
    expect(flagged.map((f) => f.variable)).toEqual(["API_TOKEN"]);
    const r = await cli(["seal", "-f", "leaky", "-k", "alias/app", "--from-report", report]);
    expect(r.code, r.stderr).toBe(0);
    expect((await vars("leaky")).ENVSEAL_SEALED).toBe("API_TOKEN:v2,DB_PASSWORD:v2");
  });

  it.each([
    [["seal", "-f", "leaky", "-k", "alias/app", "NOT_THERE"], "NOT_THERE is not set on leaky"],
    [["seal", "-f", "leaky", "-k", "alias/app", "DB_PASSWORD"], "DB_PASSWORD is sealed already"],
    [["seal", "-f", "leaky", "LOG_LEVEL"], "seal needs --key: leaky has no customer managed at-rest key to seal with"],
    [["get", "-f", "leaky", "NOT_THERE"], "NOT_THERE is not set on leaky"],
  ])("%o: exit 2, one line", async (args, fragment) => {
    const before = await vars("leaky");
    const r = await cli(args);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(fragment);
    expect(r.stderr.trim().split("\n").filter((l) => !l.startsWith("warning: "))).toHaveLength(1);
    expect(await vars("leaky")).toEqual(before);
  });

  it("get prints one variable — sealed (opened) or plain — and nothing else; --out writes a new 0600 file", async () => {
    expect((await cli(["get", "-f", "leaky", "DB_PASSWORD"])).stdout).toBe(pw);
    expect((await cli(["get", "-f", "leaky", "LOG_LEVEL"])).stdout).toBe("info");
    // The file get --out writes holds the value by design: keep it outside the leak-scanned directory, remove it after.
    const outDir = mkdtempSync(join(tmpdir(), "envseal-get-out-"));
    const out = join(outDir, "token.txt");
    const r = await cli(["get", "-f", "leaky", "API_TOKEN", "--out", out]);
    expect(r.code, r.stderr).toBe(0);
    expect(readFileSync(out, "utf8")).toBe(token);
    expect(statSync(out).mode & 0o777).toBe(0o600);
    expect((await cli(["get", "-f", "leaky", "API_TOKEN", "--out", out])).code).toBe(2);
    rmSync(outDir, { recursive: true, force: true });
  });

  it("get opens a bundled value", async () => {
    await createFunction(lambda, "bundled", {});
    const b = canary("bundled");
    expect((await cli(["push", "-f", "bundled", "-k", "alias/app", "--bundle", "IN_BUNDLE"], b)).code).toBe(0);
    expect((await cli(["get", "-f", "bundled", "IN_BUNDLE"])).stdout).toBe(b);
  });

  it("push --plain over a sealed value needs --unseal, and its diff says sealed → PLAIN; a bundled one too", async () => {
    await createFunction(lambda, "downgrade", {});
    const v = canary("downgrade");
    expect((await cli(["push", "-f", "downgrade", "-k", "alias/app", "SECRET_ONE"], v)).code).toBe(0);
    const refused = await cli(["push", "-f", "downgrade", "--plain", "SECRET_ONE=now-plain", "--yes"]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain("SECRET_ONE is sealed now; this push would store it in plain text");
    expect(refused.stderr).toContain("--unseal");
    expect((await vars("downgrade")).SECRET_ONE).not.toBe("now-plain");
    const r = await cli(["push", "-f", "downgrade", "--plain", "SECRET_ONE=now-plain", "--unseal", "--yes"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain("~ SECRET_ONE (sealed → PLAIN)");
    const after = await vars("downgrade");
    expect(after.SECRET_ONE).toBe("now-plain");
    expect(after.ENVSEAL_SEALED ?? "").not.toContain("SECRET_ONE");

    await createFunction(lambda, "downgrade-bundle", {});
    expect((await cli(["push", "-f", "downgrade-bundle", "-k", "alias/app", "--bundle", "IN_BUNDLE"], v)).code).toBe(0);
    const bundled = await cli(["push", "-f", "downgrade-bundle", "--plain", "IN_BUNDLE=x1", "--yes"]);
    expect(bundled.code).toBe(2);
    expect(bundled.stderr).toContain("IN_BUNDLE is sealed now");
  });

  it("warns once when a value comes as NAME=VALUE on the command line, not when it comes on stdin", async () => {
    await createFunction(lambda, "argv-warning", {});
    const a = canary("argv");
    const onArgv = await cli(["push", "-f", "argv-warning", "-k", "alias/app", `ARGV_ONE=${a}`, `ARGV_TWO=${a}x`, "--yes"]);
    expect(onArgv.code, onArgv.stderr).toBe(0);
    expect(onArgv.stderr.match(/^warning: a value given as NAME=VALUE on the command line is visible to other processes \(ps\)/gm)).toHaveLength(1);
    expect(onArgv.stderr).not.toContain(a);
    const onStdin = await cli(["push", "-f", "argv-warning", "-k", "alias/app", "STDIN_ONE", "--yes"], a);
    expect(onStdin.code, onStdin.stderr).toBe(0);
    expect(onStdin.stderr).not.toContain("warning:");
  });

  it("show -q prints the names only; show --reveal keeps a multi-line or escape-laden value on one quoted line", async () => {
    await createFunction(lambda, "showy", { LOG_LEVEL: "info" });
    const multi = `-----BEGIN KEY-----\n${canary("pem")}\n-----END KEY-----`;
    expect((await cli(["push", "-f", "showy", "-k", "alias/app", "PEM_KEY", "--yes"], multi)).code).toBe(0);
    const q = await cli(["-q", "show", "-f", "showy"]);
    expect(q.code, q.stderr).toBe(0);
    expect(q.stdout.split("\n").filter(Boolean).sort()).toEqual(["ENVSEAL_SEALED", "LOG_LEVEL", "PEM_KEY"]);
    const r = await cli(["show", "-f", "showy", "--reveal"]);
    expect(r.code, r.stderr).toBe(0);
    const row = r.stdout.split("\n").find((l) => l.startsWith("PEM_KEY"));
    expect(row).toContain(JSON.stringify(multi));
    expect(r.stdout).not.toContain("\n-----END KEY-----");
  });

  it("a secure: value (@mapbox/decrypt-kms-env, no context) is ES012 in the audit, not ES001; adopt migrates it to v2 with ReEncrypt", async () => {
    const { kms } = motoClients(moto);
    const mv = canary("mapbox");
    const blob = Buffer.from((await kms.send(new EncryptCommand({ KeyId: "alias/app", Plaintext: Buffer.from(mv) }))).CiphertextBlob!).toString("base64");
    await createFunction(lambda, "mapbox-fn", { SLACK_TOKEN: `secure:${blob}`, LOG_LEVEL: "info" });
    const report = join(dir, "mapbox.json");
    const audit = await cli(["audit", "--format", "json", "--out", report, "--fail-on", "none"]);
    expect(audit.code, audit.stderr).toBe(0);
    const findings = (JSON.parse(readFileSync(report, "utf8")) as { findings: Array<{ ruleId: string; functionName: string; variable: string | null }> }).findings.filter((f) => f.functionName === "mapbox-fn");
    expect(findings.filter((f) => f.variable === "SLACK_TOKEN").map((f) => f.ruleId)).toEqual(["ES012"]);
    const r = await cli(["adopt", "-f", "mapbox-fn", "SLACK_TOKEN", "--yes"]);
    expect(r.code, r.stderr).toBe(0);
    const after = await vars("mapbox-fn");
    expect(after.SLACK_TOKEN?.startsWith("secure:")).toBe(false);
    expect(after.ENVSEAL_SEALED).toBe("SLACK_TOKEN:v2");
    expect(after.LOG_LEVEL).toBe("info");
    // An independent client opens it only with the function's and the variable's context.
    expect(awsDecrypt(moto, after.SLACK_TOKEN!, "mapbox-fn", "SLACK_TOKEN").plaintext).toBe(mv);
    expect(() => awsDecrypt(moto, after.SLACK_TOKEN!, "mapbox-fn")).toThrow();
    expect((await cli(["get", "-f", "mapbox-fn", "SLACK_TOKEN"])).stdout).toBe(mv);
  });
});
