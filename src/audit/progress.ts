/**
 * The progress bar on stderr (cli-progress): functions scanned of those listed so far, and regions done; for
 * `audit --org`, accounts done of all, functions scanned and findings so far. Drawn only when stderr is a TTY; on
 * anything else the caller gets `undefined` and nothing is written.
 * @module
 */
import cliProgress from "cli-progress";
import type { AuditProgress } from "./scan.js";

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
  let bar: cliProgress.SingleBar | undefined;
  let org = false;
  return {
    update: (p) => {
      const payload = { regionsDone: p.regionsDone, regionsTotal: p.regionsTotal, functions: p.functionsScanned, findings: p.findings };
      // An org run counts accounts; a single-account run counts functions of those listed so far.
      const value = p.accountsTotal !== undefined ? (p.accountsDone ?? 0) : p.functionsScanned;
      const total = Math.max(p.accountsTotal ?? p.functionsListed, 1);
      if (!bar) {
        org = p.accountsTotal !== undefined;
        bar = new cliProgress.SingleBar(
          {
            stream: stream as unknown as NodeJS.WritableStream,
            format: org
              ? "auditing [{bar}] {value}/{total} accounts | {functions} functions scanned | {findings} findings"
              : "auditing [{bar}] {value}/{total} functions | regions {regionsDone}/{regionsTotal}",
            hideCursor: true,
            clearOnComplete: true,
            etaBuffer: 50,
          },
          cliProgress.Presets.shades_classic,
        );
        bar.start(total, value, payload);
      } else {
        bar.setTotal(total);
        bar.update(value, payload);
      }
    },
    stop: () => bar?.stop(),
  };
}
