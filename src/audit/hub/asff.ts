/**
 * Findings in the AWS Security Finding Format (ASFF, schema 2018-10-08), as `--format asff` prints them and
 * `--security-hub` imports them: one ASFF finding per envseal finding, with a stable `Id` per account, region, function
 * (version), variable and rule, `GeneratorId` per rule, resource type `AwsLambdaFunction`, severity labels and the
 * rule's remediation. Names only, never a value.
 * @module
 */
import type { AwsSecurityFinding } from "@aws-sdk/client-securityhub";
import { InputError } from "../../core/errors.js";
import { clip } from "../../core/format.js";
import { fingerprintOf } from "../check.js";
import { RULES } from "../rules.js";
import type { Finding, RuleId, Severity } from "../types.js";

/** The ASFF schema version Security Hub takes. */
export const ASFF_SCHEMA_VERSION = "2018-10-08";
/** Every envseal `GeneratorId` starts with this; previous findings are found by it. */
export const GENERATOR_PREFIX = "envseal/";
/** Where envseal's own fields sit in `ProductFields`. */
export const PRODUCT_FIELD = { ruleId: "envseal/RuleId", variable: "envseal/Variable", version: "envseal/Version", fingerprint: "envseal/Fingerprint" } as const;

const LABEL: Record<Severity, "LOW" | "MEDIUM" | "HIGH" | "CRITICAL"> = { low: "LOW", medium: "MEDIUM", high: "HIGH", critical: "CRITICAL" };
const BEST_PRACTICE = "Software and Configuration Checks/AWS Security Best Practices";
const SECRET = "Sensitive Data Identifications/Passwords";
/** ASFF `Types` per rule: plaintext (or maybe-plaintext) secrets are sensitive data; the rest are configuration checks. */
const TYPES: Record<RuleId, string[]> = {
  ES001: [SECRET, BEST_PRACTICE],
  ES002: [SECRET, BEST_PRACTICE],
  ES003: [BEST_PRACTICE],
  ES004: [BEST_PRACTICE],
  ES005: [BEST_PRACTICE],
  ES006: [BEST_PRACTICE],
  ES007: [BEST_PRACTICE],
  ES008: [BEST_PRACTICE],
  ES009: [SECRET, BEST_PRACTICE],
  ES010: [BEST_PRACTICE],
  ES011: [BEST_PRACTICE],
  ES012: [BEST_PRACTICE],
  ES014: [BEST_PRACTICE],
  ES020: [SECRET, BEST_PRACTICE],
  ES021: [SECRET, BEST_PRACTICE],
  ES022: [BEST_PRACTICE],
  ES023: [BEST_PRACTICE],
};

const ARN = /^arn:([a-z-]+):lambda:([a-z0-9-]+):(\d{12}):function:/;

/**
 * The account and partition of a finding: its `account` (org runs), else the function ARN's.
 *
 * @example
 * ```ts
 * findingAccount({ functionArn: "arn:aws:lambda:us-east-1:123456789012:function:api" }); // { account: "123456789012", partition: "aws" }
 * ```
 */
export function findingAccount(f: Pick<Finding, "functionArn" | "account">): { account: string; partition: string } | undefined {
  const m = ARN.exec(f.functionArn);
  const account = f.account ?? m?.[3];
  return account ? { account, partition: m?.[1] ?? "aws" } : undefined;
}

/**
 * The default product ARN of an account in a region: where its own (custom) findings are imported.
 *
 * @example
 * ```ts
 * productArn("aws", "eu-west-1", "123456789012"); // "arn:aws:securityhub:eu-west-1:123456789012:product/123456789012/default"
 * ```
 */
export function productArn(partition: string, region: string, account: string): string {
  return `arn:${partition}:securityhub:${region}:${account}:product/${account}/default`;
}

/**
 * The ASFF `Id` of a finding: stable per account, region, function (and version), variable and rule, whichever way the
 * account was audited (alone or with `--org`).
 *
 * @example
 * ```ts
 * asffId(finding, "123456789012"); // "envseal/123456789012/us-east-1/4f2c…"
 * ```
 */
export function asffId(f: Pick<Finding, "ruleId" | "functionArn" | "variable" | "region">, account: string): string {
  return `${GENERATOR_PREFIX}${account}/${f.region}/${fingerprintOf(f.ruleId, f.functionArn, f.variable)}`;
}

/** Times and links an ASFF finding carries. */
export interface AsffContext {
  /** When the problem was first reported (an earlier run's `CreatedAt` when Security Hub has it). */
  readonly createdAt: string;
  /** This run. */
  readonly updatedAt: string;
  /** The remediation link (the tool's page). */
  readonly url: string;
}

/**
 * One envseal finding as an ASFF finding. Throws {@link InputError} when the finding's account is unknown (offline input
 * without function ARNs).
 *
 * @example
 * ```ts
 * const asff = toAsff(finding, { createdAt: now, updatedAt: now, url: "https://www.npmjs.com/package/envseal" });
 * asff.GeneratorId; // "envseal/ES001"
 * ```
 */
export function toAsff(f: Finding, ctx: AsffContext): AwsSecurityFinding {
  const owner = findingAccount(f);
  if (!owner) {
    throw new InputError(`ASFF needs the account of ${clip(f.functionName, 64)}, and its ARN names none`, {
      hint: "audit live, or pass list-functions output that keeps each FunctionArn",
    });
  }
  const rule = RULES[f.ruleId];
  const severity = { Label: LABEL[f.severity], Original: f.severity };
  return {
    SchemaVersion: ASFF_SCHEMA_VERSION,
    Id: asffId(f, owner.account),
    ProductArn: productArn(owner.partition, f.region, owner.account),
    ProductName: "envseal",
    CompanyName: "envseal",
    GeneratorId: `${GENERATOR_PREFIX}${f.ruleId}`,
    AwsAccountId: owner.account,
    Types: TYPES[f.ruleId],
    CreatedAt: ctx.createdAt,
    UpdatedAt: ctx.updatedAt,
    Severity: severity,
    FindingProviderFields: { Severity: severity, Types: TYPES[f.ruleId] },
    Title: clip(`${f.ruleId} ${rule.title}`, 256),
    Description: clip(`${f.functionName}${f.version === "$LATEST" ? "" : `:${f.version}`}${f.variable ? ` ${f.variable}` : ""}: ${f.message}`, 1024),
    Remediation: { Recommendation: { Text: clip(f.remediation, 512), Url: ctx.url } },
    Resources: [
      {
        Type: "AwsLambdaFunction",
        Id: f.functionArn,
        Partition: owner.partition as "aws",
        Region: f.region,
        Details: { AwsLambdaFunction: { FunctionName: f.functionName, Version: f.version } },
      },
    ],
    ProductFields: {
      [PRODUCT_FIELD.ruleId]: f.ruleId,
      [PRODUCT_FIELD.variable]: f.variable ?? "-",
      [PRODUCT_FIELD.version]: f.version,
      [PRODUCT_FIELD.fingerprint]: f.fingerprint,
      ...(f.detector ? { "envseal/Detector": f.detector } : {}),
      ...(f.confidence ? { "envseal/Confidence": f.confidence } : {}),
    },
    RecordState: "ACTIVE",
  };
}
