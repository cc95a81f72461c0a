/** openPlan with a scripted Decrypt: every call starts at once with the plan's context, errors in plan order, the bound. */
import { getMaxListeners } from "node:events";
import { describe, expect, it } from "vitest";
import { openPlan } from "../../src/runtime/open.js";
import type { DecryptFn } from "../../src/runtime/decrypt.js";
import type { UnsealPlan } from "../../src/runtime/plan.js";
import { sdkError } from "../support/sdk-errors.js";

const enc = (s: string) => new TextEncoder().encode(s);
const item = (variable: string, tag: number, bundle = false) => ({ variable, ciphertext: new Uint8Array([tag]), bundle, version: 1 as const, context: { LambdaFunctionName: "orders-api" } });
const plan = (items: UnsealPlan["items"]): UnsealPlan => ({ functionName: "orders-api", context: { LambdaFunctionName: "orders-api" }, items });

/** A Decrypt answering by the first byte of the ciphertext. */
function scripted(answers: Record<number, () => Promise<Uint8Array>>) {
  const calls: Array<{ tag: number; context: Readonly<Record<string, string>>; signal: AbortSignal }> = [];
  const fn: DecryptFn = (ciphertext, context, signal) => {
    calls.push({ tag: ciphertext[0]!, context, signal });
    return answers[ciphertext[0]!]!();
  };
  return { fn, calls };
}

describe("openPlan", () => {
  it("opens variables and bundle entries into one frozen object, every call with the plan's context", async () => {
    const d = scripted({ 1: async () => enc("pw"), 2: async () => enc('{"API_KEY":"ak","TOKEN":"tk"}') });
    const out = await openPlan(plan([item("DB_PASSWORD", 1), item("ENVSEAL_BUNDLE", 2, true)]), d.fn, 1000);
    expect(out).toEqual({ DB_PASSWORD: "pw", API_KEY: "ak", TOKEN: "tk" });
    expect(Object.isFrozen(out)).toBe(true);
    expect(d.calls.map((c) => [c.tag, c.context])).toEqual([
      [1, { LambdaFunctionName: "orders-api" }],
      [2, { LambdaFunctionName: "orders-api" }],
    ]);
    expect(d.calls[0]!.signal.aborted).toBe(false);
  });

  it("starts every Decrypt before any answers", async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const d = scripted({ 1: () => gate.then(() => enc("a")), 2: () => gate.then(() => enc("b")) });
    const p = openPlan(plan([item("A1", 1), item("B1", 2)]), d.fn, 1000);
    await Promise.resolve();
    expect(d.calls).toHaveLength(2);
    release();
    await expect(p).resolves.toEqual({ A1: "a", B1: "b" });
  });

  it("reports the first failing item in plan order, whichever failed first", async () => {
    const d = scripted({
      1: () => new Promise((_, reject) => setTimeout(() => reject(sdkError("AccessDeniedException", 400)), 20)),
      2: () => Promise.reject(sdkError("InvalidCiphertextException", 400)),
    });
    await expect(openPlan(plan([item("A1", 1), item("B1", 2)]), d.fn, 5000)).rejects.toMatchObject({ variable: "A1", code: "AccessDeniedException" });
  });

  it("a name both bundled and sealed on its own is a Conflict; bad plaintexts name their variable", async () => {
    const conflict = scripted({ 1: async () => enc("pw"), 2: async () => enc('{"DB_PASSWORD":"other"}') });
    await expect(openPlan(plan([item("DB_PASSWORD", 1), item("ENVSEAL_BUNDLE", 2, true)]), conflict.fn, 1000)).rejects.toMatchObject({
      code: "Conflict",
      variable: "DB_PASSWORD",
      message: "DB_PASSWORD is both in ENVSEAL_BUNDLE and a sealed variable of its own",
    });
    const notUtf8 = scripted({ 1: async () => new Uint8Array([0xff, 0xfe]) });
    await expect(openPlan(plan([item("A1", 1)]), notUtf8.fn, 1000)).rejects.toMatchObject({ code: "NotUtf8", variable: "A1", message: "A1: opened, but the plaintext is not UTF-8" });
    const badBundle = scripted({ 2: async () => enc("[1]") });
    await expect(openPlan(plan([item("ENVSEAL_BUNDLE", 2, true)]), badBundle.fn, 1000)).rejects.toMatchObject({
      code: "InvalidBundle",
      variable: "ENVSEAL_BUNDLE",
      message: "ENVSEAL_BUNDLE: the bundle opened but is not a JSON object",
    });
  });

  it("a Decrypt that never answers is aborted at the bound, and the error names the bound", async () => {
    const d = scripted({ 1: () => new Promise<Uint8Array>(() => undefined) });
    await expect(openPlan(plan([item("A1", 1)]), d.fn, 30)).rejects.toMatchObject({ code: "Timeout", variable: "A1", message: expect.stringContaining("timed out after 30 ms") });
    expect(d.calls[0]!.signal.aborted).toBe(true);
  });

  it("an empty plan opens to an empty frozen object without a call", async () => {
    const d = scripted({});
    const out = await openPlan(plan([]), d.fn, 10);
    expect(out).toEqual({});
    expect(Object.isFrozen(out)).toBe(true);
    expect(d.calls).toHaveLength(0);
  });
});

describe("openPlan's details", () => {
  it("each failure carries its hint", async () => {
    const notUtf8 = scripted({ 1: async () => new Uint8Array([0xc3]) });
    await expect(openPlan(plan([item("A1", 1)]), notUtf8.fn, 1000)).rejects.toMatchObject({ code: "NotUtf8", hint: "re-seal the value as UTF-8 text" });
    const badBundle = scripted({ 2: async () => enc("not json") });
    await expect(openPlan(plan([item("ENVSEAL_BUNDLE", 2, true)]), badBundle.fn, 1000)).rejects.toMatchObject({
      code: "InvalidBundle",
      hint: "re-create it with `envseal push --bundle`",
    });
    const conflict = scripted({ 1: async () => enc("pw"), 2: async () => enc('{"A1":"other"}') });
    await expect(openPlan(plan([item("A1", 1), item("ENVSEAL_BUNDLE", 2, true)]), conflict.fn, 1000)).rejects.toMatchObject({
      code: "Conflict",
      hint: "keep it in one place: `envseal unset` the variable or re-create the bundle without it",
    });
  });

  it("a v1 bundle counts as generation 0 for minBundleGeneration (no seal time to name)", async () => {
    const d = scripted({ 2: async () => enc('{"API_KEY":"ak"}') });
    await expect(openPlan(plan([item("ENVSEAL_BUNDLE", 2, true)]), d.fn, 1000, { minBundleGeneration: 1 })).rejects.toMatchObject({
      code: "BundleRolledBack",
      variable: "ENVSEAL_BUNDLE",
      message: "ENVSEAL_BUNDLE is generation 0: older than the handler's minBundleGeneration 1",
      hint: "an older bundle was put back into the configuration: push the secrets again, or lower minBundleGeneration if this is intended",
    });
    await expect(openPlan(plan([item("ENVSEAL_BUNDLE", 2, true)]), d.fn, 1000, { minBundleGeneration: 0 })).resolves.toEqual({ API_KEY: "ak" });
  });

  it("the shared abort signal allows four listeners per item plus two, at least ten", async () => {
    const seen: number[] = [];
    const fn: DecryptFn = async (_c, _x, signal) => (seen.push(getMaxListeners(signal)), enc("v"));
    await openPlan(plan(["A", "B", "C", "D", "E"].map((v, i) => item(v, i))), fn, 1000);
    await openPlan(plan([item("A", 1)]), fn, 1000);
    expect(seen).toEqual([22, 22, 22, 22, 22, 10]);
  });

  it("a Decrypt that ignores the signal is cut off by an AbortError at the bound", async () => {
    const d = scripted({ 1: () => new Promise<Uint8Array>(() => undefined) });
    await expect(openPlan(plan([item("A1", 1)]), d.fn, 20)).rejects.toMatchObject({ code: "Timeout", cause: { name: "AbortError" } });
  });

  it("once opened, the bound's timer is cleared: the signal is never aborted afterwards", async () => {
    const d = scripted({ 1: async () => enc("v") });
    await openPlan(plan([item("A1", 1)]), d.fn, 20);
    await new Promise((r) => setTimeout(r, 50));
    expect(d.calls[0]!.signal.aborted).toBe(false);
  });
});
