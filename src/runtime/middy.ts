/**
 * `envseal/middy`: a middy middleware that opens the secrets before the handler runs. It needs nothing of middy at
 * import time (middy is an optional peer dependency): the middleware is a plain `{ before }` object.
 * @module
 */
import { loadSecrets } from "./load.js";
import type { Secrets } from "./options.js";
import { invocationTimeout, type LambdaContextLike, type WithSecretsOptions } from "./with-secrets.js";

/**
 * Options of {@link envsealMiddleware}: those of `withSecrets`, plus where to put the result.
 *
 * @example
 * ```ts
 * middy().use(envsealMiddleware({ contextKey: "vault", names: ["LEGACY_TOKEN"] }));
 * ```
 */
export interface EnvsealMiddlewareOptions extends WithSecretsOptions {
  /** Property of the Lambda `context` that receives the frozen secrets. Default: `"secrets"`. */
  contextKey?: string;
}

/**
 * The part of middy's request object the middleware touches.
 *
 * @example
 * ```ts
 * const request: MiddyRequestLike = { context: { getRemainingTimeInMillis: () => 3000 }, internal: {} };
 * await envsealMiddleware().before(request);
 * ```
 */
export interface MiddyRequestLike {
  context: LambdaContextLike & Record<string, unknown>;
  internal?: Record<string, unknown>;
}

/**
 * A middy middleware object (structurally what `@middy/core` expects).
 *
 * @example
 * ```ts
 * const mw: EnvsealMiddleware = envsealMiddleware();
 * middy().use(mw);
 * ```
 */
export interface EnvsealMiddleware {
  before: (request: MiddyRequestLike) => Promise<void>;
}

/**
 * Open the secrets in middy's `before` phase and set them on `context[contextKey]` (and `request.internal`, where
 * other middlewares can read them). Bounded by the invocation's remaining time, like `withSecrets`.
 *
 * @example
 * ```ts
 * import middy from "@middy/core";
 * import { envsealMiddleware } from "envseal/middy";
 * export const handler = middy()
 *   .use(envsealMiddleware())
 *   .handler(async (event, context) => query(context.secrets.DB_PASSWORD));
 * ```
 */
export function envsealMiddleware(options: EnvsealMiddlewareOptions = {}): EnvsealMiddleware {
  const contextKey = options.contextKey ?? "secrets";
  return {
    before: async (request) => {
      const secrets: Secrets = await loadSecrets({ ...options, timeoutMs: invocationTimeout(request.context, options) });
      request.context[contextKey] = secrets;
      if (request.internal) Object.assign(request.internal, secrets);
    },
  };
}

export default envsealMiddleware;
