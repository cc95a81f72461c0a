// A local HTTPS fake of KMS Encrypt/Decrypt for benchmarks: really encrypts (AES-256-GCM, the encryption context as
// additional authenticated data, so a wrong context fails like KMS's InvalidCiphertextException), with injected latency.
// Throwaway self-signed certificate from `openssl req -x509`, trusted by children through NODE_EXTRA_CA_CERTS.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:https";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fakeKmsCipher, throwawayCert } from "./_fake-crypto.mjs";

const KEY_ARN = "arn:aws:kms:us-east-1:111122223333:key/bench-0000-0000-0000-000000000000";

/** Start the fake on 127.0.0.1; returns its URL, the CA file, seal(), counters and close(). */
export async function startFakeKms({ latencyMs = 10 } = {}) {
  const dir = mkdtempSync(join(tmpdir(), "envseal-bench-"));
  const { certFile, keyFile } = throwawayCert(dir);
  const { encrypt, decrypt } = fakeKmsCipher();
  const counters = { connections: 0, requests: 0, leanRequests: 0, servernames: [] };


  const server = createServer({ key: readFileSync(keyFile), cert: readFileSync(certFile), minVersion: "TLSv1.2" }, (req, res) => {
    const chunks = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => {
      counters.requests++;
      if (String(req.headers["user-agent"] ?? "").startsWith("envseal-runtime-lean")) counters.leanRequests++;
      const target = String(req.headers["x-amz-target"] ?? "");
      let status = 200;
      let out;
      try {
        const input = JSON.parse(Buffer.concat(chunks).toString("utf8") || "{}");
        if (target.endsWith(".Decrypt")) {
          const plaintext = decrypt(Buffer.from(input.CiphertextBlob ?? "", "base64"), input.EncryptionContext);
          if (plaintext) out = { KeyId: KEY_ARN, Plaintext: plaintext.toString("base64"), EncryptionAlgorithm: "SYMMETRIC_DEFAULT" };
          else (status = 400), (out = { __type: "InvalidCiphertextException", message: "" });
        } else if (target.endsWith(".Encrypt")) {
          out = { KeyId: KEY_ARN, CiphertextBlob: encrypt(Buffer.from(input.Plaintext, "base64"), input.EncryptionContext).toString("base64") };
        } else {
          (status = 400), (out = { __type: "UnknownOperationException", message: "" });
        }
      } catch {
        (status = 400), (out = { __type: "SerializationException", message: "" });
      }
      setTimeout(() => {
        const body = JSON.stringify(out);
        res.writeHead(status, { "content-type": "application/x-amz-json-1.1", "x-amzn-requestid": String(counters.requests), "content-length": Buffer.byteLength(body) });
        res.end(body);
      }, latencyMs);
    });
  });
  server.on("secureConnection", (socket) => {
    counters.connections++;
    // The SNI the client sent, or "" when it sent none (as it must for an IP literal, RFC 6066).
    counters.servernames.push(socket.servername || "");
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address();
  return {
    url: `https://localhost:${port}`,
    caFile: certFile,
    counters,
    /** Seal a value for `functionName` as KMS Encrypt would: base64 blob. */
    seal: (plaintext, functionName) => encrypt(Buffer.from(plaintext, "utf8"), { LambdaFunctionName: functionName }).toString("base64"),
    close: async () => {
      server.closeAllConnections?.();
      await new Promise((resolve) => server.close(resolve));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
