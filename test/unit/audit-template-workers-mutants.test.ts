/**
 * template/workers.ts without real threads: the worker count from the CPU count, which module URLs a worker can start,
 * and runWorker as it runs inside a worker (node:worker_threads replaced by a fake thread: not the main thread, a
 * parent port that records what is posted, and the workerData given). workers.ts is loaded in `beforeAll` (no static
 * import here reaches it), so its module-level job marker is exercised by these tests.
 */
import { beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { pathToFileURL } from "node:url";
import type { QueueResult, QueueSettings } from "../../src/audit/template/audit.js";
import type { Pending } from "../../src/audit/template/load.js";

const fake = vi.hoisted(() => ({
  cpus: 2,
  isMainThread: false,
  posted: [] as unknown[],
  hasPort: true,
  workerData: undefined as unknown,
}));

vi.mock("node:os", async (importOriginal) => {
  const actual = await importOriginal<typeof import("node:os")>();
  return { ...actual, availableParallelism: () => fake.cpus };
});

vi.mock("node:worker_threads", async (importOriginal) => {
  const actual = await importOriginal<typeof import("node:worker_threads")>();
  const port = { postMessage: (m: unknown) => fake.posted.push(m) };
  return {
    ...actual,
    get isMainThread() {
      return fake.isMainThread;
    },
    get parentPort() {
      return fake.hasPort ? port : null;
    },
    get workerData() {
      return fake.workerData;
    },
  };
});

let workers: typeof import("../../src/audit/template/workers.js");

beforeAll(async () => {
  workers = await import("../../src/audit/template/workers.js");
});

beforeEach(() => {
  fake.cpus = 2;
  fake.isMainThread = false;
  fake.posted = [];
  fake.hasPort = true;
  fake.workerData = undefined;
});

/** A built module URL a worker could start (not this process's own script). */
const BUILT = pathToFileURL("/repo/dist/audit/template/audit.js").href;

describe("defaultWorkers", () => {
  it.each([
    [1, 0],
    [2, 2],
    [3, 3],
    [4, 4],
    [16, 4],
  ])("with %i CPUs and enough templates: %i workers", (cpus, expected) => {
    fake.cpus = cpus;
    expect(workers.defaultWorkers(workers.WORKER_THRESHOLD, BUILT)).toBe(expected);
  });

  it("none below the threshold, or for a module no worker can start", () => {
    fake.cpus = 4;
    expect(workers.defaultWorkers(workers.WORKER_THRESHOLD - 1, BUILT)).toBe(0);
    expect(workers.defaultWorkers(1000, pathToFileURL("/repo/dist/audit.js.map").href)).toBe(0);
    expect(workers.defaultWorkers(1000, pathToFileURL("/repo/src/audit.js.ts").href)).toBe(0);
    expect(workers.defaultWorkers(1000, pathToFileURL("/repo/dist/audit.mjs").href)).toBe(4);
    expect(workers.defaultWorkers(1000, pathToFileURL("/repo/dist/audit.cjs").href)).toBe(4);
  });

  it("runInWorkers refuses a module whose name only contains .js", async () => {
    await expect(workers.runInWorkers([], pathToFileURL("/repo/dist/audit.js.map").href, { cwd: "/repo", requireCmk: false, emulator: undefined }, 1)).rejects.toThrow(
      new TypeError("template workers need the built package"),
    );
  });
});

describe("runWorker in a worker thread", () => {
  const settings: QueueSettings = { cwd: "/repo", requireCmk: true, emulator: undefined };
  const queue: Pending[] = [{ path: "/repo/a.yaml", explicit: true, prefix: "" }];
  const result: QueueResult = { outcomes: [], error: { order: [0], name: "InputError", message: "m", hint: undefined } };

  function audit() {
    return vi.fn(async (..._args: [readonly Pending[], number, number, QueueSettings]) => result);
  }

  it("audits its share with what it was given and posts the result to the parent", async () => {
    fake.workerData = { job: "envseal-template-audit", queue, offset: 1, stride: 3, settings };
    const fn = audit();
    workers.runWorker(fn);
    await vi.waitFor(() => expect(fake.posted).toHaveLength(1));
    expect(fn.mock.calls).toEqual([[queue, 1, 3, settings]]);
    expect(fake.posted).toEqual([result]);
  });

  it.each([
    ["in the main thread", { isMainThread: true }],
    ["without a parent port", { hasPort: false }],
    ["with someone else's workerData", { workerData: { job: "another-job", queue, offset: 0, stride: 1, settings } }],
    ["with no workerData", { workerData: null }],
  ])("does nothing %s", async (_, state) => {
    fake.workerData = { job: "envseal-template-audit", queue, offset: 0, stride: 1, settings };
    Object.assign(fake, state);
    const fn = audit();
    workers.runWorker(fn);
    await Promise.resolve();
    expect(fn).not.toHaveBeenCalled();
    expect(fake.posted).toEqual([]);
  });
});
