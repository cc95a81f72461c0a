/**
 * Client-side pacing of Lambda control-plane calls: at most N requests per second per region (Lambda's quota is 15),
 * applied to every attempt the SDK makes, retries included.
 * @module
 */
import type { LambdaClient } from "@aws-sdk/client-lambda";

/** Lambda's control-plane quota for ListFunctions and friends, requests per second per region. */
export const LAMBDA_CONTROL_PLANE_RPS = 15;

/** Clock and sleep, replaceable in tests. */
export interface Timer {
  now(): number;
  sleep(ms: number): Promise<void>;
}

const realTimer: Timer = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
};

/**
 * Spaces calls evenly: the n-th call of a window starts no earlier than `n / rate` seconds after the first, so no
 * one-second window holds more than `rate` calls.
 *
 * @example
 * ```ts
 * const limiter = new RateLimiter(15);
 * await limiter.acquire(); // resolves when the call may start
 * ```
 */
export class RateLimiter {
  private next = 0;
  private readonly intervalMs: number;

  constructor(
    /** Requests per second. */
    readonly rate: number,
    private readonly timer: Timer = realTimer,
  ) {
    if (!(rate > 0)) throw new RangeError("rate must be positive");
    // Whole milliseconds, rounded up: never faster than the rate, whatever floating point does.
    this.intervalMs = Math.ceil(1000 / rate);
  }

  /** Wait for the next slot. */
  async acquire(): Promise<void> {
    const now = this.timer.now();
    const slot = Math.max(now, this.next);
    this.next = slot + this.intervalMs;
    if (slot > now) await this.timer.sleep(slot - now);
  }
}

/**
 * Make every request `client` sends (each retry attempt too) wait for `limiter`.
 * Added once per client; returns the client for chaining.
 *
 * @example
 * ```ts
 * const lambda = rateLimited(createLambdaClient(opts, "eu-west-1"), new RateLimiter(LAMBDA_CONTROL_PLANE_RPS));
 * ```
 */
export function rateLimited<C extends Pick<LambdaClient, "middlewareStack">>(client: C, limiter: RateLimiter): C {
  client.middlewareStack.add(
    (next) => async (args) => {
      await limiter.acquire();
      return next(args);
    },
    // Inside the retry middleware (finalizeRequest, high priority), so each attempt is paced.
    { step: "finalizeRequest", priority: "low", name: "envsealRateLimit", override: true },
  );
  return client;
}
