/**
 * Template rules in process (src/audit/template/rules.ts), on template functions built by hand: which live findings
 * become unknown values, where findings are placed and which remediation they carry, the second pass on the literal
 * parts of `!Sub` / `!Join` values, ES020 services and severity, ES021 parameter choice and wording, ES022 and what it
 * skips. rules.ts is imported in `beforeAll` (not at the top) so its module-level tables count for these tests.
 */
import { beforeAll, describe, expect, it } from "vitest";
import type { Finding } from "../../src/audit/types.js";
import type { KeyState, Pos, TemplateFile, TemplateFunction, TemplateParameter, TemplateValue } from "../../src/audit/template/types.js";
import { fingerprintOf } from "../../src/audit/check.js";
import { RULES } from "../../src/audit/rules.js";
import { canary, expectNoCanary } from "../support/canary.js";
import { FIXED_FAKES } from "../support/templates.js";
import { fakeMotoSealed, fakeSealed } from "../support/kms-blob.js";

let rules: typeof import("../../src/audit/template/rules.js");
beforeAll(async () => {
  rules = await import("../../src/audit/template/rules.js");
});

const FILE = "infra/api.yaml";
const ARN = "template:infra/api.yaml#Api";
const CMK: KeyState = { kind: "set", text: "arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab" };

const at = (line: number, column = 11): Pos => ({ line, column });

function literal(text: string, line: number): TemplateValue {
  return { kind: "literal", text, refs: [], dynamic: [], pos: at(line) };
}

function value(kind: TemplateValue["kind"], text: string, line: number, extra: Partial<TemplateValue> = {}): TemplateValue {
  return { kind, text, refs: [], dynamic: [], pos: at(line), ...extra };
}

function fnOf(variables: Record<string, TemplateValue>, key: KeyState = CMK): TemplateFunction {
  return { id: "Api", file: FILE, pos: { line: 3, column: 3 }, variables: new Map(Object.entries(variables)), key, metadataSuppressions: [] };
}

function fileOf(...parameters: TemplateParameter[]): TemplateFile {
  return { file: FILE, format: "cloudformation", functions: [], parameters: new Map(parameters.map((p) => [p.name, p])), comments: [], commentOnlyLines: new Set(), unknown: [] };
}

const param = (name: string, extra: Partial<TemplateParameter> = {}): TemplateParameter => ({ name, noEcho: false, ssmType: false, secretishDefault: false, ...extra });

async function check(variables: Record<string, TemplateValue>, options: { key?: KeyState; file?: TemplateFile; emulator?: "moto" } = {}) {
  return rules.checkTemplateFunction(fnOf(variables, options.key), options.file ?? fileOf(), { emulator: options.emulator });
}

/** `RULE VARIABLE line` of each finding, in report order. */
const brief = (list: readonly Finding[]) => list.map((f) => `${f.ruleId} ${f.variable ?? "-"} ${f.location?.line}`);

const TEMPLATE_ES001 =
  "take the secret out of the template: seal it (`envseal encrypt --function F --key K NAME`, then list NAME in ENVSEAL_SEALED) or pass a Secrets Manager ARN and fetch it at run time; rotate it, since version control keeps it";

describe("module constants and small helpers", () => {
  it("template findings carry the region `template`", () => {
    expect(rules.TEMPLATE_REGION).toBe("template");
  });

  it("toAuditedFunction: the key as written, `${unknown}` when known only at deploy time, none when absent", () => {
    const vars = { STAGE: literal("prod", 7), TABLE: value("deferred", "${Table}", 8, { refs: ["Table"] }) };
    expect(rules.toAuditedFunction(fnOf(vars))).toEqual({
      region: "template",
      name: "Api",
      arn: ARN,
      version: "$LATEST",
      variables: { STAGE: "prod", TABLE: "${Table}" },
      kmsKeyArn: CMK.kind === "set" ? CMK.text : "",
      environmentError: undefined,
    });
    expect(rules.toAuditedFunction(fnOf(vars, { kind: "unknown" })).kmsKeyArn).toBe("${unknown}");
    expect(rules.toAuditedFunction(fnOf(vars, { kind: "absent" })).kmsKeyArn).toBeUndefined();
  });

  it("templateFinding: located, fingerprinted on the template identity, default severity and remediation of the rule", () => {
    expect(rules.templateFinding({ id: "Api", file: FILE }, "ES022", "TOKEN", "TOKEN looks sealed", { line: 9, column: 14 })).toEqual({
      ruleId: "ES022",
      severity: RULES.ES022.severity,
      region: "template",
      functionName: "Api",
      functionArn: ARN,
      version: "$LATEST",
      variable: "TOKEN",
      message: "TOKEN looks sealed",
      remediation: RULES.ES022.remediation,
      fingerprint: fingerprintOf("ES022", ARN, "TOKEN"),
      location: { file: FILE, line: 9, column: 14 },
    });
    const custom = rules.templateFinding({ id: "Api", file: FILE }, "ES023", null, "m", { line: 1, column: 1 }, { severity: "high", fingerprintKey: "line 1" });
    expect(custom).toMatchObject({ severity: "high", variable: null, fingerprint: fingerprintOf("ES023", ARN, "line 1") });
  });
});

describe("live findings in a template", () => {
  it("a clean function has no findings and no unknown values", async () => {
    expect(await check({ STAGE: literal("prod", 7) })).toEqual({ findings: [], unknown: [] });
  });

  it("ES001 on a literal carries the template remediation and the value's position; the value never reaches the message", async () => {
    const secret = canary("rules");
    const { findings, unknown } = await check({ STAGE: literal("prod", 7), DB_PASSWORD: literal(secret, 8) });
    expect(unknown).toEqual([]);
    expect(brief(findings)).toEqual(["ES001 DB_PASSWORD 8"]);
    expect(findings[0]).toMatchObject({ region: "template", functionArn: ARN, remediation: TEMPLATE_ES001, location: { file: FILE, line: 8, column: 11 } });
    expectNoCanary([secret], { findings: JSON.stringify(findings) });
  });

  it("ES002 on a literal sealed variable is a finding with the template remediation; ES004 names the key to set", async () => {
    const { findings, unknown } = await check({ ENVSEAL_SEALED: literal("TOKEN:v2", 6), TOKEN: literal("not-sealed-at-all", 7) }, { key: { kind: "absent" } });
    expect(unknown).toEqual([]);
    expect(brief(findings)).toEqual(["ES002 TOKEN 7", "ES004 - 3"]);
    expect(findings.map((f) => f.remediation)).toEqual([
      "put the sealed value `envseal encrypt` prints in the template, or remove the variable from ENVSEAL_SEALED",
      "set KmsKeyArn (Terraform: kms_key_arn) to a customer managed key",
    ]);
  });

  it("ES003 for a listed variable the template does not set is placed on the manifest, with the template remediation", async () => {
    const { findings, unknown } = await check({ ENVSEAL_SEALED: literal("GONE", 6) });
    expect(unknown).toEqual([]);
    expect(brief(findings)).toEqual(["ES003 GONE 6"]);
    expect(findings[0]!.remediation).toBe("make ENVSEAL_SEALED list exactly the sealed variables the template sets");
  });

  it("ES002 / ES003 on values set at deploy time are unknown values, not findings", async () => {
    const sealedFromParam = await check({ ENVSEAL_SEALED: literal("TOKEN:v2", 6), TOKEN: value("deferred", "${Token}", 7, { refs: ["Token"] }) });
    expect(sealedFromParam).toEqual({
      findings: [],
      unknown: [{ location: { file: FILE, line: 7, column: 11 }, function: "Api", what: "variable TOKEN", reason: "ES002 not checked: value set at deploy time" }],
    });
    const manifestFromParam = await check({ ENVSEAL_SEALED: value("deferred", "${Sealed}", 6, { refs: ["Sealed"] }), STAGE: literal("prod", 7) });
    expect(manifestFromParam).toEqual({
      findings: [],
      unknown: [{ location: { file: FILE, line: 6, column: 11 }, function: "Api", what: "variable ENVSEAL_SEALED", reason: "ES003 not checked: value set at deploy time" }],
    });
  });

  it("other live rules on a deploy-time value stay findings (ES011 on a v1 sealed variable, ES010 on a proxy from a parameter)", async () => {
    const v1 = await check({ ENVSEAL_SEALED: literal("TOKEN", 6), TOKEN: value("deferred", "${Token}", 7, { refs: ["Token"] }) });
    expect(brief(v1.findings)).toEqual(["ES011 TOKEN 7"]);
    expect(v1.unknown.map((u) => u.reason)).toEqual(["ES002 not checked: value set at deploy time"]);
    const { findings, unknown } = await check({ HTTPS_PROXY: value("deferred", "${Proxy}", 7, { refs: ["Proxy"] }) });
    expect(unknown).toEqual([]);
    expect(brief(findings)).toEqual(["ES010 HTTPS_PROXY 7"]);
  });
});
