/** writeReportFile: mode 0600, no overwrite without --force, never through a link, a directory or a missing folder. */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { writeReportFile } from "../../src/audit/format/index.js";

const dir = mkdtempSync(join(tmpdir(), "envseal-out-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("writeReportFile", () => {
  it("creates the file with mode 0600; refuses to overwrite it unless forced, then truncates", async () => {
    const p = join(dir, "r.json");
    await writeReportFile(p, "long first text");
    expect(readFileSync(p, "utf8")).toBe("long first text");
    expect(statSync(p).mode & 0o777).toBe(0o600);
    await expect(writeReportFile(p, "x")).rejects.toThrow(expect.objectContaining({ message: `--out ${p} already exists`, hint: "pass --force to overwrite it, or choose another path" }));
    await writeReportFile(p, "short", { force: true });
    expect(readFileSync(p, "utf8")).toBe("short");
  });

  it("forcing tightens an existing file's mode to 0600", async () => {
    const p = join(dir, "open.json");
    writeFileSync(p, "old", { mode: 0o644 });
    await writeReportFile(p, "new", { force: true });
    expect(statSync(p).mode & 0o777).toBe(0o600);
  });

  it("never writes through a symbolic link, into a directory, or into a missing folder", async () => {
    const target = join(dir, "target.txt");
    writeFileSync(target, "keep");
    const link = join(dir, "link.json");
    symlinkSync(target, link);
    await expect(writeReportFile(link, "x", { force: true })).rejects.toThrow(
      expect.objectContaining({ message: `--out ${link} is a symbolic link; envseal does not write reports through links`, hint: "pass the path of a regular file" }),
    );
    expect(readFileSync(target, "utf8")).toBe("keep");
    const sub = join(dir, "sub");
    mkdirSync(sub);
    await expect(writeReportFile(sub, "x", { force: true })).rejects.toThrow(expect.objectContaining({ message: `--out ${sub} is not a regular file`, hint: "pass a file path" }));
    const missing = join(dir, "no-such-dir", "r.json");
    await expect(writeReportFile(missing, "x")).rejects.toThrow(expect.objectContaining({ message: `cannot write --out ${missing} (ENOENT)`, hint: "pass a writable file path" }));
  });
});
