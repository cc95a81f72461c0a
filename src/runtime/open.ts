/**
 * Open a plan: every Decrypt starts at once (one keep-alive agent), the whole batch is bounded by a timeout, and the
 * plaintexts are assembled into one frozen object. No value reaches a message.
 * @module
 */
import { setMaxListeners } from "node:events";
import { UnsealError } from "../core/errors.js";
import { decodeBundleDocument, type BundleDocument } from "../core/format.js";
import { BUNDLE_VAR } from "../core/manifest.js";
import type { DecryptFn } from "./decrypt.js";
import { toUnsealError } from "./errors.js";
import type { PlanItem, UnsealPlan } from "./plan.js";
import type { Secrets } from "./options.js";

const UTF8 = new TextDecoder("utf-8", { fatal: true });

function text(plaintext: Uint8Array, variable: string): string {
  try {
    return UTF8.decode(plaintext);
  } catch {
    throw new UnsealError(`${variable}: opened, but the plaintext is not UTF-8`, { variable, code: "NotUtf8", hint: "re-seal the value as UTF-8 text" });
  }
}

function bundleDocument(plaintext: Uint8Array): BundleDocument {
  try {
    return decodeBundleDocument(plaintext);
  } catch (err) {
    throw new UnsealError(`${BUNDLE_VAR}: ${(err as Error).message}`, { variable: BUNDLE_VAR, code: "InvalidBundle", hint: "re-create it with `envseal push --bundle`", cause: err });
  }
}

/**
 * Decrypt every item of `plan` in parallel and merge the results. Everything still running after `timeoutMs` is
 * aborted. On failure the error of the first failing item in plan order is thrown (sorted names, then the bundle), so
 * the same misconfiguration always names the same variable. A name found both in the bundle and as its own sealed
 * variable is an error rather than a silent choice.
 */
export async function openPlan(plan: UnsealPlan, decrypt: DecryptFn, timeoutMs: number, options: { minBundleGeneration?: number | undefined } = {}): Promise<Secrets> {
  const controller = new AbortController();
  // Every in-flight request listens on the one signal (the SDK adds a few listeners per request).
  setMaxListeners(Math.max(10, plan.items.length * 4 + 2), controller.signal);
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  timer.unref?.();
  // A client that ignores the abort signal (an old SDK, a caller's wrapper) still cannot outlive the bound.
  const aborted = new Promise<never>((_, reject) => {
    controller.signal.addEventListener("abort", () => reject(Object.assign(new Error("aborted"), { name: "AbortError" })), { once: true });
  });
  aborted.catch(() => undefined);
  try {
    const settled = await Promise.allSettled(
      plan.items.map(async (item) => ({ item, plaintext: await Promise.race([decrypt(item.ciphertext, item.context, controller.signal), aborted]) })),
    );
    const opened: { item: PlanItem; plaintext: Uint8Array }[] = [];
    for (const [i, result] of settled.entries()) {
      const item = plan.items[i] as PlanItem;
      if (result.status === "rejected") throw toUnsealError(result.reason, { variable: item.variable, functionName: plan.functionName, timeoutMs, context: item.context });
      opened.push(result.value);
    }
    const out: Record<string, string> = {};
    for (const { item, plaintext } of opened) if (!item.bundle) out[item.variable] = text(plaintext, item.variable);
    for (const { item, plaintext } of opened) {
      if (!item.bundle) continue;
      const doc = bundleDocument(plaintext);
      const min = options.minBundleGeneration;
      if (min !== undefined && (doc.generation ?? 0) < min) {
        throw new UnsealError(`${BUNDLE_VAR} is generation ${doc.generation ?? 0}${doc.sealedAt ? `, sealed ${doc.sealedAt}` : ""}: older than the handler's minBundleGeneration ${min}`, {
          variable: BUNDLE_VAR,
          code: "BundleRolledBack",
          hint: "an older bundle was put back into the configuration: push the secrets again, or lower minBundleGeneration if this is intended",
        });
      }
      for (const [name, value] of Object.entries(doc.entries)) {
        if (Object.hasOwn(out, name)) {
          throw new UnsealError(`${name} is both in ${BUNDLE_VAR} and a sealed variable of its own`, {
            variable: name,
            code: "Conflict",
            hint: `keep it in one place: \`envseal unset\` the variable or re-create the bundle without it`,
          });
        }
        out[name] = value;
      }
    }
    return Object.freeze(out);
  } finally {
    clearTimeout(timer);
  }
}
