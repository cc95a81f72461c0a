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

  it("for an organisation: accounts done of all, functions scanned and findings so far", () => {
    let written = "";
    const stream = { isTTY: true, columns: 160, write: (s: string) => ((written += s), true) };
    const bar = progressBar(stream)!;
    bar.update({ functionsListed: 0, functionsScanned: 0, regionsDone: 0, regionsTotal: 400, findings: 0, accountsDone: 0, accountsTotal: 200 });
    bar.update({ functionsListed: 5100, functionsScanned: 5000, regionsDone: 50, regionsTotal: 400, findings: 17, accountsDone: 25, accountsTotal: 200 });
    bar.stop();
    expect(written).toMatch(/auditing \[.*\] 25\/200 accounts \| 5000 functions scanned \| 17 findings/);
  });

  it("is nothing on a non-TTY stream", () => {
    let written = "";
    expect(progressBar({ isTTY: false, write: (s: string) => (written += s) })).toBeUndefined();
    expect(written).toBe("");
  });
});
