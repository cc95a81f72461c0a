/**
 * Issue 15's goals, measured on the evaluation corpus (test/fixtures/secret-corpus): value-only recall on
 * self-identifying provider tokens ≥ 80 %, recall under telling names ≥ 97 %, no false positive on ordinary Lambda
 * values, ≤ 2 % on placeholder and test examples. ENVSEAL_CORPUS_REPORT=1 prints the table by family (docs/audit.md).
 */
import { beforeAll, describe, expect, it } from "vitest";
import { evaluateCorpus, loadCorpus, rate, totals, type CorpusResult } from "../support/corpus.js";

let result: CorpusResult;
const pct = (x: number) => `${(x * 100).toFixed(1)} %`;

beforeAll(async () => {
  result = await evaluateCorpus(3);
  if (process.env.ENVSEAL_CORPUS_REPORT === "1") {
    const families = [...new Set([...Object.keys(result.telling)])].sort();
    const rows = families.map((f) => {
      const v = result.valueOnly[f];
      const t = result.telling[f]!;
      return `| ${f} | ${v ? `${v.found}/${v.total} (${pct(rate(v))})` : "—"} | ${t.found}/${t.total} (${pct(rate(t))}) |`;
    });
    console.log(["| family | value only (neutral name) | telling name |", "|---|---:|---:|", ...rows].join("\n"));
    console.log(`value-only ${pct(rate(totals(result.valueOnly)))}; telling ${pct(rate(totals(result.telling)))}; lambda FP ${result.lambda.found}/${result.lambda.total}; placeholder FP ${result.placeholders.found}/${result.placeholders.total} (${pct(rate(result.placeholders))})`);
    console.log(`missed value-only: ${result.missedValueOnly.join(" | ")}\nmissed telling: ${result.missedTelling.join(" | ")}\nfalse positives: ${result.falsePositiveNames.join(" | ")}`);
  }
}, 120_000);

describe("evaluation corpus (issue 15 goals)", () => {
  it("is big and varied enough to mean something", () => {
    const corpus = loadCorpus();
    expect(new Set(corpus.positives.map((p) => p.family)).size).toBeGreaterThanOrEqual(12);
    expect(corpus.positives.filter((p) => p.selfIdentifying).length).toBeGreaterThanOrEqual(120);
    expect(corpus.lambdaNegatives.length).toBeGreaterThanOrEqual(80);
    expect(corpus.placeholders.length).toBeGreaterThanOrEqual(80);
    expect(totals(result.valueOnly).total).toBeGreaterThanOrEqual(360);
  });

  it("value-only recall on self-identifying provider tokens is at least 80 %", () => {
    expect(rate(totals(result.valueOnly)), result.missedValueOnly.join("\n")).toBeGreaterThanOrEqual(0.8);
  });

  it("recall with a telling name is at least 97 %", () => {
    expect(rate(totals(result.telling)), result.missedTelling.join("\n")).toBeGreaterThanOrEqual(0.97);
  });

  it("no false positive on ordinary Lambda values (ARNs, URLs, JSON, UUIDs, KMS ciphertext, flags, hosts)", () => {
    expect(result.lambda.found, result.falsePositiveNames.join("\n")).toBe(0);
  });

  it("at most 2 % false positives on placeholder and test examples", () => {
    expect(rate(result.placeholders), result.falsePositiveNames.join("\n")).toBeLessThanOrEqual(0.02);
  });
});
