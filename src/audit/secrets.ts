/**
 * Plaintext-secret detection for ES001 / ES009. For each variable that is not sealed (by the structure of its value):
 *
 * 1. envseal's provider rules (`detect/provider-rules.ts`): tokens that identify themselves — high confidence;
 * 2. secretlint's recommended rules, one pass over the remaining variables — high confidence;
 * 3. name + entropy: the name says secret and the value looks like one (`detect/names.ts`) — medium confidence.
 *
 * Every match passes the placeholder check first. Returns what fired and why — never the value.
 * @module
 */
import { lintSource } from "@secretlint/core";
import { secretLintProfiler } from "@secretlint/profiler";
import { creator as recommended } from "@secretlint/secretlint-rule-preset-recommend";
import { looksSealed, type Emulator } from "../core/ciphertext.js";
import { nameHint, nameKind } from "./detect/names.js";
import { isPlaceholder } from "./detect/placeholder.js";
import { matchProviderRule } from "./detect/scan.js";
import { validPemPrivateKey, validUrlCredentials } from "./detect/validators.js";

export { nameHint } from "./detect/names.js";

/**
 * How sure a detector is: `high` for a provider-verified format, `medium` for name + entropy.
 *
 * @example
 * ```ts
 * const c: Confidence = hit.confidence; // "high" → severity high (or critical), "medium" → medium
 * ```
 */
export type Confidence = "high" | "medium";

/**
 * Why a variable looks like a secret.
 *
 * @example
 * ```ts
 * const hit: SecretHit | undefined = (await detectSecrets(vars)).get("STRIPE_KEY");
 * hit?.detector; // "stripe-secret-key"
 * ```
 */
export interface SecretHit {
  /** A provider rule id (`stripe-secret-key`), `secretlint:<rule>` (`secretlint:aws`) or `name+entropy`. */
  readonly detector: string;
  readonly confidence: Confidence;
  /** Private keys and cloud credentials. */
  readonly critical: boolean;
  /** Why, in words, for the finding's message: names the provider or rule, never the value. */
  readonly reason: string;
}

/**
 * Options of {@link detectSecrets}.
 *
 * @example
 * ```ts
 * await detectSecrets(vars, { skip: new Set(["ENVSEAL_SEALED"]), emulator: emulatorFrom(process.env) });
 * ```
 */
export interface DetectOptions {
  /** Names not to scan (sealed variables, envseal's own). Default: none. */
  readonly skip?: ReadonlySet<string> | undefined;
  /** Emulator mode for the "is it sealed?" check (`ENVSEAL_EMULATOR`). Default: none. */
  readonly emulator?: Emulator | undefined;
}

const PRESET_ID = "@secretlint/secretlint-rule-preset-recommend";
const PRESET_RULES = [
  // Access key ids too, not only secret access keys.
  { id: "@secretlint/secretlint-rule-aws", options: { enableIDScanRule: true } },
  // A value must not be able to switch detection off with a `secretlint-disable` comment.
  { id: "@secretlint/secretlint-rule-filter-comments", disabled: true },
];
// secretlint registers a preset's rules even when the config marks them `disabled` (only top-level rules are skipped),
// so the preset is wrapped to leave out the rules disabled above.
const DISABLED = new Set(PRESET_RULES.filter((r) => r.disabled).map((r) => r.id));
const preset: typeof recommended = {
  ...recommended,
  create: (context, options) =>
    recommended.create({ ...context, registerRule: (rule, defaults) => (DISABLED.has(rule.meta.id) ? undefined : context.registerRule(rule, defaults)) }, options),
};
const CONFIG = { rules: [{ id: PRESET_ID, rule: preset, rules: PRESET_RULES }] };

// secretlint's profiler is always on: it leaves a performance mark per rule and per file in Node's global timeline and,
// on every new mark, searches all earlier ones — an audit of thousands of functions slows down quadratically and a warm
// scheduled handler would keep every mark forever. envseal does not read the profile, so its marks are dropped.
secretLintProfiler.mark = () => {};

/** secretlint rules whose matches are private keys or cloud credentials. */
const CRITICAL_RULES = new Set(["aws", "gcp", "privatekey"]);

/** Is what a secretlint rule matched a real secret rather than a placeholder? */
function secretlintMatchCounts(rule: string, match: string): boolean {
  if (rule === "privatekey") return validPemPrivateKey(match, match);
  if (rule === "basicauth" || rule === "database-connection-string") return !/:\/\/[^:@/\s]*:[^@\s]*@/.test(match) || validUrlCredentials(match, match);
  return !isPlaceholder(match);
}

/** Where a variable's `NAME=value` line sits in the text given to secretlint. */
interface Span {
  readonly name: string;
  readonly start: number;
  readonly end: number;
}

/** What secretlint reported on one variable. */
interface SecretlintMatch {
  readonly name: string;
  readonly rule: string;
  readonly match: string;
}

/** One function's text waiting for the next secretlint pass. */
interface LintRequest {
  readonly content: string;
  readonly spans: readonly Span[];
  readonly resolve: (matches: SecretlintMatch[]) => void;
  readonly reject: (err: unknown) => void;
}

/** At most this much text (and this many functions) per secretlint pass. */
const BATCH_CHARS = 1_000_000;
const BATCH_REQUESTS = 500;

let waiting: LintRequest[] = [];
let flushScheduled = false;

/**
 * secretlint costs far more per call (it sets up every rule of the preset) than per character, so the functions
 * waiting at the same moment — a page of 50 is checked at once — go through one pass: their texts are joined (a blank
 * line between functions) and every match is handed back to the function and variable whose line it starts on.
 */
async function flush(): Promise<void> {
  flushScheduled = false;
  const all = waiting;
  waiting = [];
  for (let i = 0; i < all.length; ) {
    const batch: LintRequest[] = [];
    let size = 0;
    while (i < all.length && batch.length < BATCH_REQUESTS && (batch.length === 0 || size + all[i]!.content.length <= BATCH_CHARS)) {
      size += all[i]!.content.length + 1;
      batch.push(all[i++]!);
    }
    await lintBatch(batch);
  }
}

async function lintBatch(batch: readonly LintRequest[]): Promise<void> {
  const offsets: number[] = [];
  let content = "";
  for (const r of batch) {
    offsets.push(content.length);
    content += `${r.content}\n`;
  }
  let messages;
  try {
    messages = (
      await lintSource({
        source: { content, filePath: "/lambda-environment", contentType: "text" },
        options: { config: CONFIG, maskSecrets: true, noPhysicFilePath: true },
      })
    ).messages;
  } catch (err) {
    for (const r of batch) r.reject(err);
    return;
  }
  const found: SecretlintMatch[][] = batch.map(() => []);
  for (const m of messages) {
    const [at, end] = m.range;
    let k = offsets.length - 1;
    while (k > 0 && offsets[k]! > at) k--;
    const local = at - offsets[k]!;
    const span = batch[k]!.spans.find((s) => local >= s.start && local <= s.end);
    if (!span) continue;
    found[k]!.push({ name: span.name, rule: m.ruleId.replace(/^@secretlint\/secretlint-rule-/, ""), match: content.slice(at, end) });
  }
  batch.forEach((r, k) => r.resolve(found[k]!));
}

/** Queue one function's variables for the next secretlint pass. */
function secretlintMatches(content: string, spans: readonly Span[]): Promise<SecretlintMatch[]> {
  return new Promise((resolve, reject) => {
    waiting.push({ content, spans, resolve, reject });
    if (!flushScheduled) {
      flushScheduled = true;
      // After the current turn's microtasks, so every function of the page that is being checked has joined.
      setImmediate(() => void flush());
    }
  });
}

async function secretlintHits(variables: Readonly<Record<string, string>>, names: readonly string[], hits: Map<string, SecretHit>): Promise<void> {
  const spans: Span[] = [];
  let content = "";
  for (const name of names) {
    const line = `${name}=${variables[name] as string}`;
    spans.push({ name, start: content.length, end: content.length + line.length });
    content += `${line}\n`;
  }
  if (spans.length === 0) return;
  for (const { name, rule, match } of await secretlintMatches(content, spans)) {
    if (!secretlintMatchCounts(rule, match)) continue;
    const prior = hits.get(name);
    hits.set(name, {
      detector: prior?.detector ?? `secretlint:${rule}`,
      confidence: "high",
      critical: CRITICAL_RULES.has(rule) || (prior?.critical ?? false),
      reason: prior?.reason ?? `secretlint rule ${rule} matched its value`,
    });
  }
}

/**
 * Scan a function's variables. Returns a map from variable name to what fired. Names in `skip` and values that are
 * sealed (KMS ciphertext by structure; moto's too in emulator mode) are not scanned.
 *
 * @example
 * ```ts
 * const hits = await detectSecrets({ STRIPE_KEY: key, DB_PASS: "admin", LOG_LEVEL: "info" });
 * hits.get("STRIPE_KEY"); // { detector: "stripe-secret-key", confidence: "high", critical: false, reason: "…" }
 * hits.get("DB_PASS");    // { detector: "name+entropy", confidence: "medium", … }
 * ```
 */
export async function detectSecrets(variables: Readonly<Record<string, string>>, options: DetectOptions = {}): Promise<Map<string, SecretHit>> {
  const hits = new Map<string, SecretHit>();
  const rest: string[] = [];
  for (const [name, value] of Object.entries(variables)) {
    if (options.skip?.has(name) || value.trim().length === 0) continue;
    if (looksSealed(value, { emulator: options.emulator }).sealed) continue;
    const rule = matchProviderRule(value);
    if (rule) {
      hits.set(name, { detector: rule.id, confidence: "high", critical: rule.critical, reason: `its value has the format of a ${rule.provider} secret (rule ${rule.id})` });
    } else {
      rest.push(name);
    }
  }
  await secretlintHits(variables, rest, hits);
  for (const name of rest) {
    if (hits.has(name) || !nameHint(name, variables[name] as string, { emulator: options.emulator })) continue;
    hits.set(name, {
      detector: "name+entropy",
      confidence: "medium",
      critical: false,
      reason: `its name says it holds a ${nameKind(name) ?? "secret"} and its value looks like one (name + entropy)`,
    });
  }
  return hits;
}
