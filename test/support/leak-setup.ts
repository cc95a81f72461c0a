/**
 * Vitest setup file: the leak scanner, used by every test file.
 * It captures what the test process writes to stdout/stderr (console included), and after the file checks that
 * output, every recorded CLI run, and every file under registered temp folders for every registered canary; then it
 * removes those temp folders.
 */
import { rmSync } from "node:fs";
import { afterAll, beforeAll, expect } from "vitest";
import { filesUnder, findCanary, leakRegistry, recordOutput } from "./canary.js";

const originals = { out: process.stdout.write.bind(process.stdout), err: process.stderr.write.bind(process.stderr) };

beforeAll(() => {
  const wrap = (where: string, write: typeof originals.out) =>
    ((chunk: unknown, ...rest: unknown[]) => {
      recordOutput(where, typeof chunk === "string" ? chunk : Buffer.isBuffer(chunk) ? chunk.toString("utf8") : String(chunk));
      return (write as (...a: unknown[]) => boolean)(chunk, ...rest);
    }) as typeof process.stdout.write;
  process.stdout.write = wrap("test process stdout", originals.out);
  process.stderr.write = wrap("test process stderr", originals.err);
});

afterAll(() => {
  process.stdout.write = originals.out;
  process.stderr.write = originals.err;
  const reg = leakRegistry();
  try {
    if (reg.canaries.size === 0) return;
    for (const { where, text } of reg.outputs) {
      const hit = findCanary(reg.canaries, text);
      expect(hit, `leak scanner: canary ${hit} found in ${where}`).toBeUndefined();
    }
    for (const dir of reg.dirs) {
      for (const [path, text] of Object.entries(filesUnder(dir))) {
        if (path.includes("allowed-secret")) continue;
        const hit = findCanary(reg.canaries, text);
        expect(hit, `leak scanner: canary ${hit} found in file ${path}`).toBeUndefined();
      }
    }
  } finally {
    // Scanned (or nothing to scan for): the file's temp folders go, so test runs do not fill the temp directory.
    for (const dir of reg.dirs) rmSync(dir, { recursive: true, force: true });
    reg.dirs.clear();
  }
});
