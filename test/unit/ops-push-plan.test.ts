/** pushPlanner called directly on hand-made function states: what each state plans to, with KMS mocked. */
import { beforeEach, describe, expect, it } from "vitest";
import { DecryptCommand, DescribeKeyCommand, EncryptCommand } from "@aws-sdk/client-kms";
import { pushPlanner, type PushPlannerInput } from "../../src/ops/push-plan.js";
import type { PushRequest } from "../../src/ops/push.js";
import type { FunctionState } from "../../src/lambda/config.js";
import type { KeyInfo } from "../../src/kms/keys.js";
import { InputError } from "../../src/core/errors.js";
import { sdkError } from "../support/sdk-errors.js";
import { kmsMock, deps, FN_ARN, meta } from "../support/ops-mocks.js";

const KEY = "arn:aws:kms:eu-west-1:111122223333:key/00000000-0000-0000-0000-0000000000aa";
const KEY2 = "arn:aws:kms:eu-west-1:111122223333:key/00000000-0000-0000-0000-0000000000cc";
const ct = (tag: string) => Buffer.from(tag.padEnd(140, "#")).toString("base64");
const BUNDLE_V2 = ct("bundle-v2");
const BUNDLE_V1 = ct("bundle-v1");
const VALUE_V1 = ct("value-v1");
const VALUE_V2 = ct("value-v2");
const sealedBlob = (n: number) => new Uint8Array(150).fill(n);
const sealedText = (n: number) => Buffer.from(sealedBlob(n)).toString("base64");
const bundleEntries = { TOKEN: "t1", API_KEY: "k1" };

const state = (variables: Record<string, string>, kmsKeyArn: string | undefined = KEY): FunctionState => ({
  name: "orders-api",
  arn: FN_ARN,
  role: undefined,
  variables,
  kmsKeyArn,
  revisionId: "rev-1",
  environmentError: undefined,
});
const keyInfo = (arn: string): KeyInfo => ({ ref: arn, arn, keyId: "k", manager: "CUSTOMER", state: "Enabled", spec: "SYMMETRIC_DEFAULT", usage: "ENCRYPT_DECRYPT" }) as KeyInfo;
const plan = (req: Partial<PushRequest>, vars: Record<string, string>, extra: Partial<PushPlannerInput> = {}, kmsKeyArn: string | undefined = KEY) =>
  pushPlanner({ deps, req: { functionName: "orders-api", secrets: {}, ...req } as PushRequest, key: undefined, atRest: undefined, ...extra })(state(vars, kmsKeyArn));
const encrypts = () =>
  kmsMock.commandCalls(EncryptCommand).map((c) => ({
    KeyId: c.args[0].input.KeyId,
    context: c.args[0].input.EncryptionContext,
    plaintext: new TextDecoder().decode(c.args[0].input.Plaintext),
  }));
const bundleDoc = (i: number) => JSON.parse(encrypts()[i]!.plaintext) as { envseal: number; generation: number; secrets: Record<string, string> };

beforeEach(() => {
  kmsMock.reset();
  kmsMock.on(DescribeKeyCommand).callsFake(async (input: { KeyId?: string }) => meta(input.KeyId!));
  kmsMock.on(DecryptCommand).callsFake(async (input) => {
    const c = Buffer.from(input.CiphertextBlob).toString("base64");
    const ctx = input.EncryptionContext ?? {};
    const ok = (text: string) => ({ Plaintext: new TextEncoder().encode(text), KeyId: KEY });
    if (c === BUNDLE_V2 && ctx.EnvsealVariable === "ENVSEAL_BUNDLE") return ok(JSON.stringify({ envseal: 2, generation: 3, sealedAt: "2026-01-01T00:00:00.000Z", secrets: bundleEntries }));
    if (c === BUNDLE_V1 && ctx.EnvsealVariable === undefined) return ok(JSON.stringify(bundleEntries));
    if (c === VALUE_V1 && ctx.EnvsealVariable === undefined) return ok("old-v1");
    if (c === VALUE_V2 && ctx.EnvsealVariable === "OLD_V2") return ok("old-v2");
    throw sdkError("InvalidCiphertextException");
  });
  let n = 0;
  kmsMock.on(EncryptCommand).callsFake(async (input) => ({ CiphertextBlob: sealedBlob(++n), KeyId: input.KeyId }));
});

describe("pushPlanner: plain values over sealed ones", () => {
  it("refuses one sealed variable pushed plain, naming it", async () => {
    const err = await plan({ plain: { OLD_V1: "x" } }, { OLD_V1: VALUE_V1, ENVSEAL_SEALED: "OLD_V1" }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InputError);
    expect((err as InputError).message).toBe("OLD_V1 is sealed now; this push would store it in plain text");
    expect((err as InputError).hint).toBe("pass --unseal to store a sealed value in plain text on purpose, or push it sealed (NAME=VALUE without --plain)");
  });

  it("refuses several, sealed as variables or in the bundle, with 'are' and 'them'", async () => {
    const err = await plan({ plain: { OLD_V1: "x", TOKEN: "y", FREE: "z" } }, { OLD_V1: VALUE_V1, ENVSEAL_BUNDLE: BUNDLE_V2, ENVSEAL_SEALED: "ENVSEAL_BUNDLE:v2,OLD_V1" }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InputError);
    expect((err as InputError).message).toBe("OLD_V1, TOKEN are sealed now; this push would store them in plain text");
  });

  it("--at-rest-only stores the secrets and the plain values in plain text", async () => {
    const p = await plan({ atRestOnly: true, secrets: { S_ONE: "s" }, plain: { P_ONE: "p" } }, { KEEP: "1" });
    expect(p.update.variables).toEqual({ KEEP: "1", S_ONE: "s", P_ONE: "p" });
    expect(encrypts()).toEqual([]);
  });
});

describe("pushPlanner: into a bundle", () => {
  it("--bundle moves the manifest's sealed variables in (each opened with its own wire format), not the bundle itself nor names the function lacks", async () => {
    const p = await plan(
      { bundle: true, secrets: { NEW_S: "n" } },
      { OLD_V1: VALUE_V1, OLD_V2: VALUE_V2, ENVSEAL_BUNDLE: BUNDLE_V2, ENVSEAL_SEALED: "ENVSEAL_BUNDLE:v2,GONE_VAR,OLD_V1,OLD_V2:v2", KEEP: "1" },
    );
    expect(encrypts()).toHaveLength(1);
    expect(encrypts()[0]!.KeyId).toBe(KEY);
    expect(encrypts()[0]!.context).toEqual({ LambdaFunctionName: "orders-api", EnvsealVariable: "ENVSEAL_BUNDLE" });
    expect(bundleDoc(0).secrets).toEqual({ API_KEY: "k1", NEW_S: "n", OLD_V1: "old-v1", OLD_V2: "old-v2", TOKEN: "t1" });
    // The next generation of the bundle it replaces, in wire format 2.
    expect([bundleDoc(0).envseal, bundleDoc(0).generation]).toEqual([2, 4]);
    expect(p.update.variables).toEqual({ KEEP: "1", ENVSEAL_BUNDLE: sealedText(1), ENVSEAL_SEALED: "ENVSEAL_BUNDLE:v2,GONE_VAR" });
    expect(p.storage).toBe("bundle");
    expect(p.bundleAfter).toEqual({ API_KEY: "k1", NEW_S: "n", OLD_V1: "old-v1", OLD_V2: "old-v2", TOKEN: "t1" });
    expect(p.sealingKeyArn).toBe(KEY);
  });

  it("without --bundle a function's bundle takes the new secrets but its sealed variables stay where they are", async () => {
    const p = await plan({ secrets: { NEW_S: "n" } }, { OLD_V1: VALUE_V1, ENVSEAL_BUNDLE: BUNDLE_V2, ENVSEAL_SEALED: "ENVSEAL_BUNDLE:v2,OLD_V1" });
    expect(bundleDoc(0).secrets).toEqual({ API_KEY: "k1", NEW_S: "n", TOKEN: "t1" });
    expect(p.update.variables).toEqual({ OLD_V1: VALUE_V1, ENVSEAL_BUNDLE: sealedText(1), ENVSEAL_SEALED: "ENVSEAL_BUNDLE:v2,OLD_V1" });
    expect(kmsMock.commandCalls(DecryptCommand)).toHaveLength(1);
  });

  it("the same entries under the same key and wire format: the bundle is left as it is", async () => {
    const vars = { ENVSEAL_BUNDLE: BUNDLE_V2, ENVSEAL_SEALED: "ENVSEAL_BUNDLE:v2" };
    const p = await plan({ secrets: { TOKEN: "t1" } }, vars);
    expect(encrypts()).toEqual([]);
    expect(p.update).toEqual({ variables: vars, kmsKeyArn: undefined });
    expect(p.bundleAfter).toEqual(bundleEntries);
    expect(p.sealingKeyArn).toBeUndefined();
  });

  it("the same entries under another --key: re-sealed under that key", async () => {
    const p = await plan({ secrets: { TOKEN: "t1" } }, { ENVSEAL_BUNDLE: BUNDLE_V2, ENVSEAL_SEALED: "ENVSEAL_BUNDLE:v2" }, { key: keyInfo(KEY2) });
    expect(encrypts().map((e) => e.KeyId)).toEqual([KEY2]);
    expect(p.update.variables.ENVSEAL_BUNDLE).toBe(sealedText(1));
    expect(p.sealingKeyArn).toBe(KEY2);
  });

  it("the same entries in a v1 bundle: re-sealed as v2", async () => {
    const p = await plan({ secrets: { TOKEN: "t1" } }, { ENVSEAL_BUNDLE: BUNDLE_V1, ENVSEAL_SEALED: "ENVSEAL_BUNDLE" });
    expect(encrypts()).toHaveLength(1);
    expect(encrypts()[0]!.context).toEqual({ LambdaFunctionName: "orders-api", EnvsealVariable: "ENVSEAL_BUNDLE" });
    expect(p.update.variables).toEqual({ ENVSEAL_BUNDLE: sealedText(1), ENVSEAL_SEALED: "ENVSEAL_BUNDLE:v2" });
  });

  it("--bundle on a function with no bundle and nothing to seal: no bundle before or after", async () => {
    const p = await plan({ bundle: true, plain: { LOG_LEVEL: "info" } }, { KEEP: "1" });
    expect(p.update.variables).toEqual({ KEEP: "1", LOG_LEVEL: "info" });
    expect(p.storage).toBe("bundle");
    expect(p.bundleBefore).toBeUndefined();
    expect(p.bundleAfter).toBeUndefined();
    expect(encrypts()).toEqual([]);
  });
});

describe("pushPlanner: variables", () => {
  it("wire format 1 seals with the function-only context and lists the names without :v2", async () => {
    const p = await plan({ wireVersion: 1, secrets: { S_ONE: "s" } }, { KEEP: "1" });
    expect(encrypts()).toEqual([{ KeyId: KEY, context: { LambdaFunctionName: "orders-api" }, plaintext: "s" }]);
    expect(p.update.variables).toEqual({ KEEP: "1", S_ONE: sealedText(1), ENVSEAL_SEALED: "S_ONE" });
  });

  it("an at-rest key equal to the function's is not written again; another one is", async () => {
    const same = await plan({ plain: { P_ONE: "p" } }, {}, { atRest: KEY });
    expect(same.update.kmsKeyArn).toBeUndefined();
    const other = await plan({ plain: { P_ONE: "p" } }, {}, { atRest: KEY2 });
    expect(other.update.kmsKeyArn).toBe(KEY2);
  });
});

describe("pushPlanner: the 4 KB limit", () => {
  it("suggests --bundle when the sealed variables would fit as one bundle", async () => {
    const secrets = Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`SECRET_${String(i).padStart(2, "0")}`, "v"]));
    const err = await plan({ secrets }, {}).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InputError);
    expect((err as InputError).hint).toMatch(/^as one bundle it would take about \d+ bytes: push with --bundle$/);
  });

  it("suggests --bundle when the bundle would take exactly the limit", async () => {
    const secrets = Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`SECRET_${String(i).padStart(2, "0")}`, "v"]));
    const estimate = async (m: number): Promise<number | undefined> => {
      const err = (await plan({ secrets, plain: { FILL: "x".repeat(m) } }, {}).catch((e: unknown) => e)) as InputError;
      expect(err).toBeInstanceOf(InputError);
      const found = /about (\d+) bytes/.exec(err.hint ?? "");
      return found ? Number(found[1]) : undefined;
    };
    // The estimate grows one byte per byte of FILL: aim it at exactly ENV_LIMIT_BYTES (4096).
    const probe = await estimate(1000);
    expect(probe).toBeDefined();
    expect(await estimate(1000 + 4096 - probe!)).toBe(4096);
    expect(await estimate(1000 + 4097 - probe!)).toBeUndefined();
  });

  it("does not suggest --bundle when a bundle would not fit either", async () => {
    const err = await plan({ plain: { BIG: "x".repeat(5000) } }, {}).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InputError);
    expect((err as InputError).message).toMatch(/over Lambda's limit of 4096/);
    expect((err as InputError).hint).toBe("remove or shorten variables, or keep large secrets in Secrets Manager");
  });

  it("does not suggest --bundle when the sealed variables as a bundle would still be over the limit", async () => {
    const err = await plan({ secrets: { S_ONE: "s" }, plain: { BIG: "x".repeat(5000) } }, {}).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InputError);
    expect((err as InputError).message).toMatch(/over Lambda's limit of 4096/);
    expect((err as InputError).hint).toBe("remove or shorten variables, or keep large secrets in Secrets Manager");
    expect(encrypts()).toHaveLength(1);
  });

  it("does not suggest --bundle to a push that already stores a bundle", async () => {
    const err = await plan({ bundle: true, secrets: { S_ONE: "s" }, plain: { BIG: "x".repeat(4000) } }, {}).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InputError);
    expect((err as InputError).message).toMatch(/over Lambda's limit of 4096/);
    expect((err as InputError).hint).toBe("remove or shorten variables, or keep large secrets in Secrets Manager");
  });
});

describe("pushPlanner: a manifest entry for a name the function no longer has", () => {
  it("is dropped when that name is pushed into the bundle (the bundle holds it now, not a variable)", async () => {
    const p = await plan({ bundle: true, secrets: { GONE: "g" } }, { KEEP: "1", ENVSEAL_BUNDLE: BUNDLE_V2, ENVSEAL_SEALED: "ENVSEAL_BUNDLE:v2,GONE:v2" });
    expect(p.update.variables.ENVSEAL_SEALED).toBe("ENVSEAL_BUNDLE:v2");
    expect(Object.keys(p.update.variables).sort()).toEqual(["ENVSEAL_BUNDLE", "ENVSEAL_SEALED", "KEEP"]);
    expect(bundleDoc(0).secrets).toEqual({ ...bundleEntries, GONE: "g" });
  });

  it("is replaced by the new entry when that name is pushed as a sealed variable", async () => {
    const p = await plan({ secrets: { GONE: "g" } }, { KEEP: "1", ENVSEAL_SEALED: "GONE" });
    expect(p.update.variables.ENVSEAL_SEALED).toBe("GONE:v2");
    expect(p.update.variables.GONE).toBe(sealedText(1));
  });
});
