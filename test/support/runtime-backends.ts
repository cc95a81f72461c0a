/**
 * The runtime's two KMS paths behind one test interface, so every runtime unit test runs on both:
 * - `sdk`: the AWS SDK's `KMSClient`, answered by aws-sdk-client-mock;
 * - `lean`: envseal's signed https path, answered by a loopback HTTP server that speaks KMS's JSON protocol and checks
 *   every request's SigV4 signature with `@smithy/signature-v4` (a bad signature answers InvalidSignatureException).
 * Both answer from the same function of the Decrypt input, so a test states behaviour once.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { createHash, createHmac } from "node:crypto";
import type { AddressInfo, Socket } from "node:net";
import { vi } from "vitest";
import { DecryptCommand, KMSClient } from "@aws-sdk/client-kms";
import { mockClient } from "aws-sdk-client-mock";
import { SignatureV4 } from "@smithy/signature-v4";
import type { FakeVault } from "./runtime.js";
import { resetSecrets } from "../../src/runtime/load.js";

/** What a Decrypt carried, on either path. */
export interface DecryptInput {
  CiphertextBlob: Uint8Array;
  EncryptionContext: Record<string, string> | undefined;
}
/** An answer: a plaintext (resolves) or a thrown SDK-shaped error (see `kmsError`); `{ code: "ECONNRESET" }` drops the connection. */
export type Answer = (input: DecryptInput) => Promise<{ Plaintext: Uint8Array; KeyId?: string }>;

export interface KmsBackend {
  readonly transport: "sdk" | "lean";
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Before each test: forget calls and answers, point the runtime at this path. */
  reset(): void;
  install(vault: FakeVault): void;
  answer(fn: Answer): void;
  answerOnce(fn: Answer): void;
  rejects(err: Error): void;
  rejectsOnce(err: Error): void;
  /** Never answer. */
  hang(): void;
  /** Connections are refused. */
  refuse(): void;
  calls(): DecryptInput[];
}

export const CREDENTIALS = { accessKeyId: "AKIAIOSFODNN7EXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", sessionToken: "session-token-example" };

function sdkBackend(): KmsBackend {
  const kms = mockClient(KMSClient);
  return {
    transport: "sdk",
    start: async () => undefined,
    stop: async () => undefined,
    reset() {
      kms.reset();
      vi.stubEnv("ENVSEAL_KMS_TRANSPORT", "sdk");
    },
    install(vault) {
      vault.install(kms);
    },
    answer(fn) {
      kms.on(DecryptCommand).callsFake((input) => fn(input as DecryptInput));
    },
    answerOnce(fn) {
      kms.on(DecryptCommand).callsFakeOnce((input) => fn(input as DecryptInput));
    },
    rejects(err) {
      kms.on(DecryptCommand).rejects(err);
    },
    rejectsOnce(err) {
      kms.on(DecryptCommand).rejectsOnce(err);
    },
    hang() {
      kms.on(DecryptCommand).callsFake(() => new Promise(() => undefined));
    },
    refuse() {
      kms.on(DecryptCommand).rejects(Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:1"), { code: "ECONNREFUSED" }));
    },
    calls: () => kms.commandCalls(DecryptCommand).map((c) => c.args[0].input as DecryptInput),
  };
}

const signer = new SignatureV4({
  credentials: CREDENTIALS,
  region: "us-east-1",
  service: "kms",
  sha256: class {
    private readonly h;
    constructor(secret?: unknown) {
      this.h = secret === undefined ? createHash("sha256") : createHmac("sha256", typeof secret === "string" ? Buffer.from(secret, "utf8") : (secret as Uint8Array));
    }
    update(data: string | Uint8Array) {
      this.h.update(typeof data === "string" ? Buffer.from(data, "utf8") : data);
    }
    async digest() {
      return new Uint8Array(this.h.digest());
    }
  },
});

/** Recompute the request's signature with @smithy/signature-v4 over the headers it says it signed. */
export async function signatureMatches(req: IncomingMessage, body: string): Promise<boolean> {
  const auth = String(req.headers.authorization ?? "");
  const m = /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/kms\/aws4_request, SignedHeaders=([^,]+), Signature=([0-9a-f]{64})$/.exec(auth);
  if (!m || m[1] !== CREDENTIALS.accessKeyId) return false;
  const signed = m[4]!.split(";");
  const headers: Record<string, string> = {};
  for (const name of signed) headers[name] = String(req.headers[name] ?? "");
  const date = String(req.headers["x-amz-date"] ?? "");
  const signingDate = new Date(`${date.slice(0, 4)}-${date.slice(4, 6)}-${date.slice(6, 8)}T${date.slice(9, 11)}:${date.slice(11, 13)}:${date.slice(13, 15)}Z`);
  const [hostname, port] = String(req.headers.host).split(":");
  const out = await signer.sign(
    // The path the request was sent to: a signature over another path (e.g. "/" for "/prefix") does not verify.
    { method: "POST", protocol: "http:", hostname: hostname!, ...(port ? { port: Number(port) } : {}), path: (req.url ?? "/").split("?")[0]!, query: {}, headers, body },
    { signingDate, signingRegion: m[3]! },
  );
  return out.headers.authorization === auth;
}

function leanBackend(): KmsBackend {
  let server: Server | undefined;
  let url = "";
  const sockets = new Set<Socket>();
  let recorded: DecryptInput[] = [];
  let fallback: Answer | undefined;
  let once: Answer[] = [];
  let refusing = false;
  const reply = (res: ServerResponse, status: number, type: string, message: string, requestId = "req-1") => {
    res.writeHead(status, { "content-type": "application/x-amz-json-1.1", "x-amzn-requestid": requestId });
    res.end(JSON.stringify({ __type: type, message }));
  };
  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks).toString("utf8");
    if (req.headers["x-amz-target"] !== "TrentService.Decrypt") return reply(res, 400, "UnknownOperationException", "");
    if (!(await signatureMatches(req, body))) return reply(res, 403, "InvalidSignatureException", "The request signature we calculated does not match");
    if (req.headers["x-amz-security-token"] !== CREDENTIALS.sessionToken) return reply(res, 403, "UnrecognizedClientException", "token");
    const parsed = JSON.parse(body) as { CiphertextBlob: string; EncryptionContext?: Record<string, string> };
    const input: DecryptInput = { CiphertextBlob: new Uint8Array(Buffer.from(parsed.CiphertextBlob, "base64")), EncryptionContext: parsed.EncryptionContext };
    recorded.push(input);
    const fn = once.shift() ?? fallback;
    if (!fn) return reply(res, 500, "KMSInternalException", "no answer configured");
    try {
      const out = await fn(input);
      res.writeHead(200, { "content-type": "application/x-amz-json-1.1", "x-amzn-requestid": "req-ok" });
      res.end(JSON.stringify({ Plaintext: Buffer.from(out.Plaintext).toString("base64"), KeyId: out.KeyId, EncryptionAlgorithm: "SYMMETRIC_DEFAULT" }));
    } catch (err) {
      const e = err as { name: string; code?: string; message: string; $metadata?: { httpStatusCode?: number; requestId?: string } };
      if (e.code === "ECONNRESET") return req.socket.destroy();
      reply(res, e.$metadata?.httpStatusCode ?? 400, e.name, e.message, e.$metadata?.requestId);
    }
  };
  return {
    transport: "lean",
    async start() {
      server = createServer((req, res) => void handle(req, res));
      server.on("connection", (s) => (sockets.add(s), s.on("close", () => sockets.delete(s))));
      await new Promise<void>((r) => server!.listen(0, "127.0.0.1", r));
      url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    },
    async stop() {
      for (const s of sockets) s.destroy();
      await new Promise((r) => server?.close(r));
    },
    reset() {
      recorded = [];
      fallback = undefined;
      once = [];
      refusing = false;
      for (const s of sockets) s.destroy();
      vi.stubEnv("ENVSEAL_KMS_TRANSPORT", "lean");
      vi.stubEnv("AWS_ACCESS_KEY_ID", CREDENTIALS.accessKeyId);
      vi.stubEnv("AWS_SECRET_ACCESS_KEY", CREDENTIALS.secretAccessKey);
      vi.stubEnv("AWS_SESSION_TOKEN", CREDENTIALS.sessionToken);
      vi.stubEnv("AWS_ENDPOINT_URL_KMS", url);
    },
    install(vault) {
      fallback = (input) => vault.open(input);
    },
    answer(fn) {
      fallback = fn;
    },
    answerOnce(fn) {
      once.push(fn);
    },
    rejects(err) {
      fallback = () => Promise.reject(err);
    },
    rejectsOnce(err) {
      once.push(() => Promise.reject(err));
    },
    hang() {
      fallback = () => new Promise(() => undefined);
    },
    refuse() {
      refusing = true;
      // Port 1 on loopback: nothing listens there, so the connection is refused.
      vi.stubEnv("AWS_ENDPOINT_URL_KMS", "http://127.0.0.1:1");
    },
    calls: () => (refusing ? [] : recorded),
  };
}

/** Both paths; use with `describe.each(kmsBackends())`. */
export function kmsBackends(): KmsBackend[] {
  return [sdkBackend(), leanBackend()];
}

/**
 * A clean Lambda-like environment for a runtime unit test: the cache reset, region and function name set, the
 * manifest, bundle and endpoint variables cleared. Call in `beforeEach`; `vi.unstubAllEnvs()` undoes it.
 */
export function resetRuntimeEnv(functionName: string): void {
  resetSecrets();
  vi.stubEnv("AWS_REGION", "us-east-1");
  vi.stubEnv("AWS_LAMBDA_FUNCTION_NAME", functionName);
  for (const name of ["ENVSEAL_SEALED", "ENVSEAL_BUNDLE", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_KMS"]) vi.stubEnv(name, undefined);
}
