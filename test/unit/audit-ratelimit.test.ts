/** RateLimiter on an injected clock: exact slots and sleeps, no wall time. */
import { describe, expect, it } from "vitest";
import { RateLimiter, rateLimited, type Timer } from "../../src/audit/ratelimit.js";

function clock(start = 1000) {
  let now = start;
  const sleeps: number[] = [];
  const timer: Timer = {
    now: () => now,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
  };
  return { timer, sleeps, advance: (ms: number) => (now += ms) };
}

describe("RateLimiter", () => {
  it("15 per second: slots 67 ms apart (rounded up), the first at once", async () => {
    const c = clock();
    const l = new RateLimiter(15, c.timer);
    for (let i = 0; i < 4; i++) await l.acquire();
    expect(c.sleeps).toEqual([67, 134, 201]);
  });

  it("time that passed counts: a caller after the interval does not wait, one just before waits the rest", async () => {
    const c = clock();
    const l = new RateLimiter(10, c.timer);
    await l.acquire();
    c.advance(100);
    await l.acquire();
    c.advance(99);
    await l.acquire();
    c.advance(500);
    await l.acquire();
    expect(c.sleeps).toEqual([1]);
  });

  it("refuses a rate that is not positive", () => {
    for (const rate of [0, -1, Number.NaN]) expect(() => new RateLimiter(rate)).toThrow("rate must be positive");
    expect(new RateLimiter(3).rate).toBe(3);
  });
});

describe("rateLimited", () => {
  it("adds one pacing middleware inside the retry loop, which waits for a slot before each attempt", async () => {
    const added: Array<{ mw: (next: (a: unknown) => Promise<string>) => (a: unknown) => Promise<string>; options: unknown }> = [];
    const client = { middlewareStack: { add: (mw: never, options: unknown) => added.push({ mw, options }) } };
    const order: string[] = [];
    const limiter = { acquire: async () => void order.push("acquire") } as unknown as RateLimiter;
    expect(rateLimited(client as never, limiter)).toBe(client);
    expect(added).toHaveLength(1);
    expect(added[0]!.options).toEqual({ step: "finalizeRequest", priority: "low", name: "envsealRateLimit", override: true });
    const handler = added[0]!.mw(async (a) => (order.push(`send ${String(a)}`), "out"));
    await expect(handler("req")).resolves.toBe("out");
    expect(order).toEqual(["acquire", "send req"]);
  });
});
