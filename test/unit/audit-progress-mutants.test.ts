/**
 * The progress bar's exact terminal output: one bar per run (started once, redrawn on later updates), the cursor
 * hidden while it runs and the line cleared when it stops, and the single-account count of functions scanned.
 */
import { describe, expect, it } from "vitest";
import { progressBar } from "../../src/audit/progress.js";

const HIDE_CURSOR = "\u001b[?25l";
const SHOW_CURSOR = "\u001b[?25h";
const CLEAR_LINE = "\u001b[2K";

function tty() {
  const out = { written: "" };
  const stream = { isTTY: true, columns: 120, write: (s: string) => ((out.written += s), true) };
  return { out, bar: progressBar(stream)! };
}

const count = (text: string, part: string) => text.split(part).length - 1;

describe("progress bar output", () => {
  it("a single-account run shows functions scanned of listed, redrawing one bar as both grow", () => {
    const { out, bar } = tty();
    bar.update({ functionsListed: 7, functionsScanned: 3, regionsDone: 1, regionsTotal: 2, findings: 4 });
    bar.update({ functionsListed: 9, functionsScanned: 5, regionsDone: 1, regionsTotal: 2, findings: 4 });
    bar.stop();
    const drawn = out.written;
    expect(drawn).toContain("] 3/7 functions | regions 1/2");
    expect(drawn).toContain("] 5/9 functions | regions 1/2");
    // Started once: the cursor is hidden once, not once per update.
    expect(count(drawn, HIDE_CURSOR)).toBe(1);
    expect(drawn.indexOf(HIDE_CURSOR)).toBeLessThan(drawn.indexOf("3/7"));
  });

  it("stopping shows the cursor again and clears the bar's line", () => {
    const { out, bar } = tty();
    bar.update({ functionsListed: 2, functionsScanned: 2, regionsDone: 1, regionsTotal: 1, findings: 0 });
    const before = out.written.length;
    bar.stop();
    const tail = out.written.slice(before);
    expect(tail).toContain(SHOW_CURSOR);
    expect(tail.endsWith(CLEAR_LINE)).toBe(true);
    expect(tail).not.toContain("\n");
  });

  it("stop before any update writes nothing and does not throw", () => {
    const { out, bar } = tty();
    expect(() => bar.stop()).not.toThrow();
    expect(out.written).toBe("");
  });
});
