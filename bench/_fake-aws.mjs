// A local fake of the AWS endpoints envseal uses, for benchmarks only. One HTTPS server (throwaway certificate from
// `openssl req -x509` in a temp dir) behind a TCP front that injects round-trip time: every chunk is delayed by half
// the RTT in each direction and the first client chunk of a connection by one more RTT (the TCP handshake loopback
// skips), so a new TLS 1.3 connection costs about 2 RTT before the first request and every request 1 RTT plus the
// injected service time.
//
// Speaks: KMS JSON (TrentService.Decrypt / Encrypt / DescribeKey / GetKeyRotationStatus; real AES-256-GCM with the
// encryption context as additional data, so a wrong context fails) and the Lambda REST API (ListFunctions at most 50
// a page with NextMarker, GetFunctionConfiguration, UpdateFunctionConfiguration with RevisionId). Quotas are token
// buckets per region (region from the SigV4 credential scope): Lambda's control plane answers 429
// TooManyRequestsException above `lambdaRps` (15), KMS answers ThrottlingException above `kmsRps` (shared by the
// cryptographic operations). Counters: calls per operation and region, throttled answers, TCP connections, TLS
// handshakes (and resumed sessions).
//
// Organisations (`accounts`, `orgFunctions`): STS and Organizations from bench/_fake-org.mjs; every request is attributed
// to the account whose session signed it, Lambda's buckets are per account and region (as AWS's quota is), and call
// counters are keyed `op@region@account`.
import { randomUUID } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer as createHttpsServer } from "node:https";
import { createServer as createTcpServer, connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fakeKmsCipher, throwawayCert } from "./_fake-crypto.mjs";
import { accountOfKey, orgHandlers } from "./_fake-org.mjs";

const ACCOUNT = "111122223333";

/** A token bucket: `rate` per second, `burst` at most. */
function bucket(rate, burst = rate) {
  let tokens = burst;
  let last = performance.now();
  return () => {
    const now = performance.now();
    tokens = Math.min(burst, tokens + ((now - last) / 1000) * rate);
    last = now;
    if (tokens < 1) return false;
    tokens -= 1;
    return true;
  };
}

/** Forward `from` → `to`, each chunk no earlier than `delay` ms after it arrived, order kept. */
function delayedPipe(from, to, delayMs, firstExtraMs) {
  let lastAt = 0;
  let first = true;
  from.on("data", (chunk) => {
    const at = Math.max(performance.now() + delayMs + (first ? firstExtraMs : 0), lastAt);
    first = false;
    lastAt = at;
    setTimeout(() => to.writable && to.write(chunk), Math.max(0, at - performance.now()));
  });
  from.on("end", () => setTimeout(() => to.end(), Math.max(0, lastAt - performance.now())));
  from.on("error", () => to.destroy());
  from.on("close", () => setTimeout(() => to.destroy(), Math.max(0, lastAt - performance.now()) + 1));
}

/**
 * Start the fake. Options: rttMs (10), serviceMs (2), lambdaRps (15 per region), kmsRps (per region, shared by the
 * cryptographic operations; default 5500), functions: { region: [FunctionConfiguration...] } of the caller's account;
 * for an organisation, accounts: [member account ids], orgFunctions(account, region) → [FunctionConfiguration...]
 * (made on each ListFunctions, so 20,000 functions cost no memory here) and roleName (AssumeRole refuses others).
 */
export async function startFakeAws({ rttMs = 10, serviceMs = 2, lambdaRps = 15, kmsRps = 5500, functions = {}, accounts = [], orgFunctions = () => [], roleName } = {}) {
  const dir = mkdtempSync(join(tmpdir(), "envseal-bench-aws-"));
  const { certFile, keyFile } = throwawayCert(dir);
  const { encrypt, encryptKmsShaped, decrypt } = fakeKmsCipher();
  const counters = { connections: 0, handshakes: 0, resumed: 0, calls: {}, throttled: {}, leanDecrypts: 0 };
  const count = (table, key) => (table[key] = (table[key] ?? 0) + 1);
  const lambdaBuckets = new Map();
  const kmsBuckets = new Map();
  const take = (map, region, rate) => {
    if (!map.has(region)) map.set(region, bucket(rate));
    return map.get(region)();
  };
  const org = orgHandlers({ accounts, callerAccount: ACCOUNT, roleName });
  const members = new Set(accounts);
  const describedKeys = new Set();
  const fns = new Map(); // `${region}/${name}` → configuration
  for (const [region, list] of Object.entries(functions)) for (const f of list) fns.set(`${region}/${f.FunctionName}`, f);

  const keyArn = (region, id) => `arn:aws:kms:${region}:${ACCOUNT}:key/${id}`;

  const kms = (op, region, input, lean, account = ACCOUNT) => {
    if (["Decrypt", "Encrypt", "GenerateDataKey", "ReEncrypt"].includes(op) && !take(kmsBuckets, `${account}/${region}`, kmsRps)) {
      return [400, { __type: "ThrottlingException", message: "Rate exceeded" }, "ThrottlingException"];
    }
    const id = String(input.KeyId ?? "bench-key").split("/").at(-1);
    switch (op) {
      case "Decrypt": {
        if (lean) counters.leanDecrypts++;
        const p = decrypt(Buffer.from(input.CiphertextBlob ?? "", "base64"), input.EncryptionContext);
        return p ? [200, { KeyId: keyArn(region, "bench"), Plaintext: p.toString("base64"), EncryptionAlgorithm: "SYMMETRIC_DEFAULT" }] : [400, { __type: "InvalidCiphertextException", message: "" }];
      }
      case "Encrypt":
        return [200, { KeyId: keyArn(region, id), CiphertextBlob: encrypt(Buffer.from(input.Plaintext, "base64"), input.EncryptionContext).toString("base64"), EncryptionAlgorithm: "SYMMETRIC_DEFAULT" }];
      case "DescribeKey":
        describedKeys.add(String(input.KeyId));
        return [200, { KeyMetadata: { AWSAccountId: ACCOUNT, KeyId: id, Arn: keyArn(region, id), Enabled: true, KeyState: "Enabled", KeyManager: "CUSTOMER", KeyUsage: "ENCRYPT_DECRYPT", KeySpec: "SYMMETRIC_DEFAULT", CustomerMasterKeySpec: "SYMMETRIC_DEFAULT", Origin: "AWS_KMS", CreationDate: 1.7e9, Description: "" } }];
      case "GetKeyRotationStatus":
        return [200, { KeyRotationEnabled: true }];
      // ES014: the key policy delegates to the account's IAM; no grants.
      case "GetKeyPolicy":
        return [200, { PolicyName: "default", Policy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { AWS: `arn:aws:iam::${account}:root` }, Action: "kms:*", Resource: "*" }] }) }];
      case "ListGrants":
        return [200, { Grants: [], Truncated: false }];
      default:
        return [400, { __type: "UnknownOperationException", message: "" }];
    }
  };

  const lambda = (method, path, query, region, input, account = ACCOUNT) => {
    const listing = method === "GET" && /^\/2015-03-31\/functions\/?$/.test(path);
    const opName = listing ? "ListFunctions" : method === "GET" ? "GetFunctionConfiguration" : "UpdateFunctionConfiguration";
    // Lambda's quota is per account and region.
    if (!take(lambdaBuckets, `${account}/${region}`, lambdaRps)) return [429, { Type: "User", message: "Rate exceeded" }, "TooManyRequestsException", opName];
    if (listing) {
      const all = members.has(account) ? orgFunctions(account, region) : [...fns.entries()].filter(([k]) => k.startsWith(`${region}/`)).map(([, f]) => f);
      const start = Number(query.get("Marker") ?? 0);
      const size = Math.min(50, Number(query.get("MaxItems") ?? 50));
      const page = all.slice(start, start + size);
      return [200, { Functions: page, ...(start + size < all.length ? { NextMarker: String(start + size) } : {}) }, undefined, "ListFunctions"];
    }
    const m = /^\/2015-03-31\/functions\/([^/]+)\/configuration$/.exec(path);
    if (!m) return [404, { Type: "User", message: "unknown path" }, "ResourceNotFoundException", "Unknown"];
    const name = decodeURIComponent(m[1]).split(":").at(-1);
    const key = `${region}/${name}`;
    const fn = fns.get(key);
    if (!fn) return [404, { Type: "User", message: `Function not found: ${name}` }, "ResourceNotFoundException", method === "GET" ? "GetFunctionConfiguration" : "UpdateFunctionConfiguration"];
    if (method === "GET") {
      if (fn.LastUpdateStatus === "InProgress" && performance.now() >= fn._readyAt) fn.LastUpdateStatus = "Successful";
      const { _readyAt, ...out } = fn;
      return [200, out, undefined, "GetFunctionConfiguration"];
    }
    if (input.RevisionId && input.RevisionId !== fn.RevisionId) return [412, { Type: "User", message: "revision" }, "PreconditionFailedException", "UpdateFunctionConfiguration"];
    if (input.Environment) fn.Environment = input.Environment;
    if ("KMSKeyArn" in input) fn.KMSKeyArn = input.KMSKeyArn || undefined;
    fn.RevisionId = randomUUID();
    fn.LastUpdateStatus = "InProgress";
    fn._readyAt = performance.now() + 300;
    const { _readyAt, ...out } = fn;
    return [200, out, undefined, "UpdateFunctionConfiguration"];
  };

  const server = createHttpsServer({ key: readFileSync(keyFile), cert: readFileSync(certFile), minVersion: "TLSv1.2" }, (req, res) => {
    const chunks = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => {
      const scope = /Credential=([^/]+)\/\d{8}\/([^/]+)\//.exec(String(req.headers.authorization ?? ""));
      const region = scope?.[2] ?? "unsigned";
      const account = accountOfKey(scope?.[1], ACCOUNT);
      const target = String(req.headers["x-amz-target"] ?? "");
      const url = new URL(req.url, "https://localhost");
      const text = Buffer.concat(chunks).toString("utf8");
      if (String(req.headers["content-type"] ?? "").startsWith("application/x-www-form-urlencoded")) {
        const [st, body, type, sop] = org.sts(new URLSearchParams(text), account);
        count(counters.calls, `${sop}@${region}@${account}`);
        setTimeout(() => (res.writeHead(st, { "content-type": type, "content-length": Buffer.byteLength(body), "x-amzn-requestid": randomUUID() }), res.end(body)), serviceMs);
        return;
      }
      let status, out, errorType, op;
      try {
        const input = JSON.parse(text || "{}");
        if (target === "AWSOrganizationsV20161128.ListAccounts") {
          op = "organizations:ListAccounts";
          [status, out] = org.listAccounts(input);
        } else if (target.startsWith("TrentService.")) {
          op = `kms:${target.slice("TrentService.".length)}`;
          [status, out, errorType] = kms(target.slice("TrentService.".length), region, input, String(req.headers["user-agent"] ?? "").startsWith("envseal-runtime-lean"), account);
        } else {
          let lop;
          [status, out, errorType, lop] = lambda(req.method, url.pathname, url.searchParams, region, input, account);
          op = `lambda:${lop}`;
        }
      } catch {
        [status, out, op] = [400, { __type: "SerializationException", message: "" }, "invalid"];
      }
      count(counters.calls, `${op}@${region}@${account}`);
      if (status === 429 || errorType === "ThrottlingException") count(counters.throttled, `${op}@${region}@${account}`);
      setTimeout(() => {
        const body = JSON.stringify(out);
        const headers = { "content-type": target ? "application/x-amz-json-1.1" : "application/json", "x-amzn-requestid": randomUUID(), "content-length": Buffer.byteLength(body) };
        if (errorType) headers["x-amzn-errortype"] = errorType;
        res.writeHead(status, headers);
        res.end(body);
      }, serviceMs);
    });
  });
  server.on("secureConnection", (s) => {
    counters.handshakes++;
    if (s.isSessionReused()) counters.resumed++;
  });
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  const backendPort = server.address().port;

  const sockets = new Set();
  const front = createTcpServer((client) => {
    counters.connections++;
    const upstream = connect(backendPort, "127.0.0.1");
    for (const s of [client, upstream]) (sockets.add(s), s.on("close", () => sockets.delete(s)), s.setNoDelay(true));
    delayedPipe(client, upstream, rttMs / 2, rttMs);
    delayedPipe(upstream, client, rttMs / 2, 0);
  });
  await new Promise((r) => front.listen(0, "127.0.0.1", r));
  const { port } = front.address();

  const sum = (table, prefix) => Object.entries(table).filter(([k]) => k.startsWith(prefix)).reduce((a, [, v]) => a + v, 0);
  return {
    url: `https://localhost:${port}`,
    caFile: certFile,
    counters,
    /** Total calls whose `op@region` key starts with `prefix` (e.g. "kms:Decrypt", "lambda:ListFunctions@us-east-1"). */
    calls: (prefix) => sum(counters.calls, prefix),
    throttled: (prefix = "") => sum(counters.throttled, prefix),
    /** Distinct KeyIds DescribeKey was asked about. */
    distinctKeysDescribed: () => describedKeys.size,
    /** AssumeRole calls per target account. */
    assumeRoleCalls: () => new Map(org.assumed),
    snapshot: () => JSON.parse(JSON.stringify(counters)),
    /** Seal like KMS Encrypt with the function-name context: base64. */
    seal: (plaintext, functionName) => encrypt(Buffer.from(plaintext, "utf8"), { LambdaFunctionName: functionName }).toString("base64"),
    /** The same, in AWS KMS's blob layout (what the auditor recognises as sealed). */
    sealKmsShaped: (plaintext, functionName) => encryptKmsShaped(Buffer.from(plaintext, "utf8"), { LambdaFunctionName: functionName }).toString("base64"),
    addFunction: (region, config) => fns.set(`${region}/${config.FunctionName}`, config),
    getFunction: (region, name) => fns.get(`${region}/${name}`),
    close: async () => {
      for (const s of sockets) s.destroy();
      server.closeAllConnections?.();
      await Promise.all([new Promise((r) => front.close(r)), new Promise((r) => server.close(r))]);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
