/** checkFunction on hand-made functions: each rule's exact message and severity, and the ES008 boundary. */
import { describe, expect, it } from "vitest";
import { checkFunction, environmentDenied, fingerprintOf } from "../../src/audit/check.js";
import type { AuditedFunction } from "../../src/audit/types.js";
import { fakeSealed } from "../support/kms-blob.js";

const ARN = "arn:aws:lambda:eu-west-1:111122223333:function:orders-api";
const KEY = "arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";
const SEALED = fakeSealed("audit-check");

function fn(variables: Record<string, string>, over: Partial<AuditedFunction> = {}): AuditedFunction {
  return { region: "eu-west-1", name: "orders-api", arn: ARN, version: "$LATEST", variables, kmsKeyArn: KEY, environmentError: undefined, ...over };
}
const brief = (fs: Awaited<ReturnType<typeof checkFunction>>) => fs.map((f) => `${f.ruleId}/${f.severity}/${f.variable}: ${f.message}`);

describe("checkFunction", () => {
  it("a clean function under a customer key with rotation has no findings", async () => {
    expect(await checkFunction(fn({ LOG_LEVEL: "info" }), { keyCheck: { status: "ok", rotation: "enabled" } })).toEqual([]);
    expect(await checkFunction(fn({}, { kmsKeyArn: undefined }))).toEqual([]);
  });

  it("manifest drift: a malformed manifest, a listed name that is missing", async () => {
    expect(brief(await checkFunction(fn({ ENVSEAL_SEALED: "bad name" })))).toEqual([
      "ES003/low/ENVSEAL_SEALED: ENVSEAL_SEALED is not a comma-separated list of variable names, so no variable counts as sealed",
    ]);
    expect(brief(await checkFunction(fn({ ENVSEAL_SEALED: "GONE" })))).toEqual(["ES003/low/GONE: ENVSEAL_SEALED lists GONE, but the environment has no such variable"]);
  });

  it("ES002: a listed value or a bundle that is not ciphertext", async () => {
    const out = brief(await checkFunction(fn({ ENVSEAL_SEALED: "DB1:v2,ENVSEAL_BUNDLE:v2", DB1: "hello", ENVSEAL_BUNDLE: "short" })));
    expect(out).toHaveLength(2);
    expect(out[0]).toMatch(/^ES002\/high\/DB1: DB1 is listed in ENVSEAL_SEALED but its value .+, so it is not sealed$/);
    expect(out[1]).toMatch(/^ES002\/high\/ENVSEAL_BUNDLE: ENVSEAL_BUNDLE .+, so it is not a sealed bundle$/);
    expect(await checkFunction(fn({ ENVSEAL_SEALED: "DB1:v2,ENVSEAL_BUNDLE:v2", DB1: SEALED, ENVSEAL_BUNDLE: SEALED }))).toEqual([]);
  });

  it("ES004 is low, or medium with requireCmk, and only when there are variables", async () => {
    const msg = "the environment is protected at rest by the AWS managed key aws/lambda only (KMSKeyArn is empty)";
    expect(brief(await checkFunction(fn({ A1: "x" }, { kmsKeyArn: undefined })))).toEqual([`ES004/low/null: ${msg}`]);
    expect(brief(await checkFunction(fn({ A1: "x" }, { kmsKeyArn: undefined }), { requireCmk: true }))).toEqual([`ES004/medium/null: ${msg}`]);
  });

  it("ES005 and ES006 from the key check", async () => {
    expect(brief(await checkFunction(fn({}), { keyCheck: { status: "missing" } }))).toEqual([`ES005/critical/null: the at-rest key ${KEY} does not exist; the function cannot start`]);
    expect(brief(await checkFunction(fn({}), { keyCheck: { status: "unusable", state: "Disabled" } }))).toEqual([`ES005/critical/null: the at-rest key ${KEY} is disabled; the function cannot start`]);
    expect(brief(await checkFunction(fn({}), { keyCheck: { status: "ok", rotation: "disabled" } }))).toEqual([`ES006/medium/null: automatic rotation of the at-rest key ${KEY} is disabled`]);
    expect(await checkFunction(fn({}), { keyCheck: { status: "ok", rotation: "unknown" } })).toEqual([]);
    expect(await checkFunction(fn({}), { keyCheck: { status: "unknown", reason: "r" } })).toEqual([]);
    expect(await checkFunction(fn({}, { kmsKeyArn: undefined }), { keyCheck: { status: "missing" } })).toEqual([]);
  });

  it("ES007: denied to the auditor is medium; any other Environment.Error keeps the rule's severity", async () => {
    const denied = await checkFunction(fn({}, { environmentError: { code: "AccessDeniedException", message: "m" } }));
    expect(brief(denied)).toEqual([
      `ES007/medium/null: Lambda could not decrypt the environment for the auditing identity (Environment.Error AccessDeniedException): its variables were not scanned; grant that identity kms:Decrypt on ${KEY} to scan them`,
    ]);
    const broken = await checkFunction(fn({}, { kmsKeyArn: undefined, environmentError: { code: "KMSDisabledException", message: "key disabled" } }));
    expect(brief(broken)).toEqual([
      "ES007/critical/null: Lambda reports Environment.Error KMSDisabledException: the variables could not be read (so they were not scanned) and the function fails at init until the at-rest key aws/lambda works again",
    ]);
    expect(environmentDenied({ code: "X", message: "User is not authorized to perform" })).toBe(true);
    expect(environmentDenied({ code: "X", message: "Access was denied" })).toBe(true);
    expect(environmentDenied({ code: "KMSDisabledException", message: "disabled" })).toBe(false);
  });

  it("ES008 above 90 % of 4096 bytes (3686.4): 3687 bytes is flagged, 3686 is not", async () => {
    // {"PAD":"…"} is 10 bytes around the value.
    expect(await checkFunction(fn({ PAD: "x".repeat(3676) }))).toEqual([]);
    expect(brief(await checkFunction(fn({ PAD: "x".repeat(3677) })))).toEqual(["ES008/low/null: the environment takes 3687 of 4096 bytes (90 %)"]);
    expect(brief(await checkFunction(fn({ PAD: "é".repeat(2000) })))).toEqual(["ES008/low/null: the environment takes 4010 of 4096 bytes (98 %)"]);
  });

  it("a plaintext secret is ES001 on $LATEST and ES009 on a published version, with detector and fingerprint", async () => {
    const vars = { AWS_SECRET_ACCESS_KEY_X: "x", STRIPE_KEY: `sk_live_${"4eC39HqLyjWDarjtT1zdp7dc".repeat(1)}` };
    const latest = await checkFunction(fn(vars));
    const f = latest.find((x) => x.variable === "STRIPE_KEY")!;
    expect(f.ruleId).toBe("ES001");
    expect(f.confidence).toBe("high");
    expect(typeof f.detector).toBe("string");
    expect(f.message.startsWith("STRIPE_KEY looks like ")).toBe(true);
    expect(f.fingerprint).toBe(fingerprintOf("ES001", ARN, "STRIPE_KEY"));
    expect([f.region, f.functionName, f.functionArn, f.version]).toEqual(["eu-west-1", "orders-api", ARN, "$LATEST"]);
    const published = await checkFunction(fn(vars, { version: "7", arn: `${ARN}:7` }));
    const p = published.find((x) => x.variable === "STRIPE_KEY")!;
    expect(p.ruleId).toBe("ES009");
    expect(p.message.startsWith("published version 7 keeps STRIPE_KEY in plain text: ")).toBe(true);
    expect(p.severity).toBe(f.severity);
  });

  it("fingerprints are 32 hex characters and differ by rule, ARN and variable", () => {
    const a = fingerprintOf("ES001", ARN, "A1");
    expect(a).toMatch(/^[0-9a-f]{32}$/);
    expect(new Set([a, fingerprintOf("ES009", ARN, "A1"), fingerprintOf("ES001", `${ARN}:2`, "A1"), fingerprintOf("ES001", ARN, "A2"), fingerprintOf("ES001", ARN, null)]).size).toBe(5);
    expect(fingerprintOf("ES004", ARN, null)).toBe(fingerprintOf("ES004", ARN, null));
  });
});
