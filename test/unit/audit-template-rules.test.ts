/**
 * Template rules on the fixtures (canaries planted): the live rules through checkFunction, ES020–ES023, SAM Globals,
 * CDK assemblies with nested stacks, Terraform plans with unknown values, inline suppressions, and fingerprints that
 * survive line moves. Positive and negative cases per rule; locations checked against the file text.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { auditTemplates, type TemplateAuditResult } from "../../src/audit/template/audit.js";
import type { Finding } from "../../src/audit/types.js";
import { FIXED_FAKES, plantFixtures, positionOf, type PlantedFixtures } from "../support/templates.js";
import { canary, expectNoCanary, tempDir } from "../support/canary.js";
import { fakeMotoSealed, fakeSealed } from "../support/kms-blob.js";

let planted: PlantedFixtures;
let result: TemplateAuditResult;
beforeAll(async () => {
  planted = plantFixtures("cfn", "sam", "json", "terraform", "cdk.out", "clean");
  result = await auditTemplates(["cfn", "sam", "json", "terraform", "cdk.out", "clean"], { cwd: planted.dir });
});

/** `RULE VARIABLE` (or `RULE -`) of a function's findings, sorted. */
function of(fn: string, list: readonly Finding[] = result.findings): string[] {
  return list
    .filter((f) => f.functionName === fn)
    .map((f) => `${f.ruleId} ${f.variable ?? "-"}`)
    .sort();
}

function find(fn: string, rule: string, variable: string | null): Finding {
  const f = result.findings.find((x) => x.functionName === fn && x.ruleId === rule && x.variable === variable);
  if (!f) throw new Error(`no ${rule} ${variable} on ${fn}`);
  return f;
}

const text = (file: string) => readFileSync(join(planted.dir, file), "utf8");

describe("CloudFormation YAML with intrinsic tags", () => {
  it("deploy-time values (!Ref, !GetAtt, !If, !Select, …) are not plaintext secrets; no key: ES004 only", () => {
    expect(of("Tagged")).toEqual(["ES004 -"]);
    expect(find("Tagged", "ES004", null).location).toEqual({ file: "cfn/intrinsics.yaml", ...positionOf(text("cfn/intrinsics.yaml"), "Tagged:") });
  });

  it("a !Sub or !Join whose literal part carries a secret is one (ES001); short literals around references are not", () => {
    expect(of("SubSecret")).toEqual(["ES001 API_KEY", "ES001 DATABASE_URL"]);
    const f = find("SubSecret", "ES001", "DATABASE_URL");
    expect(f).toMatchObject({ detector: "url-credentials", confidence: "high", severity: "high" });
    const at = positionOf(text("cfn/intrinsics.yaml"), "!Sub \"postgres://");
    expect(f.location).toEqual({ file: "cfn/intrinsics.yaml", ...at });
  });
});

describe("keys written in the template (the shapes CKV_AWS_45 knows)", () => {
  it("an AWS access key id and a private key are critical; a secret found by its name alone is medium (name + entropy)", () => {
    const found = result.findings.filter((f) => f.functionName === "LegacyUploader");
    const sev = found.map((f) => `${f.ruleId} ${f.variable} ${f.severity} ${f.confidence}`);
    expect(sev.sort()).toEqual(["ES001 SIGNING_KEY critical high", "ES001 UPLOAD_KEY_ID critical high", "ES001 UPLOAD_SECRET medium medium"]);
    expect(found.find((f) => f.variable === "UPLOAD_SECRET")?.detector).toBe("name+entropy");
  });
});

describe("SAM Globals", () => {
  it("variables are inherited (located in Globals) and KmsKeyArn too", () => {
    expect(of("Inherits")).toEqual(["ES001 SHARED_PASSWORD"]);
    const at = positionOf(text("sam/globals.yaml"), planted.canaries.SHARED ?? "missing canary");
    expect(find("Inherits", "ES001", "SHARED_PASSWORD").location).toEqual({ file: "sam/globals.yaml", ...at });
  });

  it("a function's own variable and key win over Globals", () => {
    expect(of("Overrides")).toEqual(["ES020 SHARED_PASSWORD"]);
  });

  it("Globals apply to AWS::Serverless::Function only", () => {
    expect(of("Plain")).toEqual(["ES004 -"]);
  });
});

describe("ES020 dynamic references", () => {
  it("secretsmanager and ssm-secure are high, an ssm parameter that says secret is high, another ssm parameter medium", () => {
    const sev = Object.fromEntries(result.findings.filter((f) => f.functionName === "Resolver").map((f) => [f.variable, `${f.ruleId} ${f.severity}`]));
    expect(sev).toEqual({
      DB_PASSWORD: "ES020 high",
      API_KEY: "ES020 high",
      SIGNING: "ES020 high",
      TABLE_NAME: "ES020 medium",
      DB_URL: "ES020 high",
    });
  });

  it("a dynamic reference is not also reported as a plaintext secret, and !Ref to a secret resource (its ARN) is fine", () => {
    expect(of("Resolver")).not.toContain("ES001 DB_URL");
    expect(of("Resolver").some((x) => x.endsWith("SECRET_ARN"))).toBe(false);
  });

  it("the message names the service, never the secret id", () => {
    const f = find("Resolver", "ES020", "DB_PASSWORD");
    expect(f.message).toContain("{{resolve:secretsmanager}}");
    expect(f.message).not.toContain("prod/db");
  });
});

describe("ES021 secret parameters", () => {
  it("NoEcho, named like a secret (also in !Sub), and SSM-typed parameters naming a secret; not references, not sealed variables", () => {
    expect(of("Consumer")).toEqual(["ES021 AUTH_HEADER", "ES021 DB_PASSWORD", "ES021 SIGNING"]);
    expect(find("Consumer", "ES021", "DB_PASSWORD").message).toContain("DbPassword (a NoEcho parameter)");
    expect(find("Consumer", "ES021", "AUTH_HEADER").message).toContain("ApiToken (a parameter named like a secret)");
  });

  it("a sealed variable whose value comes from a parameter is unknown for ES002, not a finding", () => {
    expect(result.unknown).toContainEqual(
      expect.objectContaining({ function: "Consumer", what: "variable SEALED_PASSWORD", reason: "ES002 not checked: value set at deploy time" }),
    );
  });

  it("JSON templates: long-form Ref to a NoEcho parameter", () => {
    expect(of("JsonFunction")).toEqual(["ES001 SIGNING_SECRET", "ES004 -", "ES020 DB_PASSWORD", "ES021 SERVICE_PASSWORD"]);
    const at = positionOf(text("json/template.json"), '{ "Ref": "ServicePassword" }');
    expect(find("JsonFunction", "ES021", "SERVICE_PASSWORD").location).toEqual({ file: "json/template.json", ...at });
  });
});

describe("ES022 and the live sealed-value rules", () => {
  it("a literal that looks sealed but is not in ENVSEAL_SEALED is ES022; a listed one is clean", () => {
    expect(of("Sealed")).toEqual(["ES022 ADOPT_ME"]);
  });

  it("ES002 (listed but not ciphertext) and ES003 (listed but missing, located at the manifest)", () => {
    expect(of("Broken")).toEqual(["ES002 API_KEY", "ES003 GONE"]);
    const at = positionOf(text("cfn/sealed.yaml"), "API_KEY:v2,GONE:v2");
    expect(find("Broken", "ES003", "GONE").location).toEqual({ file: "cfn/sealed.yaml", ...at });
  });

  it("template remediations say what to change in the template", () => {
    expect(find("Broken", "ES002", "API_KEY").remediation).toContain("envseal encrypt");
    expect(find("Plain", "ES004", null).remediation).toContain("KmsKeyArn");
  });
});

/** Write one template into a fresh folder and return the folder. */
function oneTemplate(body: string): string {
  const dir = join(tempDir("envseal-template-one-"), "allowed-secret");
  mkdirSync(dir);
  writeFileSync(join(dir, "t.yaml"), body);
  return dir;
}

/** A function `Fn` with a customer managed key and these `Variables:` lines. */
function fnWith(variables: Record<string, string>, parameters = ""): string {
  const vars = Object.entries(variables).map(([k, v]) => `          ${k}: ${v}\n`).join("");
  return (
    `${parameters ? `Parameters:\n${parameters}` : ""}Resources:\n  Fn:\n    Type: AWS::Lambda::Function\n    Properties:\n` +
    `      KmsKeyArn: arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab\n      Environment:\n        Variables:\n${vars}`
  );
}

describe("ES022 judges by the structure of a KMS blob (looksSealed), as ES002 does", () => {
  const random = Buffer.from(Array.from({ length: 150 }, (_, i) => (i * 97 + 13) % 256)).toString("base64");
  const vars = { ENVSEAL_SEALED: "LISTED:v2", LISTED: fakeSealed("es022/listed"), KMS_SHAPED: fakeSealed("es022/unlisted"), RANDOM_B64: random, MOTO_BLOB: fakeMotoSealed("es022/moto") };

  it("a KMS-shaped literal outside the manifest is ES022; base64 without the structure is not; moto's blobs only in emulator mode", async () => {
    const dir = oneTemplate(fnWith(vars));
    const aws = await auditTemplates(["t.yaml"], { cwd: dir });
    expect(of("Fn", aws.findings)).toEqual(["ES022 KMS_SHAPED"]);
    const moto = await auditTemplates(["t.yaml"], { cwd: dir, emulator: "moto" });
    expect(of("Fn", moto.findings)).toEqual(["ES022 KMS_SHAPED", "ES022 MOTO_BLOB"]);
  });

  it("a listed moto blob is ES002 against AWS and sealed in emulator mode, also through audit()", async () => {
    const dir = oneTemplate(fnWith({ ENVSEAL_SEALED: "MOTO_BLOB:v2", MOTO_BLOB: fakeMotoSealed("es022/moto") }));
    expect(of("Fn", (await auditTemplates(["t.yaml"], { cwd: dir })).findings)).toEqual(["ES002 MOTO_BLOB"]);
    const { audit } = await import("../../src/audit/run.js");
    const report = await audit({ templates: ["t.yaml"], cwd: dir, emulator: "moto", failOn: "none" });
    expect(report.findings).toEqual([]);
  });
});

describe("one name classifier (nameKind) for variables and template parameters", () => {
  it("parameters named as passwords, secrets or webhooks are ES021; a bare …Key or a reference name is not", async () => {
    const params = ["DbPass", "SlackWebhookUrl", "ClientSecret", "CacheKey", "ClientSecretArn"].map((p) => `  ${p}:\n    Type: String\n`).join("");
    const dir = oneTemplate(fnWith({ A: "!Ref DbPass", B: "!Ref SlackWebhookUrl", C: "!Ref ClientSecret", D: "!Ref CacheKey", E: "!Ref ClientSecretArn" }, params));
    const r = await auditTemplates(["t.yaml"], { cwd: dir });
    expect(of("Fn", r.findings)).toEqual(["ES021 A", "ES021 B", "ES021 C"]);
  });

  it("the literal part of a !Sub / !Join under a secret name is judged by name + entropy; a short or plain literal is not", async () => {
    const secret = canary("joined");
    const dir = oneTemplate(
      fnWith(
        {
          API_KEY: `!Join ["", ["${secret}", "-", !Ref AWS::Region]]`,
          API_TOKEN: '!Sub "${AWS::Region}-${AWS::AccountId}"',
          CACHE_KEY: '!Sub "orders-cache-${AWS::Region}"',
          GREETING: '!Sub "Hello from ${AWS::StackName}, have a nice day"',
        },
      ),
    );
    const r = await auditTemplates(["t.yaml"], { cwd: dir });
    expect(of("Fn", r.findings)).toEqual(["ES001 API_KEY"]);
    const f = r.findings[0];
    expect(f).toMatchObject({ severity: "medium", confidence: "medium", detector: "name+entropy", location: { file: "t.yaml", line: 8 } });
    expectNoCanary([secret], { report: JSON.stringify(r) });
  });
});

describe("CDK cloud assembly", () => {
  it("reads the stacks of manifest.json, nested stacks via aws:asset:path (named Parent/Nested/Function) and stage assemblies", () => {
    expect(result.files.map((f) => f.file).filter((f) => f.startsWith("cdk.out/"))).toEqual([
      "cdk.out/AppStack.template.json",
      "cdk.out/AppStackDataNestedStackDataNestedStackResource4A2D1E3B.nested.template.json",
      "cdk.out/assembly-Prod/ProdApi.template.json",
    ]);
    expect(of("ApiF70053CD")).toEqual(["ES001 STRIPE_API_KEY", "ES004 -"]);
    expect(of("DataNestedStackDataNestedStackResource4A2D1E3B/IngestFn2B3C4D5E")).toEqual(["ES001 INGEST_PASSWORD", "ES004 -"]);
    expect(of("Handler886CB40B")).toEqual([]);
  });
});

describe("Terraform plan", () => {
  it("resource_changes: a sensitive plaintext value is ES001 and ES021; no kms_key_arn is ES004", () => {
    expect(of("aws_lambda_function.api")).toEqual(["ES001 DB_PASSWORD", "ES004 -", "ES021 DB_PASSWORD"]);
  });

  it("unknown after apply is unknown, never clean: listed with its location, and an unknown key is no ES004", () => {
    expect(of('module.worker.aws_lambda_function.this["jobs"]')).toEqual([]);
    expect(of("aws_lambda_function.dynamic")).toEqual([]);
    const tf = result.unknown.filter((u) => u.location.file === "terraform/plan.json").map((u) => `${u.function} ${u.what} ${u.reason}`);
    expect(tf).toEqual([
      "aws_lambda_function.api variable TABLE_NAME known after apply",
      'module.worker.aws_lambda_function.this["jobs"] kms_key_arn known after apply',
      "aws_lambda_function.dynamic environment known after apply",
    ]);
  });

  it("deleted resources and data sources are skipped; unchanged (no-op) ones are audited; an empty kms_key_arn is none", () => {
    expect(result.findings.some((f) => f.functionName.includes(".old") || f.functionName.startsWith("data."))).toBe(false);
    expect(of("module.legacy.aws_lambda_function.report")).toEqual(["ES001 REPORT_API_TOKEN", "ES004 -"]);
  });

  it("planned_values adds what resource_changes lacks (sensitive_values marks sensitive ones)", async () => {
    const copy = plantFixtures("terraform");
    const plan = JSON.parse(readFileSync(join(copy.dir, "terraform/plan.json"), "utf8"));
    writeFileSync(join(copy.dir, "values-only.json"), JSON.stringify({ ...plan, resource_changes: [] }));
    const r = await auditTemplates(["values-only.json"], { cwd: copy.dir });
    const got = r.findings.map((f) => `${f.functionName} ${f.ruleId} ${f.variable ?? "-"}`).sort();
    expect(got).toEqual([
      "aws_lambda_function.api ES001 DB_PASSWORD",
      "aws_lambda_function.api ES004 -",
      "aws_lambda_function.api ES021 DB_PASSWORD",
      'module.legacy.aws_lambda_function.report ES001 REPORT_API_TOKEN',
      "module.legacy.aws_lambda_function.report ES004 -",
      'module.worker.aws_lambda_function.this["jobs"] ES004 -',
    ]);
  });
});

describe("inline suppressions", () => {
  it("Metadata entries (whole function or one variable) and comments (same line, or directly above) suppress; a # in a string does not", () => {
    expect(of("Suppressed")).toEqual(["ES001 API_SECRET", "ES023 -"]);
    const by = result.suppressed.filter((s) => s.functionName === "Suppressed").map((s) => `${s.ruleId} ${s.variable ?? "-"} ${s.suppressedBy}`);
    expect(by.sort()).toEqual([
      "ES001 LEGACY_TOKEN inline:metadata",
      "ES001 NEXT_PASSWORD inline:comment",
      "ES001 OLD_PASSWORD inline:comment",
      "ES004 - inline:metadata",
    ]);
    expect(result.suppressed.find((s) => s.variable === "OLD_PASSWORD")?.reason).toBe("fixture value, rotated by the vendor");
  });

  it("ES023: an entry (on its function) or a comment (on the template) without a reason or naming an unknown rule, located where written", () => {
    const es023 = result.findings.filter((f) => f.ruleId === "ES023").map((f) => `${f.location?.line} ${f.message}`);
    expect(of("(template)").filter((x) => x.startsWith("ES023"))).toHaveLength(2);
    const t = text("cfn/suppressions.yaml");
    expect(es023.sort()).toEqual(
      [
        `${positionOf(t, "- id: ES021").line} a Metadata envseal.ignore entry gives no reason`,
        `${positionOf(t, "# envseal-ignore ES001\n").line} an envseal-ignore comment gives no reason`,
        `${positionOf(t, "# envseal-ignore ES999").line} an envseal-ignore comment names unknown rule ES999`,
      ].sort(),
    );
  });
});

describe("suppression text is never echoed", () => {
  it("a Metadata id that is not rule-shaped is reported as such, without its text", async () => {
    const secret = canary("metadata-id");
    const dir = join(tempDir("envseal-template-metadata-"), "allowed-secret");
    mkdirSync(dir);
    writeFileSync(
      join(dir, "t.yaml"),
      `Resources:\n  Fn:\n    Type: AWS::Lambda::Function\n    Metadata:\n      envseal:\n        ignore:\n          - id: "${secret}"\n            reason: pasted the wrong thing\n    Properties:\n      Environment:\n        Variables:\n          A: b\n`,
    );
    const r = await auditTemplates(["t.yaml"], { cwd: dir });
    const es023 = r.findings.filter((f) => f.ruleId === "ES023");
    expect(es023.map((f) => f.message)).toEqual(["a Metadata envseal.ignore entry names unknown rule (not a rule id)"]);
    expectNoCanary([secret], { report: JSON.stringify(r) });
  });
});

describe("negatives and identity", () => {
  it("a clean template has no finding and nothing unknown", () => {
    expect(of("Clean")).toEqual([]);
    expect(result.unknown.filter((u) => u.location.file.startsWith("clean/"))).toEqual([]);
  });

  it("every finding has a location and an ARN of the form template:FILE#ID; no value of the fixtures appears anywhere", () => {
    for (const f of [...result.findings, ...result.suppressed]) {
      expect(f.location, `${f.ruleId} ${f.functionName}`).toBeDefined();
      expect(f.functionArn).toBe(`template:${f.location?.file}#${f.functionName}`);
      expect(f.region).toBe("template");
    }
    expectNoCanary([...planted.all, ...FIXED_FAKES], { findings: JSON.stringify(result) });
  });

  it("fingerprints are stable when lines move (rule + file + logical id + variable)", async () => {
    const before = new Map(result.findings.filter((f) => f.location?.file === "cfn/parameters.yaml").map((f) => [f.fingerprint, f.location?.line]));
    const copy = plantFixtures("cfn");
    const path = join(copy.dir, "cfn/parameters.yaml");
    writeFileSync(path, `# a new comment line\n\n${readFileSync(path, "utf8")}`);
    const moved = await auditTemplates(["cfn/parameters.yaml"], { cwd: copy.dir });
    expect(moved.findings.map((f) => f.fingerprint).sort()).toEqual([...before.keys()].sort());
    for (const f of moved.findings) expect(f.location?.line).toBe((before.get(f.fingerprint) ?? 0) + 2);
  });
});
