/** audit() offline on a hand-made input: summary counts, order, unscanned functions, options, progress and failOn. */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { audit, type AuditProgress } from "../../src/audit/run.js";
import { fakeSealed } from "../support/kms-blob.js";

const arn = (region: string, name: string) => `arn:aws:lambda:${region}:111122223333:function:${name}`;
const KEY = "arn:aws:kms:eu-west-1:111122223333:key/00000000-0000-0000-0000-00000000000a";
const dir = mkdtempSync(join(tmpdir(), "envseal-run-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const input = (functions: unknown[]) => {
  const p = join(dir, `in-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(p, JSON.stringify({ Functions: functions }));
  return p;
};

const functions = [
  { FunctionName: "b-fn", FunctionArn: arn("us-east-1", "b-fn"), Environment: { Variables: { ENVSEAL_SEALED: "GONE" } }, KMSKeyArn: KEY },
  { FunctionName: "a-fn", FunctionArn: arn("eu-west-1", "a-fn"), Environment: { Variables: { LOG: "x" } } },
  { FunctionName: "z-fn", FunctionArn: arn("eu-west-1", "z-fn"), Environment: { Error: { ErrorCode: "AccessDeniedException", Message: "m" } }, KMSKeyArn: KEY },
  { FunctionName: "c-fn", FunctionArn: arn("eu-west-1", "c-fn"), Environment: { Variables: { ENVSEAL_SEALED: "S1:v2", S1: fakeSealed("run") } }, KMSKeyArn: KEY },
];

describe("audit (offline)", () => {
  it("counts scanned and unscanned functions, per region, and sorts findings most severe first", async () => {
    const progress: AuditProgress[] = [];
    const path = input(functions);
    const r = await audit({ input: path, onProgress: (p) => progress.push(p) });
    expect(r.source).toEqual({ mode: "offline", input: path });
    expect(r.options).toEqual({ allVersions: false, requireCmk: false, failOn: "high", ignore: [], baseline: null });
    expect(r.findings.map((f) => `${f.severity}/${f.ruleId}/${f.functionName}`)).toEqual(["medium/ES007/z-fn", "low/ES004/a-fn", "low/ES003/b-fn"]);
    const s = r.summary;
    expect([s.functionsScanned, s.functionsNotScanned, s.findingsTotal, s.suppressedTotal, s.keyChecks, s.keysChecked, s.failed]).toEqual([3, 1, 3, 0, "not checked", 0, false]);
    expect(s.functionsPerRegion).toEqual({ "eu-west-1": 3, "us-east-1": 1 });
    expect(Object.keys(s.functionsPerRegion)).toEqual(["eu-west-1", "us-east-1"]);
    expect(s.notScanned).toEqual([{ region: "eu-west-1", functionArn: arn("eu-west-1", "z-fn"), reason: `Environment.Error AccessDeniedException: the variables could not be read (kms:Decrypt on ${KEY})` }]);
    expect(s.findingsBySeverity).toEqual({ low: 2, medium: 1, high: 0, critical: 0 });
    expect(progress[0]).toEqual({ functionsListed: 4, functionsScanned: 0, regionsDone: 0, regionsTotal: 2, findings: 0 });
    expect(progress.at(-1)).toEqual({ functionsListed: 4, functionsScanned: 4, regionsDone: 2, regionsTotal: 2, findings: 3 });
    expect(progress).toHaveLength(6);
    expect(r.tool).toEqual({ name: "envseal", informationUri: "https://www.npmjs.com/package/envseal" });
    expect(r.schemaVersion).toBe(1);
  });

  it("failOn, requireCmk and ignore change the verdict, the severities and what is suppressed", async () => {
    const path = input(functions);
    expect((await audit({ input: path, failOn: "low" })).summary.failed).toBe(true);
    expect((await audit({ input: path, failOn: "medium" })).summary.failed).toBe(true);
    const strict = await audit({ input: path, requireCmk: true, ignore: ["ES007"], failOn: "none" });
    expect(strict.findings.map((f) => `${f.severity}/${f.ruleId}`)).toEqual(["medium/ES004", "low/ES003"]);
    expect(strict.suppressed.map((f) => `${f.ruleId}/${f.suppressedBy}`)).toEqual(["ES007/ignore:ES007"]);
    expect([strict.options.requireCmk, strict.options.ignore, strict.summary.failed, strict.summary.suppressedTotal]).toEqual([true, ["ES007"], false, 1]);
  });

  it("live mode without clients is a programming error", async () => {
    await expect(audit({})).rejects.toThrow("audit: live mode needs AuditClients");
  });
});
