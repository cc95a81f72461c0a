/**
 * The AWS clients an audit uses: per region, a Lambda client with adaptive retries paced to Lambda's control-plane
 * quota and a KMS client; one Account client for `--regions all`. All under envseal's transport policy.
 * @module
 */
import type { AccountClient } from "@aws-sdk/client-account";
import type { KMSClient } from "@aws-sdk/client-kms";
import type { LambdaClient } from "@aws-sdk/client-lambda";
import type { IAMClient } from "@aws-sdk/client-iam";
import type { SecurityHubClient } from "@aws-sdk/client-securityhub";
import { GetCallerIdentityCommand } from "@aws-sdk/client-sts";
import { AwsError } from "../core/errors.js";
import { createIamClient, createKmsClient, createLambdaClient, type AwsOptions } from "../transport/clients.js";
import { mapCommonAwsError } from "../transport/errors.js";
import { createAccountClient, createSecurityHubClient, createStsClient } from "../transport/service-clients.js";
import { LAMBDA_CONTROL_PLANE_RPS, RateLimiter, rateLimited } from "./ratelimit.js";

/** Attempts per call the auditor uses unless `--max-attempts` says otherwise: throttling must end in a retry, not a failure. */
export const AUDIT_MAX_ATTEMPTS = 8;

/** Clients for an audit; tests pass their own. */
export interface AuditClients {
  /** Lambda client of `region` (one per region, paced). */
  lambda(region: string): LambdaClient;
  /** KMS client of `region`. */
  kms(region: string): KMSClient;
  /** Account client (ListRegions). */
  account(): AccountClient;
  /** IAM client (ES014's policy simulation); without it ES014 is not checked. */
  iam?(): IAMClient;
  /** The configured region (`--region`, `AWS_REGION`, the profile's). */
  defaultRegion(): Promise<string | undefined>;
  /** Security Hub client of `region` (`--security-hub`). Needed only to publish. */
  securityHub?(region: string): SecurityHubSender;
  /** The account and partition these clients act in (STS GetCallerIdentity). Needed only to publish. */
  identity?(): Promise<CallerIdentity>;
}

/**
 * A Security Hub client, typed by shape so the library's declarations need no `@aws-sdk/client-securityhub` (an
 * optional dependency of the library's users); {@link auditClients} returns the SDK's `SecurityHubClient`.
 */
export interface SecurityHubSender {
  send(command: never, options?: never): Promise<unknown>;
}

/** Who the clients act as. */
export interface CallerIdentity {
  /** 12-digit account id. */
  readonly account: string;
  /** `aws`, `aws-cn` or `aws-us-gov`, from the caller's ARN. */
  readonly partition: string;
}

/**
 * The caller's account and partition: STS GetCallerIdentity (allowed to every identity, no IAM permission needed).
 * Throws {@link AwsError} when STS cannot be reached or the credentials are refused.
 *
 * @example
 * ```ts
 * const { account } = await callerIdentity(createStsClient(opts)); // "123456789012"
 * ```
 */
export async function callerIdentity(sts: { send(c: GetCallerIdentityCommand): Promise<{ Account?: string | undefined; Arn?: string | undefined }> }): Promise<CallerIdentity> {
  try {
    const out = await sts.send(new GetCallerIdentityCommand({}));
    const account = out.Account ?? "";
    if (!/^\d{12}$/.test(account)) throw new AwsError("sts:GetCallerIdentity returned no account id", { code: "NoAccount", operation: "sts:GetCallerIdentity" });
    return { account, partition: /^arn:([a-z-]+):/.exec(out.Arn ?? "")?.[1] ?? "aws" };
  } catch (err) {
    if (err instanceof AwsError) throw err;
    throw mapCommonAwsError(err, "sts:GetCallerIdentity");
  }
}

/**
 * Real clients from the CLI's AWS options, with `retryMode: "adaptive"` and {@link AUDIT_MAX_ATTEMPTS}. With
 * `options.credentials` they sign as that identity (a member account's assumed role, for `audit --org`); with
 * `options.handlerPool` they share sockets with every other client of the same service and region.
 *
 * @example
 * ```ts
 * const clients = auditClients({ profile: "security-audit" });
 * ```
 */
export function auditClients(options: AwsOptions, rps = LAMBDA_CONTROL_PLANE_RPS): AuditClients {
  const opts: AwsOptions = { maxAttempts: AUDIT_MAX_ATTEMPTS, ...options, retryMode: "adaptive" };
  const lambdas = new Map<string, LambdaClient>();
  const kmss = new Map<string, KMSClient>();
  let account: AccountClient | undefined;
  let iam: IAMClient | undefined;
  const hubs = new Map<string, SecurityHubClient>();
  let identity: Promise<CallerIdentity> | undefined;
  return {
    iam: () => (iam ??= createIamClient(opts)),
    lambda: (region) => {
      let c = lambdas.get(region);
      if (!c) lambdas.set(region, (c = rateLimited(createLambdaClient(opts, region), new RateLimiter(rps))));
      return c;
    },
    kms: (region) => {
      let c = kmss.get(region);
      if (!c) kmss.set(region, (c = createKmsClient(opts, region)));
      return c;
    },
    account: () => (account ??= createAccountClient(opts)),
    securityHub: (region) => {
      let c = hubs.get(region);
      if (!c) hubs.set(region, (c = createSecurityHubClient(opts, region)));
      return c;
    },
    identity: () => (identity ??= callerIdentity(createStsClient(opts))),
    defaultRegion: async () => {
      if (opts.region) return opts.region;
      try {
        return await createLambdaClient(opts).config.region();
      } catch {
        return undefined;
      }
    },
  };
}
