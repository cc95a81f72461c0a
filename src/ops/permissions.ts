/**
 * One table of what every command calls in AWS, by the resource each action applies to. `envseal policy` derives the
 * policies it prints from it, and a test runs every command against an emulator and checks that it calls nothing the
 * table does not list.
 * @module
 */

import { AUDIT_PERMISSIONS, type AuditResource } from "../audit/permissions.js";

/** What an action applies to. */
export type Scope =
  /** The function being read or written. */
  | "function"
  /** The key the values are sealed with; calls carry the encryption context `LambdaFunctionName` (and `EnvsealVariable`). */
  | "sealingKey"
  /** The function's at-rest key (`KMSKeyArn`), used by Lambda on the caller's behalf (`kms:ViaService`). */
  | "atRestKey"
  /** Account-wide: listing functions and regions, describing any key. */
  | "account"
  /** The function's execution role (doctor simulates its identity policies). */
  | "role";

/** One AWS action a command may call, and why. */
export interface Permission {
  readonly action: string;
  readonly scope: Scope;
  readonly why: string;
}

const P = (action: string, scope: Scope, why: string): Permission => ({ action, scope, why });

/** The auditor's resources in this table's scopes (the auditor's table is finer: it also serves the org and Config roles). */
const AUDIT_SCOPE: Readonly<Record<AuditResource, Scope>> = {
  any: "account",
  "account-keys": "account",
  "account-roles": "role",
  "member-role": "role",
  "hub-product": "account",
  hub: "account",
};

const READ_FUNCTION = P("lambda:GetFunctionConfiguration", "function", "read the environment (and wait until an update is live)");
const WRITE_FUNCTION = P("lambda:UpdateFunctionConfiguration", "function", "write the environment in one update with RevisionId");
const DESCRIBE = P("kms:DescribeKey", "sealingKey", "resolve the key and check it is an enabled customer managed key");
const ENCRYPT = P("kms:Encrypt", "sealingKey", "seal values");
const DECRYPT = P("kms:Decrypt", "sealingKey", "open the bundle (to change it) or a value (to check or move it)");
const REENCRYPT_FROM = P("kms:ReEncryptFrom", "sealingKey", "re-encrypt server-side: the source side");
const REENCRYPT_TO = P("kms:ReEncryptTo", "sealingKey", "re-encrypt server-side: the destination side");
/** Lambda's own use of a customer managed at-rest key, on the caller's behalf (AWS Lambda developer guide, "Securing environment variables"). */
const AT_REST = [
  P("kms:Decrypt", "atRestKey", "read an environment protected at rest by a customer managed key"),
  P("kms:Encrypt", "atRestKey", "write an environment protected at rest by a customer managed key"),
  P("kms:CreateGrant", "atRestKey", "set a customer managed at-rest key (Lambda grants the execution role its use)"),
];
const READ_AT_REST = AT_REST.slice(0, 1);

/** The commands envseal has. */
export type CommandName = "seal" | "get" | "encrypt" | "decrypt" | "push" | "show" | "unset" | "rotate" | "upgrade" | "copy" | "adopt" | "policy" | "audit" | "doctor";

/** What `doctor` reads of a key: the same on the at-rest key and on each sealing key. */
const KEY_ACCESS = (scope: Scope): Permission[] => [
  P("kms:DescribeKey", scope, "check the key exists and is enabled"),
  P("kms:GetKeyPolicy", scope, "evaluate whether the key policy lets the execution role kms:Decrypt"),
  P("kms:ListGrants", scope, "find grants that let the execution role kms:Decrypt"),
];

/**
 * Every AWS action each command may call.
 *
 * @example
 * ```ts
 * COMMAND_PERMISSIONS.rotate.map((p) => p.action); // ["kms:DescribeKey", "kms:ReEncryptFrom", ...]
 * ```
 */
export const COMMAND_PERMISSIONS: Readonly<Record<CommandName, readonly Permission[]>> = {
  seal: [DESCRIBE, ENCRYPT, READ_FUNCTION, WRITE_FUNCTION, ...AT_REST],
  get: [READ_FUNCTION, P("kms:Decrypt", "sealingKey", "open the variable (or the bundle that holds it)"), ...READ_AT_REST],
  encrypt: [DESCRIBE, ENCRYPT],
  decrypt: [P("kms:Decrypt", "sealingKey", "open the value")],
  push: [DESCRIBE, ENCRYPT, DECRYPT, READ_FUNCTION, WRITE_FUNCTION, ...AT_REST, P("kms:DescribeKey", "atRestKey", "check the at-rest key given with --at-rest-key")],
  show: [READ_FUNCTION, P("kms:Decrypt", "sealingKey", "list the bundle's names; open values with --reveal"), ...READ_AT_REST],
  unset: [READ_FUNCTION, WRITE_FUNCTION, DECRYPT, ENCRYPT, ...AT_REST],
  rotate: [DESCRIBE, REENCRYPT_FROM, REENCRYPT_TO, READ_FUNCTION, WRITE_FUNCTION, ...AT_REST],
  upgrade: [DESCRIBE, REENCRYPT_FROM, REENCRYPT_TO, READ_FUNCTION, WRITE_FUNCTION, ...AT_REST],
  copy: [DESCRIBE, REENCRYPT_FROM, REENCRYPT_TO, DECRYPT, ENCRYPT, READ_FUNCTION, WRITE_FUNCTION, ...AT_REST],
  adopt: [P("kms:Decrypt", "sealingKey", "check that each value opens for the function"), REENCRYPT_FROM, REENCRYPT_TO, READ_FUNCTION, WRITE_FUNCTION, ...AT_REST],
  policy: [DESCRIBE, READ_FUNCTION, ...READ_AT_REST],
  // The auditor's own table (src/audit/permissions.ts), in this table's scopes: one list, so the two cannot drift.
  audit: AUDIT_PERMISSIONS.audit.map((p) => P(p.action, AUDIT_SCOPE[p.resource], p.why)),
  doctor: [
    READ_FUNCTION,
    ...KEY_ACCESS("atRestKey"),
    ...KEY_ACCESS("sealingKey"),
    P("iam:SimulatePrincipalPolicy", "role", "whether the execution role's IAM policies allow kms:Decrypt (key ARN as resource, encryption context as context entries)"),
    P("lambda:ListFunctions", "account", "--all: list the functions of each region"),
    P("account:ListRegions", "account", "--all --regions all"),
  ],
};

/** The commands a deployer runs against one function: everything but `audit`. */
export const DEPLOYER_COMMANDS: readonly CommandName[] = ["seal", "get", "encrypt", "decrypt", "push", "show", "unset", "rotate", "upgrade", "copy", "adopt", "policy"];

/**
 * The distinct actions of `commands` on `scope`, sorted.
 *
 * @example
 * ```ts
 * actionsFor(["push"], "function"); // ["lambda:GetFunctionConfiguration", "lambda:UpdateFunctionConfiguration"]
 * ```
 */
export function actionsFor(commands: readonly CommandName[], scope: Scope): string[] {
  return [...new Set(commands.flatMap((c) => COMMAND_PERMISSIONS[c].filter((p) => p.scope === scope).map((p) => p.action)))].sort();
}
