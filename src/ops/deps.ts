/**
 * What the library operations need from the outside: AWS clients, made on first use so a command that needs
 * only KMS never builds a Lambda client.
 * @module
 */
import type { KMSClient } from "@aws-sdk/client-kms";
import type { LambdaClient } from "@aws-sdk/client-lambda";
import { createKmsClient, createLambdaClient, type AwsOptions } from "../transport/clients.js";

/** AWS clients for one region. */
export interface AwsDeps {
  kms(): KMSClient;
  lambda(): LambdaClient;
}

/**
 * Clients built on first use from {@link AwsOptions}.
 *
 * @example
 * ```ts
 * const deps = lazyDeps({ region: "eu-west-1" });
 * await push(deps, { functionName: "orders-api", key: "alias/app", secrets: { DB_PASSWORD: pw } });
 * ```
 */
export function lazyDeps(options: AwsOptions): AwsDeps {
  let kms: KMSClient | undefined;
  let lambda: LambdaClient | undefined;
  return {
    kms: () => (kms ??= createKmsClient(options)),
    lambda: () => (lambda ??= createLambdaClient(options)),
  };
}
