/**
 * Write a function's environment safely: one UpdateFunctionConfiguration carrying the whole change and the RevisionId
 * it was planned from, so a function is either fully updated or untouched.
 *
 * - **Re-plan on every retry.** After 412 PreconditionFailed (someone else wrote first) the function is re-read after a
 *   jittered, growing pause and the caller's planner runs again on the fresh state; after 409 ResourceConflict (an
 *   update in progress) the SDK's waiter waits for it first. No write is ever built from an older revision.
 * - **Never a write from an unreadable environment.** A state carrying `Environment.Error` is refused before planning.
 * - **Recognise our own write.** When a write may have landed without our seeing the answer (5xx, reset, timeout, or an
 *   SDK retry that met 412), the function is re-read and the planner asked again: if it has nothing left to do, the
 *   change is in place and the write is reported as done; an error never says "nothing was written" when it may have been.
 * - **Wait, bounded.** After the write, the SDK's waiter waits for `LastUpdateStatus: Successful`, at most
 *   `maxWaitSeconds`; when that runs out or the reads fail, the result says "written; not yet confirmed live".
 *
 * Transport faults of a single call (throttling, 5xx, resets, timeouts) are retried by the client's own retry strategy
 * (`--max-attempts`, `--timeout`); this module does not send an update again after such a failure.
 * @module
 */
import {
  UpdateFunctionConfigurationCommand,
  waitForFunctionUpdated,
  type FunctionConfiguration,
  type LambdaClient,
} from "@aws-sdk/client-lambda";
import { AwsError, EnvsealError } from "../core/errors.js";
import { errorCode } from "../transport/errors.js";
import { assertEnvironmentReadable, readFunction, type FunctionState } from "./config.js";
import { mapLambdaError } from "./errors.js";

/** The new environment computed from a fresh state; `null` means nothing to write. */
export interface EnvironmentUpdate {
  readonly variables: Record<string, string>;
  /** Key ARN to set; `""` clears it (back to `aws/lambda`); `undefined` leaves it as it is. */
  readonly kmsKeyArn?: string | undefined;
}

/**
 * Computes the update from the current state. Called with the first state, then again with a fresh read after every
 * conflict or uncertain outcome; it must re-derive everything it writes from the state it is given.
 */
export type Planner = (state: FunctionState, attempt: number) => EnvironmentUpdate | null | Promise<EnvironmentUpdate | null>;

/** Default of {@link WriteOptions.maxConflictAttempts}. */
export const DEFAULT_MAX_CONFLICT_ATTEMPTS = 10;
/** Default of {@link WriteOptions.conflictBaseDelayMs}. */
export const DEFAULT_CONFLICT_BASE_DELAY_MS = 100;
/** Default of {@link WriteOptions.conflictMaxDelayMs}. */
export const DEFAULT_CONFLICT_MAX_DELAY_MS = 2000;
/** Default of {@link WriteOptions.maxWaitSeconds}. */
export const DEFAULT_MAX_WAIT_SECONDS = 60;

/**
 * Options of {@link writeEnvironment}.
 *
 * @example
 * ```ts
 * await writeEnvironment(lambda, state, plan, { command: "push", maxConflictAttempts: 20, maxWaitSeconds: 30 });
 * ```
 */
export interface WriteOptions {
  /** The command, for messages (`push`, `rotate`, ...). Default: `"the write"`. */
  command?: string;
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
  /** Longest wait for `LastUpdateStatus: Successful`, in seconds. Default: 60 ({@link DEFAULT_MAX_WAIT_SECONDS}). */
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
  /** How many UpdateFunctionConfiguration calls this loop made (the SDK's own retries not counted). */
  readonly attempts: number;
  /** True when `LastUpdateStatus: Successful` was seen (or nothing was written). */
  readonly live: boolean;
  /** Why the update is not confirmed live, when `live` is false. */
  readonly notLiveReason: string | undefined;
  /** True when an attempt's answer was lost and the change was then found in place. */
  readonly recovered: boolean;
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
 * True when a failed UpdateFunctionConfiguration may nevertheless have been applied: a 5xx, or no HTTP answer at all
 * (reset, timeout), or any answer after the SDK retried (an earlier attempt may have landed).
 */
export function mayHaveLanded(err: unknown): boolean {
  const meta = (err as { $metadata?: { httpStatusCode?: number; attempts?: number } } | undefined)?.$metadata;
  if ((meta?.attempts ?? 1) > 1) return true;
  const status = meta?.httpStatusCode;
  return status === undefined || status >= 500;
}

/**
 * True when `update` would leave `state` as it is.
 *
 * @example
 * ```ts
 * isNoop(state, { variables: { ...state.variables } }); // true
 * ```
 */
export function isNoop(state: FunctionState, update: EnvironmentUpdate): boolean {
  const keyUnchanged = update.kmsKeyArn === undefined || (update.kmsKeyArn || undefined) === state.kmsKeyArn;
  return keyUnchanged && sameVariables(state.variables, update.variables);
}

function sameVariables(a: Readonly<Record<string, string>>, b: Readonly<Record<string, string>>): boolean {
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  return ka.every((k) => Object.hasOwn(b, k) && a[k] === b[k]);
}

/** A copy of `err` (an envseal error) with a sentence added to its message. */
function withNote(err: EnvsealError, note: string): EnvsealError {
  const code = err instanceof AwsError ? err.code : err.name;
  const operation = err instanceof AwsError ? err.operation : "lambda:UpdateFunctionConfiguration";
  return new AwsError(`${err.message}; ${note}`, { code, operation, hint: err.hint, cause: err.cause });
}

/**
 * Write a function's environment with optimistic concurrency; see the module comment for the guarantees. `plan` is
 * called with the current state (first `initial`, then a fresh read after each conflict) and re-merges the change
 * onto whatever another writer left, so no variable is lost.
 *
 * @example
 * ```ts
 * await writeEnvironment(lambda, state, (s) => ({ variables: { ...s.variables, LOG_LEVEL: "info" } }), { command: "push" });
 * ```
 */
export async function writeEnvironment(
  lambda: LambdaClient,
  initial: FunctionState,
  plan: Planner,
  options: WriteOptions = {},
): Promise<WriteResult> {
  const command = options.command ?? "the write";
  const maxAttempts = options.maxConflictAttempts ?? DEFAULT_MAX_CONFLICT_ATTEMPTS;
  const op = "lambda:UpdateFunctionConfiguration";
  let state = initial;
  let stale = 0;
  let sent = 0;
  let maybeLanded = false;
  let lastSent: EnvironmentUpdate | null = null;
  const landedNote = () => `an earlier attempt may have been applied: check with \`envseal show --function ${state.name}\``;

  const done = async (before: FunctionState, written: EnvironmentUpdate | null, revisionId: string | undefined, recovered: boolean): Promise<WriteResult> => {
    if (written === null) return { before, written, revisionId, attempts: sent, live: true, notLiveReason: undefined, recovered };
    const wait = await waitUpdated(lambda, before, options);
    return { before, written, revisionId: wait.revisionId ?? revisionId, attempts: sent, live: wait.live, notLiveReason: wait.reason, recovered };
  };

  /** After an answer that leaves the outcome open: re-read, and ask the planner whether anything is left to do. */
  const settle = async (): Promise<{ status: "applied"; state: FunctionState } | { status: "not-applied" | "unknown" }> => {
    const fresh = await readFunction(lambda, state.arn).catch(() => undefined);
    if (!fresh || fresh.environmentError) return { status: "unknown" };
    const again = await Promise.resolve(plan(fresh, 0)).then(
      (u) => ({ u }),
      () => undefined,
    );
    if (!again) return { status: "unknown" };
    return again.u === null || isNoop(fresh, again.u) ? { status: "applied", state: fresh } : { status: "not-applied" };
  };

  for (let attempt = 1; ; attempt++) {
    assertEnvironmentReadable(state, command);
    let update: EnvironmentUpdate | null;
    try {
      update = await plan(state, attempt);
    } catch (err) {
      throw maybeLanded && err instanceof EnvsealError ? withNote(err, landedNote()) : err;
    }
    if (update === null || isNoop(state, update)) {
      // Nothing left to do. After a send, that means our change is in place (our own attempt landed, or an equal one).
      return done(state, sent > 0 ? lastSent : null, state.revisionId, sent > 0);
    }
    lastSent = update;
    sent++;
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
      if (mayHaveLanded(err)) maybeLanded = true;
      const conflict = isConflict(errorCode(err));
      if (!conflict || attempt >= maxAttempts) {
        let verdict: "not-applied" | "unknown" = "not-applied";
        if (maybeLanded) {
          const settled = await settle();
          if (settled.status === "applied") return done(settled.state, update, settled.state.revisionId, true);
          verdict = settled.status;
        }
        const note =
          verdict === "unknown"
            ? `${command} could not tell whether the update was applied: check with \`envseal show --function ${state.name}\``
            : "nothing was written by this run";
        if (!conflict) {
          const mapped = mapLambdaError(err, op, state.name);
          if (!maybeLanded) throw mapped;
          throw withNote(mapped, verdict === "unknown" ? note : `it was not applied (envseal read the function back): ${note}`);
        }
        throw new AwsError(`function ${state.name} kept changing under ${command} (${attempt} attempts); ${note}`, {
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
    return done(state, update, revisionId, false);
  }
}

/**
 * Wait with the SDK's waiter until `LastUpdateStatus` is `Successful`, at most `maxWaitSeconds` (a poll still in flight
 * then is abandoned). A `Failed` update throws; a wait that runs out or whose reads fail returns `live: false`.
 */
async function waitUpdated(
  lambda: LambdaClient,
  state: FunctionState,
  options: WriteOptions,
): Promise<{ live: boolean; revisionId: string | undefined; reason: string | undefined }> {
  const maxWait = Math.max(1, options.maxWaitSeconds ?? DEFAULT_MAX_WAIT_SECONDS);
  const minDelay = options.minDelaySeconds ?? 1;
  const controller = new AbortController();
  // The waiter stops polling at maxWait; the abort only cuts a poll still stalled a second later.
  const timer = setTimeout(() => controller.abort(), maxWait * 1000 + 1000);
  timer.unref?.();
  try {
    // waitForFunctionUpdated is the SDK waiter that returns its result instead of throwing an error whose message
    // holds whole configurations (values included); it is deprecated only for that reason.
    // Whether any poll got an answer: "not yet Successful" and "could not read it back" are different messages.
    let readBack = false;
    const watched = new Proxy(lambda, {
      get(target, prop, receiver) {
        if (prop !== "send") return Reflect.get(target, prop, receiver) as unknown;
        return (...args: Parameters<LambdaClient["send"]>) =>
          (target.send as (...a: unknown[]) => Promise<unknown>)(...args).then((out) => {
            readBack = true;
            return out;
          });
      },
    });
    const result = await waitForFunctionUpdated(
      { client: watched, maxWaitTime: maxWait, minDelay, maxDelay: Math.max(minDelay, 5), abortSignal: controller.signal },
      { FunctionName: state.arn },
    );
    const cfg = (result.reason ?? undefined) as FunctionConfiguration | undefined;
    if (String(result.state) === "SUCCESS") return { live: true, revisionId: cfg?.RevisionId, reason: undefined };
    if (String(result.state) === "FAILURE" && cfg?.LastUpdateStatus === "Failed") {
      throw new AwsError(
        `the configuration of ${state.name} was written but Lambda could not apply it: ${cfg.LastUpdateStatusReasonCode ?? "unknown reason"}`,
        { code: "UpdateFailed", operation: "lambda:GetFunctionConfiguration", hint: "see LastUpdateStatusReason in the Lambda console, fix it, and run again" },
      );
    }
    return {
      live: false,
      revisionId: undefined,
      reason: readBack ? `LastUpdateStatus was not Successful within ${maxWait} s` : `the function could not be read back within ${maxWait} s`,
    };
  } finally {
    clearTimeout(timer);
  }
}
