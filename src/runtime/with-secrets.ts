/**
 * `withSecrets(handler)`: for CJS handlers (no top-level await) — opens the secrets on the first invocation, bounded by
 * the invocation's remaining time, and passes them to the handler.
 * @module
 */
import { loadSecrets } from "./load.js";
import { DEFAULT_TIMEOUT_MS, type LoadSecretsOptions, type Secrets } from "./options.js";

/**
 * The part of Lambda's context object envseal reads.
 *
 * @example
 * ```ts
 * const context: LambdaContextLike = { getRemainingTimeInMillis: () => 3000 };
 * ```
 */
export interface LambdaContextLike {
  /** Milliseconds left before Lambda stops the invocation. */
  getRemainingTimeInMillis?: () => number;
}

/**
 * Options of {@link withSecrets}: those of `loadSecrets`, plus how much time to leave the handler.
 *
 * @example
 * ```ts
 * const options: WithSecretsOptions = { names: ["LEGACY_TOKEN"], reserveMs: 1000 };
 * ```
 */
export interface WithSecretsOptions extends LoadSecretsOptions {
  /**
   * Milliseconds of the invocation's remaining time kept for the handler itself: the unseal is bounded by
   * `min(timeoutMs, remaining - reserveMs)`. Default: 500.
   */
  reserveMs?: number;
}

/**
 * Default of {@link WithSecretsOptions.reserveMs}.
 *
 * @example
 * ```ts
 * withSecrets(handler, { reserveMs: DEFAULT_RESERVE_MS * 2 });
 * ```
 */
export const DEFAULT_RESERVE_MS = 500;

/**
 * The time bound for one invocation: the option, cut to what the invocation has left (at least 1 ms).
 *
 * @example
 * ```ts
 * invocationTimeout({ getRemainingTimeInMillis: () => 1500 }, {}); // 1000 (1500 - 500 reserved)
 * ```
 */
export function invocationTimeout(context: LambdaContextLike | undefined, options: WithSecretsOptions): number {
  const configured = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const remaining = context?.getRemainingTimeInMillis?.();
  if (typeof remaining !== "number" || !Number.isFinite(remaining)) return configured;
  return Math.max(1, Math.min(configured, remaining - (options.reserveMs ?? DEFAULT_RESERVE_MS)));
}

/**
 * Wrap a handler so it receives the secrets as its third argument. The first invocation opens them (warm invocations
 * reuse them); a failure fails that invocation and the next one retries.
 *
 * @example
 * ```js
 * // CommonJS handler
 * const { withSecrets } = require("envseal/runtime");
 * exports.handler = withSecrets(async (event, context, secrets) => query(secrets.DB_PASSWORD));
 * ```
 */
export function withSecrets<E, C extends LambdaContextLike | undefined, R>(
  handler: (event: E, context: C, secrets: Secrets) => R | Promise<R>,
  options: WithSecretsOptions = {},
): (event: E, context: C) => Promise<R> {
  return async (event, context) => {
    const secrets = await loadSecrets({ ...options, timeoutMs: invocationTimeout(context, options) });
    return handler(event, context, secrets);
  };
}
