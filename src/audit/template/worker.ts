/**
 * Entry of a template worker thread (built as dist/audit/template-worker.js): audits its share of the queue and posts
 * the {@link QueueResult} back. Findings hold names and positions, never values.
 * @module
 */
import { parentPort, workerData } from "node:worker_threads";
import { auditQueue } from "./audit.js";
import type { WorkerInput } from "./workers.js";

const input = workerData as WorkerInput;
parentPort?.postMessage(await auditQueue(input.queue, input.offset, input.stride, input.cwd, input.requireCmk));
