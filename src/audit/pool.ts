/**
 * Bounded parallelism: run work over items with at most N in flight. Used for account-regions in `audit --org` and for
 * Security Hub targets, so the number of open clients, sockets and pages in memory stays bounded however large the
 * organisation.
 * @module
 */

/**
 * Call `fn` on every item with at most `limit` calls in flight, in item order as slots free up. Resolves when all are
 * done; rejects with the first error (the others still finish, none is left running).
 *
 * @example
 * ```ts
 * await forEachLimit(accounts, 16, async (account) => auditAccount(account));
 * ```
 */
export async function forEachLimit<T>(items: Iterable<T>, limit: number, fn: (item: T, index: number) => Promise<void>): Promise<void> {
  if (!(limit >= 1)) throw new RangeError("limit must be at least 1");
  const iterator = items[Symbol.iterator]();
  let index = 0;
  let failure: { error: unknown } | undefined;
  const worker = async () => {
    for (;;) {
      const next = iterator.next();
      if (next.done) return;
      const i = index++;
      try {
        await fn(next.value, i);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.floor(limit) }, worker));
  if (failure) throw failure.error;
}

/**
 * A counting semaphore: `run(fn)` waits for one of `size` slots, runs `fn`, and frees the slot.
 *
 * @example
 * ```ts
 * const slots = new Semaphore(16);
 * await Promise.all(regions.map((r) => slots.run(() => scan(r))));
 * ```
 */
export class Semaphore {
  private free: number;
  private readonly waiting: Array<() => void> = [];

  constructor(readonly size: number) {
    if (!(size >= 1)) throw new RangeError("size must be at least 1");
    this.free = Math.floor(size);
  }

  /** Run `fn` in a slot. */
  async run<T>(fn: () => Promise<T>): Promise<T> {
    if (this.free > 0) this.free--;
    else await new Promise<void>((resolve) => this.waiting.push(resolve));
    try {
      return await fn();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.free++;
    }
  }
}
