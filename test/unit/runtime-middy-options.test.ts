/** The middy middleware and withSecrets with a scripted KMS client: the bound passed on, the context key, request.internal. */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { KMSClient } from "@aws-sdk/client-kms";
import { envsealMiddleware } from "../../src/runtime/middy.js";
import { withSecrets } from "../../src/runtime/with-secrets.js";
import { resetSecrets } from "../../src/runtime/load.js";

const client = {
  send: async (command: { input: { CiphertextBlob: Uint8Array } }) => ({ Plaintext: new TextEncoder().encode(`v${command.input.CiphertextBlob[0]}`) }),
} as unknown as KMSClient;

beforeEach(() => {
  resetSecrets();
  vi.stubEnv("AWS_LAMBDA_FUNCTION_NAME", "orders-api");
  vi.stubEnv("ENVSEAL_SEALED", "A1");
  vi.stubEnv("A1", Buffer.alloc(120, 7).toString("base64"));
});
afterEach(() => {
  vi.unstubAllEnvs();
  resetSecrets();
});

describe("envsealMiddleware", () => {
  it("is named envseal and puts the frozen secrets on context.secrets and into request.internal", async () => {
    const mw = envsealMiddleware({ client });
    expect(mw.name).toBe("envseal");
    const request = { context: { getRemainingTimeInMillis: () => 30_000 }, internal: { other: 1 } as Record<string, unknown> } as never as Parameters<NonNullable<typeof mw.before>>[0];
    await mw.before!(request);
    const ctx = request.context as unknown as Record<string, unknown>;
    expect(ctx.secrets).toEqual({ A1: "v7" });
    expect(Object.isFrozen(ctx.secrets)).toBe(true);
    expect(request.internal).toEqual({ other: 1, A1: "v7" });
  });

  it("honours contextKey and works without request.internal", async () => {
    const mw = envsealMiddleware({ client, contextKey: "vault" });
    const request = { context: {} } as never as Parameters<NonNullable<typeof mw.before>>[0];
    await mw.before!(request);
    expect((request.context as unknown as Record<string, unknown>).vault).toEqual({ A1: "v7" });
    expect((request.context as unknown as Record<string, unknown>).secrets).toBeUndefined();
  });
});

describe("withSecrets", () => {
  it("passes event, context and the secrets to the handler and returns its result", async () => {
    const calls: unknown[][] = [];
    type Ctx = { tag: string; getRemainingTimeInMillis: () => number };
    const context: Ctx = { tag: "ctx", getRemainingTimeInMillis: () => 30_000 };
    const handler = withSecrets(async (event: { n: number }, ctx: Ctx, secrets) => (calls.push([event, ctx, secrets]), event.n * 2), { client });
    await expect(handler({ n: 21 }, context)).resolves.toBe(42);
    expect(calls).toEqual([[{ n: 21 }, context, { A1: "v7" }]]);
  });
});
