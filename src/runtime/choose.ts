/**
 * Which {@link DecryptFn} a load uses: the caller's `client` as it is; else the lean signed-request path when the
 * environment holds static credentials and a region (Lambda's always does); else the SDK's default `KMSClient`, whose
 * credential chain covers everything else (profiles, containers, SSO). `kmsTransport` / `ENVSEAL_KMS_TRANSPORT`
 * force one path.
 * @module
 */
import type { KMSClient } from "@aws-sdk/client-kms";
import { AwsError, UnsealError } from "../core/errors.js";
import { type DecryptFn, type DefaultClientSettings, sdkDecrypt } from "./decrypt.js";
import { leanDecrypt, leanTargetFromEnv } from "./lean.js";
import type { KmsTransport } from "./options.js";

const TRANSPORTS: readonly KmsTransport[] = ["auto", "lean", "sdk"];

/** The transport asked for: the option, else `ENVSEAL_KMS_TRANSPORT`, else `"auto"`. Throws on an unknown name. */
export function transportOf(option: KmsTransport | undefined, env: NodeJS.ProcessEnv = process.env): KmsTransport {
  const [value, source] = option !== undefined ? [option, "kmsTransport"] : [env.ENVSEAL_KMS_TRANSPORT || "auto", "ENVSEAL_KMS_TRANSPORT"];
  if (!TRANSPORTS.includes(value as KmsTransport)) {
    throw new UnsealError(`${source} must be one of ${TRANSPORTS.join(", ")}`, { variable: source, code: "InvalidOption", hint: `set ${source} to auto (the default), lean or sdk` });
  }
  return value as KmsTransport;
}

/** The Decrypt function for one load. */
export function chooseDecrypt(client: KMSClient | undefined, transport: KmsTransport | undefined, settings: DefaultClientSettings): DecryptFn {
  if (client) return sdkDecrypt(client, settings);
  const mode = transportOf(transport);
  if (mode === "sdk") return sdkDecrypt(undefined, settings);
  // Configuration errors surface per variable, as the SDK path reports them (e.g. `DB_PASSWORD: ... InsecureEndpoint`).
  let target;
  try {
    target = leanTargetFromEnv(process.env, settings.kmsEndpoint);
  } catch (err) {
    return () => Promise.reject(err);
  }
  if (target) return leanDecrypt(target, settings);
  if (mode === "auto") return sdkDecrypt(undefined, settings);
  const missing = new AwsError("kmsTransport is lean, but the environment holds no static credentials and region (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_REGION)", {
    code: "NoCredentials",
    operation: "kms:Decrypt",
    hint: 'run inside Lambda (which sets them), set them, or use kmsTransport: "sdk" for the SDK\'s credential chain',
  });
  return () => Promise.reject(missing);
}
