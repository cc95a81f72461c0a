import { describe, expect, it } from "vitest";
import { expandTemplate, seededRng } from "../../src/audit/detect/fake.js";
import { nameHint, nameKind } from "../../src/audit/detect/names.js";
import { isPlaceholder, shannonEntropy } from "../../src/audit/detect/placeholder.js";
import { PROVIDER_RULES } from "../../src/audit/detect/provider-rules.js";
import { matchProviderRule } from "../../src/audit/detect/scan.js";
import { fakeSealed } from "../support/kms-blob.js";

describe("provider rules: every rule's examples", () => {
  it("ids are unique, keywords are lower case", () => {
    expect(new Set(PROVIDER_RULES.map((r) => r.id)).size).toBe(PROVIDER_RULES.length);
    for (const r of PROVIDER_RULES) for (const k of r.keywords) expect(k, r.id).toBe(k.toLowerCase());
  });

  it.each(PROVIDER_RULES.map((r) => [r.id, r] as const))("%s: the positive example is found by this rule, the negative by none", (_id, rule) => {
    for (let i = 0; i < 5; i++) {
      const positive = expandTemplate(rule.examples.positive, `${rule.id}/positive/${i}`);
      expect(matchProviderRule(positive, [rule])?.id, `positive #${i} of ${rule.id}`).toBe(rule.id);
      // In a longer value (JSON, a header), too — except for rules anchored to the whole value.
      if (!rule.pattern.source.startsWith("^")) expect(matchProviderRule(`{"value": "${positive}"}`, [rule])?.id).toBe(rule.id);
    }
    const negative = expandTemplate(rule.examples.negative, `${rule.id}/negative`);
    expect(matchProviderRule(negative), `negative of ${rule.id}`).toBeUndefined();
  });
});

describe("placeholders", () => {
  it.each([
    "AKIAXXXXXXXXXXXXXXXX",
    "ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
    "<your-token>",
    "${DB_PASSWORD}",
    "{{ secrets.API_KEY }}",
    "changeme",
    "CHANGE_ME",
    "your_api_key_here",
    "sk_live_1234567890abcdefghijklmn",
    "AKIAIOSFODNN7EXAMPLE",
    "sgp_5555555dAAAAA7777777CcccCFaaaaaaaaaaaaaa",
    "xoxb-000000000000-000000000000-xxxxxxxxxxxxxxxxxxxxxxxx",
    "abcabcabcabcabcabc",
    "**********",
  ])("%s is a placeholder", (v) => expect(isPlaceholder(v)).toBe(true));

  it("format-valid random tokens are not placeholders (1,000 seeds)", () => {
    const rng = seededRng("not-placeholders");
    for (let i = 0; i < 1000; i++) {
      for (const t of ["ghp_{a:36}", "AKIA{2:16}", "{h:64}", "sk_live_{a:24}", "{b:40}"]) {
        const v = expandTemplate(t, rng);
        expect(isPlaceholder(v), t).toBe(false);
      }
    }
  });

  it("Shannon entropy", () => {
    expect(shannonEntropy("")).toBe(0);
    expect(shannonEntropy("aaaa")).toBe(0);
    expect(shannonEntropy("ab12CD+/")).toBe(3);
  });
});

describe("name + entropy", () => {
  it.each([
    ["DB_PASS", "password"],
    ["SMTP_PWD", "password"],
    ["APP_KEY", "secret"],
    ["SLACK_WEBHOOK_URL", "webhook"],
    ["STRIPE_KEY", "key"],
    ["JWT_SECRET", "secret"],
    ["DB_PASSWORD_ARN", undefined],
    ["API_KEY_HEADER", undefined],
    ["DB_USER", undefined],
    ["LOG_LEVEL", undefined],
  ])("nameKind(%s) = %s", (name, kind) => expect(nameKind(name)).toBe(kind));

  it.each([
    ["DB_PASS", "admin", true],
    ["DB_PASSWORD", "hunter2-is-long", true],
    ["DB_PASSWORD", "short", true],
    ["STRIPE_API_KEY", "sk_test_Zq81mVx02LkR", true],
    ["GITHUB_TOKEN", "f3Kq9ZrT0pLm2Wx7", true],
    ["CUSTOM_WEBHOOK_URL", "https://hooks.acme-corp.net/in/Tq3rZ8mW0xK2pL9sV4nB", true],
    ["DB_PASSWORD", "changeme", false],
    ["DB_PASSWORD", "<password>", false],
    ["AUTH_TOKEN", "short", false],
    ["AUTH_TOKEN", "xxxxxxxxxxxx", false],
    ["GITHUB_TOKEN", "abcdef0123456789", false],
    ["DB_PASSWORD", "arn:aws:secretsmanager:eu-west-1:1:secret:x", false],
    ["TOKEN_URL", "https://auth.example.com/oauth/token", false],
    ["SECRET_PATH", "/prod/app/secret", false],
    ["API_KEY", "${API_KEY_FROM_SSM}", false],
    ["LOG_LEVEL", "some-long-value-here", false],
    ["CACHE_KEY", "users:v2", false],
    ["S3_KEY", "uploads/2024/report-final.csv", false],
    ["STATUS_WEBHOOK_URL", "https://status.acme-corp.net/hooks/deploys", false],
    ["KMS_KEY", "alias/app-prod", false],
  ])("nameHint(%s, %s) = %s", (name, value, expected) => expect(nameHint(name, value)).toBe(expected));

  it("a value sealed in the console (KMS structure) is not a plaintext secret whatever the name", () => {
    expect(nameHint("DB_PASSWORD", fakeSealed("console"))).toBe(false);
    // 64 hex characters are valid base64 of 48 bytes, but not KMS ciphertext: the name decides.
    expect(nameHint("API_KEY", expandTemplate("{h:64}", "hex"))).toBe(true);
  });
});

describe("no detector output carries the value", () => {
  it("every rule's positive example, found under a neutral name, reaches no finding, message or report format", async () => {
    const { checkFunction } = await import("../../src/audit/check.js");
    const { renderReport } = await import("../../src/audit/format/index.js");
    const { leakRegistry, expectNoCanary } = await import("../support/canary.js");
    const variables: Record<string, string> = {};
    for (const [i, r] of PROVIDER_RULES.entries()) variables[`CONFIG_VALUE_${i}`] = expandTemplate(r.examples.positive, `leak/${r.id}`);
    variables.DB_PASS = `pw-${expandTemplate("{a:12}", "leak/pw")}`;
    // Register every planted value with the leak scanner, so this file's output and files are checked too.
    const canaries = Object.values(variables).map((v) => v.split("\n").sort((a, b) => b.length - a.length)[0]!.slice(0, 40));
    for (const c of canaries) leakRegistry().canaries.add(c);
    const fn = { region: "eu-west-1", name: "leak", arn: "arn:aws:lambda:eu-west-1:111122223333:function:leak", version: "$LATEST", variables, kmsKeyArn: undefined, environmentError: undefined };
    const findings = await checkFunction(fn);
    expect(findings.filter((f) => f.ruleId === "ES001")).toHaveLength(Object.keys(variables).length);
    const report = {
      schemaVersion: 1 as const,
      tool: { name: "envseal" as const, informationUri: "https://www.npmjs.com/package/envseal" },
      generatedAt: new Date(0).toISOString(),
      source: { mode: "offline" as const, input: "leak.json" },
      options: { allVersions: false, requireCmk: false, failOn: "high" as const, ignore: [], baseline: null },
      summary: { functionsScanned: 1, functionsNotScanned: 0, notScanned: [], functionsPerRegion: { "eu-west-1": 1 }, findingsBySeverity: { low: 0, medium: 0, high: 0, critical: 0 }, findingsTotal: findings.length, suppressedTotal: 0, keyChecks: "not checked" as const, keysChecked: 0, keysNotChecked: [], durationMs: 1, failed: true },
      findings,
      suppressed: [],
    };
    const texts = Object.fromEntries((["json", "sarif", "markdown", "table"] as const).map((f) => [f, renderReport(report, f)]));
    expectNoCanary(canaries, texts);
  });
});

describe("provider rules inside base64", () => {
  it("no rule fires inside 20,000 KMS-shaped blobs or random base64 strings", async () => {
    const { fakeSealed } = await import("../support/kms-blob.js");
    const rng = seededRng("b64-noise");
    for (let i = 0; i < 10_000; i++) {
      expect(matchProviderRule(fakeSealed(`noise/${i}`, 24 + (i % 200)))?.id).toBeUndefined();
      expect(matchProviderRule(expandTemplate("{b64:180}", rng))?.id).toBeUndefined();
    }
  });

  it("a token glued to a short path or label is still found", () => {
    const token = expandTemplate("ghp_{a:36}", "glued");
    expect(matchProviderRule(`org/${token}`)?.id).toBe("github-token");
  });
});
