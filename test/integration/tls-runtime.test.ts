/**
 * The runtime's lean KMS path under the transport policy, against real TLS peers (openssl s_server): a peer that
 * offers less is refused, and the UnsealError says what it offered.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { loadSecrets, resetSecrets, UnsealError } from "../../src/runtime/index.js";
import { makeTestPki, opensslAvailable, startOpenSslServer, type OpenSslServer, type TestPki } from "../support/tls-server.js";

const SEALED = Buffer.alloc(120, 7).toString("base64");

describe.skipIf(!opensslAvailable())("runtime (lean KMS path) against openssl s_server", () => {
  let pki: TestPki;
  let server: OpenSslServer | undefined;
  beforeAll(() => {
    pki = makeTestPki();
  });
  afterAll(() => pki?.cleanup());
  beforeEach(() => {
    resetSecrets();
    vi.stubEnv("AWS_REGION", "us-east-1");
    vi.stubEnv("AWS_LAMBDA_FUNCTION_NAME", "orders-api");
    vi.stubEnv("AWS_ACCESS_KEY_ID", "AKIAIOSFODNN7EXAMPLE");
    vi.stubEnv("AWS_SECRET_ACCESS_KEY", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY");
    vi.stubEnv("ENVSEAL_KMS_TRANSPORT", "lean");
    vi.stubEnv("AWS_CA_BUNDLE", pki.ec.cert);
    vi.stubEnv("DB_PASSWORD", SEALED);
    vi.stubEnv("ENVSEAL_SEALED", "DB_PASSWORD");
  });
  afterEach(async () => {
    vi.unstubAllEnvs();
    resetSecrets();
    await server?.stop();
    server = undefined;
  });

  it.each([
    ["a TLS 1.1-only server", ["-tls1_1", "-cipher", "DEFAULT:@SECLEVEL=0"], "the endpoint offered TLS 1.1; envseal requires 1.2+"],
    ["a TLS 1.2 server without forward secrecy", ["-tls1_2", "-cipher", "AES128-GCM-SHA256"], "the endpoint offered only AES128-GCM-SHA256 (TLS 1.2, no forward secrecy)"],
  ])("refuses %s, and the UnsealError says what it offered", async (_name, args, offered) => {
    const cert = args.includes("AES128-GCM-SHA256") ? pki.rsa : pki.ec;
    vi.stubEnv("AWS_CA_BUNDLE", cert.cert);
    server = await startOpenSslServer(cert, args);
    vi.stubEnv("AWS_ENDPOINT_URL_KMS", `https://localhost:${server.port}`);
    const p = loadSecrets({ maxAttempts: 1, timeoutMs: 8000 });
    await expect(p).rejects.toBeInstanceOf(UnsealError);
    await expect(p).rejects.toThrow(`DB_PASSWORD: KMS at localhost:${server.port}: ${offered}`);
  });

  it("a TLS 1.3 server passes the handshake (the failure is then KMS's answer, not TLS)", async () => {
    server = await startOpenSslServer(pki.ec, ["-tls1_3"]);
    vi.stubEnv("AWS_ENDPOINT_URL_KMS", `https://localhost:${server.port}`);
    const err = await loadSecrets({ maxAttempts: 1, timeoutMs: 8000 }).then(
      () => undefined,
      (e: unknown) => e as UnsealError,
    );
    expect(err).toBeInstanceOf(UnsealError);
    expect(err!.message).not.toMatch(/TLS|offered/);
  });
});
