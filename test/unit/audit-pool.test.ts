/** Bounded parallelism (src/audit/pool.ts): exact in-flight counts, item order and indexes, the first error, the semaphore's slots. */
import { describe, expect, it } from "vitest";
import { forEachLimit, Semaphore } from "../../src/audit/pool.js";

/** A gate per item: the test decides when each call finishes. */
function gated() {
  const open: Array<{ item: string; index: number; finish: (err?: Error) => void }> = [];
  let inFlight = 0;
  let peak = 0;
  const fn = (item: string, index: number) =>
    new Promise<void>((resolve, reject) => {
      inFlight++;
      peak = Math.max(peak, inFlight);
      open.push({ item, index, finish: (err) => (inFlight--, err ? reject(err) : resolve()) });
    });
  return { fn, open, peak: () => peak };
}
const tick = () => new Promise((r) => setImmediate(r));

describe("forEachLimit", () => {
  it("starts at most `limit` calls, in item order with their indexes, and the next as a slot frees up", async () => {
    const g = gated();
    const done = forEachLimit(["a", "b", "c", "d", "e"], 2, g.fn);
    await tick();
    expect(g.open.map((o) => [o.item, o.index])).toEqual([
      ["a", 0],
      ["b", 1],
    ]);
    g.open[1]!.finish();
    await tick();
    expect(g.open.map((o) => o.item)).toEqual(["a", "b", "c"]);
    g.open[0]!.finish();
    await tick();
    expect(g.open.map((o) => [o.item, o.index])).toEqual([
      ["a", 0],
      ["b", 1],
      ["c", 2],
      ["d", 3],
    ]);
    g.open[2]!.finish();
    g.open[3]!.finish();
    await tick();
    g.open[4]!.finish();
    await expect(done).resolves.toBeUndefined();
    expect(g.peak()).toBe(2);
  });

  it("a fractional limit is rounded down; a limit above the item count starts them all", async () => {
    const g = gated();
    const done = forEachLimit(["a", "b", "c"], 2.9, g.fn);
    await tick();
    expect(g.open).toHaveLength(2);
    for (let i = 0; i < 3; i++) {
      await tick();
      g.open[i]?.finish();
    }
    await tick();
    g.open.at(-1)!.finish();
    await done;
    const all = gated();
    const p = forEachLimit(new Set(["x", "y", "z"]), 10, all.fn);
    await tick();
    expect(all.open.map((o) => o.item)).toEqual(["x", "y", "z"]);
    for (const o of all.open) o.finish();
    await p;
  });

  it("rejects with the first error, after every call has finished", async () => {
    const g = gated();
    let settled = false;
    const done = forEachLimit(["a", "b", "c"], 2, g.fn).finally(() => (settled = true));
    await tick();
    g.open[0]!.finish(new Error("first"));
    await tick();
    g.open[1]!.finish(new Error("second"));
    await tick();
    expect(g.open.map((o) => o.item)).toEqual(["a", "b", "c"]);
    expect(settled).toBe(false);
    g.open[2]!.finish();
    await expect(done).rejects.toThrow("first");
  });

  it("refuses a limit below 1 (or not a number)", async () => {
    await expect(forEachLimit([1], 0, async () => undefined)).rejects.toThrow(new RangeError("limit must be at least 1"));
    await expect(forEachLimit([1], Number.NaN, async () => undefined)).rejects.toThrow(RangeError);
    await expect(forEachLimit([], 1, async () => undefined)).resolves.toBeUndefined();
  });
});

describe("Semaphore", () => {
  it("runs at most `size` at once, hands a freed slot to the next waiter in order, and returns each result", async () => {
    const slots = new Semaphore(2);
    const g = gated();
    const results = ["a", "b", "c", "d"].map((item, i) => slots.run(() => g.fn(item, i).then(() => item.toUpperCase())));
    for (const r of results) r.catch(() => undefined);
    await tick();
    expect(g.open.map((o) => o.item)).toEqual(["a", "b"]);
    g.open[0]!.finish();
    await tick();
    expect(g.open.map((o) => o.item)).toEqual(["a", "b", "c"]);
    g.open[1]!.finish(new Error("b failed"));
    await tick();
    expect(g.open.map((o) => o.item)).toEqual(["a", "b", "c", "d"]);
    g.open[2]!.finish();
    g.open[3]!.finish();
    await expect(results[0]).resolves.toBe("A");
    await expect(results[1]).rejects.toThrow("b failed");
    await expect(results[3]).resolves.toBe("D");
    expect(g.peak()).toBe(2);
    // All slots free again: two start at once.
    const again = gated();
    const more = [slots.run(() => again.fn("x", 0)), slots.run(() => again.fn("y", 1)), slots.run(() => again.fn("z", 2))];
    await tick();
    expect(again.open).toHaveLength(2);
    for (let i = 0; i < 3; i++) {
      again.open[i]!.finish();
      await tick();
    }
    await Promise.all(more);
  });

  it("rounds its size down and refuses a size below 1", () => {
    expect(() => new Semaphore(0)).toThrow(new RangeError("size must be at least 1"));
    expect(() => new Semaphore(Number.NaN)).toThrow(RangeError);
    expect(new Semaphore(3.7).size).toBe(3.7);
  });

  it("a fractional size gives its floor of slots", async () => {
    const slots = new Semaphore(1.5);
    const g = gated();
    const runs = [slots.run(() => g.fn("a", 0)), slots.run(() => g.fn("b", 1))];
    await tick();
    expect(g.open).toHaveLength(1);
    g.open[0]!.finish();
    await tick();
    g.open[1]!.finish();
    await Promise.all(runs);
  });
});
