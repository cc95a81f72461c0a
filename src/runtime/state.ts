/**
 * The runtime's process-wide state in one place: the cache of opened secrets and envseal's own KMS clients.
 *
 * It lives on `globalThis` under a registered symbol, so every copy of the runtime in a process shares it — the
 * `envseal/runtime` and `envseal/middy` entry points, and their ESM and CommonJS builds: one cold-start unseal per
 * process, one cache `resetSecrets()` clears, whatever a handler imports.
 * @module
 */
import type { KMSClient } from "@aws-sdk/client-kms";
import type { Secrets } from "./options.js";

/** One cached unseal. */
export interface CacheEntry {
  readonly promise: Promise<Secrets>;
  /** Set once the promise resolved: warm calls return it without a timer or a KMS call. */
  value?: Secrets;
}

/** What the runtime keeps for the life of the process. */
export interface RuntimeState {
  /** Opened secrets by load options (function name and names). */
  readonly cache: Map<string, CacheEntry>;
  /** The SDK path's default client, created on first use. */
  sdkClient?: Promise<KMSClient> | undefined;
  /** The lean path's agents and request functions, created on first use (typed where they are made). */
  leanTransport?: Promise<unknown> | undefined;
}

const KEY = Symbol.for("envseal.runtime.state/1");

/**
 * The shared state, created on first use.
 *
 * @example
 * ```ts
 * runtimeState().cache.size; // 0 before the first loadSecrets()
 * ```
 */
export function runtimeState(): RuntimeState {
  const g = globalThis as { [KEY]?: RuntimeState };
  g[KEY] ??= { cache: new Map() };
  return g[KEY];
}
