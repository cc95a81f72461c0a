/**
 * The clients of an organisation audit: the caller's STS and Organizations clients, and per member account a set of
 * {@link AuditClients} signed with that account's assumed-role session. Clients of the same service and region share
 * one request handler (sockets, TLS sessions) whatever the account; each account-region's Lambda client keeps its own
 * pacing, since Lambda's quota is per account and region.
 * @module
 */
import type { OrganizationsClient } from "@aws-sdk/client-organizations";
import type { STSClient } from "@aws-sdk/client-sts";
import { createHandlerPool, createLambdaClient, type AwsCredentialsProvider, type AwsOptions } from "../../transport/clients.js";
import { createOrganizationsClient, createStsClient } from "../../transport/service-clients.js";
import { AUDIT_MAX_ATTEMPTS, auditClients, type AuditClients } from "../clients.js";
import { LAMBDA_CONTROL_PLANE_RPS } from "../ratelimit.js";

/** Clients for `audit --org`; tests pass their own. */
export interface OrgClients {
  /** The caller's STS client (GetCallerIdentity, AssumeRole). */
  sts(): STSClient;
  /** The caller's Organizations client in `partition` (ListAccounts). */
  organizations(partition: string): OrganizationsClient;
  /** Clients acting in a member account with `credentials` (its assumed role), or as the caller when undefined. */
  forAccount(credentials: AwsCredentialsProvider | undefined): AuditClients;
  /** The configured region (`--region`, `AWS_REGION`, the profile's). */
  defaultRegion(): Promise<string | undefined>;
  /** Close every socket the clients opened. */
  close(): void;
}

/**
 * Real clients from the CLI's AWS options.
 *
 * @example
 * ```ts
 * const clients = orgClients({ profile: "security" });
 * try { await auditOrg(req, clients); } finally { clients.close(); }
 * ```
 */
export function orgClients(options: AwsOptions, rps = LAMBDA_CONTROL_PLANE_RPS): OrgClients {
  const base: AwsOptions = { maxAttempts: AUDIT_MAX_ATTEMPTS, ...options, retryMode: "adaptive" };
  const pool = createHandlerPool(base);
  const shared: AwsOptions = { ...base, handlerPool: pool };
  let sts: STSClient | undefined;
  const orgs = new Map<string, OrganizationsClient>();
  return {
    sts: () => (sts ??= createStsClient(shared)),
    organizations: (partition) => {
      let c = orgs.get(partition);
      if (!c) orgs.set(partition, (c = createOrganizationsClient(shared, partition)));
      return c;
    },
    forAccount: (credentials) => auditClients(credentials ? { ...shared, credentials } : shared, rps),
    defaultRegion: async () => {
      if (base.region) return base.region;
      try {
        return await createLambdaClient(base).config.region();
      } catch {
        return undefined;
      }
    },
    close: () => pool.destroy(),
  };
}
