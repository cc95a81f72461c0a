/** Which key push seals with: --key, else the function's at-rest key, else the bundle's; and when it must refuse. */
import { beforeEach, describe, expect, it } from "vitest";
import { DecryptCommand, DescribeKeyCommand, EncryptCommand } from "@aws-sdk/client-kms";
import { GetFunctionConfigurationCommand, UpdateFunctionConfigurationCommand } from "@aws-sdk/client-lambda";
import { push } from "../../src/ops/push.js";
import { sdkError } from "../support/sdk-errors.js";
import { kmsMock, lambdaMock, deps, config, meta } from "../support/ops-mocks.js";

const AT_REST = "arn:aws:kms:eu-west-1:111122223333:key/00000000-0000-0000-0000-00000000000a";
const BUNDLE_KEY = "arn:aws:kms:eu-west-1:111122223333:key/00000000-0000-0000-0000-00000000000b";
const OTHER = "arn:aws:kms:eu-west-1:111122223333:key/00000000-0000-0000-0000-00000000000c";
const BUNDLE = Buffer.from("bundle".padEnd(140, "#")).toString("base64");
const encryptKeys = () => kmsMock.commandCalls(EncryptCommand).map((c) => c.args[0].input.KeyId);
const updates = () => lambdaMock.commandCalls(UpdateFunctionConfigurationCommand).map((c) => c.args[0].input);

beforeEach(() => {
  kmsMock.reset();
  lambdaMock.reset();
  for (const k of [AT_REST, BUNDLE_KEY, OTHER]) kmsMock.on(DescribeKeyCommand, { KeyId: k }).resolves(meta(k));
  kmsMock.on(DescribeKeyCommand, { KeyId: "alias/other" }).resolves(meta(OTHER));
  kmsMock.on(DecryptCommand).resolves({ Plaintext: new TextEncoder().encode('{"T1":"t"}'), KeyId: BUNDLE_KEY });
  kmsMock.on(EncryptCommand).resolves({ CiphertextBlob: new Uint8Array(150).fill(4), KeyId: "x" });
  lambdaMock.on(UpdateFunctionConfigurationCommand).resolves({ RevisionId: "rev-2" });
});

describe("push's sealing key", () => {
  it("without --key: the function's at-rest key, described once even across a 412 retry", async () => {
    lambdaMock.on(GetFunctionConfigurationCommand).resolvesOnce(config({}, { KMSKeyArn: AT_REST })).resolves(config({ X1: "x" }, { KMSKeyArn: AT_REST, RevisionId: "rev-9" }));
    lambdaMock.on(UpdateFunctionConfigurationCommand).rejectsOnce(sdkError("PreconditionFailedException", 412)).resolves({ RevisionId: "rev-3" });
    const r = await push(deps, { functionName: "orders-api", secrets: { A1: "a" } });
    expect(encryptKeys()).toEqual([AT_REST]);
    expect(kmsMock.commandCalls(DescribeKeyCommand).map((c) => c.args[0].input.KeyId)).toEqual([AT_REST]);
    expect(updates().map((u) => [u.RevisionId, u.KMSKeyArn])).toEqual([
      ["rev-1", undefined],
      ["rev-9", undefined],
    ]);
    expect([r.sealingKeyArn, r.atRestKey, r.storage]).toEqual([AT_REST, AT_REST, "variables"]);
  });

  it("without --key and without an at-rest key: the bundle's key", async () => {
    lambdaMock.on(GetFunctionConfigurationCommand).resolves(config({ ENVSEAL_BUNDLE: BUNDLE }));
    await push(deps, { functionName: "orders-api", secrets: { A1: "a" } });
    expect(encryptKeys()).toEqual([BUNDLE_KEY]);
  });

  it("without any key to seal with: refused, naming the function, nothing written", async () => {
    lambdaMock.on(GetFunctionConfigurationCommand).resolves(config({ P1: "p" }));
    await expect(push(deps, { functionName: "orders-api", secrets: { A1: "a" } })).rejects.toThrow(
      expect.objectContaining({
        message: "push needs --key to seal: orders-api has no customer managed at-rest key to seal with",
        hint: "pass --key with a customer managed KMS key (alias/NAME, key id or ARN)",
      }),
    );
    expect(updates()).toEqual([]);
    await expect(push(deps, { functionName: "orders-api", secrets: { A1: "a" }, bundle: true })).rejects.toThrow("push needs --key to seal");
  });

  it("the same bundle entries under another --key are sealed again, with that key", async () => {
    lambdaMock.on(GetFunctionConfigurationCommand).resolves(config({ ENVSEAL_BUNDLE: BUNDLE }, { KMSKeyArn: BUNDLE_KEY }));
    const r = await push(deps, { functionName: "orders-api", key: "alias/other", secrets: { T1: "t" } });
    expect(encryptKeys()).toEqual([OTHER]);
    expect(updates()).toHaveLength(1);
    expect(updates()[0]!.KMSKeyArn).toBe(OTHER);
    expect(r.sealingKeyArn).toBe(OTHER);
  });

  it("validation before any call: sealed and --plain at once, nothing at all, --at-rest-only with --bundle", async () => {
    await expect(push(deps, { functionName: "orders-api", secrets: { A1: "a" }, plain: { A1: "b" } })).rejects.toThrow(
      expect.objectContaining({ message: "A1 is given both sealed and --plain", hint: "give each name once" }),
    );
    await expect(push(deps, { functionName: "orders-api", secrets: {} })).rejects.toThrow("nothing to push");
    await expect(push(deps, { functionName: "orders-api", secrets: { A1: "a" }, atRestOnly: true, bundle: true })).rejects.toThrow(
      "--at-rest-only stores values unsealed, so it cannot go with --bundle",
    );
    await expect(push(deps, { functionName: "orders-api", secrets: {}, plain: { "bad-name": "x" } })).rejects.toThrow("invalid variable name (8 characters, not shown in case it is a value): it holds a character other than letters, digits and _");
    expect(kmsMock.calls()).toHaveLength(0);
    expect(lambdaMock.calls()).toHaveLength(0);
  });

  it("--bundle alone (no values) is allowed: it moves what is there", async () => {
    lambdaMock.on(GetFunctionConfigurationCommand).resolves(config({ ENVSEAL_BUNDLE: BUNDLE }, { KMSKeyArn: BUNDLE_KEY }));
    const r = await push(deps, { functionName: "orders-api", secrets: {}, bundle: false });
    expect(updates()[0]!.Environment!.Variables).toEqual({ T1: Buffer.from(new Uint8Array(150).fill(4)).toString("base64"), ENVSEAL_SEALED: "T1:v2" });
    expect(r.storage).toBe("variables");
  });
});
