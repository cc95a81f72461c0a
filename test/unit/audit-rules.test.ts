import { describe, expect, it } from "vitest";
import { checkFunction, fingerprintOf } from "../../src/audit/check.js";
import { detectSecrets, nameHint } from "../../src/audit/secrets.js";
import { RULE_LIST } from "../../src/audit/rules.js";
import type { AuditedFunction, Finding, KeyCheck, RuleId } from "../../src/audit/types.js";
import { canary, expectNoCanary } from "../support/canary.js";
import { expandTemplate } from "../../src/audit/detect/fake.js";
import { fakeMotoSealed, fakeSealed } from "../support/kms-blob.js";

const ARN = "arn:aws:lambda:eu-west-1:111122223333:function:orders-api";
const KEY = "arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";
/** Stand-in KMS ciphertext with the real blob layout, standard base64. */
const SEALED = fakeSealed("audit-rules");
/** Fake, obviously-test credentials that secretlint still detects (AWS's documented EXAMPLE keys are allowlisted). */
const FAKE_SECRET_KEY = "FAKEfakeFAKEfakeFAKEfakeFAKEfakeFAKEfake";
const FAKE_ACCESS_KEY_ID = "AKIAFAKEFAKEFAKEFAKE";

function fn(variables: Record<string, string>, extra: Partial<AuditedFunction> = {}): AuditedFunction {
  return {
    region: "eu-west-1",
    name: "orders-api",
    arn: ARN,
    version: "$LATEST",
    variables,
    kmsKeyArn: KEY,
    environmentError: undefined,
    ...extra,
  };
}

const ok: KeyCheck = { status: "ok", rotation: "enabled" };
const rules = (findings: Finding[], id: RuleId) => findings.filter((f) => f.ruleId === id);

describe("rules ES001–ES009", () => {
  it("ES001: a secretlint match is reported, critical for cloud credentials, naming the variable only", async () => {
    const found = await checkFunction(fn({ BILLING_AWS_SECRET_ACCESS_KEY: FAKE_SECRET_KEY, LOG_LEVEL: "info" }), { keyCheck: ok });
    const es001 = rules(found, "ES001");
    expect(es001).toHaveLength(1);
    expect(es001[0]).toMatchObject({ variable: "BILLING_AWS_SECRET_ACCESS_KEY", severity: "critical", functionArn: ARN, region: "eu-west-1" });
    expect(es001[0]!.message).toContain("secretlint rule aws");
    expect(JSON.stringify(found)).not.toContain(FAKE_SECRET_KEY.slice(0, 12));
  });

  it("ES001: access key ids, private keys and connection strings are found too", async () => {
    const pem = expandTemplate("{pem:RSA PRIVATE KEY}", "audit-rules/signer");
    const found = await checkFunction(
      fn({
        KEY_ID: FAKE_ACCESS_KEY_ID,
        SIGNER: pem,
        DATABASE_URL: "postgres://app:pw-for-tests@db.example.com:5432/app",
        // Placeholders of the same shapes are not secrets.
        SIGNER_TEMPLATE: "-----BEGIN PRIVATE KEY-----\nanything",
        KEY_ID_DOC: "AKIAXXXXXXXXXXXXXXXX",
        DATABASE_URL_TEMPLATE: "postgres://app:${DB_PASSWORD}@db.internal:5432/app",
      }),
      { keyCheck: ok },
    );
    const byVar = Object.fromEntries(rules(found, "ES001").map((f) => [f.variable, [f.severity, f.detector, f.confidence]]));
    expect(byVar).toEqual({
      KEY_ID: ["critical", "aws-access-key-id", "high"],
      SIGNER: ["critical", "private-key", "high"],
      DATABASE_URL: ["high", "url-credentials", "high"],
    });
  });

  it("ES001: a secret-named variable with a non-trivial value is medium (name + entropy), even a short password", async () => {
    const found = await checkFunction(fn({ DB_PASSWORD: "correct-horse-battery", DB_PASS: "admin", DB_PASSWORD_OLD: "changeme" }), { keyCheck: ok });
    expect(rules(found, "ES001")).toEqual([
      expect.objectContaining({ variable: "DB_PASS", severity: "medium", detector: "name+entropy", confidence: "medium" }),
      expect.objectContaining({ variable: "DB_PASSWORD", severity: "medium", detector: "name+entropy", confidence: "medium" }),
    ]);
    expect(rules(found, "ES001")[0]!.message).toMatch(/name \+ entropy\); medium confidence$/);
  });

  it("ES001: a provider token is found from its value alone, under any name, with the rule that fired", async () => {
    const stripe = expandTemplate("sk_live_{a:24}", "audit-rules/stripe");
    const found = await checkFunction(fn({ CONFIG_VALUE_17: stripe, LOG_LEVEL: "info" }), { keyCheck: ok });
    expect(rules(found, "ES001")).toEqual([
      expect.objectContaining({ variable: "CONFIG_VALUE_17", severity: "high", detector: "stripe-secret-key", confidence: "high" }),
    ]);
    expect(rules(found, "ES001")[0]!.message).toContain("Stripe secret (rule stripe-secret-key)");
  });

  it("ES001: a value sealed in the console (KMS blob structure, not in the manifest) is not flagged; a 64-hex key under a secret name is", async () => {
    const found = await checkFunction(fn({ DB_PASSWORD: SEALED, API_KEY: expandTemplate("{h:64}", "audit-rules/hex") }), { keyCheck: ok });
    expect(rules(found, "ES001").map((f) => f.variable)).toEqual(["API_KEY"]);
  });

  it("ES001 negative: sealed variables, ENVSEAL_*, references and trivial values are not flagged", async () => {
    const found = await checkFunction(
      fn({
        ENVSEAL_SEALED: "DB_PASSWORD:v2,STRIPE_KEY:v2,ENVSEAL_BUNDLE:v2",
        DB_PASSWORD: SEALED,
        STRIPE_KEY: SEALED,
        ENVSEAL_BUNDLE: SEALED,
        SECRET_ARN: "arn:aws:secretsmanager:eu-west-1:111122223333:secret:app-AbCdEf",
        TOKEN_PARAM: "/app/prod/token",
        API_KEY_ENABLED: "true",
        PASSWORD_MIN_LENGTH: "12",
        AUTH_TOKEN: "short",
        LOG_LEVEL: "debug",
      }),
      { keyCheck: ok },
    );
    expect(found).toEqual([]);
  });

  it("ES002: a sealed name whose value is not ciphertext; negative: real-looking ciphertext", async () => {
    const bad = await checkFunction(fn({ ENVSEAL_SEALED: "API_TOKEN", API_TOKEN: "plain-text-token" }), { keyCheck: ok });
    expect(rules(bad, "ES002")).toEqual([expect.objectContaining({ variable: "API_TOKEN", severity: "high" })]);
    expect(rules(bad, "ES001")).toEqual([]); // reported once, as ES002
    // Valid base64 of 48 bytes or more is not enough: a 64-hex API key under a sealed name is not sealed.
    const hex = await checkFunction(fn({ ENVSEAL_SEALED: "API_TOKEN", API_TOKEN: expandTemplate("{h:64}", "es002") }), { keyCheck: ok });
    expect(rules(hex, "ES002")).toEqual([expect.objectContaining({ message: expect.stringContaining("structure of an AWS KMS ciphertext blob") })]);
    // moto's blobs are sealed only in emulator mode.
    const moto = fn({ ENVSEAL_SEALED: "API_TOKEN", API_TOKEN: fakeMotoSealed() });
    expect(rules(await checkFunction(moto, { keyCheck: ok }), "ES002")).toHaveLength(1);
    expect(rules(await checkFunction(moto, { keyCheck: ok, emulator: "moto" }), "ES002")).toEqual([]);
    const bundle = await checkFunction(fn({ ENVSEAL_BUNDLE: "c2hvcnQ=" }), { keyCheck: ok });
    expect(rules(bundle, "ES002")).toEqual([expect.objectContaining({ variable: "ENVSEAL_BUNDLE" })]);
    const good = await checkFunction(fn({ ENVSEAL_SEALED: "API_TOKEN", API_TOKEN: SEALED, ENVSEAL_BUNDLE: SEALED }), { keyCheck: ok });
    expect(rules(good, "ES002")).toEqual([]);
  });

  it("ES003: the manifest names a missing variable, or is malformed; negative: it matches", async () => {
    const drift = await checkFunction(fn({ ENVSEAL_SEALED: "GONE,HERE", HERE: SEALED }), { keyCheck: ok });
    expect(rules(drift, "ES003")).toEqual([expect.objectContaining({ variable: "GONE", severity: "low" })]);
    const malformed = await checkFunction(fn({ ENVSEAL_SEALED: "not a name!", DB_PASSWORD: "plain-but-claimed-sealed" }), { keyCheck: ok });
    expect(rules(malformed, "ES003")).toEqual([expect.objectContaining({ variable: "ENVSEAL_SEALED" })]);
    expect(rules(malformed, "ES001")).toEqual([expect.objectContaining({ variable: "DB_PASSWORD" })]);
    const fine = await checkFunction(fn({ ENVSEAL_SEALED: "HERE", HERE: SEALED }), { keyCheck: ok });
    expect(rules(fine, "ES003")).toEqual([]);
  });

  it("ES004: variables without KMSKeyArn are low, medium with requireCmk; negative: a CMK or no variables", async () => {
    const plain = fn({ LOG_LEVEL: "info" }, { kmsKeyArn: undefined });
    expect(rules(await checkFunction(plain), "ES004")).toEqual([expect.objectContaining({ severity: "low", variable: null })]);
    expect(rules(await checkFunction(plain, { requireCmk: true }), "ES004")).toEqual([expect.objectContaining({ severity: "medium" })]);
    expect(rules(await checkFunction(fn({ LOG_LEVEL: "info" }), { keyCheck: ok }), "ES004")).toEqual([]);
    expect(await checkFunction(fn({}, { kmsKeyArn: undefined }))).toEqual([]);
  });

  it("ES005: missing, disabled or pending-deletion key is critical; negative: enabled key", async () => {
    for (const keyCheck of [{ status: "missing" }, { status: "unusable", state: "Disabled" }, { status: "unusable", state: "PendingDeletion" }] as KeyCheck[]) {
      const found = await checkFunction(fn({ A: "1" }), { keyCheck });
      expect(rules(found, "ES005")).toEqual([expect.objectContaining({ severity: "critical", variable: null })]);
    }
    expect(rules(await checkFunction(fn({ A: "1" }), { keyCheck: ok }), "ES005")).toEqual([]);
  });

  it("ES005/ES006 are not evaluated when the key was not checked (offline)", async () => {
    const found = await checkFunction(fn({ A: "1" }), { keyCheck: { status: "not-checked", reason: "offline" } });
    expect(found).toEqual([]);
  });

  it("ES006: rotation disabled is medium; negative: rotation enabled or unknown", async () => {
    const off = await checkFunction(fn({ A: "1" }), { keyCheck: { status: "ok", rotation: "disabled" } });
    expect(rules(off, "ES006")).toEqual([expect.objectContaining({ severity: "medium" })]);
    expect(await checkFunction(fn({ A: "1" }), { keyCheck: { status: "ok", rotation: "unknown" } })).toEqual([]);
    expect(await checkFunction(fn({ A: "1" }), { keyCheck: ok })).toEqual([]);
  });

  it("ES007: a key that fails for everyone is critical; the auditor's own denial is medium and says not scanned; negative: none", async () => {
    const broken = fn({}, { environmentError: { code: "KMSDisabledException", message: "key disabled" } });
    expect(rules(await checkFunction(broken, { keyCheck: ok }), "ES007")).toEqual([
      expect.objectContaining({ severity: "critical", message: expect.stringContaining("KMSDisabledException: the variables could not be read (so they were not scanned)") }),
    ]);
    const denied = fn({}, { environmentError: { code: "AccessDeniedException", message: "Lambda was unable to decrypt the environment variables because KMS access was denied" } });
    expect(rules(await checkFunction(denied, { keyCheck: ok }), "ES007")).toEqual([
      expect.objectContaining({ severity: "medium", message: expect.stringMatching(/its variables were not scanned; grant that identity kms:Decrypt on /) }),
    ]);
    expect(rules(await checkFunction(fn({ A: "1" }), { keyCheck: ok }), "ES007")).toEqual([]);
  });

  it("a plaintext secret under an ENVSEAL_-prefixed name is scanned; envseal's own two variables are not", async () => {
    const hits = await checkFunction(fn({ ENVSEAL_DB_PASSWORD: "hunter2-but-longer", ENVSEAL_SEALED: "", ENVSEAL_BUNDLE: "AQICAHhlongenoughvaluexxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx" }), { keyCheck: ok });
    expect(rules(hits, "ES001").map((f) => f.variable)).toEqual(["ENVSEAL_DB_PASSWORD"]);
  });

  it("ES005 names a PendingImport key as pending import, not pending deletion", async () => {
    const f = await checkFunction(fn({ A: "1" }), { keyCheck: { status: "unusable", state: "PendingImport" } });
    expect(rules(f, "ES005")[0]?.message).toContain("is pending import (its key material was never imported)");
    expect(rules(f, "ES005")[0]?.message).not.toContain("deletion");
  });

  it("ES008: above 90 % of 4096 bytes is low; negative: exactly at 90 %", async () => {
    const over = await checkFunction(fn({ BIG: "x".repeat(3700) }), { keyCheck: ok });
    expect(rules(over, "ES008")).toEqual([expect.objectContaining({ severity: "low" })]);
    // {"BIG":"…"} is 10 bytes of JSON around the value: 3676 + 10 = 3686 ≤ 3686.4.
    expect(rules(await checkFunction(fn({ BIG: "x".repeat(3676) }), { keyCheck: ok }), "ES008")).toEqual([]);
  });

  it("ES009: a published version with a plaintext secret; negative: $LATEST reports ES001 instead", async () => {
    const v3 = fn({ DB_PASSWORD: "old-password-kept" }, { version: "3", arn: `${ARN}:3` });
    const found = await checkFunction(v3, { keyCheck: ok });
    expect(found).toEqual([expect.objectContaining({ ruleId: "ES009", severity: "medium", confidence: "medium", version: "3", functionArn: `${ARN}:3` })]);
    const key = await checkFunction(fn({ OLD_KEY: expandTemplate("{pem:EC PRIVATE KEY}", "es009") }, { version: "3", arn: `${ARN}:3` }), { keyCheck: ok });
    expect(key).toEqual([expect.objectContaining({ ruleId: "ES009", severity: "critical", detector: "private-key", confidence: "high" })]);
    const latest = await checkFunction(fn({ DB_PASSWORD: "old-password-kept" }), { keyCheck: ok });
    expect(rules(latest, "ES009")).toEqual([]);
  });

  it("ES014: only a definite fail of the role's key access is a finding; pass, unknown and aws/lambda are not", async () => {
    const role = { role: "arn:aws:iam::111122223333:role/app" };
    const fail = { status: "fail" as const, summary: "no grant, no key-policy statement for it" };
    const found = rules(await checkFunction(fn({ A_B: "1" }, role), { keyCheck: ok, roleAccess: fail }), "ES014");
    expect(found).toEqual([expect.objectContaining({ ruleId: "ES014", severity: "critical", variable: null })]);
    expect(found[0]!.message).toContain("the execution role cannot decrypt this function's at-rest key: the function will fail at init");
    for (const status of ["pass", "unknown"] as const) {
      expect(rules(await checkFunction(fn({ A_B: "1" }, role), { keyCheck: ok, roleAccess: { status, summary: "s" } }), "ES014")).toEqual([]);
    }
    expect(rules(await checkFunction(fn({ A_B: "1" }, { ...role, kmsKeyArn: undefined }), { roleAccess: fail }), "ES014")).toEqual([]);
  });

  it("every rule has help text and a remediation", () => {
    expect(RULE_LIST.filter((r) => !r.templateOnly).map((r) => r.id)).toEqual(["ES001", "ES002", "ES003", "ES004", "ES005", "ES006", "ES007", "ES008", "ES009", "ES010", "ES011", "ES012", "ES014"]);
    expect(RULE_LIST.filter((r) => r.templateOnly).map((r) => r.id)).toEqual(["ES020", "ES021", "ES022", "ES023"]);
    for (const r of RULE_LIST) {
      expect(r.help.length).toBeGreaterThan(40);
      expect(r.remediation.length).toBeGreaterThan(10);
    }
  });

  it("fingerprints are stable and differ by rule, ARN and variable", () => {
    const a = fingerprintOf("ES001", ARN, "X");
    expect(fingerprintOf("ES001", ARN, "X")).toBe(a);
    expect(new Set([a, fingerprintOf("ES009", ARN, "X"), fingerprintOf("ES001", `${ARN}:2`, "X"), fingerprintOf("ES001", ARN, "Y")]).size).toBe(4);
  });

  it("no finding carries a value or a fragment of one", async () => {
    const c = [canary("pw"), canary("tok"), canary("sealed")];
    const found = await checkFunction(
      fn({ DB_PASSWORD: c[0]!, ENVSEAL_SEALED: "API_TOKEN,GONE", API_TOKEN: c[1]!, OTHER_SECRET: `${c[2]}==` }, { kmsKeyArn: undefined }),
    );
    expect(found.length).toBeGreaterThanOrEqual(3);
    expectNoCanary(c, { findings: JSON.stringify(found) });
    for (const f of found) for (const v of c) expect(JSON.stringify(f)).not.toContain(v.slice(-10));
  });
});

describe("secret detection", () => {
  it("runs one secretlint pass per function and maps each match to its variable", async () => {
    const slack = expandTemplate("xoxb-{d:10}-{d:13}-{a:24}", "audit-rules/slack");
    const hits = await detectSecrets({ A_AWS_SECRET_ACCESS_KEY: FAKE_SECRET_KEY, NOTE: "hello world", TOKEN_SLACK: slack, DOC_SLACK: "xoxb-1234567890-1234567890123-abcdefghijABCDEFGHIJ1234" });
    expect([...hits.keys()].sort()).toEqual(["A_AWS_SECRET_ACCESS_KEY", "TOKEN_SLACK"]);
    expect(hits.get("TOKEN_SLACK")).toEqual({ detector: "slack-token", confidence: "high", critical: false, reason: expect.stringContaining("Slack") });
    expect(hits.get("A_AWS_SECRET_ACCESS_KEY")).toEqual({ detector: "secretlint:aws", confidence: "high", critical: true, reason: "secretlint rule aws matched its value" });
  });

  it("a value cannot switch detection off with a secretlint-disable comment", async () => {
    const hits = await detectSecrets({ NOTE: "# secretlint-disable", X_AWS_SECRET_ACCESS_KEY: FAKE_SECRET_KEY });
    expect(hits.has("X_AWS_SECRET_ACCESS_KEY")).toBe(true);
  });

  it.each([
    ["DB_PASSWORD", "hunter2-is-long", true],
    ["STRIPE_API_KEY", "sk_test_q81mVx02", true],
    ["GITHUB_TOKEN", "f3Kq9ZrT0pLm2Wx7", true],
    ["GITHUB_TOKEN", "abcdef0123456789", false],
    ["DB_PASSWORD", "short", true],
    ["DB_PASSWORD_ARN", "arn:aws:secretsmanager:eu-west-1:1:secret:x", false],
    ["DB_PASSWORD", "arn:aws:secretsmanager:eu-west-1:1:secret:x", false],
    ["TOKEN_URL", "https://auth.example.com/oauth/token", false],
    ["SECRET_PATH", "/prod/app/secret", false],
    ["API_KEY", "${API_KEY_FROM_SSM}", false],
    ["LOG_LEVEL", "some-long-value-here", false],
    ["AUTH_TOKEN", "xxxxxxxxxxxx", false],
  ])("nameHint(%s, %s) = %s", (name, value, expected) => {
    expect(nameHint(name, value)).toBe(expected);
  });
});

describe("ES010 configuration-injection variables and ES011 wire format v1", () => {
  const ok = { status: "ok", rotation: "enabled" } as const;
  const base = { region: "eu-west-1", name: "fn", arn: "arn:aws:lambda:eu-west-1:111122223333:function:fn", version: "$LATEST", kmsKeyArn: "arn:aws:kms:eu-west-1:111122223333:key/k", environmentError: undefined };
  it.each([
    ["AWS_ENDPOINT_URL_KMS", "https://kms.attacker.example", "high", "redirects the AWS SDK's signed calls"],
    ["AWS_ENDPOINT_URL", "https://x.example", "high", "redirects"],
    ["AWS_CA_BUNDLE", "/tmp/ca.pem", "high", "trusts another certificate authority"],
    ["NODE_EXTRA_CA_CERTS", "/tmp/ca.pem", "high", "trusts another certificate authority"],
    ["NODE_OPTIONS", "--max-old-space-size=512 --require /tmp/hook.js", "high", "(--require)"],
    ["NODE_OPTIONS", "--import=/tmp/x.mjs", "high", "(--import)"],
    ["HTTPS_PROXY", "http://proxy:3128", "medium", "through a proxy"],
    ["AWS_LAMBDA_EXEC_WRAPPER", "/opt/wrapper", "high", "wrapper script"],
    ["LD_PRELOAD", "/opt/lib.so", "high", "shared library"],
    ["JAVA_TOOL_OPTIONS", "-javaagent:/opt/a.jar", "high", "JVM"],
  ])("%s=%s is %s", async (name, value, severity, phrase) => {
    const found = (await checkFunction({ ...base, variables: { [name]: value } }, { keyCheck: ok })).filter((f) => f.ruleId === "ES010");
    expect(found).toEqual([expect.objectContaining({ variable: name, severity, message: expect.stringContaining(phrase) })]);
    expect(found[0]!.message).not.toContain(value.split(" ").at(-1)!.replace(/^.*=/, ""));
  });

  it("negative: NODE_OPTIONS without code-loading flags, ordinary variables", async () => {
    const found = await checkFunction({ ...base, variables: { NODE_OPTIONS: "--max-old-space-size=512 --enable-source-maps", AWS_ENDPOINT_PREFIX: "x", LOG_LEVEL: "info" } }, { keyCheck: ok });
    expect(found.filter((f) => f.ruleId === "ES010")).toEqual([]);
  });

  it("ES011: v1 values and a v1 bundle are reported (low); v2 ones are not", async () => {
    const vars = { OLD_ONE: "x", NEW_ONE: "y", ENVSEAL_SEALED: "NEW_ONE:v2,OLD_ONE", ENVSEAL_BUNDLE: "z" };
    const found = (await checkFunction({ ...base, variables: vars }, { keyCheck: ok })).filter((f) => f.ruleId === "ES011");
    expect(found.map((f) => `${f.variable}:${f.severity}`)).toEqual(["OLD_ONE:low", "ENVSEAL_BUNDLE:low"]);
    const v2 = (await checkFunction({ ...base, variables: { ...vars, ENVSEAL_SEALED: "NEW_ONE:v2,OLD_ONE:v2,ENVSEAL_BUNDLE:v2" } }, { keyCheck: ok })).filter((f) => f.ruleId === "ES011");
    expect(v2).toEqual([]);
  });
});
