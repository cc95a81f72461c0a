/**
 * The AWS clients an audit uses: per region, a Lambda client with adaptive retries paced to Lambda's control-plane
 * quota and a KMS client; one Account client for `--regions all`. All under envseal's transport policy.
 * @module
 */
import { AccountClient } from "@aws-sdk/client-account";
import type { KMSClient } from "@aws-sdk/client-kms";
import type { LambdaClient } from "@aws-sdk/client-lambda";
import type { IAMClient } from "@aws-sdk/client-iam";
import { createIamClient, createKmsClient, createLambdaClient, createRequestHandler, resolveEndpoint, type AwsOptions } from "../transport/clients.js";
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
}

/**
 * Real clients from the CLI's AWS options, with `retryMode: "adaptive"` and {@link AUDIT_MAX_ATTEMPTS}.
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
    account: () => {
      if (!account) {
        const endpoint = resolveEndpoint("account", opts);
        account = new AccountClient({
          // The Account API is global, served from us-east-1.
          region: "us-east-1",
          ...(opts.profile ? { profile: opts.profile } : {}),
          ...(endpoint ? { endpoint } : {}),
          maxAttempts: opts.maxAttempts ?? AUDIT_MAX_ATTEMPTS,
          retryMode: "adaptive",
          requestHandler: createRequestHandler(opts),
        });
      }
      return account;
    },
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
