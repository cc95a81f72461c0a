/**
 * `envseal audit` organisation and Security Hub flags through the built CLI (dist/cli/main.js): combinations that cannot
 * work are refused before any AWS call (exit 2, one line), and `--format asff` renders offline input.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { CLI_PATH, runBuiltCli } from "../support/cli.js";
import { tempDir } from "../support/canary.js";
import { defaultFormat } from "../../src/cli/commands/audit.js";

beforeAll(() => {
  if (!existsSync(CLI_PATH)) throw new Error("dist/cli/main.js is missing: run `npx tsup` first");
});

// No credentials and an endpoint nothing listens on: any AWS call would fail with exit 3, not 2.
const env = { AWS_REGION: "us-east-1", AWS_ACCESS_KEY_ID: "AKIDEXAMPLE", AWS_SECRET_ACCESS_KEY: "x", AWS_ENDPOINT_URL: "http://127.0.0.1:9", AWS_EC2_METADATA_DISABLED: "true" };

describe("audit --org flags (built CLI)", () => {
  it.each([
    [["--role-name", "EnvsealAudit"], "--role-name works only with --org or --accounts"],
    [["--external-id", "abc"], "--external-id works only with --org or --accounts"],
    [["--include-current"], "--include-current works only with --org or --accounts"],
    [["--concurrency", "4"], "--concurrency works only with --org or --accounts"],
    [["--org"], "--org needs --role-name: the role to assume in each account"],
    [["--org", "--role-name", "R", "--input", "samples/functions.json"], "--input cannot be combined with --org or --accounts"],
    [["--input", "samples/functions.json", "--security-hub"], "--security-hub needs a live audit, not --input"],
    [["--org", "--role-name", "bad name"], '--role-name "bad name" is not an IAM role name'],
    [["--accounts", "12345", "--role-name", "R"], '--accounts: "12345" is not a 12-digit account id'],
    [["--org", "--role-name", "R", "--external-id", "x"], "--external-id must be 2 to 1224 characters"],
    [["--org", "--role-name", "R", "--concurrency", "0"], "--concurrency must be a positive whole number"],
  ])("audit %j → exit 2", async (args, message) => {
    const r = await runBuiltCli(["audit", ...args], { env });
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toContain(message);
    expect(r.stderr.trim().split("\n")).toHaveLength(r.stderr.includes("run envseal audit --help") ? 2 : 1);
    expect(r.stdout).toBe("");
  });

  it("--format asff renders offline input as an array of ASFF findings (and from an .asff.json --out name)", async () => {
    const dir = tempDir();
    const out = join(dir, "findings.asff.json");
    const r = await runBuiltCli(["audit", "--input", "samples/functions.json", "--out", out, "--fail-on", "none"], { env });
    expect(r.code, r.stderr).toBe(0);
    const asff = JSON.parse(readFileSync(out, "utf8"));
    expect(Array.isArray(asff)).toBe(true);
    expect(asff[0]).toMatchObject({ SchemaVersion: "2018-10-08", AwsAccountId: "123456789012", GeneratorId: expect.stringMatching(/^envseal\/ES00\d$/) });
    expect(defaultFormat({ out: "x.asff" }, { output: "text" }, false)).toBe("asff");
  });

  it("an org audit that cannot reach AWS is an AWS error (exit 3), not a usage error", async () => {
    const r = await runBuiltCli(["--max-attempts", "1", "audit", "--org", "--role-name", "EnvsealAudit", "--regions", "us-east-1"], { env });
    expect(r.code, r.stderr).toBe(3);
    expect(r.stderr).toMatch(/^envseal: error: sts:GetCallerIdentity: network error/);
  });
});
