/**
 * `envseal/middy`: a middy middleware that opens the secrets before the handler runs. It needs nothing of middy at
 * run time (middy is an optional peer dependency): the middleware is a plain `{ before }` object. Its types are
 * middy's own (`MiddlewareObj`), so `middy().use(envsealMiddleware())` gives the handler a `context.secrets` typed
 * as {@link Secrets} with middy 6 and 7 under `strict`.
 * @module
 */
import type { MiddlewareObj, Request } from "@middy/core";
import { loadSecrets } from "./load.js";
import type { Secrets } from "./options.js";
import { invocationTimeout, type WithSecretsOptions } from "./with-secrets.js";

/** Lambda's context object, as middy types it. */
export type LambdaContext = Request["context"];

/**
 * Lambda's context with the secrets under `K`.
 *
 * @example
 * ```ts
 * const handler = async (event: unknown, context: SecretsContext) => connect(context.secrets.DB_PASSWORD);
 * ```
 */
export type SecretsContext<K extends string = "secrets"> = LambdaContext & { readonly [P in K]: Secrets };

/**
 * Options of {@link envsealMiddleware}: those of `withSecrets`, plus where to put the result.
 *
 * @example
 * ```ts
 * middy().use(envsealMiddleware({ contextKey: "vault", names: ["LEGACY_TOKEN"] }));
 * ```
 */
export interface EnvsealMiddlewareOptions<K extends string = "secrets"> extends WithSecretsOptions {
  /** Property of the Lambda `context` that receives the frozen secrets. Default: `"secrets"`. */
  contextKey?: K;
}

/**
 * The middleware: a middy `MiddlewareObj` whose context carries the secrets under `K`.
 *
 * @example
 * ```ts
 * const mw: EnvsealMiddleware = envsealMiddleware();
 * middy().use(mw);
 * ```
 */
export type EnvsealMiddleware<K extends string = "secrets"> = MiddlewareObj<unknown, any, Error, SecretsContext<K>>;

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
export function envsealMiddleware<K extends string = "secrets">(options: EnvsealMiddlewareOptions<K> = {}): EnvsealMiddleware<K> {
  const contextKey = options.contextKey ?? ("secrets" as K);
  return {
    name: "envseal",
    before: async (request) => {
      const secrets: Secrets = await loadSecrets({ ...options, timeoutMs: invocationTimeout(request.context, options) });
      (request.context as unknown as Record<string, unknown>)[contextKey] = secrets;
      if (request.internal) Object.assign(request.internal as Record<string, unknown>, secrets);
    },
  };
}

export default envsealMiddleware;
