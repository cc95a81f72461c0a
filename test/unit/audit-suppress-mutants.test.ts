/** --ignore and --baseline, the parts the main test leaves open: error hints, clipping, a leading colon, globs on dot folders. */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { applySuppressions, loadBaseline, parseIgnores } from "../../src/audit/suppress.js";
import type { Finding } from "../../src/audit/types.js";

const ARN = "arn:aws:lambda:eu-west-1:111122223333:function:";
const f = (functionName: string, file?: string): Finding => ({
  ruleId: "ES004",
  severity: "low",
  region: "eu-west-1",
  functionName,
  functionArn: `${ARN}${functionName}`,
  version: "$LATEST",
  variable: null,
  message: "m",
  remediation: "r",
  fingerprint: `fp-${functionName}`,
  ...(file ? { location: { file, line: 1, column: 1 } } : {}),
});

const RULES_HINT = "rules are ES001 to ES023, optionally :FUNCTION-GLOB";
const REPORT_HINT = "pass a report written by `envseal audit --format json --out FILE`";

describe("--ignore errors", () => {
  it("an unknown rule: the message names it, the hint gives the range of rule ids", () => {
    expect(() => parseIgnores(["ES099"])).toThrow(expect.objectContaining({ message: '--ignore ES099: unknown rule "ES099"', hint: RULES_HINT }));
  });

  it("a spec starting with a colon has an empty rule id", () => {
    expect(() => parseIgnores([":legacy-*"])).toThrow(expect.objectContaining({ message: '--ignore :legacy-*: unknown rule ""', hint: RULES_HINT }));
  });

  it("clips the spec to 60 characters and the rule id to 20", () => {
    const id = "X".repeat(30);
    const spec = `${id}:${"g".repeat(50)}`;
    expect(() => parseIgnores([spec])).toThrow(expect.objectContaining({ message: `--ignore ${spec.slice(0, 60)}: unknown rule "${"X".repeat(20)}"` }));
  });
});

describe("--ignore globs", () => {
  it("match template paths inside dot folders (.aws-sam, .terraform)", () => {
    const [rule] = parseIgnores(["ES004:**/template.yaml"]);
    expect(rule!.matches(f("Api", ".aws-sam/build/template.yaml"))).toBe(true);
    expect(rule!.matches(f("Api", "infra/template.yaml"))).toBe(true);
    expect(rule!.matches(f("Api", ".aws-sam/build/other.yaml"))).toBe(false);
    expect(rule!.matches(f("Api"))).toBe(false);
    const { suppressed } = applySuppressions([f("Api", ".aws-sam/build/template.yaml")], [rule!], new Set());
    expect(suppressed.map((s) => s.suppressedBy)).toEqual(["ignore:ES004:**/template.yaml"]);
  });
});

describe("--baseline", () => {
  const dir = mkdtempSync(join(tmpdir(), "envseal-baseline-mutants-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const file = (name: string, text: string) => (writeFileSync(join(dir, name), text), join(dir, name));

  it("a report without suppressed findings: exactly the findings' fingerprints", async () => {
    const p = file("plain.json", JSON.stringify({ schemaVersion: 1, findings: [{ fingerprint: "a" }, { fingerprint: "b" }] }));
    expect([...(await loadBaseline(p))]).toEqual(["a", "b"]);
    const empty = file("empty.json", JSON.stringify({ schemaVersion: 1, findings: [] }));
    expect([...(await loadBaseline(empty))]).toEqual([]);
  });

  it("every error carries the hint to pass a JSON report", async () => {
    const missing = join(dir, "missing.json");
    await expect(loadBaseline(missing)).rejects.toThrow(expect.objectContaining({ message: `cannot use --baseline ${missing}: no such file`, hint: REPORT_HINT }));
    const bad = file("bad.json", "{");
    await expect(loadBaseline(bad)).rejects.toThrow(expect.objectContaining({ message: `cannot use --baseline ${bad}: not valid JSON`, hint: REPORT_HINT }));
    const shape = file("shape.json", '{"findings":[]}');
    await expect(loadBaseline(shape)).rejects.toThrow(expect.objectContaining({ message: `--baseline ${shape} is not an envseal audit JSON report`, hint: REPORT_HINT }));
  });
});
