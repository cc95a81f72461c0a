/**
 * What the library operations need from the outside: AWS clients, made on first use so a command that needs
 * only KMS never builds a Lambda client, and the limits of a write.
 * @module
 */
import type { KMSClient } from "@aws-sdk/client-kms";
import type { LambdaClient } from "@aws-sdk/client-lambda";
import type { IAMClient } from "@aws-sdk/client-iam";
import { createIamClient, createKmsClient, createLambdaClient, type AwsOptions } from "../transport/clients.js";
import { DEFAULT_MAX_WAIT_SECONDS, type WriteOptions } from "../lambda/write.js";

/** AWS clients for one region, and how writes behave. */
export interface AwsDeps {
  kms(): KMSClient;
  lambda(): LambdaClient;
  /** IAM client (doctor's policy simulation); absent in deps that never need it. */
  iam?(): IAMClient;
  /** Limits of every write (conflict retries, wait for the update to be live). Default: writeEnvironment's defaults. */
  readonly writeOptions?: WriteOptions;
  /** Close the clients made so far (their sockets), so the process can exit at once. */
  close?(): void;
}

/**
 * How long a write waits for `LastUpdateStatus: Successful`, from the user's limits: twice what one request may take
 * with every retry (`timeout × maxAttempts`), at least 5 s and at most 300 s. Defaults (10 s × 3): 60 s.
 *
 * @example
 * ```ts
 * waitBudgetSeconds({ timeoutMs: 1000, maxAttempts: 2 }); // 5
 * ```
 */
export function waitBudgetSeconds(options: Pick<AwsOptions, "timeoutMs" | "maxAttempts">): number {
  if (options.timeoutMs === undefined && options.maxAttempts === undefined) return DEFAULT_MAX_WAIT_SECONDS;
  const perRequest = ((options.timeoutMs ?? 10_000) / 1000) * (options.maxAttempts ?? 3);
  return Math.min(300, Math.max(5, Math.ceil(2 * perRequest)));
}

/**
 * Clients built on first use from {@link AwsOptions}.
 *
 * @example
 * ```ts
 * const deps = lazyDeps({ region: "eu-west-1" });
 * await push(deps, { functionName: "orders-api", key: "alias/app", secrets: { DB_PASSWORD: pw } });
 * deps.close?.();
 * ```
 */
export function lazyDeps(options: AwsOptions): AwsDeps {
  let kms: KMSClient | undefined;
  let lambda: LambdaClient | undefined;
  let iam: IAMClient | undefined;
  return {
    kms: () => (kms ??= createKmsClient(options)),
    lambda: () => (lambda ??= createLambdaClient(options)),
    iam: () => (iam ??= createIamClient(options)),
    writeOptions: { maxWaitSeconds: waitBudgetSeconds(options) },
    close: () => {
      kms?.destroy();
      lambda?.destroy();
      iam?.destroy();
    },
  };
}
