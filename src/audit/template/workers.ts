/**
 * Worker threads for large template audits: parsing YAML is CPU-bound, so from 100 templates on the queue is shared
 * among one worker per CPU (at most 4), each taking every n-th template (and the nested stacks it finds).
 *
 * A worker runs the module that holds the template auditor (template/audit.ts, whichever built chunk it lands in):
 * that module starts {@link runWorker} when it is loaded in a worker thread started here. From TypeScript sources (the
 * tests) there is no built module to start, so runs stay in-process.
 * @module
 */
import { availableParallelism } from "node:os";
import { fileURLToPath } from "node:url";
import { Worker, isMainThread, parentPort, workerData } from "node:worker_threads";
import type { QueueResult, QueueSettings } from "./audit.js";
import type { Pending } from "./load.js";

/**
 * Templates below this count are audited in-process: starting workers would cost more than it saves.
 *
 * @example
 * ```ts
 * queue.length >= WORKER_THRESHOLD; // worker threads, when running built and there are CPUs for them
 * ```
 */
export const WORKER_THRESHOLD = 100;
const MAX_WORKERS = 4;
/** Marks workerData as ours, so a module loaded in someone else's worker never mistakes it for a job. */
const JOB = "envseal-template-audit";

/**
 * What a worker receives.
 *
 * @example
 * ```ts
 * const input: WorkerInput = { job: "envseal-template-audit", queue, offset: 1, stride: 2, settings: { cwd, requireCmk: false, emulator: undefined } };
 * ```
 */
export interface WorkerInput {
  readonly job: typeof JOB;
  readonly queue: readonly Pending[];
  readonly offset: number;
  readonly stride: number;
  readonly settings: QueueSettings;
}

/**
 * True when `moduleUrl` is a built module a worker can start — an ESM or CommonJS file of the package, not TypeScript
 * and not the process's own entry script.
 */
function startable(moduleUrl: string): boolean {
  if (!moduleUrl.startsWith("file:") || !/\.[mc]?js$/.test(moduleUrl)) return false;
  return fileURLToPath(moduleUrl) !== process.argv[1];
}

/**
 * How many workers to use for `templates` templates: one per CPU (at most 4) from {@link WORKER_THRESHOLD} on, when
 * `moduleUrl` (the auditor's own module) can be started in a worker; 0 otherwise.
 *
 * @example
 * ```ts
 * defaultWorkers(1000, import.meta.url); // 2 on a 2-CPU machine running the built CLI, 0 from sources
 * ```
 */
export function defaultWorkers(templates: number, moduleUrl: string): number {
  if (templates < WORKER_THRESHOLD || !startable(moduleUrl)) return 0;
  const cpus = availableParallelism();
  return cpus > 1 ? Math.min(cpus, MAX_WORKERS) : 0;
}

/**
 * Audit the queue in `workers` threads, each starting `moduleUrl` (which calls {@link runWorker} at load); each
 * returns its share's {@link QueueResult}.
 *
 * @example
 * ```ts
 * const results = await runInWorkers(queue, import.meta.url, { cwd: process.cwd(), requireCmk: false, emulator: undefined }, 2);
 * ```
 */
export async function runInWorkers(queue: readonly Pending[], moduleUrl: string, settings: QueueSettings, workers: number): Promise<QueueResult[]> {
  if (!startable(moduleUrl)) throw new TypeError("template workers need the built package");
  return Promise.all(
    Array.from({ length: workers }, (_, offset) => {
      const input: WorkerInput = { job: JOB, queue, offset, stride: workers, settings };
      return new Promise<QueueResult>((resolve, reject) => {
        const worker = new Worker(new URL(moduleUrl), { workerData: input });
        worker.once("message", (result: QueueResult) => resolve(result));
        worker.once("error", reject);
        // After the answer this does nothing (a settled promise stays settled); before it, even exit code 0 is a failure,
        // or the run would wait forever for a worker that never answers.
        worker.once("exit", (code) => reject(new Error(`template worker stopped with exit code ${code} before answering`)));
      });
    }),
  );
}

/**
 * In a worker thread started by {@link runInWorkers}: audit this worker's share with `auditQueue` and post the result
 * back. Anywhere else (the main thread, someone else's worker): does nothing.
 *
 * @example
 * ```ts
 * runWorker(auditQueue); // at the bottom of template/audit.ts
 * ```
 */
export function runWorker(auditQueue: (queue: readonly Pending[], offset: number, stride: number, settings: QueueSettings) => Promise<QueueResult>): void {
  const input = workerData as WorkerInput | null;
  if (isMainThread || !parentPort || input?.job !== JOB) return;
  const port = parentPort;
  void auditQueue(input.queue, input.offset, input.stride, input.settings).then((result) => port.postMessage(result));
}
