/**
 * The progress bar on stderr (cli-progress): functions scanned of those listed so far, and regions done. Drawn only
 * when stderr is a TTY; on anything else the caller gets `undefined` and nothing is written.
 * @module
 */
import cliProgress from "cli-progress";
import type { AuditProgress } from "./run.js";

/** A stream the bar can draw on. */
export interface ProgressStream {
  write(text: string): unknown;
  readonly isTTY?: boolean | undefined;
}

/** A bar and how to stop it. */
export interface ProgressBar {
  update(p: AuditProgress): void;
  stop(): void;
}

/**
 * A progress bar on `stream` when it is a TTY, else `undefined`.
 *
 * @example
 * ```ts
 * const bar = progressBar(process.stderr);
 * const report = await audit({ ...req, onProgress: bar?.update }, clients);
 * bar?.stop();
 * ```
 */
export function progressBar(stream: ProgressStream): ProgressBar | undefined {
  if (!stream.isTTY) return undefined;
  const bar = new cliProgress.SingleBar(
    {
      stream: stream as unknown as NodeJS.WritableStream,
      format: "auditing [{bar}] {value}/{total} functions | regions {regionsDone}/{regionsTotal}",
      hideCursor: true,
      clearOnComplete: true,
      etaBuffer: 50,
    },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  return {
    update: (p) => {
      const payload = { regionsDone: p.regionsDone, regionsTotal: p.regionsTotal };
      if (!started) {
        bar.start(Math.max(p.functionsListed, 1), p.functionsScanned, payload);
        started = true;
      } else {
        bar.setTotal(Math.max(p.functionsListed, 1));
        bar.update(p.functionsScanned, payload);
      }
    },
    stop: () => {
      if (started) bar.stop();
    },
  };
}
