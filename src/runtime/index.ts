/**
 * `envseal/runtime`: open sealed Lambda environment variables at cold start, once, fast, and never leak them.
 *
 * Imports only envseal's wire format, errors and TLS policy — nothing of the CLI or the auditor. The KMS client
 * (`@aws-sdk/client-kms`, a peer dependency that Lambda's Node.js runtimes ship) is loaded on first use.
 *
 * @example
 * ```ts
 * import { loadSecrets } from "envseal/runtime";
 * const secrets = await loadSecrets();
 * export const handler = async () => query(secrets.DB_PASSWORD);
 * ```
 * @module
 */
export { loadSecrets, getSecret, resetSecrets } from "./load.js";
export { withSecrets, DEFAULT_RESERVE_MS, type WithSecretsOptions, type LambdaContextLike } from "./with-secrets.js";
export { DEFAULT_TIMEOUT_MS, DEFAULT_MAX_ATTEMPTS, DEFAULT_MAX_CONNECTIONS, type KmsTransport, type LoadSecretsOptions, type Secrets } from "./options.js";
export { EnvsealError, UnsealError, type ErrorCause } from "../core/errors.js";
