/**
 * Which accounts an organisation audit covers: Organizations `ListAccounts` (ACTIVE accounts only) or `--accounts`, and
 * the checks on what the user typed (`--accounts`, `--role-name`, `--external-id`) before any AWS call.
 * @module
 */
import { paginateListAccounts, type OrganizationsClient } from "@aws-sdk/client-organizations";
import { AwsError, InputError } from "../../core/errors.js";
import { clip } from "../../core/format.js";
import { mapCommonAwsError } from "../../transport/errors.js";

const ACCOUNT_ID = /^\d{12}$/;

/**
 * Parse `--accounts`: comma-separated 12-digit account ids, duplicates dropped. Throws {@link InputError}.
 *
 * @example
 * ```ts
 * parseAccounts("111122223333, 444455556666"); // ["111122223333", "444455556666"]
 * ```
 */
export function parseAccounts(value: string): string[] {
  const ids = [...new Set(value.split(",").map((s) => s.trim()).filter(Boolean))];
  if (ids.length === 0) throw new InputError("--accounts is empty", { hint: "pass comma-separated 12-digit account ids, or use --org alone to list them from Organizations" });
  for (const id of ids) {
    if (!ACCOUNT_ID.test(id)) throw new InputError(`--accounts: "${clip(id, 20)}" is not a 12-digit account id`, { hint: "e.g. --accounts 111122223333,444455556666" });
  }
  return ids;
}

/**
 * Check `--role-name`: an IAM role name (1–64 of `A-Za-z0-9+=,.@_-`), optionally after a path (`path/to/Name`).
 * Returns it without leading or trailing slashes. Throws {@link InputError}.
 *
 * @example
 * ```ts
 * parseRoleName("security/EnvsealAudit"); // "security/EnvsealAudit"
 * ```
 */
export function parseRoleName(value: string): string {
  const trimmed = value.trim().replace(/^role\//, "").replace(/^\/+|\/+$/g, "");
  const parts = trimmed.split("/");
  const name = parts.at(-1) ?? "";
  const ok = /^[\w+=,.@-]{1,64}$/.test(name) && parts.slice(0, -1).every((p) => /^[\w+=,.@-]{1,64}$/.test(p)) && trimmed.length <= 512;
  if (!ok) throw new InputError(`--role-name "${clip(value, 40)}" is not an IAM role name`, { hint: "pass the name of the role to assume in each account, e.g. EnvsealAudit (or path/EnvsealAudit)" });
  return trimmed;
}

/**
 * Check `--external-id`: 2–1224 characters of `A-Za-z0-9+=,.@:/_-` (STS's rule). Throws {@link InputError} without
 * quoting it.
 *
 * @example
 * ```ts
 * parseExternalId("envseal-2026"); // "envseal-2026"
 * ```
 */
export function parseExternalId(value: string): string {
  if (!/^[\w+=,.@:/-]{2,1224}$/.test(value)) {
    throw new InputError("--external-id must be 2 to 1224 characters of letters, digits and +=,.@:/_-", { hint: "pass the external id the member roles' trust policy requires" });
  }
  return value;
}

/**
 * The ARN of the role to assume in `account`.
 *
 * @example
 * ```ts
 * roleArn("aws", "111122223333", "EnvsealAudit"); // "arn:aws:iam::111122223333:role/EnvsealAudit"
 * ```
 */
export function roleArn(partition: string, account: string, roleName: string): string {
  return `arn:${partition}:iam::${account}:role/${roleName}`;
}

/** The organisation's accounts: ACTIVE ones to audit, the others with their status. */
export interface OrgAccounts {
  readonly active: string[];
  readonly inactive: Array<{ account: string; reason: string }>;
}

/**
 * Every account of the organisation (Organizations ListAccounts, all pages), split into ACTIVE and the rest
 * (SUSPENDED, PENDING_CLOSURE, …). Needs `organizations:ListAccounts` (the management account or a delegated
 * administrator). Throws {@link AwsError} naming the permission.
 *
 * @example
 * ```ts
 * const { active } = await listOrgAccounts(createOrganizationsClient(opts));
 * ```
 */
export async function listOrgAccounts(org: OrganizationsClient): Promise<OrgAccounts> {
  const active: string[] = [];
  const inactive: Array<{ account: string; reason: string }> = [];
  try {
    for await (const page of paginateListAccounts({ client: org }, {})) {
      for (const a of page.Accounts ?? []) {
        if (!a.Id) continue;
        // `State` replaces the older `Status`; either says ACTIVE for an account that can be audited.
        const state = String((a as { State?: string }).State ?? a.Status ?? "UNKNOWN");
        if (state === "ACTIVE") active.push(a.Id);
        else inactive.push({ account: a.Id, reason: `account is ${state}, not ACTIVE` });
      }
    }
  } catch (err) {
    const mapped = mapCommonAwsError(err, "organizations:ListAccounts");
    throw new AwsError(`--org: ${mapped.message}`, {
      code: mapped instanceof AwsError ? mapped.code : "Error",
      operation: "organizations:ListAccounts",
      hint: "run from the management account or a delegated administrator with organizations:ListAccounts, or name the accounts with --accounts",
      cause: err,
    });
  }
  return { active: active.sort(), inactive: inactive.sort((a, b) => a.account.localeCompare(b.account)) };
}
