/**
 * The real CLI path (`node dist/cli/main.js` → SDK → PolicyHttpHandler → policy agent) against real TLS peers.
 * Refused peers end in exit 3 with one line naming what the peer offered; accepted peers complete the handshake and
 * the run fails later, on the HTTP reply (`s_server -www` answers HTML, not Lambda JSON). Also under
 * NODE_OPTIONS=--tls-min-v1.0 --tls-cipher-list=..., which must not weaken the policy. Needs `npx tsup` first.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { join } from "node:path";
import { runBuiltCli, type CliRun } from "../support/cli.js";
import { makeTestPki, opensslAvailable, startOpenSslServer, startSniRecorder, type TestPki } from "../support/tls-server.js";

const ENV = {
  AWS_REGION: "us-east-1",
  AWS_ACCESS_KEY_ID: "AKIAIOSFODNN7EXAMPLE",
  AWS_SECRET_ACCESS_KEY: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
  AWS_EC2_METADATA_DISABLED: "true",
};
const WEAK_NODE_OPTIONS = "--tls-min-v1.0 --tls-cipher-list=ALL:@SECLEVEL=0";

function show(url: string, extra: { args?: string[]; env?: Record<string, string> } = {}): Promise<CliRun> {
  return runBuiltCli(["--endpoint-url", url, ...(extra.args ?? []), "show", "-f", "fn"], { env: { ...ENV, ...extra.env } });
}

/** One line on stderr, no stack trace. */
function oneLine(run: CliRun): string {
  const lines = run.stderr.trim().split("\n");
  expect(lines, run.stderr).toHaveLength(1);
  expect(run.stderr).not.toMatch(/\n\s+at /);
  return lines[0]!;
}

describe.skipIf(!opensslAvailable())("envseal CLI against openssl s_server", () => {
  let pki: TestPki;
  beforeAll(() => {
    pki = makeTestPki();
  });
  afterAll(() => pki?.cleanup());

  const refused = [
    {
      name: "a TLS 1.1-only server",
      cert: "ec" as const,
      args: ["-tls1_1", "-cipher", "DEFAULT:@SECLEVEL=0"],
      message: "lambda:GetFunctionConfiguration: the endpoint offered TLS 1.1; envseal requires 1.2+",
    },
    {
      name: "a TLS 1.2 server offering only AES128-GCM-SHA256",
      cert: "rsa" as const,
      args: ["-tls1_2", "-cipher", "AES128-GCM-SHA256"],
      message: "lambda:GetFunctionConfiguration: the endpoint offered only AES128-GCM-SHA256 (TLS 1.2, no forward secrecy)",
    },
  ];

  it.each(refused)("refuses $name with exit 3 and one clear line, also under weakened NODE_OPTIONS", async ({ cert, args, message }) => {
    const server = await startOpenSslServer(pki[cert], args);
    try {
      const envs: Array<Record<string, string>> = [{}, { NODE_OPTIONS: WEAK_NODE_OPTIONS }];
      const runs = await Promise.all(envs.map((env) => show(server.url, { args: ["--ca-bundle", pki[cert].cert], env })));
      runs.forEach((run, i) => {
        expect(run.code, JSON.stringify(envs[i])).toBe(3);
        expect(oneLine(run)).toContain(`envseal: error: ${message}`);
        expect(run.stdout).toBe("");
      });
    } finally {
      await server.stop();
    }
  });

  const accepted = [
    { name: "a TLS 1.2 ECDHE server", cert: "ec" as const, args: ["-tls1_2"], protocol: "TLSv1.2" },
    { name: "a TLS 1.3 server", cert: "ec" as const, args: ["-tls1_3"], protocol: "TLSv1.3" },
  ];

  it.each(accepted)("completes the handshake with $name; the run then fails on the HTTP reply, not on TLS", async ({ cert, args }) => {
    const server = await startOpenSslServer(pki[cert], args);
    try {
      const envs: Array<Record<string, string>> = [{}, { NODE_OPTIONS: WEAK_NODE_OPTIONS }];
      const runs = await Promise.all(envs.map((env) => show(server.url, { args: ["--ca-bundle", pki[cert].cert], env })));
      for (const run of runs) {
        expect(run.code).toBe(3);
        const line = oneLine(run);
        // The HTML status page came back with HTTP 200: the request reached the server over the policy's TLS.
        expect(line).toContain("(HTTP 200)");
        expect(line).not.toMatch(/TLS|certificate|endpoint offered|handshake/);
      }
    } finally {
      await server.stop();
    }
  });

  it("sends SNI: the ClientHello names the endpoint's host", async () => {
    const server = await startSniRecorder(pki.ec);
    try {
      await show(`https://localhost:${server.port}`, { args: ["--ca-bundle", pki.ec.cert] });
      expect(server.names.length).toBeGreaterThan(0);
      expect(new Set(server.names)).toEqual(new Set(["localhost"]));
    } finally {
      await server.stop();
    }
  });

  it("trusts a private CA only through --ca-bundle or AWS_CA_BUNDLE", async () => {
    const server = await startOpenSslServer(pki.leaf, ["-tls1_3"]);
    try {
      const without = await show(server.url);
      expect(without.code).toBe(3);
      expect(oneLine(without)).toContain("the endpoint's certificate is not signed by a trusted CA; pass the CA with --ca-bundle");

      const trusted = await Promise.all([show(server.url, { args: ["--ca-bundle", pki.ca.cert] }), show(server.url, { env: { AWS_CA_BUNDLE: pki.ca.cert } })]);
      for (const run of trusted) {
        expect(run.code).toBe(3);
        expect(oneLine(run)).toContain("(HTTP 200)");
      }
    } finally {
      await server.stop();
    }
  });

  it.each([
    { name: "a missing --ca-bundle file", extra: { args: ["--ca-bundle", "/nonexistent/ca.pem"] }, fragment: "cannot read the CA bundle /nonexistent/ca.pem (--ca-bundle)" },
    { name: "a folder as AWS_CA_BUNDLE", extra: { env: { AWS_CA_BUNDLE: "/" } }, fragment: "cannot read the CA bundle / (AWS_CA_BUNDLE)" },
    { name: "a file without a PEM certificate", extra: { args: ["--ca-bundle", "KEYFILE"] }, fragment: "holds no PEM certificate" },
  ])("refuses $name with exit 2 and one line, before any connection", async ({ extra, fragment }) => {
    const args = extra.args?.map((a) => (a === "KEYFILE" ? join(pki.dir, "leaf.ext") : a));
    // Port 9 on loopback: nothing listens, so a connection attempt would show as a network error instead.
    const run = await show("https://127.0.0.1:9", { ...extra, ...(args ? { args } : {}) });
    expect(run.code).toBe(2);
    expect(oneLine(run)).toContain(fragment);
  });
});
