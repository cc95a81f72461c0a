/** unset: exact update maps for variables, manifest-only names and bundle entries; absent names; the bundle's own key. */
import { beforeEach, describe, expect, it } from "vitest";
import { DecryptCommand, EncryptCommand } from "@aws-sdk/client-kms";
import { GetFunctionConfigurationCommand, UpdateFunctionConfigurationCommand } from "@aws-sdk/client-lambda";
import { unset } from "../../src/ops/unset.js";
import { sdkError } from "../support/sdk-errors.js";
import { kmsMock, lambdaMock, deps, FN_ARN, config } from "../support/ops-mocks.js";

const BUNDLE_KEY = "arn:aws:kms:eu-west-1:111122223333:key/00000000-0000-0000-0000-0000000000bb";
const BUNDLE = Buffer.from("bundle".padEnd(140, "#")).toString("base64");
let entries: Record<string, string>;
const updates = () => lambdaMock.commandCalls(UpdateFunctionConfigurationCommand).map((c) => c.args[0].input);
const encrypts = () => kmsMock.commandCalls(EncryptCommand).map((c) => c.args[0].input);

beforeEach(() => {
  kmsMock.reset();
  lambdaMock.reset();
  entries = { TOKEN: "t1", API_KEY: "k1" };
  kmsMock.on(DecryptCommand).callsFake(async (input) => {
    if (input.EncryptionContext?.LambdaFunctionName !== "orders-api") throw sdkError("InvalidCiphertextException");
    return { Plaintext: new TextEncoder().encode(JSON.stringify(entries)), KeyId: BUNDLE_KEY };
  });
  kmsMock.on(EncryptCommand).resolves({ CiphertextBlob: new Uint8Array(150).fill(7), KeyId: BUNDLE_KEY });
  lambdaMock.on(UpdateFunctionConfigurationCommand).resolves({ RevisionId: "rev-2" });
});

describe("unset", () => {
  it("removes variables and names left only in the manifest, without touching KMS", async () => {
    lambdaMock.on(GetFunctionConfigurationCommand).resolves(config({ ENVSEAL_SEALED: "A1,GHOST", A1: "c", PLAIN: "p", KEEP: "k" }));
    const r = await unset(deps, { functionName: "orders-api", names: ["A1", "GHOST", "PLAIN", "A1"] });
    expect(updates()).toEqual([{ FunctionName: FN_ARN, RevisionId: "rev-1", Environment: { Variables: { KEEP: "k" } } }]);
    expect(kmsMock.calls()).toHaveLength(0);
    // The revision is the one read back once the update is live.
    expect([r.written, r.bytes, r.functionName, r.functionArn, r.revisionId]).toEqual([true, Buffer.byteLength('{"KEEP":"k"}'), "orders-api", FN_ARN, "rev-1"]);
    expect(r.diff.removed.map((c) => `${c.name}:${c.kind}`)).toEqual(["A1:sealed", "ENVSEAL_SEALED:envseal", "PLAIN:plain"]);
  });

  it("a bundled name: the bundle is re-sealed for this function under the bundle's own key, without the name", async () => {
    lambdaMock.on(GetFunctionConfigurationCommand).resolves(config({ ENVSEAL_BUNDLE: BUNDLE, KEEP: "k" }));
    const r = await unset(deps, { functionName: "orders-api", names: ["TOKEN"] });
    expect(encrypts()).toHaveLength(1);
    expect([encrypts()[0]!.KeyId, encrypts()[0]!.EncryptionContext]).toEqual([BUNDLE_KEY, { LambdaFunctionName: "orders-api" }]);
    expect(new TextDecoder().decode(encrypts()[0]!.Plaintext)).toBe('{"API_KEY":"k1"}');
    expect(updates()[0]!.Environment!.Variables).toEqual({ KEEP: "k", ENVSEAL_BUNDLE: Buffer.from(new Uint8Array(150).fill(7)).toString("base64") });
    expect(r.diff.removed).toEqual([{ name: "TOKEN", kind: "bundled" }]);
    expect(r.diff.changed).toEqual([{ name: "ENVSEAL_BUNDLE", kind: "envseal" }]);
  });

  it("the last bundled names: the bundle goes, nothing is sealed", async () => {
    lambdaMock.on(GetFunctionConfigurationCommand).resolves(config({ ENVSEAL_BUNDLE: BUNDLE }));
    await unset(deps, { functionName: "orders-api", names: ["TOKEN", "API_KEY"] });
    expect(encrypts()).toEqual([]);
    expect(updates()[0]!.Environment!.Variables).toEqual({});
  });

  it("names set nowhere are refused, listed, and nothing is written", async () => {
    lambdaMock.on(GetFunctionConfigurationCommand).resolves(config({ ENVSEAL_BUNDLE: BUNDLE, A1: "x" }));
    await expect(unset(deps, { functionName: "orders-api", names: ["NOPE1"] })).rejects.toThrow(
      expect.objectContaining({ message: "NOPE1 is not set on orders-api", hint: "see the names with `envseal show --function orders-api`" }),
    );
    await expect(unset(deps, { functionName: "orders-api", names: ["NOPE1", "A1", "NOPE2"] })).rejects.toThrow("NOPE1, NOPE2 are not set on orders-api");
    lambdaMock.on(GetFunctionConfigurationCommand).resolves(config({ A1: "x" }));
    await expect(unset(deps, { functionName: "orders-api", names: ["TOKEN"] })).rejects.toThrow("TOKEN is not set on orders-api");
    expect(kmsMock.commandCalls(DecryptCommand)).toHaveLength(2);
    expect(updates()).toEqual([]);
  });

  it("validates before reading: function name, at least one name, envseal's own names", async () => {
    await expect(unset(deps, { functionName: "bad name", names: ["A1"] })).rejects.toThrow("invalid function name");
    await expect(unset(deps, { functionName: "orders-api", names: [] })).rejects.toThrow("unset needs at least one NAME");
    await expect(unset(deps, { functionName: "orders-api", names: ["ENVSEAL_SEALED"] })).rejects.toThrow("ENVSEAL_SEALED is managed by envseal");
    expect(lambdaMock.calls()).toHaveLength(0);
  });

  it("a 'no' at the prompt writes nothing", async () => {
    lambdaMock.on(GetFunctionConfigurationCommand).resolves(config({ A1: "x" }));
    const seen: string[] = [];
    await expect(
      unset(deps, { functionName: "orders-api", names: ["A1"], confirm: async (p) => (seen.push(p.functionName, ...p.diff.removed.map((c) => c.name)), false) }),
    ).rejects.toThrow(expect.objectContaining({ name: "Declined", message: "declined at the prompt; nothing was written", exitCode: 0 }));
    expect(seen).toEqual(["orders-api", "A1"]);
    expect(updates()).toEqual([]);
  });
});
