/**
 * The transport policy (`tlsAgentOptions`) against real TLS peers: `openssl s_server` offering old protocols,
 * non-forward-secret suites, or what the policy accepts. Accepted = the handshake completes and the HTTP request
 * reaches the server (`s_server -www` answers 200). Refused = the request fails and the error, explained, names
 * what the peer offered.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Agent, request } from "node:https";
import { readFileSync } from "node:fs";
import tls from "node:tls";
import { tlsAgentOptions } from "../../src/transport/tls.js";
import { annotateTlsRefusal, probeTlsPeer } from "../../src/transport/probe.js";
import { describeTlsFailure } from "../../src/transport/tls-errors.js";
import { makeTestPki, opensslAvailable, startOpenSslServer, startSniRecorder, type CertFiles, type TestPki } from "../support/tls-server.js";

interface Reply {
  status: number;
  protocol: string | null;
  cipher: string;
  body: string;
}

/** GET / over an agent; rejects with the socket's error. */
function get(port: number, agent: Agent, host = "127.0.0.1"): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request({ host, port, path: "/", agent }, (res) => {
      const socket = res.socket as tls.TLSSocket;
      const protocol = socket.getProtocol();
      const cipher = socket.getCipher().name;
      let body = "";
      res.on("data", (d: Buffer) => (body += d.toString()));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, protocol, cipher, body }));
    });
    req.on("error", reject);
    req.end();
  });
}

function policyAgent(ca: string | Buffer): Agent {
  return new Agent(tlsAgentOptions({ ca }));
}

/** The request's failure, explained the way the CLI's handler explains it (probe, then map). */
async function refusal(port: number, ca: Buffer): Promise<{ raw: Error; message: string | undefined }> {
  const agent = policyAgent(ca);
  try {
    const err = await get(port, agent).then(
      () => undefined,
      (e: Error) => e,
    );
    expect(err, "the policy agent must refuse this peer").toBeInstanceOf(Error);
    await annotateTlsRefusal(err, { host: "127.0.0.1", port });
    return { raw: err!, message: describeTlsFailure(err)?.message };
  } finally {
    agent.destroy();
  }
}

describe.skipIf(!opensslAvailable())("TLS policy against openssl s_server", () => {
  let pki: TestPki;
  beforeAll(() => {
    pki = makeTestPki();
  });
  afterAll(() => pki?.cleanup());

  const refused: Array<{ name: string; cert: "ec" | "rsa"; args: string[]; offered: { protocol: string; cipher?: string }; message: string }> = [
    {
      name: "a TLS 1.1-only server",
      cert: "ec",
      args: ["-tls1_1", "-cipher", "DEFAULT:@SECLEVEL=0"],
      offered: { protocol: "TLSv1.1" },
      message: "the endpoint offered TLS 1.1; envseal requires 1.2+",
    },
    {
      name: "a TLS 1.0-only server",
      cert: "ec",
      args: ["-tls1", "-cipher", "DEFAULT:@SECLEVEL=0"],
      offered: { protocol: "TLSv1" },
      message: "the endpoint offered TLS 1.0; envseal requires 1.2+",
    },
    {
      name: "a TLS 1.2 server offering only AES128-GCM-SHA256 (no forward secrecy)",
      cert: "rsa",
      args: ["-tls1_2", "-cipher", "AES128-GCM-SHA256"],
      offered: { protocol: "TLSv1.2", cipher: "AES128-GCM-SHA256" },
      message:
        "the endpoint offered only AES128-GCM-SHA256 (TLS 1.2, no forward secrecy); envseal requires a forward-secret suite (ECDHE with AES-GCM, ChaCha20-Poly1305 or AES-CBC-SHA2, or TLS 1.3)",
    },
    {
      name: "a TLS 1.2 server offering only ECDHE-RSA-AES128-SHA (CBC with SHA-1)",
      cert: "rsa",
      args: ["-tls1_2", "-cipher", "ECDHE-RSA-AES128-SHA"],
      offered: { protocol: "TLSv1.2", cipher: "ECDHE-RSA-AES128-SHA" },
      message:
        "the endpoint offered only ECDHE-RSA-AES128-SHA (TLS 1.2, not an accepted suite); envseal requires a forward-secret suite (ECDHE with AES-GCM, ChaCha20-Poly1305 or AES-CBC-SHA2, or TLS 1.3)",
    },
  ];

  it.each(refused)("refuses $name, naming what it offered", async ({ cert, args, offered, message }) => {
    const files: CertFiles = pki[cert];
    const server = await startOpenSslServer(files, args);
    try {
      // The peer really offers what the row says (so a refusal is the policy's doing, not a broken server).
      expect(await probeTlsPeer({ host: "127.0.0.1", port: server.port })).toMatchObject(offered);
      const { raw, message: explained } = await refusal(server.port, readFileSync(files.cert));
      expect((raw as NodeJS.ErrnoException).code).toBe("EPROTO");
      expect(explained).toBe(message);
    } finally {
      await server.stop();
    }
  });

  const accepted: Array<{ name: string; cert: "ec" | "rsa"; args: string[]; protocol: string; cipher: RegExp }> = [
    { name: "a TLS 1.2 ECDHE-ECDSA server", cert: "ec", args: ["-tls1_2"], protocol: "TLSv1.2", cipher: /^ECDHE-ECDSA-AES\d+-GCM-SHA\d+$/ },
    { name: "a TLS 1.2 ECDHE-RSA AES-GCM server", cert: "rsa", args: ["-tls1_2", "-cipher", "ECDHE-RSA-AES128-GCM-SHA256"], protocol: "TLSv1.2", cipher: /^ECDHE-RSA-AES128-GCM-SHA256$/ },
    { name: "a TLS 1.2 ECDHE-RSA AES-CBC-SHA384 server", cert: "rsa", args: ["-tls1_2", "-cipher", "ECDHE-RSA-AES256-SHA384"], protocol: "TLSv1.2", cipher: /^ECDHE-RSA-AES256-SHA384$/ },
    { name: "a TLS 1.3 server", cert: "ec", args: ["-tls1_3"], protocol: "TLSv1.3", cipher: /^TLS_AES_(128|256)_GCM_SHA(256|384)$/ },
  ];

  it.each(accepted)("accepts $name: the handshake completes and the HTTP request reaches it", async ({ cert, args, protocol, cipher }) => {
    const server = await startOpenSslServer(pki[cert], args);
    const agent = policyAgent(readFileSync(pki[cert].cert));
    try {
      const reply = await get(server.port, agent);
      expect(reply.status).toBe(200);
      expect(reply.protocol).toBe(protocol);
      expect(reply.cipher).toMatch(cipher);
      // s_server -www answers the request with its own view of the session: the same protocol and suite.
      expect(reply.body).toContain(`New, ${protocol}, Cipher is ${reply.cipher}`);
    } finally {
      agent.destroy();
      await server.stop();
    }
  });

  it("holds when Node's defaults are weakened the way NODE_OPTIONS=--tls-min-v1.0 --tls-cipher-list=... does", async () => {
    const server = await startOpenSslServer(pki.ec, ["-tls1_1", "-cipher", "DEFAULT:@SECLEVEL=0"]);
    const saved = { min: tls.DEFAULT_MIN_VERSION, ciphers: tls.DEFAULT_CIPHERS };
    const ca = readFileSync(pki.ec.cert);
    const plain = new Agent({ ca, keepAlive: false });
    try {
      tls.DEFAULT_MIN_VERSION = "TLSv1";
      tls.DEFAULT_CIPHERS = "ALL:@SECLEVEL=0";
      // Control: with the weakened defaults, an agent without the policy does speak TLS 1.1 to this server...
      expect((await get(server.port, plain)).protocol).toBe("TLSv1.1");
      // ...and the policy agent still refuses it.
      const { message } = await refusal(server.port, ca);
      expect(message).toBe("the endpoint offered TLS 1.1; envseal requires 1.2+");
    } finally {
      tls.DEFAULT_MIN_VERSION = saved.min;
      tls.DEFAULT_CIPHERS = saved.ciphers;
      plain.destroy();
      await server.stop();
    }
  });

  it("sends SNI with the endpoint's host name", async () => {
    const server = await startSniRecorder(pki.ec);
    const agent = policyAgent(readFileSync(pki.ec.cert));
    try {
      expect((await get(server.port, agent, "localhost")).status).toBe(200);
      expect(server.names).toEqual(["localhost"]);
    } finally {
      agent.destroy();
      await server.stop();
    }
  });

  it("trusts a private CA only when it is given", async () => {
    const server = await startOpenSslServer(pki.leaf, ["-tls1_3"]);
    const withoutCa = new Agent(tlsAgentOptions());
    const withCa = policyAgent(readFileSync(pki.ca.cert));
    try {
      const err = await get(server.port, withoutCa).then(
        () => undefined,
        (e: Error) => e,
      );
      expect((err as NodeJS.ErrnoException | undefined)?.code).toBe("UNABLE_TO_VERIFY_LEAF_SIGNATURE");
      expect(describeTlsFailure(err)?.message).toBe("the endpoint's certificate is not signed by a trusted CA");
      expect((await get(server.port, withCa)).status).toBe(200);
    } finally {
      withoutCa.destroy();
      withCa.destroy();
      await server.stop();
    }
  });
});
