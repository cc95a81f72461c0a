/** The lean Decrypt on the wire, against a local HTTP server: the request it sends and how each answer is read. */
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { leanDecrypt, resetLeanTransport, type LeanTarget } from "../../src/runtime/lean.js";

interface Seen {
  method: string | undefined;
  url: string | undefined;
  headers: IncomingHttpHeaders;
  body: string;
  remotePort: number | undefined;
}
let answer: (res: import("node:http").ServerResponse) => void = (res) => res.end();
const seen: Seen[] = [];
let server: Server;
let target: LeanTarget;

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      seen.push({ method: req.method, url: req.url, headers: req.headers, body: Buffer.concat(chunks).toString("utf8"), remotePort: req.socket.remotePort });
      answer(res);
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as AddressInfo;
  target = { url: new URL(`http://127.0.0.1:${port}/kms`), region: "eu-west-1", credentials: { accessKeyId: "AKIDTEST", secretAccessKey: "secret-test", sessionToken: "tok" } };
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));
afterEach(() => {
  seen.length = 0;
  resetLeanTransport();
});

const json = (status: number, body: unknown, headers: Record<string, string> = {}) => (res: import("node:http").ServerResponse) => {
  res.writeHead(status, { "content-type": "application/x-amz-json-1.1", ...headers });
  res.end(typeof body === "string" ? body : JSON.stringify(body));
};
const run = (maxAttempts = 1) => leanDecrypt(target, { timeoutMs: 5000, maxAttempts })(new Uint8Array([1, 2, 3]), { LambdaFunctionName: "orders-api" }, new AbortController().signal);

describe("leanDecrypt", () => {
  it("POSTs a signed TrentService.Decrypt with the ciphertext and context, and decodes the plaintext", async () => {
    answer = json(200, { Plaintext: Buffer.from("opened").toString("base64"), KeyId: "k" });
    const out = await run();
    expect(Buffer.from(out).toString()).toBe("opened");
    expect(seen).toHaveLength(1);
    const s = seen[0]!;
    expect([s.method, s.url]).toEqual(["POST", "/kms"]);
    expect(JSON.parse(s.body)).toEqual({ CiphertextBlob: "AQID", EncryptionContext: { LambdaFunctionName: "orders-api" } });
    expect(s.headers["content-type"]).toBe("application/x-amz-json-1.1");
    expect(s.headers["x-amz-target"]).toBe("TrentService.Decrypt");
    expect(s.headers["user-agent"]).toBe("envseal-runtime-lean");
    expect(s.headers["content-length"]).toBe(String(Buffer.byteLength(s.body)));
    expect(s.headers["x-amz-security-token"]).toBe("tok");
    expect(s.headers.host).toBe(target.url.host);
    // The loopback agent keeps its connection open.
    expect(s.headers.connection).toBe("keep-alive");
    expect(s.headers.authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=AKIDTEST\/\d{8}\/eu-west-1\/kms\/aws4_request, SignedHeaders=content-type;host;x-amz-content-sha256;x-amz-date;x-amz-security-token;x-amz-target, Signature=[0-9a-f]{64}$/);
  });

  it.each([
    ["the x-amzn-errortype header, before the body", json(400, { __type: "Other" }, { "x-amzn-errortype": "AccessDeniedException:http://internal.amazon.com/" }), "AccessDeniedException", 400],
    ["a namespaced __type", json(400, { __type: "com.amazonaws.kms#DisabledException", message: "m" }), "DisabledException", 400],
    ["code", json(400, { code: "NotFoundException" }), "NotFoundException", 400],
    ["a 5xx without a type", json(503, "oops"), "KMSInternalException", 503],
    ["a 4xx without a type", json(418, {}), "UnknownError", 418],
    ["a 2xx that is not JSON", json(200, "not json"), "SerializationException", 200],
    ["a 2xx without a plaintext", json(200, { KeyId: "k" }), "EmptyPlaintext", 200],
    ["a 2xx with an empty plaintext", json(200, { Plaintext: "" }), "EmptyPlaintext", 200],
    ["a 500 without a type", json(500, {}), "KMSInternalException", 500],
    ["a __type with spaces around it", json(400, { __type: " com.amazonaws.kms#DisabledException " }), "DisabledException", 400],
    ["a 300 even with a plaintext", json(300, { Plaintext: "AQ==" }), "UnknownError", 300],
    ["a 300 that is not JSON", json(300, "not json"), "UnknownError", 300],
  ])("reads the error from %s", async (_what, respond, code, status) => {
    answer = respond;
    const err = await run().catch((e: unknown) => e);
    expect(err).toMatchObject({ name: code, $metadata: { httpStatusCode: status } });
  });

  it("keeps the request id and the message (message or Message)", async () => {
    answer = json(400, { __type: "IncorrectKeyException", Message: "The key is wrong" }, { "x-amzn-requestid": "rid-9" });
    const err = await run().catch((e: unknown) => e);
    expect(err).toMatchObject({ name: "IncorrectKeyException", message: "The key is wrong", $fault: "client", $metadata: { httpStatusCode: 400, requestId: "rid-9" } });
    answer = json(500, { __type: "KMSInternalException", message: "inner" });
    expect(await run().catch((e: unknown) => e)).toMatchObject({ message: "inner", $fault: "server" });
  });

  it("keeps the loopback connection alive between calls (one socket for two Decrypts)", async () => {
    answer = json(200, { Plaintext: Buffer.from("opened").toString("base64") });
    const decrypt = leanDecrypt(target, { timeoutMs: 5000, maxAttempts: 1 });
    await decrypt(new Uint8Array([1]), {}, new AbortController().signal);
    await new Promise((r) => setImmediate(r));
    await decrypt(new Uint8Array([2]), {}, new AbortController().signal);
    expect(seen).toHaveLength(2);
    expect(seen[1]!.remotePort).toBe(seen[0]!.remotePort);
  });

  it("names an empty plaintext, and leaves the message empty when KMS gave none", async () => {
    answer = json(200, { KeyId: "k" });
    expect(await run().catch((e: unknown) => e)).toMatchObject({ name: "EmptyPlaintext", message: "KMS returned no plaintext" });
    answer = json(400, { __type: "AccessDeniedException" });
    expect(await run().catch((e: unknown) => e)).toMatchObject({ name: "AccessDeniedException", message: "" });
  });

  it("retries 5xx, 429 and throttling up to maxAttempts; never a 4xx", async () => {
    answer = json(500, { __type: "KMSInternalException" });
    await expect(run(3)).rejects.toMatchObject({ name: "KMSInternalException" });
    expect(seen).toHaveLength(3);
    seen.length = 0;
    answer = json(429, { __type: "TooManyRequestsException" });
    await expect(run(2)).rejects.toMatchObject({ name: "TooManyRequestsException" });
    expect(seen).toHaveLength(2);
    seen.length = 0;
    answer = json(400, { __type: "ThrottlingException" });
    await expect(run(2)).rejects.toMatchObject({ name: "ThrottlingException" });
    expect(seen).toHaveLength(2);
    seen.length = 0;
    answer = json(400, { __type: "InvalidCiphertextException" });
    await expect(run(5)).rejects.toMatchObject({ name: "InvalidCiphertextException" });
    expect(seen).toHaveLength(1);
    seen.length = 0;
    answer = json(500, {});
    await expect(leanDecrypt(target, { timeoutMs: 5000, maxAttempts: 0 })(new Uint8Array([1]), {}, new AbortController().signal)).rejects.toBeDefined();
    expect(seen).toHaveLength(1);
  });
});

describe("leanTargetFromEnv", () => {
  const env = { AWS_ACCESS_KEY_ID: "AKID", AWS_SECRET_ACCESS_KEY: "s", AWS_REGION: "eu-west-1" };
  it("FIPS only for exactly true (any case)", async () => {
    const { leanTargetFromEnv } = await import("../../src/runtime/lean.js");
    expect(leanTargetFromEnv({ ...env, AWS_USE_FIPS_ENDPOINT: "TRUE" })!.url.host).toBe("kms-fips.eu-west-1.amazonaws.com");
    for (const v of ["xtrue", "truex", "1", ""]) expect(leanTargetFromEnv({ ...env, AWS_USE_FIPS_ENDPOINT: v })!.url.host).toBe("kms.eu-west-1.amazonaws.com");
    expect(leanTargetFromEnv(env)!.url.host).toBe("kms.eu-west-1.amazonaws.com");
    expect(leanTargetFromEnv({ ...env, AWS_SESSION_TOKEN: "" })!.credentials).toEqual({ accessKeyId: "AKID", secretAccessKey: "s" });
    expect(leanTargetFromEnv({ AWS_ACCESS_KEY_ID: "AKID", AWS_SECRET_ACCESS_KEY: "s", AWS_DEFAULT_REGION: "us-west-2" })!.region).toBe("us-west-2");
  });
});

describe("leanDecrypt and the abort signal", () => {
  it("an abort during a retryable failure ends the retries at once", async () => {
    const controller = new AbortController();
    answer = (res) => {
      controller.abort();
      json(500, { __type: "KMSInternalException" })(res);
    };
    const err = await leanDecrypt(target, { timeoutMs: 5000, maxAttempts: 50 })(new Uint8Array([1]), {}, controller.signal).catch((e: unknown) => e);
    expect((err as Error).name).toBe("AbortError");
    expect(seen).toHaveLength(1);
  });

  it("an already aborted signal sends nothing", async () => {
    const controller = new AbortController();
    controller.abort();
    answer = json(200, { Plaintext: "AQ==" });
    await expect(leanDecrypt(target, { timeoutMs: 5000, maxAttempts: 3 })(new Uint8Array([1]), {}, controller.signal)).rejects.toMatchObject({ name: "AbortError" });
    expect(seen).toHaveLength(0);
  });
});
