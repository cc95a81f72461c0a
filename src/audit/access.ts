/**
 * ES014 in the live audit: doctor's key-access check for each function's execution role and customer managed at-rest
 * key, every lookup cached per (role, key) across functions and regions. A pair that cannot be decided (the auditing
 * identity may not read the key policy, list grants or simulate, or a call failed) is "not checked", never a finding.
 * @module
 */
import { createAccessChecker } from "../doctor/access.js";
import type { AuditClients } from "./clients.js";
import type { AuditedFunction, RoleKeyAccess } from "./types.js";

/**
 * The ES014 lookup of one audit run.
 *
 * @example
 * ```ts
 * const access = createRoleAccess(clients, "us-east-1");
 * const roleAccess = access ? await access.lookup(fn) : undefined;
 * ```
 */
export interface RoleAccessLookup {
  /**
   * The verdict for the function's role and at-rest key; `undefined` when it has no role or no customer managed key.
   * `keyEnabled`: the run already described the key and found it Enabled (no second DescribeKey).
   */
  lookup(fn: AuditedFunction, keyEnabled?: boolean): Promise<RoleKeyAccess | undefined>;
  /** (key, role) pairs that could not be decided, with why. */
  unchecked(): Array<{ key: string; reason: string }>;
}

/**
 * KMS client for lookups about `keyArn` in `region` (an org audit reads a key's policy and grants with the session of the
 * account that owns the key when it can: GetKeyPolicy is not available across accounts).
 */
export type KeyKmsClient = (region: string, keyArn: string) => ReturnType<AuditClients["kms"]>;

/**
 * Build the lookup, or `undefined` when the clients have no IAM client (ES014 not run). The role is simulated with
 * `clients`' IAM (the role's own account); key lookups go to `kmsFor`, by default `clients`' KMS.
 *
 * @example
 * ```ts
 * createRoleAccess(auditClients({}), "us-east-1"); // a lookup
 * ```
 */
export function createRoleAccess(clients: AuditClients, fallbackRegion: string, kmsFor?: KeyKmsClient): RoleAccessLookup | undefined {
  const iam = clients.iam?.bind(clients);
  if (!iam) return undefined;
  const kms = kmsFor ?? ((region: string) => clients.kms(region));
  const checker = createAccessChecker({ kms: (region, keyRef) => kms(region ?? fallbackRegion, keyRef), iam });
  const unchecked = new Map<string, string>();
  return {
    lookup: async (fn, keyEnabled = false) => {
      if (!fn.role || !fn.kmsKeyArn) return undefined;
      let verdict: RoleKeyAccess;
      try {
        verdict = await checker.check({
          roleArn: fn.role,
          keyRef: fn.kmsKeyArn,
          context: {},
          atRest: true,
          functionRefs: [fn.name, fn.arn],
          grantFix: "",
          keyEnabled: keyEnabled && fn.kmsKeyArn.startsWith("arn:"),
        });
      } catch (err) {
        verdict = { status: "unknown", summary: `the key access of ${fn.role} could not be checked (${err instanceof Error ? err.name : "Error"})` };
      }
      if (verdict.status === "unknown") unchecked.set(`${fn.kmsKeyArn} for ${fn.role}`, `ES014 not checked: ${verdict.summary}`);
      return verdict;
    },
    unchecked: () => [...unchecked].map(([key, reason]) => ({ key, reason })).sort((a, b) => a.key.localeCompare(b.key)),
  };
}
