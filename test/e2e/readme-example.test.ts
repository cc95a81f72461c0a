/**
 * README.md's worked example is samples/demo-moto.sh: the README shows the script's lines between `# README:begin` and
 * `# README:end` word for word (after three set-up lines the script does its own way), the script runs end to end
 * against moto, and every `#> text` line in it names text the run printed.
 */
import { describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { freePort, motoAvailable } from "../support/moto.js";
import { awscliAvailable } from "../support/awscli.js";

const script = fileURLToPath(new URL("../../samples/demo-moto.sh", import.meta.url));
const readme = fileURLToPath(new URL("../../README.md", import.meta.url));

/** The lines of the script the README shows: between `# README:begin` and `# README:end`. */
function scriptSection(): string {
  const text = readFileSync(script, "utf8");
  const begin = text.indexOf("# README:begin\n");
  const end = text.indexOf("# README:end\n");
  expect(begin, "samples/demo-moto.sh has a # README:begin line").toBeGreaterThan(-1);
  expect(end, "samples/demo-moto.sh has a # README:end line").toBeGreaterThan(begin);
  return text.slice(begin + "# README:begin\n".length, end);
}

/** The README's code block of "## Worked example against moto". */
function readmeBlock(): string {
  const text = readFileSync(readme, "utf8");
  const section = text.slice(text.indexOf("## Worked example against moto"));
  const m = /```sh\n([\s\S]*?)```/.exec(section);
  expect(m, "README has a sh block under 'Worked example against moto'").not.toBeNull();
  return m![1]!;
}

describe("README worked example (samples/demo-moto.sh)", () => {
  it("the README shows the script's lines word for word, after the set-up the script does itself", () => {
    const block = readmeBlock();
    const section = scriptSection();
    expect(block.endsWith(section), "README's block ends with the script's README section").toBe(true);
    expect(block.slice(0, block.length - section.length).split("\n").filter(Boolean).map((l) => l.split(/\s+#/)[0]!.trim())).toEqual([
      "npm ci",
      "python3 -m moto.server -H 127.0.0.1 -p 5050 >/dev/null 2>&1 &",
      "export AWS_ENDPOINT_URL=http://127.0.0.1:5050",
    ]);
    for (const command of ["push", "seal", "adopt", "show", "get", "decrypt", "unset"]) {
      expect(section).toMatch(new RegExp(`node dist/cli/main\\.js ${command} --function orders-api`));
    }
  });
});

describe.skipIf(!motoAvailable() || !awscliAvailable())("README worked example (samples/demo-moto.sh) against moto", () => {
  it("runs end to end and prints every #> line", async () => {
    const port = await freePort();
    const r = spawnSync("bash", [script, String(port)], {
      encoding: "utf8",
      timeout: 120_000,
      env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "/tmp", NO_COLOR: "1", AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true" },
    });
    expect(r.status, r.stderr).toBe(0);
    const expected = scriptSection()
      .split("\n")
      .filter((l) => l.startsWith("#> "))
      .map((l) => l.slice(3));
    expect(expected.length).toBeGreaterThan(10);
    for (const text of expected) expect(r.stdout, `#> ${text}`).toContain(text);
    // seal-in-place and get, explicitly: the plaintext token is sealed where it was, and get opens it.
    expect(r.stdout).toContain("  ~ API_TOKEN (plain → sealed)");
    expect(r.stdout).toMatch(/^tok-live-5f0c2e9a {3}<- envseal get$/m);
    expect(r.stdout).toMatch(/^API_TOKEN +sealed +v2 /m);
    expect(r.stdout).toMatch(/^SENTRY_DSN +sealed +v2 /m);
    // Values are printed by get and decrypt only, never by push, seal, adopt, show or unset.
    expect(r.stdout.split("\n").filter((l) => l.includes("tok-live-5f0c2e9a"))).toEqual(["tok-live-5f0c2e9a   <- envseal get"]);
    expect(r.stdout).not.toContain("https://public@sentry.example/42");
    expect(r.stderr).toContain("sealed for another function name or variable?");
    expect(r.stdout).toMatch(/FEATURE_FLAGS\s+plain/);
  });
});
