/** push: no-op pushes write nothing, the bundle after --plain / --no-bundle, KMS's 4096-byte plaintext limit in UTF-8 bytes. */
import { beforeEach, describe, expect, it } from "vitest";
import { DecryptCommand, DescribeKeyCommand, EncryptCommand } from "@aws-sdk/client-kms";
import { GetFunctionConfigurationCommand, UpdateFunctionConfigurationCommand, type FunctionConfiguration } from "@aws-sdk/client-lambda";
import { push } from "../../src/ops/push.js";
import { sdkError } from "../support/sdk-errors.js";
import { kmsMock, lambdaMock, deps, FN_ARN } from "../support/ops-mocks.js";

const KEY = "arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";
const BUNDLE = Buffer.from("bundle".padEnd(140, "#")).toString("base64");
const VALUE = Buffer.from("value".padEnd(140, "#")).toString("base64");
const sealedBlob = (n: number) => new Uint8Array(150).fill(n);
const sealedText = (n: number) => Buffer.from(sealedBlob(n)).toString("base64");

function config(vars: Record<string, string>, extra: Partial<FunctionConfiguration> = {}): FunctionConfiguration {
  return { FunctionName: "orders-api", FunctionArn: FN_ARN, Environment: { Variables: vars }, RevisionId: "rev-1", LastUpdateStatus: "Successful", KMSKeyArn: KEY, ...extra };
}
let bundleEntries: Record<string, string>;
const encrypts = () => kmsMock.commandCalls(EncryptCommand).map((c) => c.args[0].input);
const updates = () => lambdaMock.commandCalls(UpdateFunctionConfigurationCommand).map((c) => c.args[0].input);

beforeEach(() => {
  kmsMock.reset();
  lambdaMock.reset();
  bundleEntries = { TOKEN: "t1", API_KEY: "k1" };
  kmsMock.on(DescribeKeyCommand).resolves({ KeyMetadata: { KeyId: "k", Arn: KEY, KeyManager: "CUSTOMER", KeyState: "Enabled", KeySpec: "SYMMETRIC_DEFAULT", KeyUsage: "ENCRYPT_DECRYPT" } });
  kmsMock.on(DecryptCommand).callsFake(async (input) => {
    if (input.EncryptionContext?.LambdaFunctionName !== "orders-api") throw sdkError("InvalidCiphertextException");
    const c = Buffer.from(input.CiphertextBlob).toString("base64");
    if (c === BUNDLE) {
      // A v2 bundle (opened with EnvsealVariable) holds the v2 document; a v1 bundle the bare JSON object.
      const v2 = input.EncryptionContext?.EnvsealVariable === "ENVSEAL_BUNDLE";
      const doc = v2 ? { envseal: 2, generation: 3, sealedAt: "2026-01-01T00:00:00.000Z", secrets: bundleEntries } : bundleEntries;
      return { Plaintext: new TextEncoder().encode(JSON.stringify(doc)), KeyId: KEY };
    }
    if (c === VALUE) return { Plaintext: new TextEncoder().encode("v1"), KeyId: KEY };
    throw sdkError("InvalidCiphertextException");
  });
  let n = 0;
  kmsMock.on(EncryptCommand).callsFake(async () => ({ CiphertextBlob: sealedBlob(++n), KeyId: KEY }));
  lambdaMock.on(UpdateFunctionConfigurationCommand).resolves({ RevisionId: "rev-2" });
});

describe("push that changes nothing", () => {
  it("a plain value already in place: no Encrypt, no write", async () => {
    lambdaMock.on(GetFunctionConfigurationCommand).resolves(config({ LOG_LEVEL: "debug" }));
    const r = await push(deps, { functionName: "orders-api", secrets: {}, plain: { LOG_LEVEL: "debug" } });
    expect([r.written, r.dryRun, r.live, r.revisionId]).toEqual([false, false, true, "rev-1"]);
    expect(r.diff).toEqual({ added: [], changed: [], removed: [], unchanged: 1 });
    expect(updates()).toEqual([]);
  });

  it("bundled entries pushed again with the same values under the same key: the bundle is not re-sealed, nothing written", async () => {
    // A v2 bundle: pushing into a v1 bundle re-seals it as v2, which is a change.
    lambdaMock.on(GetFunctionConfigurationCommand).resolves(config({ ENVSEAL_BUNDLE: BUNDLE, ENVSEAL_SEALED: "ENVSEAL_BUNDLE:v2" }));
    const r = await push(deps, { functionName: "orders-api", secrets: { TOKEN: "t1" } });
    expect(encrypts()).toEqual([]);
    expect(updates()).toEqual([]);
    expect([r.written, r.storage, r.sealingKeyArn]).toEqual([false, "bundle", undefined]);
  });

  it("the same at-rest key as now is not rewritten", async () => {
    lambdaMock.on(GetFunctionConfigurationCommand).resolves(config({ A1: "1" }));
    await push(deps, { functionName: "orders-api", secrets: {}, plain: { A1: "2" }, atRestKey: KEY });
    expect(updates()).toEqual([{ FunctionName: FN_ARN, RevisionId: "rev-1", Environment: { Variables: { A1: "2" } } }]);
  });
});

describe("push and the bundle", () => {
  it("a bundled name pushed --plain leaves the bundle, which is re-sealed for this function with the rest", async () => {
    lambdaMock.on(GetFunctionConfigurationCommand).resolves(config({ ENVSEAL_BUNDLE: BUNDLE }));
    await expect(push(deps, { functionName: "orders-api", secrets: {}, plain: { TOKEN: "now-plain" } })).rejects.toThrow("TOKEN is sealed now; this push would store it in plain text");
    expect([encrypts(), updates()]).toEqual([[], []]);
    const r = await push(deps, { functionName: "orders-api", secrets: {}, plain: { TOKEN: "now-plain" }, unseal: true });
    expect(encrypts()).toHaveLength(1);
    expect(encrypts()[0]!.KeyId).toBe(KEY);
    expect(encrypts()[0]!.EncryptionContext).toEqual({ LambdaFunctionName: "orders-api", EnvsealVariable: "ENVSEAL_BUNDLE" });
    const doc = JSON.parse(new TextDecoder().decode(encrypts()[0]!.Plaintext));
    expect([doc.envseal, JSON.stringify(doc.secrets)]).toEqual([2, '{"API_KEY":"k1"}']);
    expect(updates()[0]!.Environment!.Variables).toEqual({ ENVSEAL_BUNDLE: sealedText(1), ENVSEAL_SEALED: "ENVSEAL_BUNDLE:v2", TOKEN: "now-plain" });
    // TOKEN moved out of the bundle into plain text: one change, bundled → plain.
    expect(r.diff.changed.map((c) => `${c.name}:${c.from ?? ""}:${c.kind}`)).toEqual(["ENVSEAL_BUNDLE::envseal", "TOKEN:bundled:plain"]);
    expect([...r.diff.added, ...r.diff.removed].map((c) => c.name)).not.toContain("TOKEN");
  });

  it("the last bundled name pushed --plain deletes the bundle", async () => {
    bundleEntries = { TOKEN: "t1" };
    lambdaMock.on(GetFunctionConfigurationCommand).resolves(config({ ENVSEAL_BUNDLE: BUNDLE }));
    await push(deps, { functionName: "orders-api", secrets: {}, plain: { TOKEN: "now-plain" }, unseal: true });
    expect(encrypts()).toEqual([]);
    expect(updates()[0]!.Environment!.Variables).toEqual({ TOKEN: "now-plain" });
  });

  it("--no-bundle seals each entry for this function and deletes the bundle; a --plain name is not re-sealed", async () => {
    lambdaMock.on(GetFunctionConfigurationCommand).resolves(config({ ENVSEAL_BUNDLE: BUNDLE }));
    await push(deps, { functionName: "orders-api", secrets: {}, plain: { API_KEY: "p" }, bundle: false, unseal: true });
    expect(encrypts().map((e) => [e.EncryptionContext, new TextDecoder().decode(e.Plaintext)])).toEqual([[{ LambdaFunctionName: "orders-api", EnvsealVariable: "TOKEN" }, "t1"]]);
    expect(updates()[0]!.Environment!.Variables).toEqual({ API_KEY: "p", TOKEN: sealedText(1), ENVSEAL_SEALED: "TOKEN:v2" });
  });

  it("--bundle moves per-variable secrets in, opening them with this function's context", async () => {
    lambdaMock.on(GetFunctionConfigurationCommand).resolves(config({ OLD1: VALUE, ENVSEAL_SEALED: "OLD1", KEEP: "k" }));
    const r = await push(deps, { functionName: "orders-api", secrets: { NEW1: "n1" }, bundle: true });
    expect(encrypts()[0]!.EncryptionContext).toEqual({ LambdaFunctionName: "orders-api", EnvsealVariable: "ENVSEAL_BUNDLE" });
    const doc = JSON.parse(new TextDecoder().decode(encrypts()[0]!.Plaintext));
    expect([doc.envseal, doc.generation, JSON.stringify(doc.secrets)]).toEqual([2, 1, '{"NEW1":"n1","OLD1":"v1"}']);
    expect(updates()[0]!.Environment!.Variables).toEqual({ KEEP: "k", ENVSEAL_BUNDLE: sealedText(1), ENVSEAL_SEALED: "ENVSEAL_BUNDLE:v2" });
    expect([r.storage, r.sealingKeyArn]).toEqual(["bundle", KEY]);
    // ENVSEAL_SEALED stays, now listing the v2 bundle.
    // OLD1 moved into the bundle: one change, sealed → bundled; NEW1 is new in it.
    expect(r.diff.removed.map((c) => c.name)).toEqual([]);
    expect(r.diff.changed.map((c) => `${c.name}:${c.from ?? ""}:${c.kind}`)).toEqual(["ENVSEAL_SEALED::envseal", "OLD1:sealed:bundled"]);
  });
});

describe("KMS's 4096-byte plaintext limit, in UTF-8 bytes", () => {
  it("a value of exactly 4096 bytes seals; one more byte (a 2-byte character) is refused before any Encrypt", async () => {
    lambdaMock.on(GetFunctionConfigurationCommand).resolves(config({}));
    await expect(push(deps, { functionName: "orders-api", secrets: { BIG: "x".repeat(4096) }, dryRun: true })).resolves.toMatchObject({ dryRun: true });
    expect(encrypts()).toHaveLength(1);
    const twoByte = `${"x".repeat(4095)}é`;
    expect(twoByte.length).toBe(4096);
    await expect(push(deps, { functionName: "orders-api", secrets: { BIG: twoByte } })).rejects.toThrow("BIG is 4097 bytes; KMS seals at most 4096");
    expect(encrypts()).toHaveLength(1);
    await expect(push(deps, { functionName: "orders-api", secrets: { EMPTY1: "" } })).rejects.toThrow("EMPTY1 is empty; there is nothing to seal");
  });

  it("a bundle of more than 4096 bytes is refused, naming its size", async () => {
    lambdaMock.on(GetFunctionConfigurationCommand).resolves(config({}));
    // {"envseal":2,"generation":1,"sealedAt":"<24-char ISO time>","secrets":{"BIG":"…"}} is 87 bytes around the value.
    await expect(push(deps, { functionName: "orders-api", secrets: { BIG: "x".repeat(4009) }, bundle: true, dryRun: true })).resolves.toMatchObject({ storage: "bundle" });
    await expect(push(deps, { functionName: "orders-api", secrets: { BIG: `${"x".repeat(4008)}é` }, bundle: true })).rejects.toThrow(
      "the bundle would hold 4097 bytes; KMS seals at most 4096",
    );
  });
});
