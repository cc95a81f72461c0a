import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { FunctionConfiguration } from "@aws-sdk/client-lambda";
import { loadInputFile, parseFunctionList, toAudited } from "../../src/audit/input.js";
import { applySuppressions, loadBaseline, parseIgnores } from "../../src/audit/suppress.js";
import { audit } from "../../src/audit/run.js";
import { InputError } from "../../src/core/errors.js";
import type { Finding } from "../../src/audit/types.js";

const arn = (region: string, name: string, v?: string) => `arn:aws:lambda:${region}:111122223333:function:${name}${v ? `:${v}` : ""}`;
const cfg = (region: string, name: string, vars: Record<string, string>, v?: string): FunctionConfiguration => ({
  FunctionName: name,
  FunctionArn: arn(region, name, v),
  Version: v ?? "$LATEST",
  Environment: { Variables: vars },
});

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "envseal-audit-input-"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const file = (name: string, content: string) => {
  const p = join(dir, name);
  writeFileSync(p, content);
  return p;
};

describe("offline input shapes", () => {
  const a = cfg("us-east-1", "a", { X: "1" });
  const b = cfg("eu-west-1", "b", { Y: "2" });

  it("accepts one list-functions page", () => {
    expect(parseFunctionList({ Functions: [a, b], NextMarker: "m" }).map((f) => f.FunctionName)).toEqual(["a", "b"]);
  });
  it("accepts an array of pages", () => {
    expect(parseFunctionList([{ Functions: [a] }, { Functions: [b] }]).map((f) => f.FunctionName)).toEqual(["a", "b"]);
  });
  it("accepts a bare array of configurations", () => {
    expect(parseFunctionList([a, b]).map((f) => f.FunctionName)).toEqual(["a", "b"]);
  });
  it.each([
    [{ Environment: { Variables: { PORT: 8080 } } }, "api: variable PORT is number, not a string"],
    [{ Environment: { Variables: { X: null } } }, "api: variable X is null, not a string"],
    [{ Environment: { Variables: ["a"] } }, "api: Environment.Variables is not an object"],
    [{ Environment: "x" }, "api: Environment is not an object"],
    [{ KMSKeyArn: 7 }, "api: KMSKeyArn is not a string"],
  ])("refuses wrong field types with a one-line InputError naming function and field, never a TypeError (%o)", (extra, message) => {
    const data = { Functions: [{ FunctionName: "api", ...extra }] };
    expect(() => parseFunctionList(data)).toThrow(InputError);
    expect(() => parseFunctionList(data)).toThrow(`the input is not list-functions output (${message})`);
  });

  it("refuses other shapes with an InputError", () => {
    expect(() => parseFunctionList({ Items: [] })).toThrow(InputError);
    expect(() => parseFunctionList([{ Functions: [{ Nope: 1 }] }])).toThrow(/page 1, function 1/);
    expect(() => parseFunctionList("text")).toThrow(InputError);
  });

  it("a missing file and an unparseable file are one-line InputErrors naming the file, never its content", async () => {
    await expect(loadInputFile(join(dir, "nope.json"), "x")).rejects.toThrow(/cannot read --input .*nope\.json: no such file/);
    const bad = file("bad.json", '{"Functions": [ SECRET_VALUE_IN_BROKEN_JSON');
    const err = await loadInputFile(bad, "x").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InputError);
    expect((err as InputError).oneLine).toMatch(/is not valid JSON/);
    expect((err as InputError).oneLine).not.toContain("SECRET_VALUE");
    expect((err as InputError).oneLine).not.toContain("\n");
  });

  it("takes the region and version from the ARN and keeps versions apart", () => {
    const v = toAudited(cfg("ap-south-1", "api", {}, "7"), "fallback");
    expect(v).toMatchObject({ region: "ap-south-1", version: "7", arn: arn("ap-south-1", "api", "7") });
    const latest = toAudited({ FunctionName: "api", FunctionArn: `${arn("ap-south-1", "api")}:$LATEST`, Version: "$LATEST" }, "x");
    expect(latest.arn).toBe(arn("ap-south-1", "api"));
    expect(toAudited({ FunctionName: "bare" }, "fallback").region).toBe("fallback");
    expect(toAudited({ FunctionName: "k", KMSKeyArn: "" }, "r").kmsKeyArn).toBeUndefined();
  });

  it("audits samples/functions.json offline: key checks not checked, two regions", async () => {
    const report = await audit({ input: "samples/functions.json" });
    expect(report.source).toEqual({ mode: "offline", input: "samples/functions.json" });
    expect(report.summary.keyChecks).toBe("not checked");
    expect(Object.keys(report.summary.functionsPerRegion)).toEqual(["eu-west-1", "us-east-1"]);
    const ids = new Set(report.findings.map((f) => f.ruleId));
    for (const id of ["ES001", "ES002", "ES003", "ES004", "ES007", "ES008", "ES009"]) expect(ids.has(id as Finding["ruleId"]), id).toBe(true);
    expect(report.findings.some((f) => f.functionName === "clean")).toBe(false);
    expect(report.summary.failed).toBe(true);
  });
});

describe("suppressions", () => {
  const finding = (ruleId: Finding["ruleId"], name: string, fingerprint = `${ruleId}-${name}`): Finding => ({
    ruleId,
    severity: "high",
    region: "us-east-1",
    functionName: name,
    functionArn: arn("us-east-1", name),
    version: "$LATEST",
    variable: null,
    message: "m",
    remediation: "r",
    fingerprint,
  });

  it("--ignore RULE suppresses the rule everywhere; RULE:GLOB only where the name or ARN matches", () => {
    const all = [finding("ES004", "legacy-a"), finding("ES004", "api"), finding("ES001", "legacy-b")];
    const { active, suppressed } = applySuppressions(all, parseIgnores(["es004:legacy-*"]), new Set());
    expect(active.map((f) => `${f.ruleId}/${f.functionName}`)).toEqual(["ES004/api", "ES001/legacy-b"]);
    expect(suppressed).toEqual([expect.objectContaining({ functionName: "legacy-a", suppressedBy: "ignore:es004:legacy-*" })]);
    expect(applySuppressions(all, parseIgnores(["ES004"]), new Set()).active).toHaveLength(1);
    expect(applySuppressions(all, parseIgnores(["ES001:arn:aws:lambda:us-east-1:*:function:legacy-*"]), new Set()).active).toHaveLength(2);
  });

  it("an unknown rule is an InputError", () => {
    expect(() => parseIgnores(["ES010"])).toThrow(InputError);
    expect(() => parseIgnores(["nonsense:*"])).toThrow(/unknown rule/);
  });

  it("--baseline: findings of a previous report do not count; a bad baseline is an InputError", async () => {
    const previous = file("baseline.json", JSON.stringify({ schemaVersion: 1, findings: [finding("ES001", "a")], suppressed: [finding("ES004", "b")] }));
    const base = await loadBaseline(previous);
    const { active, suppressed } = applySuppressions([finding("ES001", "a"), finding("ES004", "b"), finding("ES001", "new")], [], base);
    expect(active.map((f) => f.functionName)).toEqual(["new"]);
    expect(suppressed.map((f) => f.suppressedBy)).toEqual(["baseline", "baseline"]);
    await expect(loadBaseline(file("not-report.json", "[1,2]"))).rejects.toThrow(/not an envseal audit JSON report/);
    await expect(loadBaseline(join(dir, "missing.json"))).rejects.toThrow(InputError);
  });

  it("a report used as its own baseline leaves nothing failing", async () => {
    const first = await audit({ input: "samples/functions.json" });
    const base = file("first.json", JSON.stringify(first));
    const second = await audit({ input: "samples/functions.json", baseline: base });
    expect(second.findings).toEqual([]);
    expect(second.suppressed).toHaveLength(first.findings.length);
    expect(second.summary.failed).toBe(false);
  });

  it("--fail-on decides failure from what remains", async () => {
    expect((await audit({ input: "samples/functions.json", failOn: "none" })).summary.failed).toBe(false);
    expect((await audit({ input: "samples/functions.json", failOn: "critical" })).summary.failed).toBe(true);
    const noCritical = await audit({ input: "samples/functions.json", failOn: "critical", ignore: ["ES001", "ES007"] });
    expect(noCritical.summary.findingsBySeverity.critical).toBe(0);
    expect(noCritical.summary.failed).toBe(false);
  });
});
