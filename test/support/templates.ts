/**
 * Template fixtures with canaries planted: test/fixtures/templates holds `__CANARY_LABEL__` tokens where a secret
 * goes; {@link plantFixtures} copies the fixture folders into a temp folder (named `allowed-secret-…`, which the leak
 * scanner skips) with each token replaced by a fresh canary, so every test can check that no value reaches any output.
 */
import { cpSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { canary, tempDir } from "./canary.js";

/** The fixture root. */
export const TEMPLATE_FIXTURES = fileURLToPath(new URL("../fixtures/templates/", import.meta.url));

/**
 * Secrets written into fixtures as they are (value detectors need their real shape): format-valid fakes, never real
 * keys, checked for leaks like canaries.
 */
export const FIXED_FAKES: readonly string[] = ["AKIA4ZX3Q7W2P9K4M1N8", "q3Vt9Zk1Lr8Yp2Wd6Hs0Nc4Bx7Mf5Jg/Ta+Ue1Ro", "hWrOTfVdSizEtLSKqUcc6gY/YtC/a0DcgM1Ro9iv8blmI/+NDyPQyuAyJuG0iI/N"];

/** A planted copy: its root folder and the canary that replaced each label. */
export interface PlantedFixtures {
  readonly dir: string;
  /** Label (`DBURL` for `__CANARY_DBURL__`) → the canary written there. */
  readonly canaries: Readonly<Record<string, string>>;
  /** Every canary, for `expectNoCanary`. */
  readonly all: readonly string[];
}

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? files(p) : [p];
  });
}

/**
 * Copy fixture folders (relative to test/fixtures/templates) into a fresh temp folder, planting canaries.
 *
 * @example
 * ```ts
 * const f = plantFixtures("cfn", "sam");
 * const report = await audit({ templates: ["."], cwd: f.dir });
 * ```
 */
export function plantFixtures(...subdirs: string[]): PlantedFixtures {
  const dir = join(tempDir("envseal-templates-"), "allowed-secret-fixtures");
  const canaries: Record<string, string> = {};
  for (const sub of subdirs) cpSync(join(TEMPLATE_FIXTURES, sub), join(dir, sub), { recursive: true });
  for (const path of files(dir)) {
    const text = readFileSync(path, "utf8");
    if (!text.includes("__CANARY_")) continue;
    writeFileSync(
      path,
      text.replace(/__CANARY_([A-Z0-9]+)__/g, (_, label: string) => (canaries[label] ??= canary(label.toLowerCase()))),
    );
  }
  return { dir, canaries, all: Object.values(canaries) };
}

/**
 * Line and column (1-based) of the first occurrence of `needle` in `text`: an oracle for parser positions.
 *
 * @example
 * ```ts
 * positionOf("a: 1\nb: !Ref X\n", "!Ref X"); // { line: 2, column: 4 }
 * ```
 */
export function positionOf(text: string, needle: string, from = 0): { line: number; column: number } {
  const at = text.indexOf(needle, from);
  if (at < 0) throw new Error(`fixture does not contain ${needle}`);
  const before = text.slice(0, at);
  const line = before.split("\n").length;
  return { line, column: at - before.lastIndexOf("\n") };
}
