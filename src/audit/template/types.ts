/**
 * The template auditor's data model: functions found in CloudFormation/SAM templates, CDK output and Terraform plans,
 * their variables as the template states them (literal, partly literal, or only known at deploy time) and where each
 * one sits in its file. Values live here only while the rules run; nothing in this model is ever printed.
 * @module
 */
import type { FindingLocation } from "../types.js";

/**
 * A 1-based line and column in a template file.
 *
 * @example
 * ```ts
 * const at: Pos = { line: 12, column: 24 };
 * ```
 */
export interface Pos {
  readonly line: number;
  readonly column: number;
}

/**
 * What a template says a variable's value will be.
 *
 * - `literal`: the whole value is written in the template;
 * - `partial`: a `!Sub` / `!Join` (or a dynamic reference inside a string) with literal text around references;
 * - `deferred`: only known at deploy time (`!Ref`, `!GetAtt`, `!If`, …, or Terraform "known after apply").
 *
 * @example
 * ```ts
 * const kind: ValueKind = value.kind === "literal" ? "literal" : "deferred";
 * ```
 */
export type ValueKind = "literal" | "partial" | "deferred";

/**
 * A CloudFormation dynamic reference (`{{resolve:SERVICE:…}}`) found in a value: its service, never its target.
 *
 * @example
 * ```ts
 * const ref: DynamicRef = { service: "secretsmanager", secretish: true };
 * ```
 */
export interface DynamicRef {
  readonly service: "secretsmanager" | "ssm" | "ssm-secure";
  /** The parameter or secret id says secret (`/app/db/password`): decides ES020's severity for `ssm`. */
  readonly secretish: boolean;
}

/**
 * One environment variable of a template function.
 *
 * @example
 * ```ts
 * const v: TemplateValue = { kind: "deferred", text: "${DbPassword}", refs: ["DbPassword"], dynamic: [], pos: { line: 12, column: 23 } };
 * ```
 */
export interface TemplateValue {
  readonly kind: ValueKind;
  /**
   * What the live rules see: the literal; for `partial`, the literal parts with each reference as `${NAME}`; for
   * `deferred`, one `${…}` placeholder (never taken for a secret, and sized like a short reference for ES008).
   */
  readonly text: string;
  /**
   * `partial` only: the literal parts alone, references left out. The name + entropy detector takes any value holding
   * `${…}` for an unfilled placeholder, so a secret-named partial value is judged on this as well (template/rules.ts).
   */
  readonly literal?: string;
  /** Names referenced (`Ref`, `${Name}` in `!Sub`, `!GetAtt Name.Attr`), for ES021. */
  readonly refs: readonly string[];
  readonly dynamic: readonly DynamicRef[];
  /** Terraform marks the value sensitive (`after_sensitive`). */
  readonly sensitive?: boolean;
  readonly pos: Pos;
}

/**
 * The at-rest key a template sets: none, one (literal or from a reference), or not knowable before deploy.
 *
 * @example
 * ```ts
 * const key: KeyState = { kind: "set", text: "${Fn::GetAtt}" };
 * ```
 */
export type KeyState = { readonly kind: "absent" } | { readonly kind: "set"; readonly text: string } | { readonly kind: "unknown" };

/**
 * A value the rules could not judge before deploy; the report lists it so it is never taken for clean.
 *
 * @example
 * ```ts
 * const u: UnknownValue = { location: { file: "plan.json", line: 58, column: 74 }, function: "aws_lambda_function.api", what: "variable TABLE_NAME", reason: "known after apply" };
 * ```
 */
export interface UnknownValue {
  readonly location: FindingLocation;
  /** The function (logical id or Terraform address). */
  readonly function: string;
  /** `variable NAME`, `KmsKeyArn`, `kms_key_arn`, `Environment`, … */
  readonly what: string;
  /** Why, in a few words (`known after apply`, `set by !If`). */
  readonly reason: string;
}

/**
 * A template parameter (CloudFormation) as ES021 sees it.
 *
 * @example
 * ```ts
 * const p: TemplateParameter = { name: "DbPassword", noEcho: true, ssmType: false, secretishDefault: false };
 * ```
 */
export interface TemplateParameter {
  readonly name: string;
  readonly noEcho: boolean;
  /** `AWS::SSM::Parameter::Value<…>`: CloudFormation resolves the SSM parameter into the value. */
  readonly ssmType: boolean;
  /** The default names an SSM parameter that says secret (`/app/db/password`), for SSM-typed parameters. */
  readonly secretishDefault: boolean;
}

/**
 * An inline suppression written in the template (a comment or a resource's `Metadata.envseal.ignore`).
 *
 * @example
 * ```ts
 * const s: InlineSuppression = { kind: "comment", ids: ["ES001"], reason: "public by design", pos: { line: 9, column: 40 } };
 * ```
 */
export interface InlineSuppression {
  readonly kind: "comment" | "metadata";
  /** Rule ids named (unknown ids are kept so they can be reported). */
  readonly ids: readonly string[];
  /** The reason given; empty when none. */
  readonly reason: string;
  /** Metadata entries may name one variable; comments apply by line. */
  readonly variable?: string;
  /** Where the suppression is written. */
  readonly pos: Pos;
}

/**
 * A Lambda function declared in a template, with what the rules need.
 *
 * @example
 * ```ts
 * fn.variables.get("DB_PASSWORD")?.kind; // "literal"
 * ```
 */
export interface TemplateFunction {
  /** Logical id (CloudFormation, with the nested stack's logical ids before it) or resource address (Terraform). */
  readonly id: string;
  /** Template path relative to the working directory, forward slashes. */
  readonly file: string;
  /** Position of the resource (its logical id key, or its Terraform `address`). */
  readonly pos: Pos;
  readonly variables: ReadonlyMap<string, TemplateValue>;
  readonly key: KeyState;
  /** Where `KmsKeyArn` / `kms_key_arn` is written, when it is. */
  readonly keyPos?: Pos;
  /** The environment as a whole could not be known before deploy (`Environment: !If …`, unknown after apply). */
  readonly environmentUnknown?: string;
  /** Position of `Environment` (or where it would be), for the unknown list. */
  readonly environmentPos?: Pos;
  /** Suppressions from the resource's Metadata. */
  readonly metadataSuppressions: readonly InlineSuppression[];
}

/**
 * Everything read from one template file.
 *
 * @example
 * ```ts
 * const { file } = await loadTemplate(item, process.cwd());
 * file?.functions.length;
 * ```
 */
export interface TemplateFile {
  /** Path relative to the working directory, forward slashes. */
  readonly file: string;
  readonly format: "cloudformation" | "terraform";
  readonly functions: readonly TemplateFunction[];
  readonly parameters: ReadonlyMap<string, TemplateParameter>;
  /** Comment suppressions, by line. */
  readonly comments: readonly InlineSuppression[];
  /** Lines holding only a comment (a suppression on such a line applies to the next line that is not one). */
  readonly commentOnlyLines: ReadonlySet<number>;
  readonly unknown: readonly UnknownValue[];
}
