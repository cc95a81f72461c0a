/**
 * Worker threads for large template audits: parsing YAML is CPU-bound, so from 100 templates on the queue is shared
 * among one worker per CPU (at most 4), each taking every n-th template (and the nested stacks it finds). Used only
 * from the built package, where the worker entry exists next to this chunk; from sources, runs stay in-process.
 * @module
 */
import { existsSync } from "node:fs";
import { availableParallelism } from "node:os";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import type { QueueResult } from "./audit.js";
import type { Pending } from "./load.js";

/**
 * Templates below this count are audited in-process: starting workers would cost more than it saves.
 *
 * @example
 * ```ts
 * queue.length >= WORKER_THRESHOLD; // worker threads, when the built worker exists and there are CPUs
 * ```
 */
export const WORKER_THRESHOLD = 100;
const MAX_WORKERS = 4;

/** The built worker entry (dist/audit/template-worker.js), or `undefined` when running from sources. */
function workerEntry(): URL | undefined {
  const url = new URL("./audit/template-worker.js", import.meta.url);
  return url.protocol === "file:" && existsSync(fileURLToPath(url)) ? url : undefined;
}

/**
 * How many workers to use for `templates` templates: one per CPU (at most 4) from {@link WORKER_THRESHOLD} on, when
 * the built worker exists; 0 otherwise.
 *
 * @example
 * ```ts
 * defaultWorkers(1000); // 2 on a 2-CPU machine running the built CLI
 * ```
 */
export function defaultWorkers(templates: number): number {
  if (templates < WORKER_THRESHOLD || !workerEntry()) return 0;
  const cpus = availableParallelism();
  return cpus > 1 ? Math.min(cpus, MAX_WORKERS) : 0;
}

/**
 * What a worker receives.
 *
 * @example
 * ```ts
 * new Worker(entry, { workerData: { queue, offset: 1, stride: 2, cwd, requireCmk: false } satisfies WorkerInput });
 * ```
 */
export interface WorkerInput {
  readonly queue: readonly Pending[];
  readonly offset: number;
  readonly stride: number;
  readonly cwd: string;
  readonly requireCmk: boolean;
}

/**
 * Audit the queue in `workers` threads; each returns its share's {@link QueueResult}.
 *
 * @example
 * ```ts
 * const results = await runInWorkers(queue, { cwd: process.cwd(), requireCmk: false, workers: 2 });
 * ```
 */
export async function runInWorkers(queue: readonly Pending[], options: { cwd: string; requireCmk: boolean; workers: number }): Promise<QueueResult[]> {
  const entry = workerEntry();
  if (!entry) throw new TypeError("template workers need the built package (dist/audit/template-worker.js)");
  return Promise.all(
    Array.from({ length: options.workers }, (_, offset) => {
      const input: WorkerInput = { queue, offset, stride: options.workers, cwd: options.cwd, requireCmk: options.requireCmk };
      return new Promise<QueueResult>((resolve, reject) => {
        const worker = new Worker(entry, { workerData: input });
        worker.once("message", (result: QueueResult) => resolve(result));
        worker.once("error", reject);
        worker.once("exit", (code) => code !== 0 && reject(new Error(`template worker stopped with exit code ${code}`)));
      });
    }),
  );
}
