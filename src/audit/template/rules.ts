/**
 * Rules on template functions. Each function becomes an {@link AuditedFunction} and goes through the live auditor's
 * own `checkFunction`, so every live rule applies to templates as it is written; findings are then placed on the
 * template line. On top come the template-only rules: ES020 (dynamic references), ES021 (secret parameters and
 * sensitive Terraform values), ES022 (sealed-looking values outside the manifest) and ES023 (suppressions without a
 * reason). Values are read, never copied into a finding.
 * @module
 */
import { looksSealed, type Emulator } from "../../core/ciphertext.js";
import { BUNDLE_VAR, MANIFEST_VAR, parseManifest } from "../../core/manifest.js";
import { checkFunction, fingerprintOf } from "../check.js";
import { nameKind } from "../detect/names.js";
import { RULES } from "../rules.js";
import type { AuditedFunction, Finding, FindingLocation, RuleId, Severity } from "../types.js";
import type { Pos, TemplateFile, TemplateFunction, TemplateValue, UnknownValue } from "./types.js";

/**
 * The region template findings carry: a template is not deployed anywhere yet.
 *
 * @example
 * ```ts
 * report.findings.filter((f) => f.region === TEMPLATE_REGION);
 * ```
 */
export const TEMPLATE_REGION = "template";

/** What to do about a live rule's finding when it is in a template (the live remediation names deployed functions). */
const TEMPLATE_REMEDIATION: Partial<Record<RuleId, string>> = {
  ES001:
    "take the secret out of the template: seal it (`envseal encrypt --function F --key K NAME`, then list NAME in ENVSEAL_SEALED) or pass a Secrets Manager ARN and fetch it at run time; rotate it, since version control keeps it",
  ES002: "put the sealed value `envseal encrypt` prints in the template, or remove the variable from ENVSEAL_SEALED",
  ES003: "make ENVSEAL_SEALED list exactly the sealed variables the template sets",
  ES004: "set KmsKeyArn (Terraform: kms_key_arn) to a customer managed key",
};

/** Live rules that judge the shape of a value: on a value known only at deploy time they cannot say anything. */
const VALUE_SHAPE_RULES: ReadonlySet<RuleId> = new Set<RuleId>(["ES002", "ES003"]);

/**
 * The identity of a template function in findings: `template:FILE#ID`. Fingerprints hash it with the rule and the
 * variable, so they survive edits that move lines.
 *
 * @example
 * ```ts
 * templateArn("infra/api.yaml", "OrdersFunction"); // "template:infra/api.yaml#OrdersFunction"
 * ```
 */
export function templateArn(file: string, id: string): string {
  return `template:${file}#${id}`;
}

/**
 * A template function as the live rules see it: literal values as written, references as `${…}` placeholders.
 *
 * @example
 * ```ts
 * const fn = toAuditedFunction(templateFn);
 * await checkFunction(fn); // ES001, ES002, ES003, ES004, ES008 and every rule added there later
 * ```
 */
export function toAuditedFunction(fn: TemplateFunction): AuditedFunction {
  return {
    region: TEMPLATE_REGION,
    name: fn.id,
    arn: templateArn(fn.file, fn.id),
    version: "$LATEST",
    variables: Object.fromEntries([...fn.variables].map(([name, v]) => [name, v.text])),
    kmsKeyArn: fn.key.kind === "absent" ? undefined : fn.key.kind === "set" ? fn.key.text : "${unknown}",
    environmentError: undefined,
  };
}

/** Split `DbPassword` into `Db_Password` so the name classifier sees the words of CloudFormation-style names. */
function words(name: string): string {
  return name.replace(/([a-z0-9])([A-Z])/g, "$1_$2");
}

/**
 * True when a name alone says secret: the live detectors' classifier ({@link nameKind}) calls it a password, a
 * secret or a webhook URL. A bare `…_KEY` ("key") does not count here: the live rules decide those by the value (cache,
 * partition and object keys are not secrets), and a parameter or dynamic reference has no value before deploy.
 *
 * @example
 * ```ts
 * namedSecret("DbPassword");      // true
 * namedSecret("DB_PASSWORD_ARN"); // false: a reference
 * namedSecret("CacheKey");        // false
 * ```
 */
export function namedSecret(name: string): boolean {
  const kind = nameKind(words(name));
  return kind !== undefined && kind !== "key";
}

function at(file: string, pos: Pos): FindingLocation {
  return { file, line: pos.line, column: pos.column };
}

/**
 * A finding of a template rule, located and fingerprinted like the live ones.
 *
 * @example
 * ```ts
 * templateFinding(fn, "ES022", "TOKEN", "TOKEN looks sealed …", { line: 9, column: 14 });
 * ```
 */
export function templateFinding(
  fn: Pick<TemplateFunction, "id" | "file">,
  ruleId: RuleId,
  variable: string | null,
  message: string,
  pos: Pos,
  options: { severity?: Severity; fingerprintKey?: string } = {},
): Finding {
  const arn = templateArn(fn.file, fn.id);
  return {
    ruleId,
    severity: options.severity ?? RULES[ruleId].severity,
    region: TEMPLATE_REGION,
    functionName: fn.id,
    functionArn: arn,
    version: "$LATEST",
    variable,
    message,
    remediation: RULES[ruleId].remediation,
    fingerprint: fingerprintOf(ruleId, arn, options.fingerprintKey ?? variable),
    location: at(fn.file, pos),
  };
}

/** The sealed variables the template declares, or `undefined` when its manifest is not a literal list. */
function sealedNames(fn: TemplateFunction): Set<string> | undefined {
  const manifest = fn.variables.get(MANIFEST_VAR);
  if (!manifest) return new Set();
  if (manifest.kind !== "literal") return undefined;
  try {
    return new Set(parseManifest(manifest.text));
  } catch {
    return undefined;
  }
}

/**
 * Run every rule on one template function. Live findings on values only known at deploy time are not reported as
 * findings but as unknown values (never clean).
 *
 * @example
 * ```ts
 * const { findings, unknown } = await checkTemplateFunction(fn, file, { requireCmk: false });
 * ```
 */
export async function checkTemplateFunction(
  fn: TemplateFunction,
  file: TemplateFile,
  options: { requireCmk?: boolean; emulator?: Emulator | undefined } = {},
): Promise<{ findings: Finding[]; unknown: UnknownValue[] }> {
  const findings: Finding[] = [];
  const unknown: UnknownValue[] = [];
  const manifestPos = fn.variables.get(MANIFEST_VAR)?.pos;
  for (const f of await checkFunction(toAuditedFunction(fn), { requireCmk: Boolean(options.requireCmk), emulator: options.emulator })) {
    const value = f.variable ? fn.variables.get(f.variable) : undefined;
    if (value && value.kind !== "literal" && VALUE_SHAPE_RULES.has(f.ruleId)) {
      unknown.push({ location: at(fn.file, value.pos), function: fn.id, what: `variable ${f.variable}`, reason: `${f.ruleId} not checked: value set at deploy time` });
      continue;
    }
    const pos = value?.pos ?? (f.variable ? manifestPos : undefined) ?? fn.pos;
    findings.push({ ...f, remediation: TEMPLATE_REMEDIATION[f.ruleId] ?? f.remediation, location: at(fn.file, pos) });
  }
  const sealed = sealedNames(fn);
  findings.push(...(await literalPartFindings(fn, findings, sealed, options.emulator)));
  for (const [name, value] of [...fn.variables].sort(([a], [b]) => a.localeCompare(b))) {
    // As in the live rules, only envseal's own two variables are skipped: any other name, ENVSEAL_-prefixed or not, can
    // hold a secret.
    if (name === MANIFEST_VAR || name === BUNDLE_VAR || sealed?.has(name)) continue;
    findings.push(...referenceFindings(fn, file, name, value));
    if (sealed && value.kind === "literal" && looksSealed(value.text, { emulator: options.emulator }).sealed) {
      findings.push(
        templateFinding(fn, "ES022", name, `${name} has the structure of a KMS ciphertext blob but ${MANIFEST_VAR} does not list it, so the runtime will not open it and plaintext detection skips it`, value.pos),
      );
    }
  }
  return { findings, unknown };
}

/**
 * ES001 on the literal parts of `!Sub` / `!Join` values. The value detectors match inside a value, so the first pass
 * finds a token or a connection string around a reference; the name + entropy detector judges the whole value and
 * takes a `${…}` in it for a placeholder not filled in yet — true of a live value, not of a template, where the
 * literal parts are deployed as written. So a secret-named partial value nothing flagged goes through `checkFunction`
 * once more, its references left out, and only ES001 is kept: the same detectors, messages and fingerprints.
 */
async function literalPartFindings(
  fn: TemplateFunction,
  found: readonly Finding[],
  sealed: ReadonlySet<string> | undefined,
  emulator: Emulator | undefined,
): Promise<Finding[]> {
  const flagged = new Set(found.filter((f) => f.ruleId === "ES001").map((f) => f.variable));
  const parts = [...fn.variables].filter(
    ([name, v]) => v.literal !== undefined && nameKind(name) !== undefined && !flagged.has(name) && !sealed?.has(name) && name !== MANIFEST_VAR && name !== BUNDLE_VAR,
  );
  if (parts.length === 0) return [];
  const view: AuditedFunction = { ...toAuditedFunction(fn), variables: Object.fromEntries(parts.map(([name, v]) => [name, v.literal as string])) };
  const out: Finding[] = [];
  for (const f of await checkFunction(view, { emulator })) {
    const value = f.ruleId === "ES001" && f.variable ? fn.variables.get(f.variable) : undefined;
    if (value) out.push({ ...f, remediation: TEMPLATE_REMEDIATION.ES001 ?? f.remediation, location: at(fn.file, value.pos) });
  }
  return out;
}

function referenceFindings(fn: TemplateFunction, file: TemplateFile, name: string, value: TemplateValue): Finding[] {
  const out: Finding[] = [];
  if (value.dynamic.length > 0) {
    const services = [...new Set(value.dynamic.map((d) => d.service))].sort();
    const high = value.dynamic.some((d) => d.service !== "ssm" || d.secretish) || namedSecret(name);
    out.push(
      templateFinding(
        fn,
        "ES020",
        name,
        `${name} is set from a {{resolve:${services.join("}} / {{resolve:")}}} dynamic reference: CloudFormation resolves it at deploy time and stores the secret in plain text in the function configuration`,
        value.pos,
        { severity: high ? "high" : "medium" },
      ),
    );
  }
  const secretParams = value.refs
    .map((r) => file.parameters.get(r))
    .filter((p) => p !== undefined && (p.noEcho || namedSecret(p.name) || (p.ssmType && p.secretishDefault)));
  const param = secretParams[0];
  if (param) {
    const why = param.noEcho ? "a NoEcho parameter" : param.ssmType && param.secretishDefault ? "an SSM-typed parameter naming a secret" : "a parameter named like a secret";
    out.push(
      templateFinding(fn, "ES021", name, `${name} takes its value from ${param.name} (${why}): the deployed function configuration holds that value in plain text`, value.pos),
    );
  } else if (value.sensitive) {
    out.push(
      templateFinding(fn, "ES021", name, `${name} holds a value Terraform marks sensitive: the deployed function configuration holds it in plain text`, value.pos),
    );
  }
  return out;
}
