/**
 * ES010's configuration-injection table, exact behaviour: every rule's names (each alternative matches, near misses
 * with a prefix or suffix do not), the exact `what` phrase and severity each produces, NODE_OPTIONS' flags one by one
 * (only a flag the value holds is reported, `--flag=value` counts, flags listed in table order), and hits sorted by name.
 *
 * The module is loaded in `beforeAll` (not by a static import), so its module-level table counts for these tests in a
 * mutation run.
 */
import { beforeAll, describe, expect, it } from "vitest";

let injection: typeof import("../../src/audit/injection.js");
beforeAll(async () => {
  injection = await import("../../src/audit/injection.js");
});

const ENDPOINT = "redirects the AWS SDK's signed calls to another endpoint";
const CA = "trusts another certificate authority, so TLS to AWS can be intercepted";
const NODE = "loads code or opens a debugger before the handler";
const PROXY = "routes the function's HTTP(S) traffic through a proxy";
const WRAPPER = "runs a wrapper script before the runtime starts";
const LIBRARY = "loads a shared library into the runtime process";
const JVM = "passes options (such as -javaagent) to the JVM at startup";
const STARTUP = "runs code when the runtime or a shell starts";

/** The hits for one variable. */
const hits = (name: string, value = "/opt/x") => injection.injectionVariables({ [name]: value });

describe("INJECTION_RULES: every name of every rule, with its phrase and severity", () => {
  it.each([
    ["AWS_ENDPOINT_URL", ENDPOINT, "high"],
    ["AWS_ENDPOINT_URL_KMS", ENDPOINT, "high"],
    ["AWS_ENDPOINT_URL_CONFIG_SERVICE", ENDPOINT, "high"],
    ["AWS_ENDPOINT_URL_S3", ENDPOINT, "high"],
    ["AWS_CA_BUNDLE", CA, "high"],
    ["NODE_EXTRA_CA_CERTS", CA, "high"],
    ["SSL_CERT_FILE", CA, "high"],
    ["SSL_CERT_DIR", CA, "high"],
    ["REQUESTS_CA_BUNDLE", CA, "high"],
    ["CURL_CA_BUNDLE", CA, "high"],
    ["HTTP_PROXY", PROXY, "medium"],
    ["HTTPS_PROXY", PROXY, "medium"],
    ["http_proxy", PROXY, "medium"],
    ["https_proxy", PROXY, "medium"],
    ["ALL_PROXY", PROXY, "medium"],
    ["all_proxy", PROXY, "medium"],
    ["NODE_USE_ENV_PROXY", PROXY, "medium"],
    ["AWS_LAMBDA_EXEC_WRAPPER", WRAPPER, "high"],
    ["LD_PRELOAD", LIBRARY, "high"],
    ["LD_AUDIT", LIBRARY, "high"],
    ["JAVA_TOOL_OPTIONS", JVM, "high"],
    ["_JAVA_OPTIONS", JVM, "high"],
    ["JDK_JAVA_OPTIONS", JVM, "high"],
    ["DOTNET_STARTUP_HOOKS", STARTUP, "high"],
    ["PYTHONSTARTUP", STARTUP, "high"],
    ["PERL5OPT", STARTUP, "high"],
    ["RUBYOPT", STARTUP, "high"],
    ["BASH_ENV", STARTUP, "high"],
    ["ENV", STARTUP, "high"],
  ])("%s: %s (%s)", (name, what, severity) => {
    expect(hits(name)).toEqual([{ name, what, severity }]);
  });

  it("the table has the eight rules, in report order, each with its phrase and severity", () => {
    expect(injection.INJECTION_RULES.map((r) => [r.what, r.severity])).toEqual([
      [ENDPOINT, "high"],
      [CA, "high"],
      [NODE, "high"],
      [PROXY, "medium"],
      [WRAPPER, "high"],
      [LIBRARY, "high"],
      [JVM, "high"],
      [STARTUP, "high"],
    ]);
  });
});

describe("INJECTION_RULES: near misses (a prefix, a suffix, another case) are not injection variables", () => {
  it.each([
    // AWS_ENDPOINT_URL: anchored both ends; the suffix is `_` and upper-case letters, digits or `_`.
    "MY_AWS_ENDPOINT_URL",
    "XAWS_ENDPOINT_URL_KMS",
    "AWS_ENDPOINT_URLS",
    "AWS_ENDPOINT_URL_kms",
    "AWS_ENDPOINT_URL_",
    "AWS_ENDPOINT_URL-KMS",
    "AWS_ENDPOINT_PREFIX",
    // CA bundles
    "MY_AWS_CA_BUNDLE",
    "AWS_CA_BUNDLE_PATH",
    "XSSL_CERT_DIR",
    "SSL_CERT_FILE2",
    "OLD_NODE_EXTRA_CA_CERTS",
    "CURL_CA_BUNDLE_X",
    // proxies
    "NO_PROXY",
    "no_proxy",
    "MY_HTTP_PROXY",
    "HTTPS_PROXY_PORT",
    "Http_Proxy",
    "HTTPSS_PROXY",
    "FTP_PROXY",
    "all_proxy_x",
    "NODE_USE_ENV_PROXY2",
    // wrapper
    "MY_AWS_LAMBDA_EXEC_WRAPPER",
    "AWS_LAMBDA_EXEC_WRAPPER_ARGS",
    // libraries
    "OLD_LD_PRELOAD",
    "LD_PRELOAD_PATH",
    "LD_AUDIT_X",
    "LD_LIBRARY_PATH",
    // JVM
    "MY_JAVA_TOOL_OPTIONS",
    "JAVA_TOOL_OPTIONS_X",
    "JAVA_OPTIONS",
    "JDK_JAVA_OPTIONS2",
    // startup hooks
    "MY_ENV",
    "ENVIRONMENT",
    "APP_ENV",
    "ENV_NAME",
    "XBASH_ENV",
    "BASH_ENV_X",
    "PYTHONSTARTUP_X",
    "MY_RUBYOPT",
    "DOTNET_STARTUP_HOOKS_X",
    "env",
  ])("%s", (name) => {
    expect(hits(name)).toEqual([]);
  });

  it("NODE_OPTIONS is matched by its exact name only", () => {
    expect(hits("NODE_OPTIONS", "--require /tmp/x.js")).toEqual([{ name: "NODE_OPTIONS", what: `${NODE} (--require)`, severity: "high" }]);
    expect(hits("MY_NODE_OPTIONS", "--require /tmp/x.js")).toEqual([]);
    expect(hits("NODE_OPTIONS_EXTRA", "--require /tmp/x.js")).toEqual([]);
    expect(hits("node_options", "--require /tmp/x.js")).toEqual([]);
  });
});

describe("NODE_OPTIONS: only the flags that load code or open a debugger count", () => {
  it.each(["--require", "-r", "--import", "--loader", "--experimental-loader", "--inspect", "--inspect-brk", "--inspect-port", "--inspect-wait", "--debug-port", "--experimental-policy"])(
    "%s alone is reported with that flag only",
    (flag) => {
      expect(hits("NODE_OPTIONS", `${flag} /tmp/x`)).toEqual([{ name: "NODE_OPTIONS", what: `${NODE} (${flag})`, severity: "high" }]);
    },
  );

  it("the flag table is exactly these ten flags", () => {
    expect(injection.INJECTION_RULES[2]!.flags).toEqual(["--require", "-r", "--import", "--loader", "--experimental-loader", "--inspect", "--inspect-brk", "--inspect-port", "--inspect-wait", "--debug-port", "--experimental-policy"]);
    expect(injection.INJECTION_RULES.filter((r) => r.flags !== undefined)).toHaveLength(1);
  });

  it("`--flag=value` counts as the flag; the value never reaches the finding", () => {
    const [hit] = hits("NODE_OPTIONS", "--inspect=0.0.0.0:9229 --import=/tmp/hook.mjs");
    expect(hit).toEqual({ name: "NODE_OPTIONS", what: `${NODE} (--import, --inspect)`, severity: "high" });
    expect(hit!.what).not.toContain("9229");
    expect(hit!.what).not.toContain("/tmp");
  });

  it("several flags are listed in table order, comma-separated, whatever their order in the value", () => {
    expect(hits("NODE_OPTIONS", "--inspect-brk --max-old-space-size=512 -r a.js --require b.js")).toEqual([
      { name: "NODE_OPTIONS", what: `${NODE} (--require, -r, --inspect-brk)`, severity: "high" },
    ]);
  });

  it("tokens are split on any run of whitespace (tabs, newlines, several spaces)", () => {
    expect(hits("NODE_OPTIONS", "--enable-source-maps\t--loader\n./l.mjs   --experimental-policy=p.json")).toEqual([
      { name: "NODE_OPTIONS", what: `${NODE} (--loader, --experimental-policy)`, severity: "high" },
    ]);
  });

  // Node reads NODE_OPTIONS with its own rules (src/node_options.cc, ParseNodeOptionsEnvVar and the option parser): it
  // drops double quotes wherever they stand, does not split inside them, takes a backslash inside them as an escape,
  // and accepts `_` for `-` in a long option's name. Each spelling below loads the file in Node 20; a plain split on
  // whitespace missed them all.
  it.each([
    ['"--require" /tmp/x.js', "--require"],
    ['--re""quire /tmp/x.js', "--require"],
    ['"--require=/tmp/a b.js"', "--require"],
    ['"\\-\\-import" /tmp/x.mjs', "--import"],
    ["--experimental_loader ./l.mjs", "--experimental-loader"],
    ["--inspect_brk", "--inspect-brk"],
    ["--inspect_port=9229", "--inspect-port"],
    ['--max-old-space-size=512 "-r" ./x.js', "-r"],
  ])("NODE_OPTIONS=%s is read as Node reads it: %s", (value, flag) => {
    expect(hits("NODE_OPTIONS", value)).toEqual([{ name: "NODE_OPTIONS", what: `${NODE} (${flag})`, severity: "high" }]);
  });

  it("whitespace inside double quotes does not split: a flag inside another option's quoted value does not count", () => {
    expect(hits("NODE_OPTIONS", '--title="a --require b" --enable-source-maps')).toEqual([]);
    expect(hits("NODE_OPTIONS", '--title="a --require b" --import x')).toEqual([{ name: "NODE_OPTIONS", what: `${NODE} (--import)`, severity: "high" }]);
    // An escaped quote inside quotes is a character, not the end of the string.
    expect(hits("NODE_OPTIONS", '--title="a\\" --require b"')).toEqual([]);
    expect(hits("NODE_OPTIONS", '--title="a\\" --require b" --inspect')).toEqual([{ name: "NODE_OPTIONS", what: `${NODE} (--inspect)`, severity: "high" }]);
  });

  it("underscores count as dashes only in a long option's name, not in a short one or in the value", () => {
    expect(hits("NODE_OPTIONS", "--max_old_space_size=512 --title=--inspect_brk")).toEqual([]);
    expect(hits("NODE_OPTIONS", "_r x")).toEqual([]);
    expect(hits("NODE_OPTIONS", "-_require x")).toEqual([]);
  });

  it("empty quotes and a trailing backslash in quotes neither make nor hide a flag", () => {
    expect(hits("NODE_OPTIONS", '"" --inspect ""')).toEqual([{ name: "NODE_OPTIONS", what: `${NODE} (--inspect)`, severity: "high" }]);
    expect(hits("NODE_OPTIONS", '--inspect "x\\')).toEqual([{ name: "NODE_OPTIONS", what: `${NODE} (--inspect)`, severity: "high" }]);
    expect(hits("NODE_OPTIONS", '""')).toEqual([]);
  });

  it("a backslash outside quotes is a plain character, as in Node", () => {
    expect(hits("NODE_OPTIONS", "\\-\\-require /tmp/x.js")).toEqual([]);
    expect(hits("NODE_OPTIONS", "--inspect\\ x")).toEqual([]);
  });

  it("leading, trailing and repeated whitespace make no empty option", () => {
    expect(hits("NODE_OPTIONS", "  --import x   --inspect  ")).toEqual([{ name: "NODE_OPTIONS", what: `${NODE} (--import, --inspect)`, severity: "high" }]);
    expect(hits("NODE_OPTIONS", " \t ")).toEqual([]);
  });

  it("a flag must be a whole token: prefixes, look-alikes and values do not count", () => {
    expect(hits("NODE_OPTIONS", "--max-old-space-size=512 --enable-source-maps --inspectx --requires -rf --no-inspect")).toEqual([]);
    expect(hits("NODE_OPTIONS", "--title=--require")).toEqual([]);
    expect(hits("NODE_OPTIONS", "")).toEqual([]);
  });

  it("a variable other than NODE_OPTIONS counts whatever its value", () => {
    expect(hits("JAVA_TOOL_OPTIONS", "")).toEqual([{ name: "JAVA_TOOL_OPTIONS", what: JVM, severity: "high" }]);
    expect(hits("HTTPS_PROXY", "--require")).toEqual([{ name: "HTTPS_PROXY", what: PROXY, severity: "medium" }]);
  });
});

describe("injectionVariables: the whole environment", () => {
  it("hits come sorted by name, ordinary variables and harmless NODE_OPTIONS left out", () => {
    const out = injection.injectionVariables({
      NODE_OPTIONS: "--require /tmp/x.js",
      LOG_LEVEL: "info",
      https_proxy: "http://proxy:3128",
      AWS_CA_BUNDLE: "/tmp/ca.pem",
      ENV: "/tmp/rc",
      LD_PRELOAD: "/opt/lib.so",
      AWS_ENDPOINT_URL_LAMBDA: "https://x.example",
    });
    expect(out).toEqual([
      { name: "AWS_CA_BUNDLE", what: CA, severity: "high" },
      { name: "AWS_ENDPOINT_URL_LAMBDA", what: ENDPOINT, severity: "high" },
      { name: "ENV", what: STARTUP, severity: "high" },
      { name: "LD_PRELOAD", what: LIBRARY, severity: "high" },
      { name: "NODE_OPTIONS", what: `${NODE} (--require)`, severity: "high" },
      { name: "https_proxy", what: PROXY, severity: "medium" },
    ]);
    expect(injection.injectionVariables({ ZZ: "1", NODE_OPTIONS: "--enable-source-maps", AA: "2" })).toEqual([]);
    expect(injection.injectionVariables({})).toEqual([]);
  });
});
