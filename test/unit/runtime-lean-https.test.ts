/**
 * The lean Decrypt over https (src/runtime/lean.ts), without certificates: `node:https`'s `request` is wrapped
 * (vi.mock) to record the exact options the lean path passes — agent under the TLS policy, SNI servername, port,
 * timeout — and then forwarded as plain HTTP to a loopback server, so answers are read as on the wire. A raw TCP
 * peer that answers every ClientHello with a protocol_version alert (and one that is not TLS at all) exercises the
 * real TLS failure path and its explanation.
 */
import { createServer as createHttpServer, type ClientRequest, type RequestOptions, type Server } from "node:http";
import { Agent as HttpsAgent } from "node:https";
import { createServer as createTcpServer, type AddressInfo, type Server as TcpServer } from "node:net";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { leanDecrypt, resetLeanTransport, type LeanTarget } from "../../src/runtime/lean.js";
import { toUnsealError } from "../../src/runtime/errors.js";
import { loadSecrets, resetSecrets } from "../../src/runtime/load.js";
import { CIPHERS } from "../../src/transport/tls.js";

/** How the wrapped https.request behaves: forward to the loopback HTTP server, fail each request with an error, or be real https. */
const wire = vi.hoisted(() => ({
  requests: [] as Array<Record<string, unknown>>,
  mode: "forward" as "forward" | "fail" | "real",
  port: 0,
  failWith: undefined as (() => Error) | undefined,
}));

vi.mock("node:https", async (importOriginal) => {
  const real = await importOriginal<typeof import("node:https")>();
  const http = await import("node:http");
  const request = (options: Record<string, unknown>, cb?: never): ClientRequest => {
    wire.requests.push(options);
    if (wire.mode === "real") return real.request(options as never, cb);
    const { agent: _agent, protocol: _protocol, servername: _servername, ...rest } = options;
    const req = http.request({ ...(rest as RequestOptions), hostname: "127.0.0.1", port: wire.port, protocol: "http:" }, cb);
    if (wire.mode === "fail") process.nextTick(() => req.destroy(wire.failWith!()));
    return req;
  };
  return { ...real, default: { ...(real as unknown as { default: object }).default, request }, request };
});

let server: Server;
let answer: (res: import("node:http").ServerResponse) => void;
let served = 0;
const ok = (res: import("node:http").ServerResponse) => {
  res.writeHead(200, { "content-type": "application/x-amz-json-1.1" });
  res.end(JSON.stringify({ Plaintext: Buffer.from("opened").toString("base64") }));
};
const dir = mkdtempSync(join(tmpdir(), "envseal-lean-https-"));

beforeAll(async () => {
  server = createHttpServer((req, res) => {
    req.resume();
    req.on("end", () => {
      served++;
      answer(res);
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  wire.port = (server.address() as AddressInfo).port;
});
afterAll(async () => {
  await new Promise<void>((r) => server.close(() => r()));
  rmSync(dir, { recursive: true, force: true });
});
beforeEach(() => {
  resetLeanTransport();
  wire.requests.length = 0;
  wire.mode = "forward";
  wire.failWith = undefined;
  served = 0;
  answer = ok;
  vi.stubEnv("AWS_CA_BUNDLE", undefined);
  vi.stubEnv("AWS_LAMBDA_RUNTIME_API", undefined);
});
afterEach(() => {
  resetLeanTransport();
  vi.unstubAllEnvs();
});

const credentials = { accessKeyId: "AKIDTEST", secretAccessKey: "secret-test" };
const target = (url: string): LeanTarget => ({ url: new URL(url), region: "eu-west-1", credentials });
const decrypt = (url: string, settings: { timeoutMs?: number; maxAttempts?: number; maxConnections?: number } = {}, signal = new AbortController().signal) =>
  leanDecrypt(target(url), { timeoutMs: 5000, maxAttempts: 1, ...settings })(new Uint8Array([1, 2, 3]), { LambdaFunctionName: "orders-api" }, signal);
const opts = (i = 0) => wire.requests[i] as unknown as RequestOptions & { servername?: string; headers: Record<string, string> };

describe("the lean path's https request", () => {
  it("sends to the host and port of the URL with SNI, over an agent under the TLS policy, with the timeout and signal", async () => {
    const signal = new AbortController().signal;
    const out = await decrypt("https://localhost:8443/kms", { timeoutMs: 4321, maxConnections: 3 }, signal);
    expect(Buffer.from(out).toString()).toBe("opened");
    expect(wire.requests).toHaveLength(1);
    const o = opts();
    expect(o).toMatchObject({ protocol: "https:", hostname: "localhost", port: "8443", path: "/kms", method: "POST", timeout: 4321, servername: "localhost" });
    expect(o.signal).toBe(signal);
    expect(o.headers.host).toBe("localhost:8443");
    expect(o.headers["user-agent"]).toBe("envseal-runtime-lean");
    expect(o.headers["content-length"]).toBe(String(Buffer.byteLength(JSON.stringify({ CiphertextBlob: "AQID", EncryptionContext: { LambdaFunctionName: "orders-api" } }))));
    const agent = o.agent as HttpsAgent & { options: Record<string, unknown> };
    expect(agent).toBeInstanceOf(HttpsAgent);
    expect(agent.options).toMatchObject({ keepAlive: true, maxSockets: 3, minVersion: "TLSv1.2", maxVersion: "TLSv1.3", ciphers: CIPHERS, timeout: 4321 });
    expect("ca" in agent.options).toBe(false);
  });

  it("port 443 by default; the host header names a port only when it is not the default", async () => {
    await decrypt("https://kms.eu-west-1.amazonaws.com");
    await decrypt("https://kms.eu-west-1.amazonaws.com:443/");
    expect(opts(0)).toMatchObject({ hostname: "kms.eu-west-1.amazonaws.com", port: "443", path: "/", servername: "kms.eu-west-1.amazonaws.com" });
    expect(opts(0).headers.host).toBe("kms.eu-west-1.amazonaws.com");
    expect(opts(1).headers.host).toBe("kms.eu-west-1.amazonaws.com");
  });

  it.each([
    ["https://127.0.0.1:8443", "127.0.0.1"],
    ["https://[::1]:8443", "::1"],
    ["https://[fd00::5]", "fd00::5"],
  ])("sends no SNI to an IP literal (%s)", async (url, hostname) => {
    await decrypt(url);
    expect(opts().hostname).toBe(hostname);
    expect("servername" in opts()).toBe(false);
  });

  it("keeps one agent per process (8 sockets by default, the CA bundle of AWS_CA_BUNDLE), until resetLeanTransport", async () => {
    const file = join(dir, "ca.pem");
    writeFileSync(file, "-----BEGIN CERTIFICATE-----\nnot-a-real-cert\n-----END CERTIFICATE-----\n");
    vi.stubEnv("AWS_CA_BUNDLE", file);
    await decrypt("https://localhost:8443");
    await decrypt("https://localhost:8443", { maxConnections: 20 });
    const first = opts(0).agent as HttpsAgent & { options: Record<string, unknown> };
    expect(opts(1).agent).toBe(first);
    expect(first.options).toMatchObject({ maxSockets: 8, ca: "-----BEGIN CERTIFICATE-----\nnot-a-real-cert\n-----END CERTIFICATE-----\n" });
    const destroy = vi.spyOn(first, "destroy");
    resetLeanTransport();
    await new Promise((r) => setImmediate(r));
    expect(destroy).toHaveBeenCalledTimes(1);
    await decrypt("https://localhost:8443", { maxConnections: 20 });
    expect(opts(2).agent).not.toBe(first);
    expect((opts(2).agent as HttpsAgent & { options: Record<string, unknown> }).options.maxSockets).toBe(20);
  });

  it("a transport that cannot be created (unreadable CA bundle) is not kept", async () => {
    vi.stubEnv("AWS_CA_BUNDLE", join(dir, "missing.pem"));
    await expect(decrypt("https://localhost:8443")).rejects.toThrow(/cannot read the CA bundle named by AWS_CA_BUNDLE/);
    vi.stubEnv("AWS_CA_BUNDLE", undefined);
    await expect(decrypt("https://localhost:8443")).resolves.toBeDefined();
  });

  it("loadSecrets hands maxConnections and kmsEndpoint to the lean transport", async () => {
    resetSecrets();
    for (const [k, v] of Object.entries({
      AWS_LAMBDA_FUNCTION_NAME: "orders-api",
      AWS_REGION: "eu-west-1",
      AWS_ACCESS_KEY_ID: "AKIDTEST",
      AWS_SECRET_ACCESS_KEY: "secret-test",
      ENVSEAL_KMS_TRANSPORT: "lean",
      ENVSEAL_SEALED: "A1",
      A1: Buffer.alloc(120, 1).toString("base64"),
    }))
      vi.stubEnv(k, v);
    for (const k of ["AWS_SESSION_TOKEN", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_KMS", "ENVSEAL_BUNDLE"]) vi.stubEnv(k, undefined);
    await expect(loadSecrets({ kmsEndpoint: "https://kms.internal.example:8443", maxConnections: 3 })).resolves.toEqual({ A1: "opened" });
    expect(opts()).toMatchObject({ hostname: "kms.internal.example", port: "8443", servername: "kms.internal.example" });
    expect((opts().agent as HttpsAgent & { options: Record<string, unknown> }).options.maxSockets).toBe(3);
    resetSecrets();
  });
});

describe("the lean path's retries of network failures", () => {
  const failing = (props: Record<string, string>) => () => Object.assign(new Error(`failed: ${Object.values(props).join(" ")}`), props);

  it.each(["ECONNRESET", "EPIPE", "ETIMEDOUT", "ECONNREFUSED", "EAI_AGAIN"])("retries %s up to maxAttempts", async (code) => {
    wire.mode = "fail";
    wire.failWith = failing({ code });
    await expect(decrypt("https://localhost:8443", { maxAttempts: 3 })).rejects.toMatchObject({ code });
    expect(wire.requests).toHaveLength(3);
  });

  it("retries a TimeoutError; never an AbortError, nor an unknown network error", async () => {
    wire.mode = "fail";
    wire.failWith = failing({ name: "TimeoutError" });
    await expect(decrypt("https://localhost:8443", { maxAttempts: 2 })).rejects.toMatchObject({ name: "TimeoutError" });
    expect(wire.requests).toHaveLength(2);
    wire.requests.length = 0;
    wire.failWith = failing({ name: "AbortError", code: "ECONNRESET" });
    await expect(decrypt("https://localhost:8443", { maxAttempts: 3 })).rejects.toMatchObject({ name: "AbortError" });
    expect(wire.requests).toHaveLength(1);
    wire.requests.length = 0;
    wire.failWith = failing({ code: "EACCES" });
    await expect(decrypt("https://localhost:8443", { maxAttempts: 3 })).rejects.toMatchObject({ code: "EACCES" });
    expect(wire.requests).toHaveLength(1);
  });

  it("backs off with full jitter: random × 50 ms × 2^(attempt − 1), at most 1 s", async () => {
    wire.mode = "fail";
    wire.failWith = failing({ code: "ECONNRESET" });
    vi.spyOn(Math, "random").mockReturnValue(1 / 64);
    const timeout = vi.spyOn(globalThis, "setTimeout");
    try {
      await expect(decrypt("https://localhost:8443", { maxAttempts: 7 })).rejects.toMatchObject({ code: "ECONNRESET" });
      const delays = timeout.mock.calls.map((c) => c[1]).filter((ms) => typeof ms === "number" && ms < 1000 / 64 + 1);
      expect(delays).toEqual([50 / 64, 100 / 64, 200 / 64, 400 / 64, 800 / 64, 1000 / 64]);
    } finally {
      vi.restoreAllMocks();
    }
    expect(wire.requests).toHaveLength(7);
  });

  it("an abort during the backoff ends it at once with an AbortError; nothing more is sent", async () => {
    wire.mode = "fail";
    wire.failWith = failing({ code: "ECONNRESET" });
    vi.spyOn(Math, "random").mockReturnValue(0.999);
    const controller = new AbortController();
    const pending = decrypt("https://localhost:8443", { maxAttempts: 6 }, controller.signal).catch((e: unknown) => e);
    // The fourth backoff lasts about 400 ms: abort inside it.
    await vi.waitFor(() => expect(wire.requests).toHaveLength(4), { timeout: 2000 });
    await new Promise((r) => setTimeout(r, 20));
    controller.abort();
    const err = await pending;
    vi.restoreAllMocks();
    expect(err).toMatchObject({ name: "AbortError", message: "aborted" });
    await new Promise((r) => setTimeout(r, 450));
    expect(wire.requests).toHaveLength(4);
  });

  it("a backoff that ran out leaves no abort listener behind", async () => {
    const { EventEmitter } = await import("node:events");
    wire.mode = "fail";
    wire.failWith = failing({ code: "ECONNRESET" });
    const controller = new AbortController();
    await expect(decrypt("https://localhost:8443", { maxAttempts: 3 }, controller.signal)).rejects.toMatchObject({ code: "ECONNRESET" });
    await new Promise((r) => setImmediate(r));
    expect(EventEmitter.getEventListeners(controller.signal, "abort")).toHaveLength(0);
  });

  it("a TLS error code that has no explanation is passed on as it is", async () => {
    wire.mode = "fail";
    wire.failWith = failing({ code: "ERR_TLS_HANDSHAKE_TIMEOUT" });
    const err = await decrypt("https://localhost:8443").catch((e: unknown) => e);
    expect(err).toMatchObject({ code: "ERR_TLS_HANDSHAKE_TIMEOUT", message: "failed: ERR_TLS_HANDSHAKE_TIMEOUT" });
  });

  it("an unanswered request fails with a TimeoutError naming the timeout, and is retried", async () => {
    answer = () => undefined;
    const err = await decrypt("https://localhost:8443", { timeoutMs: 150, maxAttempts: 2 }).catch((e: unknown) => e);
    expect(err).toMatchObject({ name: "TimeoutError", message: "no answer from KMS within 150 ms" });
    expect(served).toBe(2);
  });
});

describe("the lean path's retries of KMS answers", () => {
  const json = (status: number, type: string) => (res: import("node:http").ServerResponse) => {
    res.writeHead(status, { "content-type": "application/x-amz-json-1.1" });
    res.end(JSON.stringify({ __type: type }));
  };
  it.each([
    ["TooManyRequestsException", 400, 3],
    ["RequestLimitExceeded", 400, 3],
    ["SlowDown", 400, 3],
    ["ThrottledException", 400, 3],
    ["SomethingElse", 429, 3],
    ["SomethingElse", 500, 3],
    ["SomethingElse", 499, 1],
    ["SomethingElse", 400, 1],
  ])("%s with HTTP %i: %i attempts of 3", async (type, status, attempts) => {
    answer = json(status, type);
    await expect(decrypt("https://localhost:8443", { maxAttempts: 3 })).rejects.toMatchObject({ name: type, $metadata: { httpStatusCode: status } });
    expect(served).toBe(attempts);
  });

  it("3 attempts by default", async () => {
    answer = json(503, "ServiceUnavailable");
    await expect(leanDecrypt(target("https://localhost:8443"), { timeoutMs: 5000 })(new Uint8Array([1]), {}, new AbortController().signal)).rejects.toMatchObject({
      name: "ServiceUnavailable",
    });
    expect(served).toBe(3);
  });
});

describe("the lean path's TLS failures", () => {
  let peer: TcpServer;
  let peerPort = 0;
  let connections = 0;
  let speaksTls = true;
  // TLS 1.0 record, alert, length 2: fatal (2) protocol_version (70).
  const PROTOCOL_VERSION_ALERT = Buffer.from([0x15, 0x03, 0x01, 0x00, 0x02, 0x02, 0x46]);
  beforeAll(async () => {
    peer = createTcpServer((socket) => {
      connections++;
      socket.once("data", () => socket.end(speaksTls ? PROTOCOL_VERSION_ALERT : "HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\n\r\n"));
      socket.on("error", () => undefined);
    });
    await new Promise<void>((r) => peer.listen(0, "127.0.0.1", r));
    peerPort = (peer.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((r) => peer.close(() => r())));
  beforeEach(() => {
    wire.mode = "real";
    connections = 0;
    speaksTls = true;
  });
  const at = { variable: "DB_PASSWORD", functionName: "orders-api", timeoutMs: 5000 };

  it("a refused handshake is probed once and explained, naming host and port; it is not retried", async () => {
    const err = await decrypt(`https://127.0.0.1:${peerPort}`, { maxAttempts: 3 }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: "EPROTO", message: expect.stringMatching(/tlsv1 alert protocol version/i) });
    expect(wire.requests).toHaveLength(1);
    // The request's handshake, then the probe's.
    expect(connections).toBe(2);
    expect(toUnsealError(err, at).message).toBe(
      `DB_PASSWORD: KMS at 127.0.0.1:${peerPort}: the endpoint refused TLS 1.2 and 1.3 (protocol_version alert); envseal requires 1.2+`,
    );
  });

  it("a peer that does not speak TLS: explained, not probed", async () => {
    speaksTls = false;
    const err = await decrypt(`https://localhost:${peerPort}`).catch((e: unknown) => e);
    expect(connections).toBe(1);
    expect(toUnsealError(err, at).message).toBe(`DB_PASSWORD: KMS at localhost:${peerPort}: the endpoint did not answer in TLS (is it plain HTTP?)`);
  });
});
