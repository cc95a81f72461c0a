/**
 * Help as users get it from the built binary: every command's --help lists the global options with their real defaults.
 */
import { describe, expect, it } from "vitest";
import { runBuiltCli } from "../support/cli.js";
import { AUDIT_MAX_ATTEMPTS } from "../../src/audit/clients.js";

describe("--help of every command (built binary)", () => {
  const commands = ["encrypt", "decrypt", "push", "show", "unset", "seal", "get", "rotate", "upgrade", "copy", "adopt", "policy", "audit", "doctor"];

  it.each(commands)("envseal %s --help lists its options and the global ones", async (command) => {
    const r = await runBuiltCli([command, "--help"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`^Usage: envseal ${command} `));
    expect(r.stdout).toContain("Global Options:");
    for (const flag of ["--region <region>", "--profile <name>", "--endpoint-url <url>", "--max-attempts <n>", "--timeout <seconds>", "--ca-bundle <file>"]) {
      expect(r.stdout, flag).toContain(flag);
    }
  });

  it("the --max-attempts default it states is the one each side uses", async () => {
    const r = await runBuiltCli(["audit", "--help"]);
    expect(r.stdout.replace(/\s+/g, " ")).toContain(`(default 3; audit: ${AUDIT_MAX_ATTEMPTS})`);
  });
});
