/** The at-rest key checker: one lookup per key in the key's own region, each KMS answer mapped to a KeyCheck. */
import { beforeEach, describe, expect, it } from "vitest";
import { mockClient } from "aws-sdk-client-mock";
import { DescribeKeyCommand, GetKeyRotationStatusCommand, KMSClient } from "@aws-sdk/client-kms";
import { createKeyChecker, keyRegion, offlineKeys } from "../../src/audit/keys.js";
import { sdkError } from "../support/sdk-errors.js";

const kmsMock = mockClient(KMSClient);
const KEY = "arn:aws:kms:eu-west-1:111122223333:key/00000000-0000-0000-0000-00000000000a";
const meta = (over: Record<string, unknown> = {}) => ({ KeyMetadata: { KeyId: "key-id-a", Arn: KEY, KeyManager: "CUSTOMER" as const, KeyState: "Enabled" as const, ...over } });

beforeEach(() => kmsMock.reset());

function checker() {
  const regions: string[] = [];
  const c = createKeyChecker((region) => (regions.push(region), new KMSClient({ region })), "us-east-1");
  return { c, regions };
}

describe("createKeyChecker", () => {
  it("an enabled customer key with rotation: ok/enabled, asking rotation by key id, once per key, in the key's region", async () => {
    kmsMock.on(DescribeKeyCommand).resolves(meta());
    kmsMock.on(GetKeyRotationStatusCommand).resolves({ KeyRotationEnabled: true });
    const { c, regions } = checker();
    expect(await c.lookup(KEY)).toEqual({ status: "ok", rotation: "enabled" });
    expect(await c.lookup(KEY)).toEqual({ status: "ok", rotation: "enabled" });
    expect(kmsMock.commandCalls(DescribeKeyCommand).map((x) => x.args[0].input)).toEqual([{ KeyId: KEY }]);
    expect(kmsMock.commandCalls(GetKeyRotationStatusCommand).map((x) => x.args[0].input)).toEqual([{ KeyId: "key-id-a" }]);
    expect(regions).toEqual(["eu-west-1"]);
    expect(c.size()).toBe(1);
    expect(await c.unchecked()).toEqual([]);
  });

  it("rotation off, or not readable", async () => {
    kmsMock.on(DescribeKeyCommand).resolves(meta());
    kmsMock.on(GetKeyRotationStatusCommand).resolves({ KeyRotationEnabled: false });
    expect(await checker().c.lookup(KEY)).toEqual({ status: "ok", rotation: "disabled" });
    kmsMock.on(GetKeyRotationStatusCommand).rejects(sdkError("AccessDeniedException", 400));
    expect(await checker().c.lookup(KEY)).toEqual({ status: "ok", rotation: "unknown" });
  });

  it("an AWS managed key rotates; a key not Enabled is unusable with its state", async () => {
    kmsMock.on(DescribeKeyCommand).resolves(meta({ KeyManager: "AWS" }));
    expect(await checker().c.lookup(KEY)).toEqual({ status: "ok", rotation: "enabled" });
    expect(kmsMock.commandCalls(GetKeyRotationStatusCommand)).toHaveLength(0);
    kmsMock.on(DescribeKeyCommand).resolves(meta({ KeyState: "PendingDeletion" }));
    expect(await checker().c.lookup(KEY)).toEqual({ status: "unusable", state: "PendingDeletion" });
    kmsMock.on(DescribeKeyCommand).resolves(meta({ KeyState: undefined, Enabled: false }));
    expect(await checker().c.lookup(KEY)).toEqual({ status: "unusable", state: "Disabled" });
  });

  it("missing, throttled and other failures; the unknown ones are listed with their reason", async () => {
    kmsMock.on(DescribeKeyCommand).rejects(sdkError("NotFoundException", 400));
    expect(await checker().c.lookup(KEY)).toEqual({ status: "missing" });
    kmsMock.on(DescribeKeyCommand).rejects(sdkError("ThrottlingException", 400));
    const { c } = checker();
    expect(await c.lookup(KEY)).toEqual({ status: "unknown", reason: "kms:DescribeKey throttled after retries (ThrottlingException)" });
    kmsMock.on(DescribeKeyCommand).rejects(sdkError("AccessDeniedException", 400));
    const other = "arn:aws:kms:us-west-2:111122223333:key/b";
    expect(await c.lookup(other)).toEqual({ status: "unknown", reason: "kms:DescribeKey failed (AccessDeniedException)" });
    expect(await c.unchecked()).toEqual([
      { key: KEY, reason: "kms:DescribeKey throttled after retries (ThrottlingException)" },
      { key: other, reason: "kms:DescribeKey failed (AccessDeniedException)" },
    ]);
    expect(c.size()).toBe(2);
  });

  it("a key reference without a region goes to the default region; offline keys are never checked", async () => {
    kmsMock.on(DescribeKeyCommand).resolves(meta());
    const { c, regions } = checker();
    await c.lookup("alias/x");
    expect(regions).toEqual(["us-east-1"]);
    expect(keyRegion("arn:aws-cn:kms:cn-north-1:111122223333:key/a")).toBe("cn-north-1");
    expect(keyRegion("alias/x")).toBeUndefined();
    expect(await offlineKeys(KEY)).toEqual({ status: "not-checked", reason: "offline input: KMS was not called" });
  });
});
