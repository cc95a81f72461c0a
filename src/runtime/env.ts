/**
 * What both KMS paths of the runtime read from Lambda's environment: the endpoint and the CA bundle.
 * @module
 */
import { readFileSync } from "node:fs";
import { EnvsealError } from "../core/errors.js";
import { checkEndpoint } from "../transport/tls.js";

/** The KMS endpoint from `AWS_ENDPOINT_URL_KMS` or `AWS_ENDPOINT_URL`, checked against the transport policy. */
export function kmsEndpointFromEnv(env: NodeJS.ProcessEnv = process.env): string | undefined {
  for (const name of ["AWS_ENDPOINT_URL_KMS", "AWS_ENDPOINT_URL"]) {
    const value = env[name];
    if (value) return checkEndpoint(value, name).toString();
  }
  return undefined;
}

/** PEM text of the CA bundle named by `AWS_CA_BUNDLE` (it replaces Node's roots), or undefined. */
export function caBundle(): string | undefined {
  const file = process.env.AWS_CA_BUNDLE;
  if (!file) return undefined;
  try {
    return readFileSync(file, "utf8");
  } catch (err) {
    throw new EnvsealError(`cannot read the CA bundle named by AWS_CA_BUNDLE (${file})`, { hint: "point AWS_CA_BUNDLE at a readable PEM file", cause: err });
  }
}

