/**
 * `envseal audit` against moto, two regions, through the built CLI: planted plaintext secrets are found, a value sealed
 * by `envseal push` is not, published versions are scanned with --all-versions, and no value reaches any output.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PublishVersionCommand, UpdateFunctionConfigurationCommand } from "@aws-sdk/client-lambda";
import { createFunction, createKey, motoAvailable, motoClients, startMoto, type Moto } from "../support/moto.js";
import { runBuiltCli } from "../support/cli.js";
import { canary, expectNoCanary } from "../support/canary.js";
import type { AuditReport } from "../../src/audit/report.js";

/** Fake, obviously-test AWS secret key that secretlint detects (AWS's documented EXAMPLE key is allowlisted). */
const FAKE_SECRET_KEY = "FAKEfakeFAKEfakeFAKEfakeFAKEfakeFAKEfake";

describe.skipIf(!motoAvailable())("envseal audit against moto (two regions)", () => {
  let moto: Moto;
  let dir: string;
  const pw = canary("password");
  const token = canary("token");
  const sealedPlain = canary("sealed");
  const oldPw = canary("oldversion");

  beforeAll(async () => {
    moto = await startMoto();
    dir = mkdtempSync(join(tmpdir(), "envseal-audit-moto-"));
    const east = motoClients(moto, "us-east-1");
    const west = motoClients(moto, "eu-west-1");
    await createKey(east.kms, "alias/app");
    await createFunction(east.lambda, "plain-aws", { BILLING_AWS_SECRET_ACCESS_KEY: FAKE_SECRET_KEY, LOG_LEVEL: "info" });
    await createFunction(east.lambda, "plain-pw", { DB_PASSWORD: pw });
    await createFunction(east.lambda, "sealed", { LOG_LEVEL: "info" });
    await createFunction(west.lambda, "west-token", { API_TOKEN: token });
    // A published version keeps the old plaintext after $LATEST is cleaned.
    await createFunction(west.lambda, "versioned", { DB_PASSWORD: oldPw });
    await west.lambda.send(new PublishVersionCommand({ FunctionName: "versioned" }));
    await west.lambda.send(new UpdateFunctionConfigurationCommand({ FunctionName: "versioned", Environment: { Variables: { LOG_LEVEL: "info" } } }));

    const push = await runBuiltCli(["--endpoint-url", moto.url, "push", "--function", "sealed", "--key", "alias/app", "DB_PASSWORD"], {
      env: moto.env("us-east-1"),
      stdin: sealedPlain,
    });
    expect(push.code, push.stderr).toBe(0);
  });

  afterAll(async () => {
    await moto?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const auditArgs = (...extra: string[]) => ["--endpoint-url", moto.url, "audit", "--regions", "us-east-1,eu-west-1", ...extra];

  it("finds the planted secrets in both regions, not the sealed value; exit 1", async () => {
    const r = await runBuiltCli(auditArgs("--format", "json"), { env: moto.env("us-east-1") });
    expect(r.code, r.stderr).toBe(1);
    const report = JSON.parse(r.stdout) as AuditReport;
    expect(report.source).toEqual({ mode: "live", regions: ["us-east-1", "eu-west-1"] });
    expect(report.summary.functionsPerRegion).toEqual({ "eu-west-1": 2, "us-east-1": 3 });
    const secrets = report.findings.filter((f) => f.ruleId === "ES001").map((f) => [f.region, f.functionName, f.variable, f.severity]);
    expect(secrets.sort()).toEqual(
      [
        ["eu-west-1", "west-token", "API_TOKEN", "medium"],
        ["us-east-1", "plain-aws", "BILLING_AWS_SECRET_ACCESS_KEY", "critical"],
        ["us-east-1", "plain-pw", "DB_PASSWORD", "medium"],
      ].sort(),
    );
    const onSealed = report.findings.filter((f) => f.functionName === "sealed");
    expect(onSealed.filter((f) => f.variable !== null)).toEqual([]);
    expect(report.findings.every((f) => f.functionArn.startsWith(`arn:aws:lambda:${f.region}:`))).toBe(true);
    // $LATEST of "versioned" is clean; without --all-versions its old version is not listed.
    expect(report.findings.some((f) => f.ruleId === "ES009")).toBe(false);
    expectNoCanary([pw, token, sealedPlain, oldPw], { stdout: r.stdout, stderr: r.stderr });
  });

  it("without ENVSEAL_EMULATOR, moto's ciphertext is not taken for AWS KMS ciphertext (ES002), so production detection is not weakened", async () => {
    const { ENVSEAL_EMULATOR: _unset, ...env } = moto.env("us-east-1");
    const r = await runBuiltCli(auditArgs("--format", "json"), { env });
    const report = JSON.parse(r.stdout) as AuditReport;
    const onSealed = report.findings.filter((f) => f.functionName === "sealed" && f.variable !== null);
    expect(onSealed).toEqual([expect.objectContaining({ ruleId: "ES002", variable: "DB_PASSWORD" })]);
    const bad = await runBuiltCli(auditArgs("--format", "json"), { env: { ...env, ENVSEAL_EMULATOR: "localstack" } });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("ENVSEAL_EMULATOR");
    expectNoCanary([pw, token, sealedPlain, oldPw], { stdout: r.stdout, stderr: r.stderr + bad.stderr });
  });

  it("--all-versions reports the published version's plaintext as ES009", async () => {
    const r = await runBuiltCli(auditArgs("--all-versions", "--format", "json"), { env: moto.env("us-east-1") });
    const report = JSON.parse(r.stdout) as AuditReport;
    const es009 = report.findings.filter((f) => f.ruleId === "ES009");
    expect(es009).toEqual([expect.objectContaining({ functionName: "versioned", variable: "DB_PASSWORD", version: "1", region: "eu-west-1" })]);
    expectNoCanary([oldPw], { stdout: r.stdout });
  });

  it("every format, on stdout and in --out files, is free of values; SARIF and Markdown carry the findings", async () => {
    const texts: Record<string, string> = {};
    for (const format of ["table", "sarif", "markdown"]) {
      const out = join(dir, `report.${format}`);
      const [r, w] = await Promise.all([
        runBuiltCli(auditArgs("--format", format, "--all-versions"), { env: moto.env("us-east-1") }),
        runBuiltCli(auditArgs("--format", format, "--all-versions", "--out", out), { env: moto.env("us-east-1") }),
      ]);
      expect(r.code).toBe(1);
      texts[`${format} stdout`] = r.stdout;
      texts[`${format} stderr`] = r.stderr;
      texts[`${format} --out stdout`] = w.stdout;
      texts[`${format} file`] = readFileSync(out, "utf8");
    }
    expect(texts["sarif file"]).toContain("arn:aws:lambda:eu-west-1:");
    expect(texts["markdown stdout"]).toContain("west-token");
    expectNoCanary([pw, token, sealedPlain, oldPw], texts);
  });

  it("suppressing the planted rules exits 0", async () => {
    const r = await runBuiltCli(auditArgs("--format", "json", "--ignore", "ES001", "--ignore", "ES009"), { env: moto.env("us-east-1") });
    expect(r.code, r.stderr).toBe(0);
  });
});
