/**
 * Guards for plans that are re-run after a 412: a command that rewrites existing values (rotate, adopt) must not
 * overwrite a value another writer changed in between.
 * @module
 */
import { AwsError, InputError } from "../core/errors.js";
import type { FunctionState } from "../lambda/config.js";

/** Throw when any of `originals` differs in `state`; nothing has been written at that point. */
export function assertUnchanged(state: FunctionState, originals: Readonly<Record<string, string>>, command: string): void {
  const moved = Object.keys(originals).filter((n) => state.variables[n] !== originals[n]);
  if (moved.length > 0) {
    throw new AwsError(`${moved.join(", ")} changed on ${state.name} while ${command} ran; nothing was written`, {
      code: "ConcurrentModification",
      operation: "lambda:UpdateFunctionConfiguration",
      hint: `run ${command} again`,
    });
  }
}

/** Ask `confirm` (when given) with `preview`; a "no" ends the command with nothing written. */
export async function confirmOrAbort<T>(confirm: ((preview: T) => Promise<boolean>) | undefined, preview: T): Promise<void> {
  if (confirm && !(await confirm(preview))) {
    throw new InputError("aborted at the prompt; nothing was written", { hint: "pass --yes to skip the question" });
  }
}
