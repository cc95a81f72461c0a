import { describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../../", import.meta.url));
const cfnLint = spawnSync("cfn-lint", ["--version"], { stdio: "ignore" }).status === 0;
if (!cfnLint && process.env.CI === "true") throw new Error("cfn-lint is not installed — CI=true requires it (.ci/run installs it)");
if (!cfnLint) console.warn("cfn-lint is not installed: the template lint suite is skipped");

describe.skipIf(!cfnLint)("samples: SAM templates", () => {
  it.each(["samples/template-runtime.yaml", "samples/template-audit.yaml"])("%s passes cfn-lint", (template) => {
    const r = spawnSync("cfn-lint", [template], { cwd: root, encoding: "utf8", timeout: 120_000 });
    expect(r.stdout + r.stderr).toBe("");
    expect(r.status).toBe(0);
  });
});
