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

describe("the literal parts of !Sub / !Join values (second pass)", () => {
  /** A partial value: `text` with `${Ref}` where the reference goes, `literal` the pieces joined. */
  const partial = (pieces: [string, string], line: number, ref = "Suffix"): TemplateValue =>
    value("partial", `${pieces[0]}\${${ref}}${pieces[1]}`, line, { literal: pieces.join(""), refs: [ref] });

  it("a secret-named value whose literal parts are a secret is ES001 on the value's line, with the template remediation", async () => {
    const secret = canary("part");
    const { findings, unknown } = await check({ STAGE: literal("prod", 6), API_TOKEN: partial([secret.slice(0, 20), secret.slice(20)], 9) });
    expect(unknown).toEqual([]);
    expect(brief(findings)).toEqual(["ES001 API_TOKEN 9"]);
    expect(findings[0]).toMatchObject({ detector: "name+entropy", remediation: TEMPLATE_ES001, location: { file: FILE, line: 9, column: 11 }, functionArn: ARN });
    expectNoCanary([secret], { findings: JSON.stringify(findings) });
  });

  it("the second pass keeps ES001 only: no ES004 from it when the function has no key", async () => {
    const secret = canary("part");
    const { findings } = await check({ API_TOKEN: partial([secret.slice(0, 20), secret.slice(20)], 9) }, { key: { kind: "absent" } });
    expect(brief(findings)).toEqual(["ES004 - 3", "ES001 API_TOKEN 9"]);
  });

  it("a value the first pass already flagged is not flagged twice", async () => {
    // The first pass finds the access key id in the text; the literal parts hold it too.
    const { findings } = await check({ API_SECRET: partial([FIXED_FAKES[0]!, "/suffix"], 9) });
    expect(brief(findings)).toEqual(["ES001 API_SECRET 9"]);
    expect(findings[0]).toMatchObject({ detector: "secretlint:aws", remediation: TEMPLATE_ES001 });
  });

  it("a value flagged by another live rule only (ES010) still has its literal parts judged", async () => {
    const secret = canary("part");
    const { findings } = await check({ AWS_ENDPOINT_URL_SECRETSMANAGER: partial([secret.slice(0, 20), secret.slice(20)], 9) });
    expect(brief(findings)).toEqual(["ES010 AWS_ENDPOINT_URL_SECRETSMANAGER 9", "ES001 AWS_ENDPOINT_URL_SECRETSMANAGER 9"]);
    expectNoCanary([secret], { findings: JSON.stringify(findings) });
  });

  it("only secret-named values go through the second pass: a key split by a reference in a setting is not judged", async () => {
    const key = FIXED_FAKES[0]!;
    const { findings } = await check({ SETTING: partial([key.slice(0, 8), key.slice(8)], 9, "Mid") });
    expect(findings).toEqual([]);
  });

  it("the second pass reports nothing but ES001: a `secure:` blob in the literal parts (ES012 there) is no finding", async () => {
    const { findings, unknown } = await check({ API_TOKEN: partial([`secure:${fakeSealed("contextless")}`, ""], 9) });
    expect(findings).toEqual([]);
    expect(unknown).toEqual([]);
  });

  it("literal values are not judged again (a secret-named literal nothing flagged stays clean)", async () => {
    const { findings } = await check({ DB_PASSWORD: literal("changeme", 7), API_TOKEN: literal("${Token}", 8) });
    expect(findings).toEqual([]);
  });

  it("sealed variables are left out, also when their manifest is known only at deploy time", async () => {
    const secret = canary("part");
    const sealedPartial = await check({ ENVSEAL_SEALED: literal("API_TOKEN:v2", 6), API_TOKEN: partial([secret.slice(0, 20), secret.slice(20)], 9) });
    expect(sealedPartial.findings).toEqual([]);
    expect(sealedPartial.unknown.map((u) => `${u.what}: ${u.reason}`)).toEqual(["variable API_TOKEN: ES002 not checked: value set at deploy time"]);
    const deployTimeManifest = await check({ ENVSEAL_SEALED: value("deferred", "${Sealed}", 6, { refs: ["Sealed"] }), API_TOKEN: partial([secret.slice(0, 20), secret.slice(20)], 9) });
    expect(brief(deployTimeManifest.findings)).toEqual(["ES001 API_TOKEN 9"]);
    expect(deployTimeManifest.unknown.map((u) => u.what)).toEqual(["variable ENVSEAL_SEALED"]);
  });

  it("in emulator mode a moto blob in the literal parts is sealed-looking, not a secret", async () => {
    const blob = fakeMotoSealed("rules-part");
    const vars = { API_TOKEN: partial([blob, ""], 9) };
    expect(brief((await check(vars)).findings)).toEqual(["ES001 API_TOKEN 9"]);
    expect((await check(vars, { emulator: "moto" })).findings).toEqual([]);
  });
});

describe("ES020 dynamic references", () => {
  const dyn = (services: Array<[TemplateValue["dynamic"][number]["service"], boolean]>, line: number): TemplateValue =>
    value("deferred", "${resolve}", line, { dynamic: services.map(([service, secretish]) => ({ service, secretish })) });

  it("one finding per variable, in name order, naming each service once (sorted); the severity follows the services", async () => {
    const { findings } = await check({
      Z_SETTING: dyn([["ssm", false]], 9),
      CONFIG: dyn([["ssm-secure", false], ["secretsmanager", false], ["ssm-secure", false]], 7),
      MIXED: dyn([["ssm", false], ["secretsmanager", false]], 8),
      DB_PASSWORD: dyn([["ssm", false]], 6),
      TABLE: dyn([["ssm", true]], 10),
    });
    expect(findings.map((f) => `${f.ruleId} ${f.variable} ${f.severity} ${f.location?.line}`)).toEqual([
      "ES020 CONFIG high 7",
      "ES020 DB_PASSWORD high 6",
      "ES020 MIXED high 8",
      "ES020 TABLE high 10",
      "ES020 Z_SETTING medium 9",
    ]);
    expect(findings[0]!.message).toBe(
      "CONFIG is set from a {{resolve:secretsmanager}} / {{resolve:ssm-secure}} dynamic reference: CloudFormation resolves it at deploy time and stores the secret in plain text in the function configuration",
    );
    expect(findings[0]).toMatchObject({ remediation: RULES.ES020.remediation, fingerprint: fingerprintOf("ES020", ARN, "CONFIG") });
  });
});

describe("ES021 secret parameters and sensitive values", () => {
  const ref = (refs: string[], line: number, extra: Partial<TemplateValue> = {}) => value("deferred", `\${${refs[0] ?? "x"}}`, line, { refs, ...extra });
  const file = fileOf(
    param("DbPassword", { noEcho: true }),
    param("ApiToken"),
    param("Signing", { ssmType: true, secretishDefault: true }),
    param("SessionToken", { ssmType: true }),
    param("TableName", { ssmType: true }),
    param("Stage"),
    param("Hidden", { noEcho: true, ssmType: true, secretishDefault: true }),
  );

  it("names the first secret parameter referenced and why it counts; resources and plain parameters are passed over", async () => {
    const { findings } = await check(
      {
        A_NOECHO: ref(["Bucket", "Stage", "DbPassword"], 6),
        B_NAMED: ref(["ApiToken"], 7),
        C_SSM: ref(["Signing"], 8),
        D_SSM_NAMED: ref(["SessionToken"], 9),
        E_PLAIN_SSM: ref(["TableName", "Stage", "Bucket"], 10),
        F_HIDDEN: ref(["Hidden"], 11),
      },
      { file },
    );
    expect(findings.map((f) => `${f.ruleId} ${f.variable} ${f.severity} ${f.location?.line}`)).toEqual([
      `ES021 A_NOECHO ${RULES.ES021.severity} 6`,
      `ES021 B_NAMED ${RULES.ES021.severity} 7`,
      `ES021 C_SSM ${RULES.ES021.severity} 8`,
      `ES021 D_SSM_NAMED ${RULES.ES021.severity} 9`,
      `ES021 F_HIDDEN ${RULES.ES021.severity} 11`,
    ]);
    const tail = ": the deployed function configuration holds that value in plain text";
    expect(findings.map((f) => f.message)).toEqual([
      `A_NOECHO takes its value from DbPassword (a NoEcho parameter)${tail}`,
      `B_NAMED takes its value from ApiToken (a parameter named like a secret)${tail}`,
      `C_SSM takes its value from Signing (an SSM-typed parameter naming a secret)${tail}`,
      `D_SSM_NAMED takes its value from SessionToken (a parameter named like a secret)${tail}`,
      `F_HIDDEN takes its value from Hidden (a NoEcho parameter)${tail}`,
    ]);
  });

  it("a value Terraform marks sensitive is ES021 when no secret parameter is referenced", async () => {
    const { findings } = await check({ API_KEY: ref(["Bucket"], 12, { sensitive: true }), PLAIN: ref([], 13, { sensitive: false }) }, { file });
    expect(findings).toEqual([
      rules.templateFinding(
        { id: "Api", file: FILE },
        "ES021",
        "API_KEY",
        "API_KEY holds a value Terraform marks sensitive: the deployed function configuration holds it in plain text",
        at(12),
      ),
    ]);
    expect(findings[0]!.message).toBe("API_KEY holds a value Terraform marks sensitive: the deployed function configuration holds it in plain text");
  });
});

describe("ES022 and the variables template rules skip", () => {
  it("a KMS-shaped literal the manifest does not list is ES022, with its message; a listed one is not", async () => {
    const { findings } = await check({ ENVSEAL_SEALED: literal("LISTED:v2", 5), LISTED: literal(fakeSealed("listed"), 6), STRAY: literal(fakeSealed("stray"), 7) });
    expect(brief(findings)).toEqual(["ES022 STRAY 7"]);
    expect(findings[0]!.message).toBe(
      "STRAY has the structure of a KMS ciphertext blob but ENVSEAL_SEALED does not list it, so the runtime will not open it and plaintext detection skips it",
    );
  });

  it("with no manifest at all a KMS-shaped literal is ES022 too; the bundle variable is envseal's own and skipped", async () => {
    const { findings } = await check({ ENVSEAL_BUNDLE: literal(fakeSealed("bundle"), 5), STRAY: literal(fakeSealed("stray"), 7) });
    // ES011 is the live rule on a bundle the manifest does not mark v2; no ES022 on the bundle itself.
    expect(brief(findings)).toEqual(["ES011 ENVSEAL_BUNDLE 5", "ES022 STRAY 7"]);
  });

  it("no ES022 when the manifest is known only at deploy time, nor on a value that is not a literal", async () => {
    const manifest = value("deferred", "${Sealed}", 5, { refs: ["Sealed"] });
    expect((await check({ ENVSEAL_SEALED: manifest, STRAY: literal(fakeSealed("stray"), 7) })).findings).toEqual([]);
    expect((await check({ WRAPPED: value("partial", fakeSealed("wrapped"), 7, { literal: "" }) })).findings).toEqual([]);
  });

  it("the manifest itself is not judged by the template rules (a manifest from a dynamic reference is unknown, not ES020)", async () => {
    const manifest = value("deferred", "${resolve:ssm}", 5, { dynamic: [{ service: "ssm", secretish: false }] });
    const { findings, unknown } = await check({ ENVSEAL_SEALED: manifest, STAGE: literal("prod", 6) });
    expect(findings).toEqual([]);
    expect(unknown.map((u) => u.what)).toEqual(["variable ENVSEAL_SEALED"]);
  });
});
