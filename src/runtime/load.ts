/**
 * Caching in one place: one unseal per process and set of options, one in-flight promise shared by concurrent
 * callers, failures evicted so the next call retries, warm calls answered from memory without any KMS call.
 * @module
 */
import { UnsealError } from "../core/errors.js";
import { MANIFEST_VAR } from "../core/manifest.js";
import { chooseDecrypt } from "./choose.js";
import { resetDefaultClient } from "./decrypt.js";
import { resetLeanTransport } from "./lean.js";
import { openPlan } from "./open.js";
import { DEFAULT_TIMEOUT_MS, type LoadSecretsOptions, type Secrets } from "./options.js";
import { planUnseal } from "./plan.js";
import { runtimeState, type CacheEntry } from "./state.js";

type Entry = CacheEntry;

/** The process-wide cache, shared by every copy of the runtime (see state.ts). */
const cache = runtimeState().cache;
const EMPTY: Secrets = Object.freeze({});

function keyOf(options: LoadSecretsOptions): string {
  return `${options.functionName ?? ""}\n${[...new Set(options.names ?? [])].sort().join(",")}`;
}

function start(key: string, options: LoadSecretsOptions, timeoutMs: number): Entry {
  const promise = (async () => {
    const plan = planUnseal(process.env, options);
    if (!plan) return EMPTY;
    const decrypt = chooseDecrypt(options.client, options.kmsTransport, {
      timeoutMs,
      ...(options.maxAttempts !== undefined ? { maxAttempts: options.maxAttempts } : {}),
      ...(options.maxConnections !== undefined ? { maxConnections: options.maxConnections } : {}),
    });
    return openPlan(plan, decrypt, timeoutMs);
  })();
  const entry: Entry = { promise };
  promise.then(
    (value) => {
      entry.value = value;
    },
    () => {
      // Not cached: the next call starts over. This handler also keeps an unobserved rejection quiet.
      if (cache.get(key) === entry) cache.delete(key);
    },
  );
  cache.set(key, entry);
  return entry;
}

/** Bound a caller's wait on a shared load it did not start (its own `timeoutMs` may be shorter). */
function bounded(promise: Promise<Secrets>, timeoutMs: number): Promise<Secrets> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(
        new UnsealError(`${MANIFEST_VAR}: the secrets did not open within ${timeoutMs} ms`, {
          variable: MANIFEST_VAR,
          code: "Timeout",
          hint: "raise timeoutMs (or the function's timeout), and check the network path to KMS (VPC endpoint or NAT)",
        }),
      );
    }, timeoutMs);
    timer.unref?.();
    promise.then(
      (v) => (clearTimeout(timer), resolve(v)),
      (e: unknown) => (clearTimeout(timer), reject(e)),
    );
  });
}

function exportToEnv(secrets: Secrets): void {
  for (const [name, value] of Object.entries(secrets)) process.env[name] = value;
}

/**
 * Open every sealed variable of this function — the names in `ENVSEAL_SEALED`, every entry of `ENVSEAL_BUNDLE`, and
 * `options.names` — and return them as one frozen object. The first call decrypts (all Decrypts in parallel, with the
 * encryption context `{"LambdaFunctionName": <function name>}`); concurrent callers share that call; later calls with
 * the same `names` and `functionName` return the same object without contacting KMS. A failure is not cached.
 *
 * Rejects with {@link UnsealError} naming the variable and the KMS error; never with a value.
 *
 * @example
 * ```ts
 * // ESM handler: top-level await runs the unseal in Lambda's init phase.
 * import { loadSecrets } from "envseal/runtime";
 * const secrets = await loadSecrets();
 * export const handler = async () => connect({ password: secrets.DB_PASSWORD });
 * ```
 */
export function loadSecrets(options: LoadSecretsOptions = {}): Promise<Secrets> {
  const key = keyOf(options);
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const existing = cache.get(key);
  let result: Promise<Secrets>;
  if (existing?.value) result = Promise.resolve(existing.value);
  else if (existing) result = bounded(existing.promise, timeoutMs);
  else result = start(key, options, timeoutMs).promise;
  if (!options.exportToEnv) return result;
  return result.then((secrets) => (exportToEnv(secrets), secrets));
}

/**
 * One secret by name. Without options it first looks in what earlier `loadSecrets` calls opened (whatever their
 * `names`), then loads with the defaults. Rejects with {@link UnsealError} (code `NotSealed`) when the variable is not
 * among the opened secrets.
 *
 * @example
 * ```ts
 * import { getSecret } from "envseal/runtime";
 * const password = await getSecret("DB_PASSWORD");
 * ```
 */
export async function getSecret(name: string, options?: LoadSecretsOptions): Promise<string> {
  if (options === undefined) {
    for (const entry of cache.values()) if (entry.value && Object.hasOwn(entry.value, name)) return entry.value[name] as string;
  }
  const secrets = await loadSecrets(options);
  if (Object.hasOwn(secrets, name)) return secrets[name] as string;
  throw new UnsealError(`${name.slice(0, 64)} is not a sealed variable of this function`, {
    variable: name.slice(0, 64),
    code: "NotSealed",
    hint: `add it with \`envseal push\` (or \`envseal adopt\` for console-sealed values), or pass it in options.names`,
  });
}

/**
 * Forget every cached result and envseal's own KMS clients (SDK and lean), so the next call decrypts again. Meant for tests; a
 * handler never needs it.
 *
 * @example
 * ```ts
 * import { resetSecrets } from "envseal/runtime";
 * beforeEach(() => resetSecrets());
 * ```
 */
export function resetSecrets(): void {
  cache.clear();
  resetDefaultClient();
  resetLeanTransport();
}
