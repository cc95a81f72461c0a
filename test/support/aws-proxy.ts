/**
 * A test emulator in front of moto (or any AWS-compatible upstream) on 127.0.0.1: it forwards every request byte for
 * byte and adds what moto lacks for fault and race tests.
 *
 * - **Lambda RevisionId.** moto 5.2 neither reports nor checks `RevisionId`. The proxy keeps one revision per function
 *   (a UUID), writes it into GetFunctionConfiguration, GetFunction and UpdateFunctionConfiguration responses, changes it
 *   on every successful UpdateFunctionConfiguration, and answers an update whose `RevisionId` does not match with
 *   Lambda's 412 `PreconditionFailedException`. Updates of one function are serialized, so check-and-write is atomic.
 * - **Faults by schedule.** Per operation (`kms:Decrypt` from `X-Amz-Target`, `lambda:UpdateFunctionConfiguration`
 *   from method and path), a queue of faults consumed one per request, or one fault for every request:
 *   throttling, 500, connection reset, stall. A faulted request never reaches the upstream.
 * - **Lambda KMSKeyArn.** moto drops it; the proxy remembers the `KMSKeyArn` of every successful update (`""` clears it)
 *   and writes it into configurations it relays.
 * - **Unreadable environments.** `unreadable(fn)` makes the function answer as Lambda does to a caller who may not
 *   decrypt its at-rest key: `Environment.Error` and no `Variables`, in GetFunctionConfiguration, GetFunction and
 *   ListFunctions.
 * - **Faults after the fact** (`reset-after`, `500-after`): the request is forwarded and applied, then the answer is
 *   lost; and `delay(op, ms)` holds requests before forwarding them, to order racing writers.
 * - **IAM policy simulation.** moto 5.2 has no `SimulatePrincipalPolicy` (it answers 500 with an HTML page). IAM
 *   query requests are classified by their `Action` (`iam:SimulatePrincipalPolicy`), and `simulate(decide)` answers
 *   them with the decision `decide` returns for the request's role, resource and context entries, or with IAM's 403
 *   `AccessDenied` for a caller who may not simulate. Without `decide` they go to moto.
 * - **Counters** of every operation seen and of what was done to it.
 *
 * Requests are SigV4-signed by the SDK; moto does not check signatures, so the proxy rewrites `Host` and leaves the
 * rest, body included, untouched.
 * @module
 */
import { createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { Socket } from "node:net";
import { randomUUID } from "node:crypto";

/** What the proxy can do to a request instead of forwarding it. */
export type Fault =
  /** KMS: 400 `ThrottlingException`; Lambda: 429 `TooManyRequestsException`. */
  | "throttle"
  /** KMS: 500 `KMSInternalException`; Lambda: 500 `ServiceException` (what Lambda returns for its internal errors). */
  | "500"
  /** Destroy the client's socket without a response (the client sees ECONNRESET / socket hang up). */
  | "reset"
  /** Hold the request without answering until the client gives up (closes the socket) or the proxy stops. */
  | "stall"
  /** Forward and apply the request, then destroy the socket: the answer is lost. */
  | "reset-after"
  /** Forward and apply the request, then answer 500 instead of the real answer. */
  | "500-after"
  /** Forward normally (a placeholder in a queue). */
  | "pass";

/** Outcome counters of one operation. */
export interface OpCounters {
  /** Requests seen. */
  requests: number;
  /** Requests sent on to the upstream. */
  forwarded: number;
  /** 412 PreconditionFailed answered by the proxy (RevisionId mismatch). */
  preconditionFailed: number;
  throttle: number;
  "500": number;
  reset: number;
  stall: number;
  "reset-after": number;
  "500-after": number;
  pass: number;
}

/** A running proxy. */
export interface AwsProxy {
  /** `http://127.0.0.1:PORT`, for `--endpoint-url` / `AWS_ENDPOINT_URL*`. */
  readonly url: string;
  readonly port: number;
  /**
   * Program faults for `op` (e.g. `kms:Encrypt`, `lambda:UpdateFunctionConfiguration`): `faults` are used one per
   * request, in order; after them, `then` (when given) applies to every further request, else requests pass.
   * Replaces any earlier schedule of `op`.
   */
  schedule(op: string, faults: readonly Fault[], then?: Fault): void;
  /** Forget every schedule. Counters and revisions are kept. */
  clearFaults(): void;
  /** Counters of `op` (zeros when never seen). */
  counters(op: string): OpCounters;
  /** Every operation seen so far, with its counters. */
  allCounters(): Record<string, OpCounters>;
  /** Zero every counter. */
  resetCounters(): void;
  /** The current RevisionId of a function (by name), creating it if the proxy has not seen the function yet. */
  revisionOf(functionName: string): string;
  /** Answer reads of `functionName` with `Environment.Error` (`code`) and no variables, until `readable`. */
  unreadable(functionName: string, code?: string): void;
  /** Undo `unreadable`. */
  readable(functionName: string): void;
  /** Hold every request of `op` for `ms` before forwarding it (0 stops). */
  delay(op: string, ms: number): void;
  /** Answer `iam:SimulatePrincipalPolicy` with `decide`'s decision (`undefined`: forward to moto). */
  simulate(decide: SimulationDecider | undefined): void;
  /** Close the server and every open connection (stalled ones included). */
  stop(): Promise<void>;
}

/** A simulation request as the proxy sees it. */
export interface SimulationRequest {
  readonly role: string;
  readonly actions: string[];
  readonly resources: string[];
  /** Context key → values. */
  readonly context: Record<string, string[]>;
}

/** What the simulated IAM answers: a decision, or 403 AccessDenied for the caller. */
export type SimulationDecider = (req: SimulationRequest) => "allowed" | "implicitDeny" | "explicitDeny" | "AccessDenied";

/** Members of an AWS query-protocol list (`Prefix.member.N`), in order. */
function members(form: URLSearchParams, prefix: string): string[] {
  const out: string[] = [];
  for (let i = 1; form.has(`${prefix}.member.${i}`); i++) out.push(form.get(`${prefix}.member.${i}`) as string);
  return out;
}

function parseSimulation(form: URLSearchParams): SimulationRequest {
  const context: Record<string, string[]> = {};
  for (let i = 1; form.has(`ContextEntries.member.${i}.ContextKeyName`); i++) {
    context[form.get(`ContextEntries.member.${i}.ContextKeyName`) as string] = members(form, `ContextEntries.member.${i}.ContextKeyValues`);
  }
  return { role: form.get("PolicySourceArn") ?? "", actions: members(form, "ActionNames"), resources: members(form, "ResourceArns"), context };
}

function sendXml(res: ServerResponse, status: number, xml: string): void {
  res.writeHead(status, { "content-type": "text/xml", "content-length": String(Buffer.byteLength(xml)), "x-amzn-requestid": randomUUID() });
  res.end(xml);
}

const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

function answerSimulation(res: ServerResponse, req: SimulationRequest, decide: SimulationDecider): void {
  const decision = decide(req);
  if (decision === "AccessDenied") {
    sendXml(res, 403, `<ErrorResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>User is not authorized to perform: iam:SimulatePrincipalPolicy</Message></Error><RequestId>${randomUUID()}</RequestId></ErrorResponse>`);
    return;
  }
  const results = req.actions
    .flatMap((a) => (req.resources.length ? req.resources : ["*"]).map((r) => `<member><EvalActionName>${esc(a)}</EvalActionName><EvalResourceName>${esc(r)}</EvalResourceName><EvalDecision>${decision}</EvalDecision><MatchedStatements/><MissingContextValues/></member>`))
    .join("");
  sendXml(res, 200, `<SimulatePrincipalPolicyResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><SimulatePrincipalPolicyResult><IsTruncated>false</IsTruncated><EvaluationResults>${results}</EvaluationResults></SimulatePrincipalPolicyResult><ResponseMetadata><RequestId>${randomUUID()}</RequestId></ResponseMetadata></SimulatePrincipalPolicyResponse>`);
}

const LAMBDA_PREFIX = "/2015-03-31/functions";

/** The operation a request is for: `kms:<Action>` from `X-Amz-Target`, `lambda:<Action>` from method and path. */
export function classify(req: IncomingMessage): { op: string; functionName?: string } {
  const target = req.headers["x-amz-target"];
  if (typeof target === "string") {
    const [prefix, action] = target.split(".");
    return { op: `${prefix === "TrentService" ? "kms" : prefix}:${action}` };
  }
  const path = (req.url ?? "/").split("?")[0]!;
  if ((path === LAMBDA_PREFIX || path === `${LAMBDA_PREFIX}/`) && req.method === "GET") return { op: "lambda:ListFunctions" };
  if (path.startsWith(`${LAMBDA_PREFIX}/`)) {
    const rest = path.slice(LAMBDA_PREFIX.length + 1).split("/");
    const functionName = functionNameFrom(decodeURIComponent(rest[0]!));
    const sub = rest.slice(1).join("/");
    if (sub === "configuration") {
      if (req.method === "GET") return { op: "lambda:GetFunctionConfiguration", functionName };
      if (req.method === "PUT") return { op: "lambda:UpdateFunctionConfiguration", functionName };
    }
    if (sub === "" && req.method === "GET") return { op: "lambda:GetFunction", functionName };
    return { op: `lambda:${req.method} ${sub || "function"}`, functionName };
  }
  return { op: `${req.method} ${path}` };
}

/** A function name from a name, a partial or full ARN, with any qualifier dropped. */
function functionNameFrom(ref: string): string {
  const m = /^arn:[^:]+:lambda:[^:]*:[^:]*:function:([^:]+)/.exec(ref) ?? /^[^:]*:function:([^:]+)/.exec(ref);
  if (m) return m[1]!;
  return ref.split(":")[0]!;
}

function zero(): OpCounters {
  return { requests: 0, forwarded: 0, preconditionFailed: 0, throttle: 0, "500": 0, reset: 0, stall: 0, "reset-after": 0, "500-after": 0, pass: 0 };
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string>): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { ...headers, "content-length": String(Buffer.byteLength(text)), "x-amzn-requestid": randomUUID() });
  res.end(text);
}

/** Lambda's REST-JSON error: type in `x-amzn-errortype`, `{Type, message}` body. */
function lambdaError(res: ServerResponse, status: number, type: string, message: string, extra: Record<string, string> = {}): void {
  sendJson(res, status, { Type: status >= 500 ? "Service" : "User", message, ...extra }, {
    "content-type": "application/json",
    "x-amzn-errortype": `${type}:http://internal.amazon.com/coral/com.amazonaws.awslambda/`,
  });
}

/** KMS's JSON 1.1 error: `{__type, message}` body. */
function kmsError(res: ServerResponse, status: number, type: string, message: string): void {
  sendJson(res, status, { __type: type, message }, { "content-type": "application/x-amz-json-1.1" });
}

/** Start a proxy on a free port of 127.0.0.1 in front of `upstream` (e.g. moto's URL). */
export async function startAwsProxy(upstream: string): Promise<AwsProxy> {
  const up = new URL(upstream);
  const schedules = new Map<string, { queue: Fault[]; then: Fault | undefined }>();
  const counts = new Map<string, OpCounters>();
  const revisions = new Map<string, string>();
  const atRestKeys = new Map<string, string>();
  const unreadableFns = new Map<string, string>();
  const delays = new Map<string, number>();
  const locks = new Map<string, Promise<void>>();
  const sockets = new Set<Socket>();
  let decider: SimulationDecider | undefined;

  const counter = (op: string): OpCounters => {
    let c = counts.get(op);
    if (!c) counts.set(op, (c = zero()));
    return c;
  };
  const revisionOf = (name: string): string => {
    let r = revisions.get(name);
    if (!r) revisions.set(name, (r = randomUUID()));
    return r;
  };
  const nextFault = (op: string): Fault | undefined => {
    const s = schedules.get(op);
    if (!s) return undefined;
    return s.queue.length ? s.queue.shift() : s.then;
  };

  /** Run `fn` alone among the updates of `name`. */
  const serialized = async <T>(name: string, fn: () => Promise<T>): Promise<T> => {
    const prev = locks.get(name) ?? Promise.resolve();
    let release!: () => void;
    const mine = new Promise<void>((r) => (release = r));
    const tail = prev.then(() => mine);
    locks.set(name, tail);
    await prev;
    try {
      return await fn();
    } finally {
      release();
      if (locks.get(name) === tail) locks.delete(name);
    }
  };

  const forward = (req: IncomingMessage, body: Buffer): Promise<{ status: number; headers: IncomingMessage["headers"]; body: Buffer }> =>
    new Promise((resolve, reject) => {
      const headers = { ...req.headers, host: up.host };
      const out = httpRequest({ host: up.hostname, port: up.port, method: req.method, path: req.url, headers }, (res) => {
        readBody(res).then((b) => resolve({ status: res.statusCode ?? 502, headers: res.headers, body: b }), reject);
      });
      out.on("error", reject);
      out.end(body);
    });

  /** What Lambda would add to a configuration moto returns: KMSKeyArn, and Environment.Error for unreadable functions. */
  const patchConfiguration = (cfg: Record<string, unknown>): void => {
    const name = typeof cfg.FunctionName === "string" ? cfg.FunctionName : undefined;
    if (!name) return;
    const key = atRestKeys.get(name);
    if (key) cfg.KMSKeyArn = key;
    const code = unreadableFns.get(name);
    if (code) {
      cfg.Environment = {
        Error: { ErrorCode: code, Message: "Lambda was unable to decrypt the environment variables because KMS access was denied. Please check the function's KMS key settings." },
      };
    }
  };

  /** Send an upstream response back, with `RevisionId` (and what `patchConfiguration` adds) written into configurations. */
  const relay = (res: ServerResponse, got: Awaited<ReturnType<typeof forward>>, revision?: { nested: boolean; id: string }, list = false): void => {
    const headers: Record<string, string | string[]> = {};
    for (const [k, v] of Object.entries(got.headers)) if (v !== undefined && k !== "transfer-encoding" && k !== "connection") headers[k] = v;
    let body = got.body;
    if ((revision || list) && got.status >= 200 && got.status < 300 && !got.headers["content-encoding"]) {
      const json = JSON.parse(body.toString("utf8")) as Record<string, unknown>;
      if (list) for (const f of (json.Functions as Record<string, unknown>[] | undefined) ?? []) patchConfiguration(f);
      else if (revision?.nested) {
        const cfg = json.Configuration as Record<string, unknown>;
        cfg.RevisionId = revision.id;
        patchConfiguration(cfg);
      } else if (revision) {
        json.RevisionId = revision.id;
        patchConfiguration(json);
      }
      body = Buffer.from(JSON.stringify(json));
    }
    headers["content-length"] = String(body.length);
    res.writeHead(got.status, headers);
    res.end(body);
  };

  const inject = (res: ServerResponse, req: IncomingMessage, op: string, fault: Fault): void => {
    counter(op)[fault]++;
    const kms = op.startsWith("kms:");
    switch (fault) {
      case "throttle":
        if (kms) kmsError(res, 400, "ThrottlingException", "Rate exceeded");
        else lambdaError(res, 429, "TooManyRequestsException", "Rate exceeded", { Reason: "CallerRateLimitExceeded" });
        return;
      case "500":
        if (kms) kmsError(res, 500, "KMSInternalException", "An internal error occurred (injected by the test proxy)");
        else lambdaError(res, 500, "ServiceException", "An internal error occurred (injected by the test proxy)");
        return;
      case "reset":
        req.socket.destroy();
        return;
      case "stall":
        // Nothing is sent; the client's timeout (or stop()) closes the socket.
        return;
      default:
        return;
    }
  };
  /** After an update was applied: lose its answer as `fault` says. */
  const loseAnswer = (res: ServerResponse, req: IncomingMessage, op: string, fault: "reset-after" | "500-after"): void => {
    counter(op)[fault]++;
    if (fault === "reset-after") req.socket.destroy();
    else lambdaError(res, 500, "ServiceException", "An internal error occurred (injected by the test proxy after applying the update)");
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const classified = classify(req);
    const { functionName } = classified;
    const body = await readBody(req);
    // IAM speaks the query protocol: the action is in the form body.
    const form = req.method === "POST" && (req.url ?? "/").split("?")[0] === "/" ? new URLSearchParams(body.toString("utf8")) : undefined;
    const op = form?.get("Action") ? `iam:${form.get("Action")}` : classified.op;
    counter(op).requests++;
    if (op === "iam:SimulatePrincipalPolicy" && decider && form) {
      counter(op).forwarded++;
      return answerSimulation(res, parseSimulation(form), decider);
    }
    const wait = delays.get(op);
    if (wait) await new Promise((r) => setTimeout(r, wait));
    let fault = nextFault(op);
    if (fault === "pass") {
      counter(op).pass++;
      fault = undefined;
    }
    const after = fault === "reset-after" || fault === "500-after" ? fault : undefined;
    if (fault && !after) return inject(res, req, op, fault);

    if (op === "lambda:UpdateFunctionConfiguration" && functionName) {
      await serialized(functionName, async () => {
        const sent = (JSON.parse(body.toString("utf8") || "{}") as { RevisionId?: string }).RevisionId;
        const current = revisionOf(functionName);
        if (sent !== undefined && sent !== current) {
          counter(op).preconditionFailed++;
          lambdaError(
            res,
            412,
            "PreconditionFailedException",
            "The Revision Id provided does not match the latest Revision Id. Call the GetFunction/GetAlias API to retrieve the latest Revision Id",
          );
          return;
        }
        counter(op).forwarded++;
        const got = await forward(req, body);
        if (got.status >= 200 && got.status < 300) {
          revisions.set(functionName, randomUUID());
          const key = (JSON.parse(body.toString("utf8") || "{}") as { KMSKeyArn?: string }).KMSKeyArn;
          if (key !== undefined) {
            if (key) atRestKeys.set(functionName, key);
            else atRestKeys.delete(functionName);
          }
          if (after) return loseAnswer(res, req, op, after);
        }
        relay(res, got, { nested: false, id: revisionOf(functionName) });
      });
      return;
    }
    if (after) {
      // Applied upstream, then the answer is lost.
      counter(op).forwarded++;
      await forward(req, body);
      return loseAnswer(res, req, op, after);
    }
    counter(op).forwarded++;
    if ((op === "lambda:GetFunctionConfiguration" || op === "lambda:GetFunction") && functionName) {
      // Reads wait for an update in flight, so a read never reports a revision older than the configuration it shows.
      await serialized(functionName, async () => {
        const got = await forward(req, body);
        relay(res, got, { nested: op === "lambda:GetFunction", id: revisionOf(functionName) });
      });
      return;
    }
    relay(res, await forward(req, body), undefined, op === "lambda:ListFunctions");
  };

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) lambdaError(res, 502, "ProxyError", `test proxy: ${(err as Error).message}`);
      else res.destroy();
    });
  });
  server.on("connection", (s: Socket) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const addr = server.address();
  const port = typeof addr === "object" && addr ? addr.port : 0;

  return {
    url: `http://127.0.0.1:${port}`,
    port,
    schedule(op, faults, then) {
      schedules.set(op, { queue: [...faults], then });
    },
    clearFaults() {
      schedules.clear();
    },
    counters: (op) => ({ ...(counts.get(op) ?? zero()) }),
    allCounters: () => Object.fromEntries([...counts].map(([k, v]) => [k, { ...v }])),
    resetCounters() {
      counts.clear();
    },
    revisionOf,
    unreadable(functionName, code = "AccessDeniedException") {
      unreadableFns.set(functionName, code);
    },
    readable(functionName) {
      unreadableFns.delete(functionName);
    },
    simulate(decide) {
      decider = decide;
    },
    delay(op, ms) {
      if (ms > 0) delays.set(op, ms);
      else delays.delete(op);
    },
    stop: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
