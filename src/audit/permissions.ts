/**
 * What every auditing identity calls in AWS, in one table: the single-account audit, the two sides of `audit --org`
 * (the caller, and the role it assumes in each member account), Security Hub publishing, the AWS Config rule handler
 * and the scheduled handler. The IAM in `samples/` and docs/audit.md is derived from it, and tests check both
 * directions: the templates grant exactly these actions, and the code calls nothing else.
 * @module
 */

/** Who makes the calls. */
export type AuditActor =
  /** `envseal audit` in one account. */
  | "audit"
  /** `envseal audit --org`: the identity it runs as (management account or delegated administrator). */
  | "audit-org-caller"
  /** `envseal audit --org`: the role assumed in each member account (`--role-name`). */
  | "audit-org-member"
  /** `--security-hub` / `ENVSEAL_AUDIT_SECURITY_HUB`: added to whoever audits the account (the member role with `--org`). */
  | "security-hub"
  /** `handlers/config-rule.ts`: the AWS Config rule's execution role. */
  | "config-rule"
  /** `handlers/audit.ts`: the scheduled audit's execution role (plus `security-hub` when enabled). */
  | "scheduled-audit";

/** What an action applies to, for the policy's `Resource`. */
export type AuditResource =
  /** Account-wide listing or describing: `*`. */
  | "any"
  /** The account's KMS keys: `arn:PARTITION:kms:*:ACCOUNT:key/*`. */
  | "account-keys"
  /** The member role in every account: `arn:PARTITION:iam::*:role/ROLE`. */
  | "member-role"
  /** The account's roles (execution roles, ES014): `arn:PARTITION:iam::ACCOUNT:role/*`. */
  | "account-roles"
  /** The account's default Security Hub product: `arn:PARTITION:securityhub:*:ACCOUNT:product/ACCOUNT/default`. */
  | "hub-product"
  /** The account's Security Hub: `arn:PARTITION:securityhub:*:ACCOUNT:hub/default`. */
  | "hub";

/** One action an actor may call, and why. */
export interface AuditPermission {
  readonly action: string;
  readonly resource: AuditResource;
  readonly why: string;
}

const P = (action: string, resource: AuditResource, why: string): AuditPermission => ({ action, resource, why });

const SCAN = [
  P("lambda:ListFunctions", "any", "list the functions of each region (configurations include the environment)"),
  P("kms:DescribeKey", "account-keys", "check each at-rest key once"),
  P("kms:GetKeyRotationStatus", "account-keys", "check each at-rest key's rotation"),
  P("account:ListRegions", "any", "--regions all"),
];

/** Every audit (single account, each member account of `--org`, the scheduled handler) also runs ES014: may each execution role decrypt its at-rest key? */
const SCAN_WITH_ROLE_ACCESS = [
  ...SCAN,
  P("kms:GetKeyPolicy", "account-keys", "ES014: read each at-rest key's policy"),
  P("kms:ListGrants", "account-keys", "ES014: list each at-rest key's grants"),
  P("iam:SimulatePrincipalPolicy", "account-roles", "ES014: may each execution role kms:Decrypt its at-rest key"),
];

/**
 * Every AWS action each actor may call. `sts:GetCallerIdentity` is not listed: every identity may call it.
 *
 * @example
 * ```ts
 * AUDIT_PERMISSIONS["audit-org-caller"].map((p) => p.action); // ["organizations:ListAccounts", "sts:AssumeRole"]
 * ```
 */
export const AUDIT_PERMISSIONS: Readonly<Record<AuditActor, readonly AuditPermission[]>> = {
  audit: SCAN_WITH_ROLE_ACCESS,
  "audit-org-caller": [
    P("organizations:ListAccounts", "any", "list the organisation's accounts (not needed with --accounts)"),
    P("sts:AssumeRole", "member-role", "assume --role-name in each account (session name envseal-audit)"),
  ],
  "audit-org-member": SCAN_WITH_ROLE_ACCESS,
  "security-hub": [
    P("securityhub:GetFindings", "hub", "find envseal's findings of earlier runs (to keep CreatedAt and archive fixed ones)"),
    P("securityhub:BatchImportFindings", "hub-product", "import findings, and archive those no longer present"),
    P("securityhub:BatchUpdateFindings", "hub", "set archived findings' workflow status to RESOLVED"),
  ],
  "config-rule": [
    P("config:PutEvaluations", "any", "report each function's compliance"),
    P("config:GetResourceConfigHistory", "any", "fetch an oversized configuration item"),
    P("lambda:GetFunctionConfiguration", "any", "read a function whose configuration item carries no environment"),
    P("lambda:ListFunctions", "any", "periodic evaluation: every function of the region"),
    P("kms:DescribeKey", "account-keys", "check each at-rest key (cached across invocations)"),
    P("kms:GetKeyRotationStatus", "account-keys", "check each at-rest key's rotation"),
    P("kms:GetKeyPolicy", "account-keys", "ES014: read each at-rest key's policy (cached across invocations)"),
    P("kms:ListGrants", "account-keys", "ES014: list each at-rest key's grants"),
    P("iam:SimulatePrincipalPolicy", "account-roles", "ES014: may each execution role kms:Decrypt its at-rest key"),
  ],
  "scheduled-audit": SCAN_WITH_ROLE_ACCESS,
};

/**
 * The distinct actions of `actors`, sorted.
 *
 * @example
 * ```ts
 * auditActions(["audit-org-member", "security-hub"]); // ["account:ListRegions", "kms:DescribeKey", …, "securityhub:GetFindings"]
 * ```
 */
export function auditActions(actors: readonly AuditActor[]): string[] {
  return [...new Set(actors.flatMap((a) => AUDIT_PERMISSIONS[a].map((p) => p.action)))].sort();
}
