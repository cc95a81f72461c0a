import { describe, expect, it } from "vitest";
import { progressBar } from "../../src/audit/progress.js";
import { audit } from "../../src/audit/run.js";

describe("progress bar", () => {
  it("is drawn on a TTY stream: functions scanned of listed, regions done", async () => {
    let written = "";
    const stream = { isTTY: true, columns: 120, write: (s: string) => ((written += s), true) };
    const bar = progressBar(stream);
    expect(bar).toBeDefined();
    const updates: number[] = [];
    await audit({ input: "samples/functions.json", onProgress: (p) => (updates.push(p.functionsScanned), bar!.update(p)) });
    bar!.stop();
    expect(updates.at(-1)).toBe(7);
    expect(written).toMatch(/auditing \[.*\] \d+\/7 functions \| regions \d\/2/);
  });

  it("is nothing on a non-TTY stream", () => {
    let written = "";
    expect(progressBar({ isTTY: false, write: (s: string) => (written += s) })).toBeUndefined();
    expect(written).toBe("");
  });
});
