/**
 * A small emulator of Lambda's Runtime API (the `AWS_LAMBDA_RUNTIME_API` a runtime interface client polls) on
 * 127.0.0.1, so a real client — `aws-lambda-ric` — can load and invoke a handler as Lambda would:
 * `GET /2018-06-01/runtime/invocation/next` (held until an invocation is queued), `POST …/invocation/{id}/response`
 * and `…/error`, `POST …/runtime/init/error`. Several pollers (multi-concurrency workers) are served in turn.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { randomUUID } from "node:crypto";

const PREFIX = "/2018-06-01/runtime";

/** How one invocation ended. */
export type InvocationResult = { ok: true; body: string } | { ok: false; body: string };

/** A running emulator. */
export interface RuntimeApi {
  /** `127.0.0.1:PORT`, the value of `AWS_LAMBDA_RUNTIME_API`. */
  readonly address: string;
  /** Queue one invocation with `event` and wait for its response or error. */
  invoke(event: unknown, timeoutMs?: number): Promise<InvocationResult>;
  /** Bodies posted to `/runtime/init/error`. */
  readonly initErrors: string[];
  /** How many `/next` requests are waiting right now (one per idle worker). */
  waiting(): number;
  stop(): Promise<void>;
}

function body(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

/**
 * Start the emulator for function `functionName`.
 *
 * @example
 * ```ts
 * const api = await startRuntimeApi("orders-api");
 * // spawn aws-lambda-ric with AWS_LAMBDA_RUNTIME_API=api.address, then:
 * const result = await api.invoke({ ping: true });
 * ```
 */
export async function startRuntimeApi(functionName: string): Promise<RuntimeApi> {
  const pollers: ServerResponse[] = [];
  const queue: Array<{ id: string; event: unknown }> = [];
  const pending = new Map<string, (r: InvocationResult) => void>();
  const initErrors: string[] = [];
  const sockets = new Set<Socket>();

  const dispatch = () => {
    while (pollers.length > 0 && queue.length > 0) {
      const res = pollers.shift()!;
      if (res.destroyed) continue;
      const { id, event } = queue.shift()!;
      const text = JSON.stringify(event);
      res.writeHead(200, {
        "content-type": "application/json",
        "content-length": String(Buffer.byteLength(text)),
        "lambda-runtime-aws-request-id": id,
        "lambda-runtime-deadline-ms": String(Date.now() + 30_000),
        "lambda-runtime-invoked-function-arn": `arn:aws:lambda:us-east-1:123456789012:function:${functionName}`,
        "lambda-runtime-trace-id": `Root=1-${Math.floor(Date.now() / 1000).toString(16)}-${randomUUID().replace(/-/g, "").slice(0, 24)};Sampled=0`,
      });
      res.end(text);
    }
  };

  const server = createServer((req, res) => {
    void (async () => {
      const path = (req.url ?? "").split("?")[0]!;
      if (req.method === "GET" && path === `${PREFIX}/invocation/next`) {
        pollers.push(res);
        req.socket.setTimeout(0);
        return dispatch();
      }
      const text = await body(req);
      const m = /^\/2018-06-01\/runtime\/invocation\/([^/]+)\/(response|error)$/.exec(path);
      if (req.method === "POST" && m) {
        pending.get(m[1]!)?.({ ok: m[2] === "response", body: text });
        pending.delete(m[1]!);
        res.writeHead(202, { "content-type": "application/json" });
        return res.end('{"status":"OK"}');
      }
      if (req.method === "POST" && path === `${PREFIX}/init/error`) {
        initErrors.push(text);
        res.writeHead(202, { "content-type": "application/json" });
        return res.end('{"status":"OK"}');
      }
      res.writeHead(404);
      res.end();
    })();
  });
  server.on("connection", (s: Socket) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;

  return {
    address: `127.0.0.1:${port}`,
    initErrors,
    waiting: () => pollers.filter((p) => !p.destroyed).length,
    invoke(event, timeoutMs = 30_000) {
      const id = randomUUID();
      return new Promise<InvocationResult>((resolve, reject) => {
        const timer = setTimeout(() => {
          pending.delete(id);
          reject(new Error(`invocation ${id} got no response within ${timeoutMs} ms (init errors: ${initErrors.join(" | ") || "none"})`));
        }, timeoutMs);
        pending.set(id, (r) => {
          clearTimeout(timer);
          resolve(r);
        });
        queue.push({ id, event });
        dispatch();
      });
    },
    stop: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
