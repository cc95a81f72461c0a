/**
 * Clients of the services only the auditor's organisation, AWS Config and Security Hub features call (STS,
 * Organizations, Account, Config, Security Hub), under the same transport policy as every other client. Kept apart from
 * `clients.ts` so that commands which never call them (push, show, …) do not load their SDK packages.
 * @module
 */
import { AccountClient } from "@aws-sdk/client-account";
import { ConfigServiceClient } from "@aws-sdk/client-config-service";
import { OrganizationsClient } from "@aws-sdk/client-organizations";
import { SecurityHubClient } from "@aws-sdk/client-securityhub";
import { STSClient } from "@aws-sdk/client-sts";
import { clientConfig, type AwsOptions } from "./clients.js";

/**
 * An STS client (GetCallerIdentity; AssumeRole for `audit --org`). Regional endpoint of `region`, else the configured one.
 *
 * @example
 * ```ts
 * const { Account } = await createStsClient(opts).send(new GetCallerIdentityCommand({}));
 * ```
 */
export function createStsClient(options: AwsOptions = {}, region?: string): STSClient {
  return new STSClient(clientConfig("sts", options, region));
}

/** The region that serves Organizations in each partition. */
const ORGANIZATIONS_REGION: Record<string, string> = { aws: "us-east-1", "aws-us-gov": "us-gov-west-1", "aws-cn": "cn-northwest-1" };

/**
 * An Organizations client (ListAccounts). Organizations is served from one region per partition.
 *
 * @example
 * ```ts
 * const org = createOrganizationsClient(opts, "aws");
 * ```
 */
export function createOrganizationsClient(options: AwsOptions = {}, partition = "aws"): OrganizationsClient {
  return new OrganizationsClient(clientConfig("organizations", options, ORGANIZATIONS_REGION[partition] ?? "us-east-1"));
}

/**
 * An Account client (ListRegions). The Account API is global, served from us-east-1, and has no FIPS endpoint.
 *
 * @example
 * ```ts
 * const account = createAccountClient({ maxAttempts: 8, retryMode: "adaptive" });
 * ```
 */
export function createAccountClient(options: AwsOptions = {}): AccountClient {
  return new AccountClient(clientConfig("account", { ...options, fips: false }, "us-east-1"));
}

/**
 * An AWS Config client (PutEvaluations, GetResourceConfigHistory). `AWS_ENDPOINT_URL_CONFIG_SERVICE` sets its endpoint.
 *
 * @example
 * ```ts
 * const config = createConfigClient({}, process.env.AWS_REGION);
 * ```
 */
export function createConfigClient(options: AwsOptions = {}, region?: string): ConfigServiceClient {
  return new ConfigServiceClient(clientConfig("config", options, region));
}

/**
 * A Security Hub client (BatchImportFindings, GetFindings, BatchUpdateFindings). `AWS_ENDPOINT_URL_SECURITYHUB` sets its
 * endpoint.
 *
 * @example
 * ```ts
 * const hub = createSecurityHubClient({ credentials: memberSession }, "eu-west-1");
 * ```
 */
export function createSecurityHubClient(options: AwsOptions = {}, region?: string): SecurityHubClient {
  return new SecurityHubClient(clientConfig("securityhub", options, region));
}
