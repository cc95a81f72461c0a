/**
 * `envseal audit` through the built CLI (dist/cli/main.js): exit codes, formats, --out, and canaries in every stream.
 * Offline input only; live runs are covered by test/integration/audit-moto.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { existsSync, lstatSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CLI_PATH, runBuiltCli, runInProcess } from "../support/cli.js";
import { canary, expectNoCanary } from "../support/canary.js";
import { defaultFormat } from "../../src/cli/commands/audit.js";

let dir: string;
beforeAll(() => {
  if (!existsSync(CLI_PATH)) throw new Error("dist/cli/main.js is missing: run `npx tsup` first");
  dir = mkdtempSync(join(tmpdir(), "envseal-audit-cli-"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const SAMPLE = "samples/functions.json";

describe("envseal audit (built CLI)", () => {
  it("exit 1 when findings at or above --fail-on remain; the report is still printed", async () => {
    const r = await runBuiltCli(["audit", "--input", SAMPLE, "--format", "json"]);
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout);
    expect(report.summary.failed).toBe(true);
    expect(r.stderr).toMatch(/^envseal: findings at or above --fail-on high remain/);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
  });

  it("exit 0 with --fail-on none, or when suppressions leave nothing at the threshold", async () => {
    const none = await runBuiltCli(["audit", "--input", SAMPLE, "--format", "json", "--fail-on", "none"]);
    expect(none.code, none.stderr).toBe(0);
    const ignored = await runBuiltCli(["audit", "--input", SAMPLE, "--fail-on", "critical", "--ignore", "ES001", "--ignore", "ES007:broken-*"]);
    expect(ignored.code, ignored.stderr).toBe(0);
    expect(JSON.parse(ignored.stdout).summary.findingsBySeverity.critical).toBe(0);
  });

  it("--baseline: a previous report makes the same findings pass", async () => {
    const base = join(dir, "baseline.json");
    expect((await runBuiltCli(["audit", "--input", SAMPLE, "--out", base, "--force"])).code).toBe(1);
    const again = await runBuiltCli(["audit", "--input", SAMPLE, "--baseline", base, "--format", "json"]);
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout).findings).toEqual([]);
  });

  it("exit 2 for a missing input, a bad --fail-on, an unknown rule or a bad region, with a one-line message", async () => {
    const missing = await runBuiltCli(["audit", "--input", join(dir, "nope.json")]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/cannot read --input .*nope\.json: no such file/);
    const broken = join(dir, "broken.json");
    writeFileSync(broken, "{ not json");
    const unparseable = await runBuiltCli(["audit", "--input", broken]);
    expect(unparseable.code).toBe(2);
    expect(unparseable.stderr.trim().split("\n")).toHaveLength(1);
    expect((await runBuiltCli(["audit", "--input", SAMPLE, "--fail-on", "severe"])).code).toBe(2);
    expect((await runBuiltCli(["audit", "--input", SAMPLE, "--ignore", "ES999"])).code).toBe(2);
    expect((await runBuiltCli(["audit", "--regions", "moon-base-1x"])).code).toBe(2);
  });

  it("--out refuses an existing file unless --force, and never writes through a symbolic link", async () => {
    const existing = join(dir, "existing.json");
    writeFileSync(existing, "keep me", { mode: 0o644 });
    const refused = await runBuiltCli(["audit", "--input", SAMPLE, "--out", existing, "--fail-on", "none"]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toBe(`envseal: error: --out ${existing} already exists; pass --force to overwrite it, or choose another path\n`);
    expect(readFileSync(existing, "utf8")).toBe("keep me");

    const target = join(dir, "victim.txt");
    writeFileSync(target, "precious", { mode: 0o644 });
    const link = join(dir, "link.json");
    symlinkSync(target, link);
    for (const args of [[], ["--force"]]) {
      const r = await runBuiltCli(["audit", "--input", SAMPLE, "--out", link, "--fail-on", "none", ...args]);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(`--out ${link} is a symbolic link; envseal does not write reports through links`);
      expect(readFileSync(target, "utf8")).toBe("precious");
      expect(lstatSync(link).isSymbolicLink()).toBe(true);
    }
    const dangling = join(dir, "dangling.json");
    symlinkSync(join(dir, "does-not-exist-yet.txt"), dangling);
    expect((await runBuiltCli(["audit", "--input", SAMPLE, "--out", dangling, "--fail-on", "none"])).code).toBe(2);
    expect(existsSync(join(dir, "does-not-exist-yet.txt"))).toBe(false);
  });

  it("--out writes the file with mode 0600, picks the format from the extension, prints a summary line", async () => {
    const out = join(dir, "report.sarif");
    writeFileSync(out, "old", { mode: 0o644 });
    const r = await runBuiltCli(["audit", "--input", SAMPLE, "--out", out, "--force", "--fail-on", "none"]);
    expect(r.code).toBe(0);
    expect(statSync(out).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(out, "utf8")).version).toBe("2.1.0");
    expect(r.stdout).toMatch(/^6 functions scanned in 2 regions: .*; 1 function not scanned \(environment unreadable\); .*; sarif report written to /);
    const md = join(dir, "report.md");
    await runBuiltCli(["audit", "--input", SAMPLE, "--out", md, "--force"]);
    expect(readFileSync(md, "utf8")).toMatch(/^# envseal audit/);
    expect(statSync(md).mode & 0o777).toBe(0o600);
  });

  it("no progress bar and no escape codes when stderr is not a TTY", async () => {
    const r = await runBuiltCli(["audit", "--input", SAMPLE, "--format", "table", "--fail-on", "none"]);
    expect(r.stderr).toBe("");
    expect(r.stdout).not.toContain("\u001b[");
    expect(r.stdout).toContain("SEVERITY  RULE");
  });

  it("no variable value reaches stdout, stderr or the --out file in any format", async () => {
    const c = [canary("pw"), canary("token"), canary("note"), canary("claimed")];
    const input = join(dir, "canary.json");
    writeFileSync(
      input,
      JSON.stringify([
        {
          Functions: [
            {
              FunctionName: "canary-fn",
              FunctionArn: "arn:aws:lambda:us-east-1:111122223333:function:canary-fn",
              Environment: { Variables: { DB_PASSWORD: c[0], API_TOKEN: c[1], NOTE: c[2], ENVSEAL_SEALED: "CLAIMED", CLAIMED: c[3] } },
            },
          ],
        },
      ]),
    );
    const texts: Record<string, string> = {};
    await Promise.all(
      ["table", "json", "sarif", "markdown"].map(async (format) => {
        const out = join(dir, `canary-out.${format}`);
        const [r, w] = await Promise.all([
          runBuiltCli(["audit", "--input", input, "--format", format]),
          runBuiltCli(["audit", "--input", input, "--format", format, "--out", out, "--verbose"]),
        ]);
        expect(r.code, r.stderr).toBe(1);
        expect(w.code, w.stderr).toBe(1);
        texts[`${format} stdout`] = r.stdout;
        texts[`${format} stderr`] = r.stderr;
        texts[`${format} --out stdout`] = w.stdout;
        texts[`${format} --out stderr`] = w.stderr;
        texts[`${format} --out file`] = readFileSync(out, "utf8");
      }),
    );
    expect(texts["json stdout"]).toContain("DB_PASSWORD");
    expectNoCanary(c, texts);
  });
});

describe("audit command options", () => {
  it.each([
    [{ out: "x.sarif" }, "text", false, "sarif"],
    [{ out: "x.sarif.json" }, "text", true, "sarif"],
    [{ out: "x.md" }, "text", true, "markdown"],
    [{ out: "x.json" }, "text", true, "json"],
    [{}, "json", true, "json"],
    [{}, "text", true, "table"],
    [{}, "text", false, "json"],
  ] as const)("defaultFormat(%o, --output %s, tty %s) = %s", (opts, output, tty, expected) => {
    expect(defaultFormat(opts, { output }, tty)).toBe(expected);
  });

  it("runs in-process too (memory io): --output json gives the JSON report", async () => {
    const r = await runInProcess(["--output", "json", "audit", "--input", SAMPLE, "--fail-on", "none"]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).schemaVersion).toBe(1);
  });

  it("is listed in the CLI help", async () => {
    const r = await runInProcess(["--help"]);
    expect(r.stdout).toMatch(/audit \[options\]\s+scan Lambda functions \(an account, an\s+organisation/);
  });
});
