/**
 * What both KMS paths of the runtime read from Lambda's environment: the endpoint and the CA bundle.
 * @module
 */
import { readFileSync } from "node:fs";
import { EnvsealError } from "../core/errors.js";
import { checkEndpoint } from "../transport/tls.js";

/**
 * True inside Lambda: `AWS_LAMBDA_RUNTIME_API` is set by Lambda itself and is reserved, so a function's configuration
 * cannot set or unset it.
 *
 * @example
 * ```ts
 * insideLambda({ AWS_LAMBDA_RUNTIME_API: "127.0.0.1:9001" }); // true
 * ```
 */
export function insideLambda(env: NodeJS.ProcessEnv = process.env): boolean {
  return Boolean(env.AWS_LAMBDA_RUNTIME_API);
}

/**
 * The KMS endpoint: `explicit` (the handler's `kmsEndpoint` option) when given; else, outside Lambda only,
 * `AWS_ENDPOINT_URL_KMS` or `AWS_ENDPOINT_URL`. Checked against the transport policy. Inside Lambda the environment
 * is not consulted: configuration-write access must not redirect signed KMS requests.
 */
export function kmsEndpointFromEnv(env: NodeJS.ProcessEnv = process.env, explicit?: string): string | undefined {
  if (explicit !== undefined) return checkEndpoint(explicit, "kmsEndpoint").toString();
  if (insideLambda(env)) return undefined;
  for (const name of ["AWS_ENDPOINT_URL_KMS", "AWS_ENDPOINT_URL"]) {
    const value = env[name];
    if (value) return checkEndpoint(value, name).toString();
  }
  return undefined;
}

/** PEM text of the CA bundle named by `AWS_CA_BUNDLE` (it replaces Node's roots), or undefined; ignored inside Lambda. */
export function caBundle(): string | undefined {
  const file = process.env.AWS_CA_BUNDLE;
  if (!file || insideLambda()) return undefined;
  try {
    return readFileSync(file, "utf8");
  } catch (err) {
    throw new EnvsealError(`cannot read the CA bundle named by AWS_CA_BUNDLE (${file})`, { hint: "point AWS_CA_BUNDLE at a readable PEM file", cause: err });
  }
}


/**
 * AWS's KMS host for `region`: `kms.<region>.amazonaws.com`, `kms-fips.<region>…` with FIPS, `.amazonaws.com.cn` in
 * China.
 *
 * @example
 * ```ts
 * kmsHost("eu-west-1", false); // "kms.eu-west-1.amazonaws.com"
 * ```
 */
export function kmsHost(region: string, fips: boolean): string {
  const suffix = region.startsWith("cn-") ? "amazonaws.com.cn" : "amazonaws.com";
  return `${fips ? "kms-fips" : "kms"}.${region}.${suffix}`;
}
