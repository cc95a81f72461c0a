import { describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parse } from "yaml";
import { runBuiltCli } from "../support/cli.js";
import { tempDir } from "../support/canary.js";

const root = fileURLToPath(new URL("../../", import.meta.url));
const cfnLint = spawnSync("cfn-lint", ["--version"], { stdio: "ignore" }).status === 0;
if (!cfnLint && process.env.CI === "true") throw new Error("cfn-lint is not installed — CI=true requires it (.ci/run installs it)");
if (!cfnLint) console.warn("cfn-lint is not installed: the template lint suite is skipped");

describe.skipIf(!cfnLint)("samples: SAM templates", () => {
  it.each([
    "samples/template-runtime.yaml",
    "samples/template-audit.yaml",
    "samples/template-sealed.yaml",
    "samples/template-config-rule.yaml",
    "samples/config-rule-member.yaml",
    "samples/template-config-rule-org.yaml",
    "samples/template-org-audit-role.yaml",
  ])("%s passes cfn-lint", (template) => {
    const r = spawnSync("cfn-lint", [template], { cwd: root, encoding: "utf8", timeout: 120_000 });
    expect(r.stdout + r.stderr).toBe("");
    expect(r.status).toBe(0);
  });
});

describe("samples: template audit", () => {
  it("template-sealed.yaml passes `envseal audit --template`: sealed values listed, a CMK, one suppression with its reason", async () => {
    const r = await runBuiltCli(["audit", "--template", "samples/template-sealed.yaml", "--format", "json"], { cwd: root });
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report.findings).toEqual([]);
    expect(report.suppressed).toEqual([
      expect.objectContaining({ ruleId: "ES001", variable: "MAPS_BROWSER_API_KEY", suppressedBy: "inline:comment", reason: "browser key, public by design and restricted by HTTP referrer" }),
    ]);
  });

  it("the GitHub Actions sample runs on pull requests, may upload SARIF, and its commands work as written", async () => {
    const workflow = parse(readFileSync(join(root, "samples/github-workflow-template-audit.yml"), "utf8"));
    expect(Object.keys(workflow.on)).toEqual(["pull_request"]);
    expect(workflow.permissions["security-events"]).toBe("write");
    const steps: Array<{ run?: string; uses?: string; with?: Record<string, string> }> = workflow.jobs.envseal.steps;
    const upload = steps.find((s) => s.uses?.startsWith("github/codeql-action/upload-sarif@"));
    const runs = steps.flatMap((s) => (s.run?.includes("envseal audit --template") ? [s.run] : []));
    expect(runs).toHaveLength(2);
    expect(runs[0]).toContain(`--out ${upload?.with?.sarif_file}`);

    // The same command lines, in a repository laid out as the sample expects.
    const repo = tempDir("envseal-workflow-");
    mkdirSync(join(repo, "infra"));
    copyFileSync(join(root, "samples/template-sealed.yaml"), join(repo, "template.yaml"));
    copyFileSync(join(root, "samples/template-audit.yaml"), join(repo, "infra/audit.yaml"));
    for (const line of runs) {
      const args = (line.split(" >>")[0] ?? "").replace(/^npx --yes envseal /, "").split(/\s+/);
      const r = await runBuiltCli(args, { cwd: repo });
      expect(r.code, `${line}: ${r.stderr}`).toBe(0);
    }
    const sarif = JSON.parse(readFileSync(join(repo, upload?.with?.sarif_file ?? "missing"), "utf8"));
    expect(sarif.runs[0].results.map((x: { locations: Array<{ physicalLocation: { artifactLocation: { uri: string } } }> }) => x.locations[0]?.physicalLocation.artifactLocation.uri)).toEqual(["infra/audit.yaml"]);
  });
});
