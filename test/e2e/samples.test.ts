import { describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../../", import.meta.url));
const cfnLint = spawnSync("cfn-lint", ["--version"], { stdio: "ignore" }).status === 0;

describe.skipIf(!cfnLint)("samples: SAM templates", () => {
  it.each([
    "samples/template-runtime.yaml",
    "samples/template-audit.yaml",
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
