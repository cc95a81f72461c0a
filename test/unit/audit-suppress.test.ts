/** --ignore and --baseline: which findings they take out, and the errors for bad input. */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { applySuppressions, loadBaseline, parseIgnores } from "../../src/audit/suppress.js";
import type { Finding } from "../../src/audit/types.js";

const ARN = "arn:aws:lambda:eu-west-1:111122223333:function:";
const f = (ruleId: Finding["ruleId"], functionName: string, fingerprint: string): Finding => ({
  ruleId,
  severity: "high",
  region: "eu-west-1",
  functionName,
  functionArn: `${ARN}${functionName}`,
  version: "$LATEST",
  variable: null,
  message: "m",
  remediation: "r",
  fingerprint,
});

describe("--ignore", () => {
  it("a rule alone matches every function; a glob matches the name or the ARN; case and spaces are forgiven", () => {
    const [all, glob, arnGlob] = parseIgnores(["es004", " ES001 : legacy-* ", "ES002:arn:aws:lambda:*:*:function:old-*"]);
    expect([all!.ruleId, all!.spec]).toEqual(["ES004", "es004"]);
    expect(all!.matches(f("ES004", "x", "1"))).toBe(true);
    expect(glob!.ruleId).toBe("ES001");
    expect(glob!.matches(f("ES001", "legacy-api", "1"))).toBe(true);
    expect(glob!.matches(f("ES001", "orders-api", "1"))).toBe(false);
    expect(arnGlob!.matches(f("ES002", "old-fn", "1"))).toBe(true);
    expect(arnGlob!.matches(f("ES002", "new-fn", "1"))).toBe(false);
  });

  it("refuses an unknown rule, naming it", () => {
    expect(() => parseIgnores(["ES013:x"])).toThrow('--ignore ES013:x: unknown rule "ES013"');
    expect(() => parseIgnores([""])).toThrow('unknown rule ""');
  });

  it("ignores win over the baseline; the rest stays active in order", () => {
    const findings = [f("ES001", "legacy-a", "fp1"), f("ES001", "b", "fp2"), f("ES004", "c", "fp3"), f("ES002", "d", "fp4")];
    const { active, suppressed } = applySuppressions(findings, parseIgnores(["ES001:legacy-*"]), new Set(["fp1", "fp3"]));
    expect(active.map((x) => x.fingerprint)).toEqual(["fp2", "fp4"]);
    expect(suppressed.map((x) => [x.fingerprint, x.suppressedBy])).toEqual([
      ["fp1", "ignore:ES001:legacy-*"],
      ["fp3", "baseline"],
    ]);
    expect(applySuppressions(findings, parseIgnores(["ES009"]), new Set()).active).toHaveLength(4);
  });
});

describe("--baseline", () => {
  const dir = mkdtempSync(join(tmpdir(), "envseal-baseline-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const file = (name: string, text: string) => {
    const p = join(dir, name);
    writeFileSync(p, text);
    return p;
  };

  it("reads the fingerprints of findings and suppressed findings", async () => {
    const p = file("ok.json", JSON.stringify({ schemaVersion: 1, findings: [{ fingerprint: "a" }, { fingerprint: 3 }, {}], suppressed: [{ fingerprint: "b" }] }));
    expect([...(await loadBaseline(p))].sort()).toEqual(["a", "b"]);
    const q = file("nosup.json", JSON.stringify({ schemaVersion: 1, findings: [{ fingerprint: "a" }], suppressed: "no" }));
    expect([...(await loadBaseline(q))]).toEqual(["a"]);
  });

  it("says what is wrong with the file", async () => {
    await expect(loadBaseline(join(dir, "missing.json"))).rejects.toThrow(`cannot use --baseline ${join(dir, "missing.json")}: no such file`);
    await expect(loadBaseline(file("bad.json", "{"))).rejects.toThrow("not valid JSON");
    await expect(loadBaseline(dir)).rejects.toThrow(`cannot use --baseline ${dir}: EISDIR`);
    for (const body of ["null", "[]", '{"findings":[]}', '{"schemaVersion":"1","findings":[]}', '{"schemaVersion":1}']) {
      await expect(loadBaseline(file("shape.json", body))).rejects.toThrow("is not an envseal audit JSON report");
    }
  });
});
