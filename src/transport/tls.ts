/**
 * envseal's transport policy, in one place for the CLI, the runtime and the auditor:
 * HTTPS only (plain HTTP only to a loopback emulator), TLS 1.2 or later, forward-secret suites only, SNI, keep-alive.
 *
 * Explicit `minVersion` and `ciphers` win over `NODE_OPTIONS=--tls-min-v1.0` and `--tls-cipher-list`,
 * which only change Node's defaults. No AWS SDK import here, so the runtime can use it.
 * @module
 */
import type { AgentOptions } from "node:https";
import { ConfigError } from "../core/errors.js";

/** The oldest protocol envseal speaks. */
export const MIN_TLS_VERSION = "TLSv1.2" as const;

/** TLS 1.3 suites (all forward-secret by design). */
export const TLS13_SUITES = ["TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256"];

/** TLS 1.2 suites: ECDHE key exchange with AES-GCM, ChaCha20-Poly1305 or AES-CBC with SHA-2. */
export const TLS12_SUITES = [
  "ECDHE-ECDSA-AES128-GCM-SHA256",
  "ECDHE-RSA-AES128-GCM-SHA256",
  "ECDHE-ECDSA-AES256-GCM-SHA384",
  "ECDHE-RSA-AES256-GCM-SHA384",
  "ECDHE-ECDSA-CHACHA20-POLY1305",
  "ECDHE-RSA-CHACHA20-POLY1305",
  "ECDHE-ECDSA-AES128-SHA256",
  "ECDHE-RSA-AES128-SHA256",
  "ECDHE-ECDSA-AES256-SHA384",
  "ECDHE-RSA-AES256-SHA384",
];

/** The cipher string given to every TLS socket envseal opens. */
export const CIPHERS = [...TLS13_SUITES, ...TLS12_SUITES].join(":");

/** Options for the https agent every AWS client uses. */
export interface TlsPolicyOptions {
  /**
   * PEM text of the CAs to trust (from `--ca-bundle` / `AWS_CA_BUNDLE`). It replaces Node's bundled roots, as the
   * AWS CLI's bundle does. Default: Node's bundled roots.
   */
  ca?: string | Buffer;
  /** Sockets kept per host. Default: 50. */
  maxSockets?: number;
}

/**
 * Agent options that enforce the policy.
 *
 * @example
 * ```ts
 * import { Agent } from "node:https";
 * const agent = new Agent(tlsAgentOptions());
 * ```
 */
export function tlsAgentOptions(options: TlsPolicyOptions = {}): AgentOptions {
  return {
    keepAlive: true,
    maxSockets: options.maxSockets ?? 50,
    minVersion: MIN_TLS_VERSION,
    maxVersion: "TLSv1.3",
    ciphers: CIPHERS,
    honorCipherOrder: true,
    rejectUnauthorized: true,
    ...(options.ca !== undefined ? { ca: options.ca } : {}),
  };
}

const LOOPBACK = new Set(["127.0.0.1", "localhost", "[::1]", "::1"]);

/** True when `hostname` is this machine (where a plain-HTTP emulator may run). */
export function isLoopback(hostname: string): boolean {
  return LOOPBACK.has(hostname) || /^127\.\d+\.\d+\.\d+$/.test(hostname);
}

/**
 * Check an endpoint URL against the policy: `https:` anywhere, `http:` only on loopback (local emulators).
 * Throws {@link ConfigError} (exit 2) otherwise: the setting is wrong, no connection was tried.
 *
 * @example
 * ```ts
 * checkEndpoint("http://127.0.0.1:5000", "--endpoint-url"); // URL
 * checkEndpoint("http://kms.example.com", "--endpoint-url"); // throws ConfigError (InsecureEndpoint)
 * ```
 */
export function checkEndpoint(url: string, source: string): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ConfigError(`${source} is not a URL`, {
      code: "InvalidEndpoint",
      hint: "give a URL such as https://kms.eu-west-1.amazonaws.com",
    });
  }
  if (parsed.protocol === "https:") return parsed;
  if (parsed.protocol === "http:" && isLoopback(parsed.hostname)) return parsed;
  throw new ConfigError(`${source} uses ${parsed.protocol.replace(":", "")} to ${parsed.hostname}; envseal requires HTTPS`, {
    code: "InsecureEndpoint",
    hint: "use an https:// endpoint (plain http is allowed only on 127.0.0.1 for local emulators)",
  });
}
