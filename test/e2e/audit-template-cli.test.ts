/**
 * `envseal audit --template` through the built CLI (dist/cli/main.js): exit codes (0 clean, 1 findings at or above
 * --fail-on, 2 bad path, unparseable or non-template file, conflicting options), one-line errors naming file and line
 * without quoting it, SARIF paths relative to the working directory, and no planted value in any stream or file.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { audit } from "../../src/audit/run.js";
import { WORKER_THRESHOLD } from "../../src/audit/template/workers.js";
import { CLI_PATH, runBuiltCli } from "../support/cli.js";
import { canary, expectNoCanary, recordOutput, tempDir } from "../support/canary.js";
import { fakeMotoSealed } from "../support/kms-blob.js";
import { FIXED_FAKES, plantFixtures, positionOf, type PlantedFixtures } from "../support/templates.js";

let planted: PlantedFixtures;
let out: string;
beforeAll(() => {
  if (!existsSync(CLI_PATH)) throw new Error("dist/cli/main.js is missing: run `npx tsup` first");
  planted = plantFixtures("cfn", "sam", "json", "terraform", "cdk.out", "clean", "broken");
  out = tempDir("envseal-template-cli-");
});

const cli = (args: string[], cwd = planted.dir) => runBuiltCli(["audit", ...args], { cwd });

describe("exit codes", () => {
  it("0 for a clean template", async () => {
    const r = await cli(["--template", "clean", "--format", "json"]);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).findings).toEqual([]);
    expect(r.stderr).toBe("");
  });

  it("1 when findings at or above --fail-on remain; 0 with --fail-on none; paths and folders mixed", async () => {
    const r = await cli(["--template", "cfn/parameters.yaml", "sam", "--format", "json"]);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout).summary.templates.filesScanned).toBe(2);
    expect(r.stderr.trim().split("\n")).toEqual(["envseal: findings at or above --fail-on high remain; fix them, or accept them with --ignore RULE[:GLOB] or --baseline FILE"]);
    expect((await cli(["--template", "cfn/parameters.yaml", "--fail-on", "none"])).code).toBe(0);
  });

  it("2 for a path that does not exist, naming it", async () => {
    const r = await cli(["--template", "nope/missing.yaml"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^envseal: error: cannot read --template nope\/missing\.yaml: no such file or folder; /);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
  });

  it("2 for an unparseable template: one line naming file, line and column", async () => {
    const r = await cli(["--template", "broken/bad-indent.yaml"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^envseal: error: template broken\/bad-indent\.yaml:4:1 is not valid YAML \(BAD_INDENT\); /);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).not.toContain("Properties");
  });

  it("2 for an unparseable template holding a secret: the value never reaches the error", async () => {
    const secret = canary("broken-template");
    const dir = join(tempDir("envseal-template-broken-"), "allowed-secret");
    mkdirSync(dir);
    writeFileSync(join(dir, "t.yaml"), `Resources:\n  F:\n    Properties:\n      Environment:\n        Variables:\n          PW: "${secret}\n     bad: [\n`);
    const r = await cli(["--template", "t.yaml", "--verbose"], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^envseal: error: template t\.yaml:\d+:\d+ is not valid YAML/);
    expectNoCanary([secret], { stderr: r.stderr, stdout: r.stdout });
  });

  it("2 for a file named on the command line that is not a template; a folder walk skips such files", async () => {
    const named = await cli(["--template", "broken/not-a-template.yaml"]);
    expect(named.code).toBe(2);
    expect(named.stderr).toMatch(/template broken\/not-a-template\.yaml is neither a CloudFormation\/SAM template/);
    const empty = tempDir("envseal-template-empty-");
    writeFileSync(join(empty, "workflow.yaml"), "on: push\n");
    const none = await cli(["--template", "."], empty);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/no CloudFormation, SAM, CDK or Terraform plan template found/);
  });

  it("2 when --template is combined with --input or --regions", async () => {
    const r = await cli(["--template", "clean", "--input", "x.json"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/option '--template <paths...>' cannot be used with option '--input <file>'/);
    expect((await cli(["--template", "clean", "--regions", "us-east-1"])).code).toBe(2);
  });
});

describe("SARIF through the CLI", () => {
  it("uri is relative to the working directory, forward slashes; region is the value's line and column", async () => {
    const file = join(out, "t.sarif");
    const r = await runBuiltCli(["audit", "--template", "allowed-secret-fixtures/cfn/parameters.yaml", "--out", file, "--fail-on", "none"], {
      cwd: join(planted.dir, ".."),
    });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^1 function in 1 template: 3 findings \(3 high\); 1 value unknown until deploy/);
    type Result = { properties: { variable: string }; locations: Array<{ physicalLocation: { artifactLocation: { uri: string }; region: object } }> };
    const results: Result[] = JSON.parse(readFileSync(file, "utf8")).runs[0].results;
    const text = readFileSync(join(planted.dir, "cfn/parameters.yaml"), "utf8");
    const written: Record<string, string> = { DB_PASSWORD: "!Ref DbPassword", AUTH_HEADER: '!Sub "Bearer', SIGNING: "!Ref SigningKeyParam" };
    expect(results.map((x) => x.properties.variable).sort()).toEqual(Object.keys(written).sort());
    for (const x of results) {
      const at = positionOf(text, written[x.properties.variable] ?? "?");
      expect(x.locations[0]?.physicalLocation).toEqual({
        artifactLocation: { uri: "allowed-secret-fixtures/cfn/parameters.yaml" },
        region: { startLine: at.line, startColumn: at.column },
      });
    }
  });
});

describe("large runs", () => {
  let many: PlantedFixtures;
  let inProcess: Awaited<ReturnType<typeof audit>>;
  beforeAll(async () => {
    many = plantFixtures("cfn", "sam", "terraform");
    for (let i = 0; i < WORKER_THRESHOLD / 5; i++) {
      for (const sub of ["cfn", "sam", "terraform"]) cpSync(join(many.dir, sub), join(many.dir, "copies", `set-${i}`, sub), { recursive: true });
    }
    inProcess = await audit({ templates: ["copies"], cwd: many.dir, failOn: "none", templateWorkers: 0 });
  });

  const sameReport = (stdout: string) => {
    const built = JSON.parse(stdout);
    expect(built.summary.templates.filesScanned).toBeGreaterThanOrEqual(WORKER_THRESHOLD);
    expect(built.findings).toEqual(JSON.parse(JSON.stringify(inProcess.findings)));
    expect(built.suppressed).toEqual(JSON.parse(JSON.stringify(inProcess.suppressed)));
    expect(built.summary.templates).toEqual(JSON.parse(JSON.stringify(inProcess.summary.templates)));
  };

  it(`${WORKER_THRESHOLD}+ templates (worker threads where there are CPUs for them) give the same report as one thread`, async () => {
    const r = await cli(["--template", "copies", "--format", "json", "--fail-on", "none"], many.dir);
    expect(r.code, r.stderr).toBe(0);
    sameReport(r.stdout);
    expectNoCanary(many.all, { stdout: r.stdout, stderr: r.stderr });
  });

  // The package's bin, and runCli from the ESM and the CommonJS main entry (dist/index.js, dist/index.cjs): the template
  // auditor lands in a shared chunk of each build and starts its workers on that chunk's own URL.
  it.each([
    ["dist/cli/main.js", /\/dist\/chunks\/[\w-]+\.js$/],
    ["dist/index.js", /\/dist\/chunks\/[\w-]+\.js$/],
    ["dist/index.cjs", /\/dist\/chunks\/[\w-]+\.cjs$/],
  ])("%s: workers start on the auditor's own built chunk, one per CPU (at most 4), and give the same report", async (entry, chunk) => {
    const root = join(CLI_PATH, "../../..");
    const preload = join(root, "test/support/count-workers.cjs");
    const args = ["audit", "--template", "copies", "--format", "json", "--fail-on", "none"];
    const argv = entry === "dist/cli/main.js" ? [join(root, entry), ...args] : [join(root, "test/support/run-entry.mjs"), join(root, entry), ...args];
    const r = spawnSync(process.execPath, ["--require", preload, ...argv], { cwd: many.dir, encoding: "utf8", env: { PATH: process.env.PATH ?? "", NO_COLOR: "1" } });
    recordOutput(`${entry} audit --template (stdout)`, r.stdout);
    recordOutput(`${entry} audit --template (stderr)`, r.stderr);
    expect(r.status, r.stderr).toBe(0);
    const started = r.stderr.split("\n").flatMap((l) => (l.startsWith("envseal-test: worker ") ? [l.slice("envseal-test: worker ".length)] : []));
    const cpus = availableParallelism();
    expect(started).toHaveLength(cpus > 1 ? Math.min(cpus, 4) : 0);
    for (const url of started) expect(fileURLToPath(url)).toMatch(chunk);
    expect(new Set(started).size).toBeLessThanOrEqual(1);
    sameReport(r.stdout);
  });
});

describe("ENVSEAL_EMULATOR", () => {
  it(`reaches the worker threads: ${WORKER_THRESHOLD} templates with a listed moto blob are ES002 against AWS, clean with moto`, async () => {
    const dir = join(tempDir("envseal-template-emulator-"), "allowed-secret");
    mkdirSync(dir);
    const template =
      "Resources:\n  Fn:\n    Type: AWS::Lambda::Function\n    Properties:\n" +
      "      KmsKeyArn: arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab\n" +
      `      Environment:\n        Variables:\n          ENVSEAL_SEALED: TOKEN:v2\n          TOKEN: ${fakeMotoSealed("template-cli/moto")}\n`;
    for (let i = 0; i < WORKER_THRESHOLD; i++) writeFileSync(join(dir, `t${i}.yaml`), template);
    const args = ["--template", ".", "--format", "json", "--fail-on", "none"];
    const aws = await runBuiltCli(["audit", ...args], { cwd: dir });
    expect(aws.code, aws.stderr).toBe(0);
    expect(JSON.parse(aws.stdout).findings.map((f: { ruleId: string }) => f.ruleId)).toEqual(Array(WORKER_THRESHOLD).fill("ES002"));
    const moto = await runBuiltCli(["audit", ...args], { cwd: dir, env: { ENVSEAL_EMULATOR: "moto" } });
    expect(moto.code, moto.stderr).toBe(0);
    expect(JSON.parse(moto.stdout).findings).toEqual([]);
  });
});

describe("canaries", () => {
  it("no planted value reaches stdout, stderr or the --out file, in any format", async () => {
    const texts: Record<string, string> = {};
    await Promise.all(
      ["table", "json", "sarif", "markdown"].map(async (format) => {
        const file = join(out, `all.${format}`);
        const paths = ["cfn", "sam", "json", "terraform", "cdk.out", "clean"];
        const [r, w] = await Promise.all([
          cli(["--template", ...paths, "--format", format]),
          cli(["--template", ...paths, "--format", format, "--out", file, "--verbose"]),
        ]);
        expect(r.code, r.stderr).toBe(1);
        expect(w.code, w.stderr).toBe(1);
        texts[`${format} stdout`] = r.stdout;
        texts[`${format} stderr`] = r.stderr;
        texts[`${format} --out stdout`] = w.stdout;
        texts[`${format} --out file`] = readFileSync(file, "utf8");
      }),
    );
    expect(texts["json stdout"]).toContain("SHARED_PASSWORD");
    expectNoCanary([...planted.all, ...FIXED_FAKES], texts);
  });
});
