/**
 * The audit's human output through the built binary: the table fits `COLUMNS` (JSON keeps every message whole), and
 * control characters or bidi overrides in function names, variable names, template paths and error codes of an
 * offline input or a template never reach the terminal raw.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { runBuiltCli } from "../support/cli.js";
import { tempDir } from "../support/canary.js";

const root = fileURLToPath(new URL("../..", import.meta.url));
const SAMPLE = join(root, "samples/functions.json");
/** C0 controls but LF, DEL, C1 controls and bidi embeddings / overrides / isolates: none may be printed raw. */
// eslint-disable-next-line no-control-regex
const RAW = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

describe("audit table width (COLUMNS)", () => {
  it("COLUMNS=80: every line of the table fits 80 columns; the JSON report still carries each full message", async () => {
    const table = await runBuiltCli(["audit", "--input", SAMPLE, "--format", "table", "--fail-on", "none"], { env: { COLUMNS: "80" } });
    expect(table.code, table.stderr).toBe(0);
    const lines = table.stdout.split("\n");
    for (const line of lines) expect(line.length, line).toBeLessThanOrEqual(80);
    expect(lines[0]).toMatch(/^SEVERITY {2}RULE {3}FUNCTION +VARIABLE$/);
    expect(table.stdout).toMatch(/^CRITICAL {2}ES001 {2}us-east-1\/orders-api +BILLING_AWS_ACCESS_KEY_ID$/m);
    expect(table.stdout).toMatch(/^ {4}looks like a private key or cloud credential stored in plain text/m);
    expect(table.stdout).not.toContain("BILLING_AWS_ACCESS_KEY_ID looks like");

    const json = await runBuiltCli(["audit", "--input", SAMPLE, "--format", "json", "--fail-on", "none"], { env: { COLUMNS: "80" } });
    expect(json.code, json.stderr).toBe(0);
    const findings = (JSON.parse(json.stdout) as { findings: Array<{ variable: string | null; message: string }> }).findings;
    const key = findings.find((f) => f.variable === "BILLING_AWS_ACCESS_KEY_ID")!;
    expect(key.message).toMatch(/^BILLING_AWS_ACCESS_KEY_ID looks like a private key or cloud credential stored in plain text: .{40,}; high confidence$/);
    expect(findings.find((f) => f.message.startsWith("published version 3 keeps DB_PASSWORD in plain text"))).toBeDefined();
  });

  it("a pipe without COLUMNS keeps one line per finding, as wide as it takes", async () => {
    const r = await runBuiltCli(["audit", "--input", SAMPLE, "--format", "table", "--fail-on", "none"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^CRITICAL {2}ES001 {2}us-east-1\/orders-api +BILLING_AWS_ACCESS_KEY_ID +looks like a private key .*; high confidence$/m);
    expect(Math.max(...r.stdout.split("\n").map((l) => l.length))).toBeGreaterThan(120);
  });
});

describe("control characters in names never reach the terminal raw", () => {
  const dir = tempDir("envseal-controls-");
  const fn = "evil\u001b[31m\r\u0007fn\u202e";
  const variable = "DB_PASSWORD\u001b]0;pwned\u0007\u0000\u007f\u009b\u2066";
  const input = join(dir, "input.json");
  const template = "t\u001b[31m\u202e.yaml";

  beforeAll(() => {
    writeFileSync(
      input,
      JSON.stringify({
        Functions: [
          {
            FunctionName: fn,
            FunctionArn: `arn:aws:lambda:us-east-1:123456789012:function:${fn}`,
            Environment: { Variables: { [variable]: "hunter2-orders-2024", ENVSEAL_SEALED: "GONE\u001b[2J" } },
          },
          {
            FunctionName: "broken\u001b[1m",
            FunctionArn: "arn:aws:lambda:eu-west-1:123456789012:function:broken\u001b[1m",
            Environment: { Error: { ErrorCode: "KMSAccessDenied\u001b[5m\u202e", Message: "x\u0007" } },
            KMSKeyArn: "arn:aws:kms:eu-west-1:123456789012:key/k\u001b[0m",
          },
        ],
      }),
    );
    writeFileSync(
      join(dir, template),
      [
        'AWSTemplateFormatVersion: "2010-09-09"',
        "Transform: AWS::Serverless-2016-10-31",
        "Resources:",
        '  "Evil\\e[31mFn\\u202e":',
        "    Type: AWS::Serverless::Function",
        "    Properties:",
        "      Handler: index.handler",
        "      Runtime: nodejs22.x",
        "      CodeUri: .",
        "      Environment:",
        "        Variables:",
        '          "DB_PASSWORD\\e]0;pwned\\a\\r\\x9b\\u2066": hunter2-orders-2024',
        "",
      ].join("\n"),
    );
  });

  it.each([
    ["table", {}],
    ["table", { COLUMNS: "80" }],
    ["table", { COLUMNS: "40" }],
    ["markdown", {}],
  ])("--input, --format %s %o: names shown as escapes", async (format, env) => {
    const r = await runBuiltCli(["audit", "--input", input, "--format", format, "--fail-on", "none"], { env });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).not.toMatch(RAW);
    expect(r.stderr).not.toMatch(RAW);
    const text = r.stdout.replace(/\s+/g, "").replace(/\\\\/g, "\\").replace(/\\([[\]])/g, "$1"); // undo wrapping and Markdown escapes
    expect(text).toContain("evil\\x1b[31m\\x0d\\x07fn\\u202e");
    expect(text).toContain("DB_PASSWORD\\x1b]0;pwned\\x07\\x00\\x7f\\x9b\\u2066");
    expect(text).toContain("KMSAccessDenied\\x1b[5m\\u202e");
  });

  it("error lines quoting a template path or names from --input show them as escapes", async () => {
    const bad = tempDir("envseal-controls-bad-");
    writeFileSync(join(bad, "bad\u001b[31m.yaml"), "Resources:\n  Fn:\n    Type: AWS::Serverless::Function\n   bad: [\n");
    const yaml = await runBuiltCli(["audit", "--template", ".", "--format", "table"], { cwd: bad });
    expect(yaml.code).toBe(2);
    expect(yaml.stderr).not.toMatch(RAW);
    expect(yaml.stderr).toContain("envseal: error: template bad\\x1b[31m.yaml:4:1 is not valid YAML");
    const typed = join(bad, "typed.json");
    writeFileSync(typed, JSON.stringify({ Functions: [{ FunctionName: "x\u001b[31m", Environment: { Variables: { "A\u001b[2J\u202e": 5 } } }] }));
    const input = await runBuiltCli(["audit", "--input", typed]);
    expect(input.code).toBe(2);
    expect(input.stderr).not.toMatch(RAW);
    expect(input.stderr).toContain("(x\\x1b[31m: variable A\\x1b[2J\\u202e is number, not a string)");
  });

  it("commander's usage errors quoting what was typed show its control characters as escapes", async () => {
    const r = await runBuiltCli(["push", "-f", "x", "--fu\u001b[31mX\u202e"]);
    expect(r.code).toBe(2);
    expect(r.stderr).not.toMatch(RAW);
    expect(r.stderr).toContain("envseal: error: unknown option '--fu\\x1b[31mX\\u202e'");
  });

  it.each(["table", "markdown"])("--template, --format %s: resource, variable and file path shown as escapes", async (format) => {
    const r = await runBuiltCli(["audit", "--template", ".", "--format", format, "--fail-on", "none"], { cwd: dir, env: { COLUMNS: "100" } });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).not.toMatch(RAW);
    expect(r.stderr).not.toMatch(RAW);
    const text = r.stdout.replace(/\s+/g, "").replace(/\\\\/g, "\\").replace(/\\([[\]])/g, "$1");
    expect(text).toContain("Evil\\x1b[31mFn\\u202e");
    expect(text).toContain("DB_PASSWORD\\x1b]0;pwned\\x07\\x0d\\x9b\\u2066");
    expect(text).toContain("t\\x1b[31m\\u202e.yaml:12:");
  });
});
