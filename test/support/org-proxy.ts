/**
 * A test emulator in front of moto for organisation audits. moto 5.2 scopes every resource by the account of the
 * credentials that signed the request (an assumed role's session signs as the role's account), but its
 * `sts:AssumeRole` succeeds for any role ARN, existing or not, trusting anyone. This proxy adds what STS does:
 *
 * - **AssumeRole is refused (403 AccessDenied)** when the role does not exist in the target account (asked of moto's IAM
 *   in that account), or when its trust policy requires an `sts:ExternalId` the request does not carry;
 * - **service control policies**: `deny(account, region, op)` answers that operation with the service's AccessDenied;
 * - **attribution**: every request is counted under the account whose credentials signed it (learned from the
 *   AssumeRole answers it relays) and its region, with the operation named like an IAM action.
 *
 * Everything else is forwarded to moto unchanged (SigV4 is not checked by moto; only `Host` is rewritten).
 */
import { createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from "node:http";
import type { Socket } from "node:net";
import { randomUUID } from "node:crypto";
import { GetRoleCommand, IAMClient } from "@aws-sdk/client-iam";
import { AssumeRoleCommand, STSClient } from "@aws-sdk/client-sts";
import { classify } from "./aws-proxy.js";
import { TEST_CREDENTIALS, type Moto } from "./moto.js";

/** moto's default account: what the base test credentials sign as. */
export const MOTO_ACCOUNT = "123456789012";

/** One request the proxy saw. */
export interface SeenCall {
  readonly account: string;
  readonly region: string;
  /** `service:Action`, e.g. `lambda:ListFunctions`, `sts:AssumeRole`. */
  readonly op: string;
}

/** One AssumeRole request, as sent. */
export interface SeenAssume {
  readonly target: string;
  readonly roleArn: string;
  readonly roleSessionName: string | null;
  readonly externalId: string | null;
  readonly refused: boolean;
}

/** A running proxy. */
export interface OrgProxy {
  readonly url: string;
  calls(): SeenCall[];
  assumes(): SeenAssume[];
  reset(): void;
  /** Answer `op` (e.g. `lambda:ListFunctions`) in `account` / `region` with AccessDenied, as a service control policy does. */
  deny(account: string, region: string, op: string): void;
  stop(): Promise<void>;
}

const TARGET_PREFIX: Record<string, string> = { TrentService: "kms", AWSOrganizationsV20161128: "organizations", StarlingDoveService: "config" };

function scope(req: IncomingMessage): { key: string; region: string; service: string } {
  const m = /Credential=([^/]+)\/\d{8}\/([^/]+)\/([^/]+)\//.exec(String(req.headers.authorization ?? ""));
  return { key: m?.[1] ?? "", region: m?.[2] ?? "", service: m?.[3] ?? "" };
}

function opOf(req: IncomingMessage, body: Buffer, service: string): string {
  const target = req.headers["x-amz-target"];
  if (typeof target === "string") {
    const [prefix, action] = target.split(".");
    return `${TARGET_PREFIX[prefix!] ?? prefix}:${action}`;
  }
  if (service === "sts" || service === "iam") return `${service}:${new URLSearchParams(body.toString("utf8")).get("Action") ?? "?"}`;
  const path = (req.url ?? "/").split("?")[0]!;
  if (service === "securityhub") {
    if (path === "/findings/import") return "securityhub:BatchImportFindings";
    if (path === "/findings" && req.method === "POST") return "securityhub:GetFindings";
    if (path === "/findings/batchupdate") return "securityhub:BatchUpdateFindings";
    return `securityhub:${req.method} ${path}`;
  }
  if (service === "account") return path === "/listRegions" ? "account:ListRegions" : `account:${path}`;
  if (service === "lambda") return classify(req).op;
  return `${service}:${req.method} ${path}`;
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

function denied(res: ServerResponse, service: string, op: string): void {
  if (service === "sts") {
    const xml = `<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>not authorized to perform: ${op}</Message></Error><RequestId>${randomUUID()}</RequestId></ErrorResponse>`;
    res.writeHead(403, { "content-type": "text/xml", "content-length": Buffer.byteLength(xml), "x-amzn-requestid": randomUUID() });
    res.end(xml);
    return;
  }
  const body = JSON.stringify({ Type: "User", message: `not authorized to perform: ${op} with an explicit deny in a service control policy` });
  res.writeHead(403, { "content-type": "application/json", "x-amzn-errortype": "AccessDeniedException", "content-length": Buffer.byteLength(body), "x-amzn-requestid": randomUUID() });
  res.end(body);
}

/** Start the proxy in front of `moto`. */
export async function startOrgProxy(moto: Moto): Promise<OrgProxy> {
  const up = new URL(moto.url);
  const keyAccount = new Map<string, string>([[TEST_CREDENTIALS.accessKeyId, MOTO_ACCOUNT]]);
  const calls: SeenCall[] = [];
  const assumes: SeenAssume[] = [];
  const denials = new Set<string>();
  const sockets = new Set<Socket>();
  const sts = new STSClient({ region: "us-east-1", endpoint: moto.url, credentials: TEST_CREDENTIALS });

  /** Would STS let this request assume the role? Asks moto's IAM in the target account. */
  const allowed = async (roleArn: string, externalId: string | null): Promise<boolean> => {
    const m = /^arn:aws:iam::(\d{12}):role\/(?:.*\/)?([^/]+)$/.exec(roleArn);
    if (!m) return false;
    const session = await sts.send(new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${m[1]}:role/moto-inspector`, RoleSessionName: "org-proxy" }));
    const c = session.Credentials!;
    const iam = new IAMClient({ region: "us-east-1", endpoint: moto.url, credentials: { accessKeyId: c.AccessKeyId!, secretAccessKey: c.SecretAccessKey!, sessionToken: c.SessionToken! } });
    let doc: { Statement?: Array<{ Condition?: { StringEquals?: Record<string, string> } }> };
    try {
      const role = await iam.send(new GetRoleCommand({ RoleName: m[2]! }));
      doc = JSON.parse(decodeURIComponent(role.Role?.AssumeRolePolicyDocument ?? "{}"));
    } catch {
      return false;
    }
    const required = doc.Statement?.map((s) => s.Condition?.StringEquals?.["sts:ExternalId"]).find((x) => x !== undefined);
    return required === undefined || required === externalId;
  };

  const forward = (req: IncomingMessage, body: Buffer): Promise<{ status: number; headers: IncomingMessage["headers"]; body: Buffer }> =>
    new Promise((resolve, reject) => {
      const out = httpRequest({ host: up.hostname, port: up.port, method: req.method, path: req.url, headers: { ...req.headers, host: up.host } }, (res) => {
        readBody(res).then((b) => resolve({ status: res.statusCode ?? 502, headers: res.headers, body: b }), reject);
      });
      out.on("error", reject);
      out.end(body);
    });

  const server = createServer(async (req, res) => {
    try {
      const body = await readBody(req);
      const { key, region, service } = scope(req);
      const op = opOf(req, body, service);
      const account = keyAccount.get(key) ?? `unknown:${key.slice(0, 8)}`;
      calls.push({ account, region, op });
      if (denials.has(`${account}/${region}/${op}`)) return denied(res, service, op);
      if (op === "sts:AssumeRole") {
        const form = new URLSearchParams(body.toString("utf8"));
        const roleArn = form.get("RoleArn") ?? "";
        const externalId = form.get("ExternalId");
        const ok = await allowed(roleArn, externalId);
        assumes.push({ target: /iam::(\d{12}):/.exec(roleArn)?.[1] ?? "", roleArn, roleSessionName: form.get("RoleSessionName"), externalId, refused: !ok });
        if (!ok) return denied(res, service, `sts:AssumeRole on ${roleArn}`);
        const got = await forward(req, body);
        const id = /<AccessKeyId>([^<]+)<\/AccessKeyId>/.exec(got.body.toString("utf8"))?.[1];
        if (id) keyAccount.set(id, /iam::(\d{12}):/.exec(roleArn)![1]!);
        res.writeHead(got.status, { "content-type": String(got.headers["content-type"] ?? "text/xml"), "content-length": got.body.length });
        return res.end(got.body);
      }
      const got = await forward(req, body);
      const headers: Record<string, string | string[]> = {};
      for (const [k, v] of Object.entries(got.headers)) if (v !== undefined && k !== "transfer-encoding" && k !== "connection") headers[k] = v;
      res.writeHead(got.status, { ...headers, "content-length": String(got.body.length) });
      res.end(got.body);
    } catch (err) {
      res.writeHead(502, { "content-type": "text/plain" });
      res.end(`org-proxy: ${(err as Error).message}`);
    }
  });
  server.on("connection", (s) => (sockets.add(s), s.on("close", () => sockets.delete(s))));
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const port = (server.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${port}`,
    calls: () => [...calls],
    assumes: () => [...assumes],
    reset: () => void ((calls.length = 0), (assumes.length = 0)),
    deny: (account, region, op) => void denials.add(`${account}/${region}/${op}`),
    stop: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
