/**
 * The evaluation corpus of issue 15 (test/fixtures/secret-corpus/corpus.json): expand it with seeded fakes, plant every
 * secret once under a neutral name (`CONFIG_VALUE_17`) and once under its telling name, audit the functions with
 * `checkFunction`, and count by family. Values never leave this module: results hold counts and names only.
 */
import { readFileSync } from "node:fs";
import { checkFunction } from "../../src/audit/check.js";
import { expandTemplate, seededRng } from "../../src/audit/detect/fake.js";
import type { AuditedFunction } from "../../src/audit/types.js";
import { fakeSealed } from "./kms-blob.js";

interface Corpus {
  positives: Array<{ family: string; source: string; name: string; template: string; selfIdentifying: boolean }>;
  lambdaNegatives: Array<{ name: string; template: string }>;
  placeholders: Array<{ name: string; value: string }>;
}

/** Recall or false-positive counts of one family. */
export interface Tally {
  found: number;
  total: number;
}

/** What {@link evaluateCorpus} measured. */
export interface CorpusResult {
  /** Self-identifying provider tokens under neutral names, by family. */
  valueOnly: Record<string, Tally>;
  /** Every secret under its telling name, by family. */
  telling: Record<string, Tally>;
  /** Ordinary Lambda values flagged (false positives). */
  lambda: Tally;
  /** Placeholder / test examples flagged under telling names (false positives). */
  placeholders: Tally;
  /** Names of negatives that were flagged, for a failure message (names, not values). */
  falsePositiveNames: string[];
  /** Templates (not values) of positives missed under their telling names. */
  missedTelling: string[];
  /** Templates of self-identifying positives missed under neutral names. */
  missedValueOnly: string[];
}

const CORPUS = new URL("../fixtures/secret-corpus/corpus.json", import.meta.url);

/** Load the corpus file. */
export function loadCorpus(): Corpus {
  return JSON.parse(readFileSync(CORPUS, "utf8")) as Corpus;
}

function fn(i: number, variables: Record<string, string>): AuditedFunction {
  const name = `corpus-${i}`;
  return { region: "eu-west-1", name, arn: `arn:aws:lambda:eu-west-1:111122223333:function:${name}`, version: "$LATEST", variables, kmsKeyArn: "arn:aws:kms:eu-west-1:111122223333:key/corpus", environmentError: undefined };
}

const sum = (t: Record<string, Tally>): Tally => Object.values(t).reduce((a, b) => ({ found: a.found + b.found, total: a.total + b.total }), { found: 0, total: 0 });
/** Ratio of a tally, 0 when empty. */
export const rate = (t: Tally) => (t.total === 0 ? 0 : t.found / t.total);
/** Totals over families. */
export const totals = sum;

/** Ordinary neighbours every planted function has, as real configurations do. */
const NEIGHBOURS = { LOG_LEVEL: "info", TABLE_NAME: "orders-prod", POWERTOOLS_SERVICE_NAME: "orders-api" };

/** Audit one function per planted variable (with ordinary neighbours); returns the indexes of the flagged ones. */
async function flagged(planted: ReadonlyArray<readonly [string, string]>): Promise<Set<number>> {
  const out = new Set<number>();
  for (const [i, [name, value]] of planted.entries()) {
    const findings = await checkFunction(fn(i, { ...NEIGHBOURS, [name]: value }), { keyCheck: { status: "ok", rotation: "enabled" } });
    if (findings.some((f) => (f.ruleId === "ES001" || f.ruleId === "ES009") && f.variable !== null)) out.add(i);
  }
  return out;
}

/**
 * Expand the corpus `samples` times per template (different seeds), plant and audit it, and count.
 *
 * @example
 * ```ts
 * const r = await evaluateCorpus(3);
 * rate(totals(r.valueOnly)); // value-only recall on self-identifying provider tokens
 * ```
 */
export async function evaluateCorpus(samples = 3, seed = "issue-15"): Promise<CorpusResult> {
  const corpus = loadCorpus();
  const rng = seededRng(seed);
  type Planted = { family: string; template: string; name: string; value: string };
  const neutral: Planted[] = [];
  const telling: Planted[] = [];
  let n = 0;
  for (const p of corpus.positives) {
    for (let s = 0; s < samples; s++) {
      const value = expandTemplate(p.template, rng);
      if (p.selfIdentifying) neutral.push({ family: p.family, template: p.template, name: `CONFIG_VALUE_${n++}`, value });
      telling.push({ family: p.family, template: p.template, name: p.name, value });
    }
  }
  const tally = async (planted: Planted[]) => {
    const hits = await flagged(planted.map((x) => [x.name, x.value] as const));
    const by: Record<string, Tally> = {};
    const missed: string[] = [];
    for (const [i, x] of planted.entries()) {
      const t = (by[x.family] ??= { found: 0, total: 0 });
      t.total++;
      if (hits.has(i)) t.found++;
      else missed.push(`${x.family} ${x.name} ${x.template}`);
    }
    return { by, missed };
  };
  const v = await tally(neutral);
  const t = await tally(telling);

  const lambda = corpus.lambdaNegatives.flatMap((neg, i) =>
    Array.from({ length: samples }, (_, s) => [neg.name, neg.template === "{kms}" ? fakeSealed(`corpus/${i}/${s}`) : expandTemplate(neg.template, rng)] as const),
  );
  const lambdaHits = await flagged(lambda);
  const placeholderHits = await flagged(corpus.placeholders.map((ph) => [ph.name, ph.value] as const));
  const falsePositiveNames = [
    ...[...lambdaHits].map((i) => `ordinary value under ${lambda[i]![0]}`),
    ...[...placeholderHits].map((i) => `placeholder #${i} under ${corpus.placeholders[i]!.name}`),
  ];
  return {
    valueOnly: v.by,
    telling: t.by,
    lambda: { found: lambdaHits.size, total: lambda.length },
    placeholders: { found: placeholderHits.size, total: corpus.placeholders.length },
    falsePositiveNames,
    missedTelling: t.missed,
    missedValueOnly: v.missed,
  };
}
