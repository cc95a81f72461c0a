/**
 * secretlint passes are shared by the functions checked at the same moment (a page of 50): the result for every
 * function must be exactly what checking it alone gives. Checked on the whole evaluation corpus — secrets under neutral
 * and telling names, ordinary Lambda values, placeholders — planted three to a function with ordinary neighbours.
 */
import { describe, expect, it } from "vitest";
import { detectSecrets } from "../../src/audit/secrets.js";
import { expandTemplate, seededRng } from "../../src/audit/detect/fake.js";
import { loadCorpus } from "../support/corpus.js";

function plantedFunctions(): Array<Record<string, string>> {
  const corpus = loadCorpus();
  const rng = seededRng("batch");
  const values: Array<[string, string]> = [
    ...corpus.positives.flatMap((p, i) => [[`CONFIG_VALUE_${i}`, expandTemplate(p.template, rng)], [p.name, expandTemplate(p.template, rng)]] as Array<[string, string]>),
    ...corpus.lambdaNegatives.filter((n) => n.template !== "{kms}").map((n) => [n.name, expandTemplate(n.template, rng)] as [string, string]),
    ...corpus.placeholders.map((p) => [p.name, p.value] as [string, string]),
  ];
  const out: Array<Record<string, string>> = [];
  for (let i = 0; i < values.length; i += 3) {
    const vars: Record<string, string> = { LOG_LEVEL: "info", TABLE_NAME: "orders-prod" };
    for (const [name, value] of values.slice(i, i + 3)) vars[vars[name] === undefined ? name : `${name}_${i}`] = value;
    out.push(vars);
  }
  return out;
}

const plain = (m: Map<string, unknown>) => Object.fromEntries([...m.entries()].sort(([a], [b]) => a.localeCompare(b)));

describe("secretlint passes shared by concurrent functions", () => {
  it("give every function exactly the hits it gets alone", async () => {
    const functions = plantedFunctions();
    expect(functions.length).toBeGreaterThan(150);
    const alone: unknown[] = [];
    for (const vars of functions) alone.push(plain(await detectSecrets(vars)));
    const together = (await Promise.all(functions.map((vars) => detectSecrets(vars)))).map(plain);
    expect(together).toEqual(alone);
    // The comparison can fail: the corpus does fire secretlint and the other detectors.
    const detectors = new Set(together.flatMap((h) => Object.values(h as Record<string, { detector: string }>).map((x) => x.detector.split(":")[0])));
    expect([...detectors]).toEqual(expect.arrayContaining(["secretlint", "name+entropy"]));
  }, 120_000);
});
