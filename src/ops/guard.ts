/**
 * The confirmation step every writing command shares.
 * @module
 */
import { Declined } from "../core/errors.js";

/**
 * Ask `confirm` (when given) with `preview`; a "no" ends the command with nothing written.
 *
 * @example
 * ```ts
 * await confirmOrAbort(req.confirm, preview); // throws Declined "declined at the prompt; nothing was written" (exit 0)
 * ```
 */
export async function confirmOrAbort<T>(confirm: ((preview: T) => Promise<boolean>) | undefined, preview: T): Promise<void> {
  if (confirm && !(await confirm(preview))) {
    throw new Declined("declined at the prompt; nothing was written");
  }
}
