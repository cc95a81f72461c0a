/**
 * RateLimiter's default timer (a module constant, so ratelimit.ts is loaded in beforeAll), driven by vitest's fake
 * clock: the second call of a 10/s limiter waits exactly 100 ms of (fake) time.
 */
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";

let RateLimiter: typeof import("../../src/audit/ratelimit.js").RateLimiter;
beforeAll(async () => {
  ({ RateLimiter } = await import("../../src/audit/ratelimit.js"));
});
beforeEach(() => {
  vi.useFakeTimers({ now: 1_000_000 });
});
afterEach(() => {
  vi.useRealTimers();
});

describe("RateLimiter with the real clock and sleep", () => {
  it("the first call goes at once; the second waits for its slot, 100 ms later at 10/s", async () => {
    const limiter = new RateLimiter(10);
    await limiter.acquire();
    let second = false;
    const p = limiter.acquire().then(() => {
      second = true;
    });
    await vi.advanceTimersByTimeAsync(99);
    expect(second).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(second).toBe(true);
    await p;
  });

  it("after the interval has passed on the clock, the next call does not wait", async () => {
    const limiter = new RateLimiter(10);
    await limiter.acquire();
    vi.setSystemTime(Date.now() + 100);
    let done = false;
    const p = limiter.acquire().then(() => {
      done = true;
    });
    await vi.advanceTimersByTimeAsync(0);
    expect(done).toBe(true);
    await p;
  });
});
