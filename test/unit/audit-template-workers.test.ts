/**
 * template/workers.ts's thread handling, with real worker threads running small plain-JS modules instead of the built
 * auditor: what each worker receives (its offset, the stride, the queue and settings), the results in worker order,
 * and a worker that throws or exits without answering. (The built auditor in workers: test/e2e/audit-template-cli.)
 */
import { describe, expect, it, vi } from "vitest";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { runInWorkers, runWorker } from "../../src/audit/template/workers.js";
import type { QueueSettings } from "../../src/audit/template/audit.js";
import { tempDir } from "../support/canary.js";

const settings: QueueSettings = { cwd: "/repo", requireCmk: true, emulator: undefined };
const queue = [
  { path: "/repo/a.yaml", explicit: true, prefix: "" },
  { path: "/repo/b.yaml", explicit: false, prefix: "P/" },
];

function module(name: string, body: string): string {
  const path = join(tempDir("envseal-workers-"), name);
  writeFileSync(path, `import { parentPort, workerData } from "node:worker_threads";\n${body}\n`);
  return pathToFileURL(path).href;
}

describe("runInWorkers", () => {
  it("starts one thread per worker, each with its offset, the stride, the queue and the settings; results in worker order", async () => {
    // Answers after a delay that makes later workers answer first, so the order must come from the offsets.
    const url = module("echo.mjs", "setTimeout(() => parentPort.postMessage({ outcomes: [], echo: workerData }), 60 - workerData.offset * 20);");
    const results = (await runInWorkers(queue, url, settings, 3)) as unknown as Array<{ echo: unknown }>;
    expect(results.map((r) => r.echo)).toEqual([0, 1, 2].map((offset) => ({ job: "envseal-template-audit", queue, offset, stride: 3, settings })));
  });

  it("a worker that throws rejects the run with its error", async () => {
    const url = module("throws.mjs", 'if (workerData.offset === 1) throw new RangeError("worker broke"); parentPort.postMessage({ outcomes: [] });');
    await expect(runInWorkers(queue, url, settings, 2)).rejects.toThrow(new RangeError("worker broke"));
  });

  it("a worker that exits without answering rejects the run with its exit code", async () => {
    const url = module("exits.mjs", "process.exit(7);");
    await expect(runInWorkers(queue, url, settings, 1)).rejects.toThrow(new Error("template worker stopped with exit code 7 before answering"));
  });

  it("a worker that ends normally without answering fails the run instead of leaving it waiting", async () => {
    const url = module("silent.mjs", "// loads, answers nothing, and the thread ends with code 0");
    await expect(runInWorkers(queue, url, settings, 1)).rejects.toThrow(new Error("template worker stopped with exit code 0 before answering"));
  });

  it("a worker that answers and exits normally is not an error", async () => {
    const url = module("answers.mjs", "parentPort.postMessage({ outcomes: [{ path: 'x' }] }); process.exit(0);");
    await expect(runInWorkers(queue, url, settings, 1)).resolves.toEqual([{ outcomes: [{ path: "x" }] }]);
  });

  it("refuses a module no worker can start (TypeScript sources, another scheme, the process's own script)", async () => {
    for (const url of [pathToFileURL("/repo/src/audit/template/audit.ts").href, "https://example.com/audit.js", pathToFileURL(process.argv[1]!).href]) {
      await expect(runInWorkers(queue, url, settings, 2)).rejects.toThrow(new TypeError("template workers need the built package"));
    }
  });
});

describe("runWorker", () => {
  it("does nothing in the main thread", async () => {
    const audit = vi.fn(async () => ({ outcomes: [] }));
    runWorker(audit);
    await new Promise((r) => setTimeout(r, 10));
    expect(audit).not.toHaveBeenCalled();
  });
});
