/**
 * Read a function's environment and write it back safely: merge, RevisionId, bounded retries on
 * 412 PreconditionFailed (someone else wrote first; re-read and re-merge after a jittered, growing pause) and
 * 409 ResourceConflict (an update is in progress; wait for it with the SDK's waiter), then wait with the SDK's
 * waiter until `LastUpdateStatus` is `Successful`.
 *
 * Transport faults (throttling, 5xx, resets, timeouts) are not retried here: the SDK's retry strategy of the client
 * handles them per call (`--max-attempts`, `--timeout`).
 *
 * One UpdateFunctionConfiguration call carries the whole change, so a function is either fully updated
 * or untouched.
 * @module
 */
import {
  GetFunctionConfigurationCommand,
  UpdateFunctionConfigurationCommand,
  waitUntilFunctionUpdated,
  type FunctionConfiguration,
  type LambdaClient,
} from "@aws-sdk/client-lambda";
import { AwsError } from "../core/errors.js";
import { functionNameOf } from "../core/format.js";
import { errorCode } from "../transport/errors.js";
import { mapLambdaError } from "./errors.js";

/** What envseal needs of a function's configuration. */
export interface FunctionState {
  /** The function's name (what `AWS_LAMBDA_FUNCTION_NAME` holds; the encryption context). */
  readonly name: string;
  readonly arn: string;
  /** The execution role's ARN. */
  readonly role: string | undefined;
  readonly variables: Readonly<Record<string, string>>;
  /** Customer managed at-rest key, or `undefined` when Lambda uses `aws/lambda`. */
  readonly kmsKeyArn: string | undefined;
  /** Revision to write against; `undefined` when the endpoint does not report one. */
  readonly revisionId: string | undefined;
  /** `Environment.Error`, when Lambda could not decrypt the environment. */
  readonly environmentError: { code: string; message: string } | undefined;
}

/** Turn an SDK `FunctionConfiguration` into a {@link FunctionState}. */
export function toFunctionState(cfg: FunctionConfiguration, requested: string): FunctionState {
  return {
    name: cfg.FunctionName ?? requested,
    arn: cfg.FunctionArn ?? requested,
    role: cfg.Role,
    variables: { ...(cfg.Environment?.Variables ?? {}) },
    kmsKeyArn: cfg.KMSKeyArn ? cfg.KMSKeyArn : undefined,
    revisionId: cfg.RevisionId,
    environmentError: cfg.Environment?.Error
      ? { code: cfg.Environment.Error.ErrorCode ?? "Unknown", message: cfg.Environment.Error.Message ?? "" }
      : undefined,
  };
}

/** GetFunctionConfiguration, mapped to envseal errors. */
export async function readFunction(lambda: LambdaClient, functionRef: string): Promise<FunctionState> {
  functionNameOf(functionRef);
  try {
    const cfg = await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: functionRef }));
    return toFunctionState(cfg, functionRef);
  } catch (err) {
    throw mapLambdaError(err, "lambda:GetFunctionConfiguration", functionRef);
  }
}

/** The new environment computed from a fresh state; `null` means nothing to write. */
export interface EnvironmentUpdate {
  readonly variables: Record<string, string>;
  /** Key ARN to set; `""` clears it (back to `aws/lambda`); `undefined` leaves it as it is. */
  readonly kmsKeyArn?: string | undefined;
}

/** Default of {@link WriteOptions.maxConflictAttempts}. */
export const DEFAULT_MAX_CONFLICT_ATTEMPTS = 10;
/** Default of {@link WriteOptions.conflictBaseDelayMs}. */
export const DEFAULT_CONFLICT_BASE_DELAY_MS = 100;
/** Default of {@link WriteOptions.conflictMaxDelayMs}. */
export const DEFAULT_CONFLICT_MAX_DELAY_MS = 2000;

/**
 * Options of {@link writeEnvironment}.
 *
 * @example
 * ```ts
 * await writeEnvironment(lambda, state, plan, { maxConflictAttempts: 20, conflictMaxDelayMs: 5000 });
 * ```
 */
export interface WriteOptions {
  /**
   * UpdateFunctionConfiguration attempts, the first included, when another writer got in first (412) or an update
   * was in progress (409). Default: 10 ({@link DEFAULT_MAX_CONFLICT_ATTEMPTS}) — enough for 20 concurrent writers.
   */
  maxConflictAttempts?: number;
  /**
   * Pause before re-reading after a 412: a random time ("full jitter") up to `conflictBaseDelayMs × 2^(n-1)` after
   * the n-th conflict, capped by `conflictMaxDelayMs`, so writers that collided do not collide again in step.
   * Default: 100 ({@link DEFAULT_CONFLICT_BASE_DELAY_MS}).
   */
  conflictBaseDelayMs?: number;
  /** Longest pause between 412 retries, in milliseconds. Default: 2000 ({@link DEFAULT_CONFLICT_MAX_DELAY_MS}). */
  conflictMaxDelayMs?: number;
  /** Longest wait for `LastUpdateStatus: Successful`, in seconds. Default: 300. */
  maxWaitSeconds?: number;
  /** Smallest delay between waiter polls, in seconds. Default: 1. */
  minDelaySeconds?: number;
}

/** What a write did. */
export interface WriteResult {
  /** State the final plan was computed from. */
  readonly before: FunctionState;
  /** The environment written, or `null` when nothing needed writing. */
  readonly written: EnvironmentUpdate | null;
  /** RevisionId after the write, when the endpoint reports one. */
  readonly revisionId: string | undefined;
  /** How many UpdateFunctionConfiguration calls were made. */
  readonly attempts: number;
}

/**
 * The pause before the retry that follows the `conflict`-th 412 (1-based): full jitter over an exponential ceiling.
 * `random` returns a number in [0, 1) (default `Math.random`).
 *
 * @example
 * ```ts
 * conflictDelayMs(3, {}, () => 0.5); // 200: half of min(2000, 100 × 2²)
 * ```
 */
export function conflictDelayMs(conflict: number, options: WriteOptions = {}, random: () => number = Math.random): number {
  const base = options.conflictBaseDelayMs ?? DEFAULT_CONFLICT_BASE_DELAY_MS;
  const cap = options.conflictMaxDelayMs ?? DEFAULT_CONFLICT_MAX_DELAY_MS;
  const ceiling = Math.min(cap, base * 2 ** Math.min(Math.max(conflict - 1, 0), 30));
  return Math.floor(random() * ceiling);
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function isConflict(code: string): "stale" | "busy" | undefined {
  if (code === "PreconditionFailedException") return "stale";
  if (code === "ResourceConflictException") return "busy";
  return undefined;
}

/**
 * Write a function's environment with optimistic concurrency. `plan` is called with the current state (first
 * `initial`, then a fresh read after each conflict) and must be pure: it re-merges the change onto whatever
 * another writer left, so no variable is lost.
 *
 * @example
 * ```ts
 * await writeEnvironment(lambda, state, (s) => ({ variables: { ...s.variables, LOG_LEVEL: "info" } }));
 * ```
 */
export async function writeEnvironment(
  lambda: LambdaClient,
  initial: FunctionState,
  plan: (state: FunctionState) => EnvironmentUpdate | null,
  options: WriteOptions = {},
): Promise<WriteResult> {
  const maxAttempts = options.maxConflictAttempts ?? DEFAULT_MAX_CONFLICT_ATTEMPTS;
  const op = "lambda:UpdateFunctionConfiguration";
  let state = initial;
  let stale = 0;
  for (let attempt = 1; ; attempt++) {
    const update = plan(state);
    if (update === null) return { before: state, written: null, revisionId: state.revisionId, attempts: attempt - 1 };
    let revisionId: string | undefined;
    try {
      const out = await lambda.send(
        new UpdateFunctionConfigurationCommand({
          FunctionName: state.arn,
          Environment: { Variables: update.variables },
          ...(update.kmsKeyArn !== undefined ? { KMSKeyArn: update.kmsKeyArn } : {}),
          ...(state.revisionId ? { RevisionId: state.revisionId } : {}),
        }),
      );
      revisionId = out.RevisionId;
    } catch (err) {
      const conflict = isConflict(errorCode(err));
      if (!conflict) throw mapLambdaError(err, op, state.name);
      if (attempt >= maxAttempts) {
        throw new AwsError(`function ${state.name} kept changing under us (${attempt} attempts); nothing was written by this run`, {
          code: errorCode(err),
          operation: op,
          hint: "try again when other deployments to this function have finished",
          cause: err,
        });
      }
      if (conflict === "busy") await waitUpdated(lambda, state, options);
      else await sleep(conflictDelayMs(++stale, options));
      state = await readFunction(lambda, state.arn);
      continue;
    }
    const finalRevision = await waitUpdated(lambda, state, options);
    return { before: state, written: update, revisionId: finalRevision ?? revisionId, attempts: attempt };
  }
}

async function waitUpdated(lambda: LambdaClient, state: FunctionState, options: WriteOptions): Promise<string | undefined> {
  try {
    const result = await waitUntilFunctionUpdated(
      {
        client: lambda,
        maxWaitTime: options.maxWaitSeconds ?? 300,
        minDelay: options.minDelaySeconds ?? 1,
        maxDelay: Math.max(options.minDelaySeconds ?? 1, 5),
      },
      { FunctionName: state.arn },
    );
    const cfg = result.reason as FunctionConfiguration | undefined;
    return cfg?.RevisionId;
  } catch (err) {
    const reason = (err as { result?: { reason?: FunctionConfiguration } }).result?.reason;
    if (reason && typeof reason === "object" && "LastUpdateStatus" in reason) {
      throw new AwsError(
        `the update of ${state.name} failed: ${reason.LastUpdateStatusReasonCode ?? reason.LastUpdateStatus ?? "unknown reason"}`,
        { code: "UpdateFailed", operation: "lambda:GetFunctionConfiguration", hint: "see the function in the Lambda console", cause: err },
      );
    }
    throw mapLambdaError(err, "lambda:GetFunctionConfiguration", state.name);
  }
}
