/**
 * Configuration-injection variables: settings in a function's environment that make the runtime send its requests
 * elsewhere, trust another certificate authority, or run code before the handler — each a way to read secrets as they
 * are unsealed. Kept as data (name pattern, what it does, how bad it is and, for NODE_OPTIONS, which flags in the
 * value count), shared by `envseal doctor` and the auditor's rule ES010. Only names and flag names reach a result,
 * never a value.
 * @module
 */
import { NODE_CODE_FLAGS, nodeOptionNames } from "../core/node-options.js";

/** One kind of injection variable. */
export interface InjectionRule {
  /** Matches the variable's name. */
  readonly name: RegExp;
  /** What it does, as a phrase after the name ("redirects …"). */
  readonly what: string;
  /** How bad: proxies are medium (they see traffic, TLS still protects it), the rest high. */
  readonly severity: "high" | "medium";
  /** When set, the variable counts only if its value holds one of these flags (the flag, never the value, is reported). */
  readonly flags?: readonly string[];
}

/**
 * The rules, in report order.
 *
 * @example
 * ```ts
 * INJECTION_RULES.find((r) => r.name.test("AWS_CA_BUNDLE"))?.severity; // "high"
 * ```
 */
export const INJECTION_RULES: readonly InjectionRule[] = [
  { name: /^AWS_ENDPOINT_URL(_[A-Z0-9_]+)?$/, what: "redirects the AWS SDK's signed calls to another endpoint", severity: "high" },
  { name: /^(AWS_CA_BUNDLE|NODE_EXTRA_CA_CERTS|SSL_CERT_FILE|SSL_CERT_DIR|REQUESTS_CA_BUNDLE|CURL_CA_BUNDLE)$/, what: "trusts another certificate authority, so TLS to AWS can be intercepted", severity: "high" },
  {
    name: /^NODE_OPTIONS$/,
    what: "loads code or opens a debugger before the handler",
    severity: "high",
    flags: NODE_CODE_FLAGS,
  },
  { name: /^(HTTPS?_PROXY|https?_proxy|ALL_PROXY|all_proxy|NODE_USE_ENV_PROXY)$/, what: "routes the function's HTTP(S) traffic through a proxy", severity: "medium" },
  { name: /^AWS_LAMBDA_EXEC_WRAPPER$/, what: "runs a wrapper script before the runtime starts", severity: "high" },
  { name: /^(LD_PRELOAD|LD_AUDIT)$/, what: "loads a shared library into the runtime process", severity: "high" },
  { name: /^(JAVA_TOOL_OPTIONS|_JAVA_OPTIONS|JDK_JAVA_OPTIONS)$/, what: "passes options (such as -javaagent) to the JVM at startup", severity: "high" },
  { name: /^(DOTNET_STARTUP_HOOKS|PYTHONSTARTUP|PERL5OPT|RUBYOPT|BASH_ENV|ENV)$/, what: "runs code when the runtime or a shell starts", severity: "high" },
];

/** One variable that matched, with why. */
export interface InjectionHit {
  readonly name: string;
  readonly what: string;
  readonly severity: "high" | "medium";
}

/**
 * The injection variables of a function's environment, by name (sorted).
 *
 * @example
 * ```ts
 * injectionVariables({ NODE_OPTIONS: "--require /tmp/x.js" }); // [{ name: "NODE_OPTIONS", what: "… (--require)", … }]
 * ```
 */
export function injectionVariables(variables: Readonly<Record<string, string>>): InjectionHit[] {
  const out: InjectionHit[] = [];
  for (const name of Object.keys(variables).sort()) {
    const rule = INJECTION_RULES.find((r) => r.name.test(name));
    if (!rule) continue;
    if (rule.flags) {
      const tokens = nodeOptionNames(variables[name] as string);
      const found = rule.flags.filter((f) => tokens.includes(f));
      if (found.length === 0) continue;
      out.push({ name, what: `${rule.what} (${found.join(", ")})`, severity: rule.severity });
    } else {
      out.push({ name, what: rule.what, severity: rule.severity });
    }
  }
  return out;
}
