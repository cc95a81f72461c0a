/**
 * The auditor's data model: severities, findings, the functions it looks at and what it learned about keys.
 * A finding names a rule, a function and a variable; it never holds a value or a fragment of one.
 * @module
 */

/** Severities, lowest first. */
export const SEVERITIES = ["low", "medium", "high", "critical"] as const;
/** How bad a finding is. */
export type Severity = (typeof SEVERITIES)[number];
/** `--fail-on` accepts a severity or `none` (never fail). */
export type FailOn = Severity | "none";

/** Rank of a severity: low 0 … critical 3. */
export function severityRank(s: Severity): number {
  return SEVERITIES.indexOf(s);
}

/**
 * True when `s` is at or above `threshold`; `none` is never reached.
 *
 * @example
 * ```ts
 * atOrAbove("critical", "high"); // true
 * atOrAbove("low", "none");      // false
 * ```
 */
export function atOrAbove(s: Severity, threshold: FailOn): boolean {
  return threshold !== "none" && severityRank(s) >= severityRank(threshold);
}

/**
 * Stable rule ids (docs/audit.md). ES001–ES011 and ES014 judge function configurations (live, offline and templates);
 * ES020–ES023 exist only in templates (`audit --template`).
 */
export type RuleId =
  | "ES001"
  | "ES002"
  | "ES003"
  | "ES004"
  | "ES005"
  | "ES006"
  | "ES007"
  | "ES008"
  | "ES009"
  | "ES010"
  | "ES011"
  | "ES012"
  | "ES014"
  | "ES020"
  | "ES021"
  | "ES022"
  | "ES023";

/**
 * Where a finding sits in a template file: the variable's value or, for function-level findings, the resource.
 *
 * @example
 * ```ts
 * const at: FindingLocation = { file: "infra/template.yaml", line: 42, column: 17 };
 * ```
 */
export interface FindingLocation {
  /** Path relative to the working directory, with forward slashes (what SARIF and GitHub code scanning expect). */
  readonly file: string;
  /** 1-based line. */
  readonly line: number;
  /** 1-based column. */
  readonly column: number;
}

/** One problem found on one function (and, for most rules, one variable). */
export interface Finding {
  readonly ruleId: RuleId;
  readonly severity: Severity;
  /** Region of the function. */
  readonly region: string;
  readonly functionName: string;
  /** The function's ARN; for a published version, the qualified ARN (`…:function:NAME:3`). */
  readonly functionArn: string;
  /** `$LATEST` or a published version number. */
  readonly version: string;
  /** The variable concerned, or `null` for function-level findings (ES004–ES008). */
  readonly variable: string | null;
  /** What is wrong, in one sentence; names only. */
  readonly message: string;
  /** What to do about it. */
  readonly remediation: string;
  /** Stable id of the finding across runs: hash of rule, ARN and variable (used by baselines and SARIF). */
  readonly fingerprint: string;
  /**
   * ES001 / ES009: the detector that fired — a provider rule id (`stripe-secret-key`), `secretlint:<rule>`, or
   * `name+entropy`. Absent for the other rules.
   */
  readonly detector?: string;
  /**
   * ES001 / ES009: `high` when a provider-verified format matched the value (severity high, critical for private keys
   * and cloud credentials; SARIF `error`), `medium` when only the name and the value's randomness say secret (severity
   * medium; SARIF `warning`). Absent for the other rules.
   */
  readonly confidence?: "high" | "medium";
  /** Template findings only: file, line and column of the value (or of the resource). Absent for live and offline audits. */
  readonly location?: FindingLocation;
  /**
   * The 12-digit AWS account of the function, set by `audit --org` (absent for a single-account audit, whose account is
   * in the ARN). Part of the fingerprint only when present, so single-account fingerprints do not change.
   */
  readonly account?: string;
}

/** A finding that does not count, and why. */
export interface SuppressedFinding extends Finding {
  /** `ignore:RULE[:GLOB]` as given, `baseline`, or `inline:comment` / `inline:metadata` (template suppressions). */
  readonly suppressedBy: string;
  /** The reason written with an inline template suppression (clipped to 200 characters); absent otherwise. */
  readonly reason?: string;
}

/** A function configuration as the rules see it (from ListFunctions, live or offline). */
export interface AuditedFunction {
  /** The function's account, set by `audit --org` (and carried into its findings). Default: absent. */
  readonly account?: string | undefined;
  readonly region: string;
  readonly name: string;
  /** Qualified ARN for a published version, unqualified for `$LATEST`. */
  readonly arn: string;
  /** `$LATEST` or a version number. */
  readonly version: string;
  readonly variables: Readonly<Record<string, string>>;
  /** Customer managed at-rest key, or `undefined` for `aws/lambda`. */
  readonly kmsKeyArn: string | undefined;
  /** The execution role's ARN (ES014); absent in inputs that do not carry it. */
  readonly role?: string | undefined;
  /** `Environment.Error`, when Lambda reports one. */
  readonly environmentError: { readonly code: string; readonly message: string } | undefined;
}

/** What KMS said about an at-rest key. */
export type KeyCheck =
  | { readonly status: "not-checked"; readonly reason: string }
  | { readonly status: "unknown"; readonly reason: string }
  | { readonly status: "missing" }
  | { readonly status: "unusable"; readonly state: string }
  | { readonly status: "ok"; readonly rotation: "enabled" | "disabled" | "unknown" };

/**
 * ES014's input: whether the execution role may `kms:Decrypt` the at-rest key (from doctor's key-access check).
 *
 * @example
 * ```ts
 * const a: RoleKeyAccess = { status: "fail", summary: "the role may not kms:Decrypt with arn:…", fix: "…" };
 * ```
 */
export interface RoleKeyAccess {
  readonly status: "pass" | "fail" | "unknown";
  readonly summary: string;
  readonly fix?: string | undefined;
}

/**
 * Looks up an at-rest key; the auditor calls it once per function, the implementation caches per key. `account` is the
 * function's account in an org run (whose session may describe the key when its owner is not audited).
 */
export type KeyLookup = (keyArn: string, account?: string) => Promise<KeyCheck>;
