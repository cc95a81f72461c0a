/**
 * Options of `loadSecrets` and friends, with their defaults in one place.
 * @module
 */
import type { KMSClient } from "@aws-sdk/client-kms";

/**
 * The unsealed secrets: variable name → plaintext. Frozen.
 *
 * @example
 * ```ts
 * const secrets: Secrets = await loadSecrets();
 * secrets.DB_PASSWORD; // string | undefined
 * ```
 */
export type Secrets = Readonly<Record<string, string>>;

/**
 * Options of {@link loadSecrets}. Every field is optional; the defaults fit a Lambda function whose variables were
 * written by `envseal push`.
 *
 * @example
 * ```ts
 * const secrets = await loadSecrets({ names: ["LEGACY_TOKEN"], timeoutMs: 3000 });
 * ```
 */
export interface LoadSecretsOptions {
  /**
   * Extra variables to open that are not in `ENVSEAL_SEALED` — values sealed with the Lambda console's
   * encryption helpers, which write no manifest. Default: none.
   */
  names?: readonly string[];
  /**
   * Names that must be among the opened secrets: `loadSecrets` fails closed (UnsealError code `MissingSecret`, naming
   * them) instead of returning `undefined` for a name dropped from `ENVSEAL_SEALED` or the bundle. Default: none.
   */
  required?: readonly string[];
  /**
   * Refuse a bundle older than this generation (UnsealError code `BundleRolledBack`): pin it in the handler's code to
   * the generation `envseal show` reports after a push, so an older bundle put back into the configuration is refused.
   * Default: none.
   */
  minBundleGeneration?: number;
  /**
   * Where KMS calls go, chosen by the handler's code. Inside Lambda (where `AWS_LAMBDA_RUNTIME_API` is set, which a
   * function's configuration cannot set) envseal ignores `AWS_ENDPOINT_URL`, `AWS_ENDPOINT_URL_KMS` and
   * `AWS_CA_BUNDLE` for KMS — whoever may edit the configuration could otherwise send every signed Decrypt elsewhere
   * — and talks to `kms[-fips].<region>.amazonaws.com[.cn]` only, unless this option names another endpoint. Outside
   * Lambda the environment variables work as usual. Default: none.
   */
  kmsEndpoint?: string;
  /**
   * The function name the values are bound to (encryption context `LambdaFunctionName`). A name or ARN.
   * Default: `process.env.AWS_LAMBDA_FUNCTION_NAME`. Without either, `loadSecrets` fails: it never decrypts without
   * an encryption context.
   */
  functionName?: string;
  /**
   * Your own KMS client (its region, credentials, endpoint and transport are used as they are).
   * Default: one `KMSClient` created on first use, shared by the process, with envseal's TLS policy
   * (TLS 1.2+, forward-secret suites, keep-alive) and `AWS_ENDPOINT_URL_KMS` / `AWS_ENDPOINT_URL` honoured; the call
   * that creates it decides its `timeoutMs`, `maxAttempts` and `maxConnections`.
   */
  client?: KMSClient;
  /**
   * How Decrypt reaches KMS when no `client` is given:
   * - `"auto"` (default): the lean path (a SigV4-signed https request over one keep-alive agent, no SDK import) when
   *   the environment holds static credentials and a region — as Lambda's does — else the SDK's `KMSClient`;
   * - `"lean"`: always the lean path (fails with code `NoCredentials` without static credentials and a region);
   * - `"sdk"`: always `@aws-sdk/client-kms` (its full credential chain).
   *
   * Default: `process.env.ENVSEAL_KMS_TRANSPORT`, else `"auto"`. A given `client` is always used as it is.
   */
  kmsTransport?: KmsTransport;
  /** Upper bound on the whole unseal, in milliseconds; Decrypts still running then are aborted. Default: 5000. */
  timeoutMs?: number;
  /**
   * Attempts per Decrypt when envseal makes the client, the first included (throttling, 5xx and dropped connections
   * are retried with backoff). Default: 3.
   */
  maxAttempts?: number;
  /**
   * TLS connections envseal's own client (lean or SDK) opens to KMS at once. Decrypts beyond that many wait for a free keep-alive
   * connection (HTTP/1.1 carries one request at a time per connection); a bundle needs only one. Default: 8.
   */
  maxConnections?: number;
  /**
   * Also write the plaintext into `process.env`. Default: `false`, because every library and child process
   * (which inherits the environment), crash reporter and "log the environment" helper would then see plaintext.
   */
  exportToEnv?: boolean;
}

/**
 * How Decrypt reaches KMS; see {@link LoadSecretsOptions.kmsTransport}.
 *
 * @example
 * ```ts
 * const transport: KmsTransport = "sdk";
 * await loadSecrets({ kmsTransport: transport });
 * ```
 */
export type KmsTransport = "auto" | "lean" | "sdk";

/**
 * Default of {@link LoadSecretsOptions.timeoutMs}.
 *
 * @example
 * ```ts
 * await loadSecrets({ timeoutMs: 2 * DEFAULT_TIMEOUT_MS });
 * ```
 */
export const DEFAULT_TIMEOUT_MS = 5000;
/**
 * Default of {@link LoadSecretsOptions.maxConnections}.
 *
 * @example
 * ```ts
 * await loadSecrets({ maxConnections: DEFAULT_MAX_CONNECTIONS * 2 });
 * ```
 */
export const DEFAULT_MAX_CONNECTIONS = 8;
/**
 * Default of {@link LoadSecretsOptions.maxAttempts}.
 *
 * @example
 * ```ts
 * await loadSecrets({ maxAttempts: DEFAULT_MAX_ATTEMPTS + 2 });
 * ```
 */
export const DEFAULT_MAX_ATTEMPTS = 3;
