/**
 * Real TLS peers for transport tests: `openssl s_server` on 127.0.0.1 (a free port, stopped by PID) with throwaway
 * certificates generated into a temp folder, and a small Node TLS server that records the SNI name it was sent.
 * When openssl is missing, suites skip with a message; under CI=true a missing openssl fails the run.
 */
import { execFileSync, spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type TLSSocket } from "node:tls";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "./moto.js";

let available: boolean | undefined;

/** True when `openssl` runs here. Under CI=true, throws when it does not. */
export function opensslAvailable(): boolean {
  if (available === undefined) {
    available = spawnSync("openssl", ["version"], { stdio: "ignore" }).status === 0;
    if (!available) {
      const msg = "openssl is not installed: TLS peer tests are skipped. Install it with: apt-get install openssl";
      if (process.env.CI === "true") throw new Error(`${msg} — CI=true requires openssl`);
      console.warn(msg);
    }
  }
  return available;
}

/** A certificate and its key, as files. */
export interface CertFiles {
  cert: string;
  key: string;
}

/** Throwaway certificates for `localhost` / 127.0.0.1. */
export interface TestPki {
  dir: string;
  /** Self-signed P-256 certificate (ECDSA suites). */
  ec: CertFiles;
  /** Self-signed RSA-2048 certificate (RSA suites, e.g. `AES128-GCM-SHA256`). */
  rsa: CertFiles;
  /** A throwaway root CA (its cert is the bundle to pass to --ca-bundle). */
  ca: CertFiles;
  /** A P-256 leaf signed by {@link TestPki.ca}. */
  leaf: CertFiles;
  /** Remove the folder. */
  cleanup(): void;
}

const SAN = "subjectAltName=DNS:localhost,IP:127.0.0.1";

function openssl(args: string[], cwd: string): void {
  execFileSync("openssl", args, { cwd, stdio: ["ignore", "ignore", "pipe"] });
}

/** Generate the certificates into a new temp folder (a few hundred milliseconds). */
export function makeTestPki(): TestPki {
  const dir = mkdtempSync(join(tmpdir(), "envseal-tls-"));
  const p = (name: string) => join(dir, name);
  const ecKey = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes"];
  openssl(["req", "-x509", ...ecKey, "-keyout", "ec.key", "-out", "ec.pem", "-days", "2", "-subj", "/CN=localhost", "-addext", SAN], dir);
  openssl(["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "rsa.key", "-out", "rsa.pem", "-days", "2", "-subj", "/CN=localhost", "-addext", SAN], dir);
  openssl(["req", "-x509", ...ecKey, "-keyout", "ca.key", "-out", "ca.pem", "-days", "2", "-subj", "/CN=envseal throwaway test CA"], dir);
  openssl(["req", "-new", ...ecKey, "-keyout", "leaf.key", "-out", "leaf.csr", "-subj", "/CN=localhost"], dir);
  writeFileSync(p("leaf.ext"), `${SAN}\nbasicConstraints=CA:FALSE\nkeyUsage=digitalSignature\nextendedKeyUsage=serverAuth\n`);
  openssl(["x509", "-req", "-in", "leaf.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial", "-days", "2", "-extfile", "leaf.ext", "-out", "leaf.pem"], dir);
  return {
    dir,
    ec: { cert: p("ec.pem"), key: p("ec.key") },
    rsa: { cert: p("rsa.pem"), key: p("rsa.key") },
    ca: { cert: p("ca.pem"), key: p("ca.key") },
    leaf: { cert: p("leaf.pem"), key: p("leaf.key") },
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** A running `openssl s_server -www`. */
export interface OpenSslServer {
  readonly port: number;
  readonly pid: number;
  /** `https://127.0.0.1:PORT`. */
  readonly url: string;
  /** What the server printed so far (stdout and stderr). */
  output(): string;
  /** Stop the server by PID. */
  stop(): Promise<void>;
}

/**
 * Start `openssl s_server -www` on 127.0.0.1 with `cert` and extra `args` (e.g. `["-tls1_1", "-cipher", "..."]`);
 * resolves once it listens. `-www` answers every HTTP request with a status page, so an accepted client gets HTTP 200.
 */
export async function startOpenSslServer(cert: CertFiles, args: readonly string[]): Promise<OpenSslServer> {
  const port = await freePort();
  const child: ChildProcess = spawn(
    "openssl",
    ["s_server", "-accept", `127.0.0.1:${port}`, "-www", "-cert", cert.cert, "-key", cert.key, "-naccept", "100", ...args],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  let out = "";
  child.stdout?.on("data", (d: Buffer) => (out += d.toString()));
  child.stderr?.on("data", (d: Buffer) => (out += d.toString()));
  await new Promise<void>((resolve, reject) => {
    const onData = () => {
      if (out.includes("ACCEPT")) {
        child.stdout?.off("data", onData);
        resolve();
      }
    };
    child.stdout?.on("data", onData);
    child.once("exit", (code) => reject(new Error(`openssl s_server ${args.join(" ")} exited (${code}) before listening:\n${out}`)));
  });
  const pid = child.pid!;
  return {
    port,
    pid,
    url: `https://127.0.0.1:${port}`,
    output: () => out,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once("exit", () => resolve());
        process.kill(pid, "SIGTERM");
      }),
  };
}

/** A Node TLS server that records the SNI name of every ClientHello and answers HTTP 200 with an empty JSON body. */
export interface SniRecorder {
  readonly port: number;
  /** The server name each connection carried (`false` when none was sent). */
  readonly names: Array<string | false>;
  stop(): Promise<void>;
}

/** Start a {@link SniRecorder} on 127.0.0.1 with `cert`. */
export async function startSniRecorder(cert: CertFiles): Promise<SniRecorder> {
  const names: Array<string | false> = [];
  const sockets = new Set<TLSSocket>();
  const server = createServer({ cert: readFileSync(cert.cert), key: readFileSync(cert.key) }, (socket: TLSSocket) => {
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
    names.push(socket.servername ?? false);
    socket.on("error", () => undefined);
    socket.once("data", () => socket.end("HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 2\r\nconnection: close\r\n\r\n{}"));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const addr = server.address();
  const port = typeof addr === "object" && addr ? addr.port : 0;
  return {
    port,
    names,
    stop: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
