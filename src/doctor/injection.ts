/**
 * Configuration-injection variables: settings in a function's environment that change where its KMS calls go, what
 * TLS it trusts, or what code runs before the handler — each a way to read secrets as they are unsealed.
 * @module
 */
import { NODE_CODE_FLAGS, nodeOptionNames } from "../core/node-options.js";

/**
 * One injection variable found, by name (never its value) and why it matters.
 *
 * @example
 * ```ts
 * const hit: InjectionHit = { name: "NODE_OPTIONS", why: "loads code before the handler (--require)" };
 * ```
 */
export interface InjectionHit {
  readonly name: string;
  readonly why: string;
}

/**
 * The injection variables present in `variables`: `AWS_ENDPOINT_URL*`, `AWS_CA_BUNDLE`, `NODE_EXTRA_CA_CERTS`,
 * `NODE_OPTIONS` with `--require` / `--import` / `--loader` / `--inspect`, `HTTP_PROXY` / `HTTPS_PROXY` (either case),
 * `AWS_LAMBDA_EXEC_WRAPPER`, `LD_PRELOAD`.
 *
 * @example
 * ```ts
 * injectionVariables({ NODE_OPTIONS: "--require ./x.js", A: "1" }).map((h) => h.name); // ["NODE_OPTIONS"]
 * ```
 */
export function injectionVariables(variables: Readonly<Record<string, string>>): InjectionHit[] {
  const out: InjectionHit[] = [];
  for (const name of Object.keys(variables).sort()) {
    const value = variables[name] as string;
    if (/^AWS_ENDPOINT_URL(?:_[A-Z0-9_]+)?$/.test(name)) out.push({ name, why: "redirects the SDK's AWS calls to another endpoint" });
    else if (name === "AWS_CA_BUNDLE" || name === "NODE_EXTRA_CA_CERTS") out.push({ name, why: "adds certificate authorities the TLS connections trust" });
    else if (name === "NODE_OPTIONS" && nodeOptionNames(value).some((o) => NODE_CODE_FLAGS.includes(o))) out.push({ name, why: "loads code or opens a debugger before the handler (--require, --import, --loader or --inspect)" });
    else if (/^https?_proxy$/i.test(name)) out.push({ name, why: "sends HTTP(S) traffic through a proxy" });
    else if (name === "AWS_LAMBDA_EXEC_WRAPPER") out.push({ name, why: "runs a wrapper script before the runtime starts" });
    else if (name === "LD_PRELOAD") out.push({ name, why: "preloads a shared library into the runtime process" });
  }
  return out;
}
