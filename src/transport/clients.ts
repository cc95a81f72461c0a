/**
 * One place that builds AWS SDK clients for the CLI and the auditor, all with the same transport policy,
 * retry strategy and endpoint rules.
 * @module
 */
import { Agent as HttpsAgent } from "node:https";
import { Agent as HttpAgent } from "node:http";
import { readFileSync } from "node:fs";
import { KMSClient } from "@aws-sdk/client-kms";
import { LambdaClient } from "@aws-sdk/client-lambda";
import { IAMClient } from "@aws-sdk/client-iam";
import { NodeHttpHandler } from "@smithy/node-http-handler";
import { ConfigError, InputError } from "../core/errors.js";
import { annotateTlsRefusal } from "./probe.js";
import { checkEndpoint, isLoopback, tlsAgentOptions } from "./tls.js";

/** Connection and retry settings shared by every client (CLI global options). */
export interface AwsOptions {
  /** Region; default: the SDK's chain (`AWS_REGION`, the profile's region). */
  region?: string;
  /** Named profile from the shared config files. Default: the SDK's default chain. */
  profile?: string;
  /** Endpoint for every service (`--endpoint-url`); `AWS_ENDPOINT_URL[_KMS|_LAMBDA]` work too. */
  endpointUrl?: string;
  /** Attempts per call, first included. Default: 3 (the SDK's). */
  maxAttempts?: number;
  /** `standard` or `adaptive` (client-side rate limiting, used by the auditor). Default: standard. */
  retryMode?: "standard" | "adaptive";
  /** Socket timeout per request in milliseconds. Default: 10000. */
  timeoutMs?: number;
  /** Use FIPS endpoints. Default: `AWS_USE_FIPS_ENDPOINT` or off. */
  fips?: boolean;
  /**
   * PEM file of the CAs to trust instead of Node's bundled roots, as the AWS CLI does (include the public roots if
   * AWS's own endpoints must still verify). Default: `AWS_CA_BUNDLE` or Node's roots.
   */
  caBundle?: string;
  /**
   * Credentials to sign with instead of the SDK's chain (`audit --org` passes each member account's assumed-role
   * session). Default: the SDK's chain (`--profile`, environment, instance role).
   */
  credentials?: AwsCredentialsProvider;
  /**
   * Request handlers shared by clients of the same service and region (`audit --org` builds clients per account; their
   * requests go to the same endpoints, so they share sockets and TLS sessions). Default: one handler per client.
   */
  handlerPool?: HandlerPool;
}

/** Credentials as the SDK takes them (`AwsCredentialIdentity`). */
export interface AwsCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
  readonly expiration?: Date;
}

/** Called by a client whenever it needs credentials; the SDK caches the result until shortly before `expiration`. */
export type AwsCredentialsProvider = () => Promise<AwsCredentials>;

/** Environment variables naming one service's endpoint (the SDK's own names), beside `AWS_ENDPOINT_URL`. */
const ENDPOINT_ENV: Record<string, string> = {
  kms: "AWS_ENDPOINT_URL_KMS",
  lambda: "AWS_ENDPOINT_URL_LAMBDA",
  config: "AWS_ENDPOINT_URL_CONFIG_SERVICE",
  securityhub: "AWS_ENDPOINT_URL_SECURITYHUB",
  iam: "AWS_ENDPOINT_URL_IAM",
};

/** The endpoint a service's client will use, checked against the transport policy; undefined means AWS's. */
export function resolveEndpoint(service: "kms" | "lambda" | string, options: AwsOptions): string | undefined {
  if (options.endpointUrl) return checkEndpoint(options.endpointUrl, "--endpoint-url").toString();
  const specific = ENDPOINT_ENV[service] ?? `AWS_ENDPOINT_URL_${service.toUpperCase()}`;
  for (const name of [specific, "AWS_ENDPOINT_URL"]) {
    const v = process.env[name];
    if (v) return checkEndpoint(v, name).toString();
  }
  return undefined;
}

const PEM_CERT = "-----BEGIN CERTIFICATE-----";

/** The PEM text of `--ca-bundle` / `AWS_CA_BUNDLE`; an unreadable file or one without a certificate is an {@link InputError}. */
export function readCaBundle(options: AwsOptions): string | undefined {
  const flag = options.caBundle !== undefined;
  const file = options.caBundle ?? process.env.AWS_CA_BUNDLE;
  if (!file) return undefined;
  const source = flag ? "--ca-bundle" : "AWS_CA_BUNDLE";
  let pem: string;
  try {
    pem = readFileSync(file, "utf8");
  } catch (err) {
    throw new InputError(`cannot read the CA bundle ${file} (${source})`, { hint: `pass a readable PEM file to ${source}`, cause: err });
  }
  if (!pem.includes(PEM_CERT)) {
    throw new InputError(`the CA bundle ${file} (${source}) holds no PEM certificate`, { hint: `${source} takes PEM text with ${PEM_CERT} blocks` });
  }
  return pem;
}

/**
 * NodeHttpHandler that enforces the transport policy on the final request URL — whatever set the endpoint (a flag, an
 * `AWS_ENDPOINT_URL*` variable, or `endpoint_url` in an AWS config profile, which the SDK reads on its own): plain HTTP
 * is refused off loopback before anything is sent. When a handshake is refused, it probes the peer once so the error
 * can name what it offered (see `probe.ts`).
 */
export class PolicyHttpHandler extends NodeHttpHandler {
  override async handle(...args: Parameters<NodeHttpHandler["handle"]>): ReturnType<NodeHttpHandler["handle"]> {
    const [request, options] = args;
    if (request.protocol !== "https:" && !(request.protocol === "http:" && isLoopback(request.hostname))) {
      throw new ConfigError(
        `the request would go to ${request.protocol}//${request.hostname} (an endpoint set by a flag, AWS_ENDPOINT_URL* or endpoint_url in the AWS config profile); envseal requires HTTPS`,
        { code: "InsecureEndpoint", hint: "use an https:// endpoint (plain http is allowed only on 127.0.0.1 for local emulators)" },
      );
    }
    try {
      return await super.handle(request, options);
    } catch (err) {
      if (request.protocol === "https:") {
        await annotateTlsRefusal(err, { host: request.hostname, ...(request.port ? { port: request.port } : {}) });
      }
      throw err;
    }
  }
}

/** Build the request handler with the TLS policy; one per client so sockets stay per region. */
export function createRequestHandler(options: AwsOptions): NodeHttpHandler {
  const ca = readCaBundle(options);
  return new PolicyHttpHandler({
    httpsAgent: new HttpsAgent(tlsAgentOptions(ca !== undefined ? { ca } : {})),
    // Only ever used for a loopback emulator: checkEndpoint refuses plain http anywhere else.
    httpAgent: new HttpAgent({ keepAlive: true, maxSockets: 50 }),
    connectionTimeout: Math.min(options.timeoutMs ?? 10_000, 5_000),
    requestTimeout: options.timeoutMs ?? 10_000,
    // Without this, smithy only logs a warning when requestTimeout passes and a stalled request waits forever.
    throwOnRequestTimeout: true,
  });
}

/** Request handlers shared per key (service and region); see {@link AwsOptions.handlerPool}. */
export interface HandlerPool {
  /** The handler for `key`, made on first use. */
  get(key: string): NodeHttpHandler;
  /** Close every handler's sockets. */
  destroy(): void;
}

/**
 * A pool of request handlers under the transport policy, one per key.
 *
 * @example
 * ```ts
 * const pool = createHandlerPool(opts);
 * const a = createLambdaClient({ ...opts, handlerPool: pool, credentials: accountA }, "us-east-1");
 * const b = createLambdaClient({ ...opts, handlerPool: pool, credentials: accountB }, "us-east-1"); // same sockets
 * pool.destroy();
 * ```
 */
export function createHandlerPool(options: AwsOptions): HandlerPool {
  const handlers = new Map<string, NodeHttpHandler>();
  return {
    get: (key) => {
      let h = handlers.get(key);
      if (!h) handlers.set(key, (h = createRequestHandler(options)));
      return h;
    },
    destroy: () => {
      for (const h of handlers.values()) h.destroy();
      handlers.clear();
    },
  };
}

/** True when FIPS endpoints are asked for: `--fips`, else `AWS_USE_FIPS_ENDPOINT=true`. */
export function fipsRequested(options: AwsOptions): boolean {
  return options.fips ?? /^true$/i.test(process.env.AWS_USE_FIPS_ENDPOINT ?? "");
}

/**
 * The configuration every envseal client is built from: endpoint (checked against the transport policy), FIPS,
 * credentials, retries and the policy's request handler. Service modules beside this one (`service-clients.ts`) use it
 * for the clients only some commands need, so loading this module does not load their SDK packages.
 *
 * @example
 * ```ts
 * const sts = new STSClient(clientConfig("sts", opts, "us-east-1"));
 * ```
 */
export function clientConfig(service: string, options: AwsOptions, region?: string) {
  const endpoint = resolveEndpoint(service, options);
  const fips = fipsRequested(options);
  if (fips && endpoint) {
    // The SDK refuses the pair too, with a message that names neither setting.
    throw new InputError(`FIPS endpoints were asked for (${options.fips ? "--fips" : "AWS_USE_FIPS_ENDPOINT"}) together with a custom endpoint`, {
      hint: "drop one: give the FIPS endpoint itself as --endpoint-url, or unset the custom endpoint",
    });
  }
  return {
    ...(region ?? options.region ? { region: region ?? options.region } : {}),
    ...(options.profile ? { profile: options.profile } : {}),
    ...(endpoint ? { endpoint } : {}),
    ...(fips ? { useFipsEndpoint: true } : {}),
    ...(options.credentials ? { credentials: options.credentials } : {}),
    maxAttempts: options.maxAttempts ?? 3,
    retryMode: options.retryMode ?? "standard",
    // Every service envseal calls signs with SigV4. Saying so spares each client looking AWS_AUTH_SCHEME_PREFERENCE up
    // in the environment and the config files on its first request (a failed lookup builds an error with a stack: about
    // 1 ms a client, which adds up when an organisation audit makes a client per account and region).
    authSchemePreference: ["sigv4"],
    requestHandler: options.handlerPool ? options.handlerPool.get(`${service}/${region ?? options.region ?? ""}`) : createRequestHandler(options),
  };
}

/**
 * A KMS client under the transport policy.
 *
 * @example
 * ```ts
 * const kms = createKmsClient({ profile: "dev" }, "eu-west-1");
 * ```
 */
export function createKmsClient(options: AwsOptions = {}, region?: string): KMSClient {
  return new KMSClient(clientConfig("kms", options, region));
}

/**
 * A Lambda client under the transport policy.
 *
 * @example
 * ```ts
 * const lambda = createLambdaClient({ maxAttempts: 8, retryMode: "adaptive" }, "eu-west-1");
 * ```
 */
export function createLambdaClient(options: AwsOptions = {}, region?: string): LambdaClient {
  return new LambdaClient(clientConfig("lambda", options, region));
}

/**
 * An IAM client under the transport policy (doctor's `iam:SimulatePrincipalPolicy`). IAM is global: without a region
 * the SDK's chain decides, and `us-east-1` is used when it has none.
 *
 * @example
 * ```ts
 * const iam = createIamClient({ profile: "ops" });
 * ```
 */
export function createIamClient(options: AwsOptions = {}): IAMClient {
  return new IAMClient({ region: "us-east-1", ...clientConfig("iam", options) });
}
