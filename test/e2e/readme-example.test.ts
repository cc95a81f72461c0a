import { describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { freePort, motoAvailable } from "../support/moto.js";
import { awscliAvailable } from "../support/awscli.js";

const script = fileURLToPath(new URL("../../samples/demo-moto.sh", import.meta.url));

describe.skipIf(!motoAvailable() || !awscliAvailable())("README worked example (samples/demo-moto.sh)", () => {
  it("runs end to end against moto as the README shows", async () => {
    const port = await freePort();
    const r = spawnSync("bash", [script, String(port)], {
      encoding: "utf8",
      timeout: 120_000,
      env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "/tmp", NO_COLOR: "1", AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true" },
    });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain("+ DB_PASSWORD (sealed)");
    expect(r.stdout).toContain("correct-horse-battery-staple   <- opened by awscli");
    expect(r.stdout).toContain("correct-horse-battery-staple   <- opened by envseal");
    expect(r.stdout).toContain("(exit 2: bound to orders-api, as it should be)");
    expect(r.stdout).toContain("(exit 2: bound to DB_PASSWORD, as it should be)");
    expect(r.stderr).toContain("sealed for another function name or variable?");
    expect(r.stdout).toMatch(/FEATURE_FLAGS\s+plain/);
  });
});
