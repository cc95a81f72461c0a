/**
 * Read a function's configuration into a {@link FunctionState}, and refuse to build a write on an environment that
 * could not be read. Writing lives in `write.ts`.
 * @module
 */
import { GetFunctionConfigurationCommand, type FunctionConfiguration, type LambdaClient } from "@aws-sdk/client-lambda";
import { AwsError } from "../core/errors.js";
import { functionNameOf } from "../core/format.js";
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
  /** `Environment.Error`, when Lambda could not decrypt the environment: then `variables` is not what the function holds. */
  readonly environmentError: { code: string; message: string } | undefined;
}

/**
 * Turn an SDK `FunctionConfiguration` into a {@link FunctionState}.
 *
 * @example
 * ```ts
 * toFunctionState({ FunctionName: "api", Environment: { Variables: { A: "1" } } }, "api").variables; // { A: "1" }
 * ```
 */
export function toFunctionState(cfg: FunctionConfiguration, requested: string): FunctionState {
  const error = cfg.Environment?.Error;
  return {
    name: cfg.FunctionName ?? requested,
    arn: cfg.FunctionArn ?? requested,
    role: cfg.Role,
    variables: { ...(cfg.Environment?.Variables ?? {}) },
    kmsKeyArn: cfg.KMSKeyArn ? cfg.KMSKeyArn : undefined,
    revisionId: cfg.RevisionId,
    environmentError: error && (error.ErrorCode || error.Message) ? { code: error.ErrorCode ?? "Unknown", message: error.Message ?? "" } : undefined,
  };
}

/**
 * GetFunctionConfiguration, mapped to envseal errors.
 *
 * @example
 * ```ts
 * const state = await readFunction(lambda, "orders-api");
 * ```
 */
export async function readFunction(lambda: LambdaClient, functionRef: string): Promise<FunctionState> {
  functionNameOf(functionRef);
  try {
    const cfg = await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: functionRef }));
    return toFunctionState(cfg, functionRef);
  } catch (err) {
    throw mapLambdaError(err, "lambda:GetFunctionConfiguration", functionRef);
  }
}

/** The at-rest key spelled for people: the ARN, or `aws/lambda`. */
export function atRestLabel(kmsKeyArn: string | undefined): string {
  return kmsKeyArn ? kmsKeyArn : "aws/lambda";
}

/**
 * Why the environment of `state` could not be read, as one sentence naming the at-rest key and the permission;
 * `undefined` when it was read.
 *
 * @example
 * ```ts
 * unreadableReason(state); // "Lambda could not decrypt its environment for you (AccessDeniedException): ..."
 * ```
 */
export function unreadableReason(state: Pick<FunctionState, "environmentError" | "kmsKeyArn">): string | undefined {
  if (!state.environmentError) return undefined;
  return `Lambda could not decrypt its environment for you (Environment.Error ${state.environmentError.code}): reading it needs kms:Decrypt on the at-rest key ${atRestLabel(state.kmsKeyArn)}`;
}

/**
 * Refuse to change a function whose environment could not be read: Lambda then answers with `Environment.Error` and
 * no variables, and a write built from that would delete every variable. Throws {@link AwsError} (exit 3) naming the
 * at-rest key and the permission.
 *
 * @example
 * ```ts
 * assertEnvironmentReadable(state, "push"); // throws when state.environmentError is set
 * ```
 */
export function assertEnvironmentReadable(state: FunctionState, command: string): void {
  if (!state.environmentError) return;
  throw new AwsError(
    `${command} refused: Lambda could not decrypt the environment of ${state.name} for you (Environment.Error ${state.environmentError.code}), so its variables are unknown and a write would delete them; nothing was written`,
    {
      code: "EnvironmentUnreadable",
      operation: "kms:Decrypt",
      hint: `grant your identity kms:Decrypt on the at-rest key ${atRestLabel(state.kmsKeyArn)} (see \`envseal policy\`), then run ${command} again`,
    },
  );
}
