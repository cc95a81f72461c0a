/**
 * The confirmation step every writing command shares.
 * @module
 */
import { InputError } from "../core/errors.js";

/**
 * Ask `confirm` (when given) with `preview`; a "no" ends the command with nothing written.
 *
 * @example
 * ```ts
 * await confirmOrAbort(req.confirm, preview); // throws InputError "aborted at the prompt; nothing was written"
 * ```
 */
export async function confirmOrAbort<T>(confirm: ((preview: T) => Promise<boolean>) | undefined, preview: T): Promise<void> {
  if (confirm && !(await confirm(preview))) {
    throw new InputError("aborted at the prompt; nothing was written", { hint: "pass --yes to skip the question" });
  }
}
