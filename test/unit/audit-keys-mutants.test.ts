/**
 * The at-rest key checker, the parts the main test leaves open: keys.ts is loaded in beforeAll (its module constants
 * — the "missing" codes, offlineKeys — are what is tested), DescribeKey answers without metadata or state, bare key
 * ids per account, and the ARN parsers' anchors and partitions.
 */
import { DescribeKeyCommand, GetKeyRotationStatusCommand, KMSClient } from "@aws-sdk/client-kms";
import { mockClient } from "aws-sdk-client-mock";
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { sdkError } from "../support/sdk-errors.js";

type Keys = typeof import("../../src/audit/keys.js");
let createKeyChecker: Keys["createKeyChecker"];
let keyRegion: Keys["keyRegion"];
let keyAccount: Keys["keyAccount"];
let offlineKeys: Keys["offlineKeys"];
beforeAll(async () => {
  ({ createKeyChecker, keyRegion, keyAccount, offlineKeys } = await import("../../src/audit/keys.js"));
});

const kmsMock = mockClient(KMSClient);
beforeEach(() => kmsMock.reset());

const KEY = "arn:aws:kms:eu-west-1:111122223333:key/00000000-0000-0000-0000-00000000000a";

function checker() {
  const calls: Array<[string, string, string | undefined]> = [];
  const c = createKeyChecker((region, keyArn, account) => (calls.push([region, keyArn, account]), new KMSClient({ region })), "us-east-1");
  return { c, calls };
}

describe("KMS answers", () => {
  it("NotFoundException is a missing key, not an unchecked one", async () => {
    kmsMock.on(DescribeKeyCommand).rejects(sdkError("NotFoundException", 400));
    const { c } = checker();
    expect(await c.lookup(KEY)).toEqual({ status: "missing" });
    expect(await c.unchecked()).toEqual([]);
  });

  it("DescribeKey without metadata: taken as enabled, rotation asked by the ARN given", async () => {
    kmsMock.on(DescribeKeyCommand).resolves({});
    kmsMock.on(GetKeyRotationStatusCommand).resolves({ KeyRotationEnabled: false });
    expect(await checker().c.lookup(KEY)).toEqual({ status: "ok", rotation: "disabled" });
    expect(kmsMock.commandCalls(GetKeyRotationStatusCommand).map((x) => x.args[0].input)).toEqual([{ KeyId: KEY }]);
  });

  it("metadata without KeyState: Enabled true (or absent) is enabled", async () => {
    kmsMock.on(DescribeKeyCommand).resolves({ KeyMetadata: { KeyId: "key-id-a", KeyManager: "CUSTOMER", Enabled: true } });
    kmsMock.on(GetKeyRotationStatusCommand).resolves({ KeyRotationEnabled: true });
    expect(await checker().c.lookup(KEY)).toEqual({ status: "ok", rotation: "enabled" });
    kmsMock.on(DescribeKeyCommand).resolves({ KeyMetadata: { KeyId: "key-id-a", KeyManager: "CUSTOMER" } });
    expect(await checker().c.lookup(KEY)).toEqual({ status: "ok", rotation: "enabled" });
    expect(kmsMock.commandCalls(GetKeyRotationStatusCommand).map((x) => x.args[0].input)).toEqual([{ KeyId: "key-id-a" }, { KeyId: "key-id-a" }]);
  });
});

describe("cache identity: bare key ids are per account, ARNs are global", () => {
  it("the same bare id in two accounts is two keys; in the same account, one", async () => {
    kmsMock.on(DescribeKeyCommand).rejects(sdkError("AccessDeniedException", 400));
    const { c, calls } = checker();
    await c.lookup("alias/app", "111122223333");
    await c.lookup("alias/app", "444455556666");
    await c.lookup("alias/app", "111122223333");
    expect(calls).toEqual([
      ["us-east-1", "alias/app", "111122223333"],
      ["us-east-1", "alias/app", "444455556666"],
    ]);
    expect(kmsMock.commandCalls(DescribeKeyCommand).map((x) => x.args[0].input)).toEqual([{ KeyId: "alias/app" }, { KeyId: "alias/app" }]);
    expect(await c.unchecked()).toEqual([
      { key: "111122223333/alias/app", reason: "kms:DescribeKey failed (AccessDeniedException)" },
      { key: "444455556666/alias/app", reason: "kms:DescribeKey failed (AccessDeniedException)" },
    ]);
  });

  it("a full ARN looked up for two accounts is one key, listed by its ARN; a bare id without account by itself", async () => {
    kmsMock.on(DescribeKeyCommand).rejects(sdkError("AccessDeniedException", 400));
    const { c, calls } = checker();
    await c.lookup(KEY, "111122223333");
    await c.lookup(KEY, "444455556666");
    await c.lookup("alias/app");
    expect(calls).toEqual([
      ["eu-west-1", KEY, "111122223333"],
      ["us-east-1", "alias/app", undefined],
    ]);
    expect((await c.unchecked()).map((u) => u.key)).toEqual([KEY, "alias/app"]);
    expect(c.size()).toBe(2);
  });
});

describe("ARN parsers", () => {
  it("keyRegion and keyAccount read only an ARN that starts the string, in any partition", () => {
    expect(keyRegion(KEY)).toBe("eu-west-1");
    expect(keyAccount(KEY)).toBe("111122223333");
    expect(keyAccount("arn:aws-us-gov:kms:us-gov-west-1:111122223333:key/k1")).toBe("111122223333");
    expect(keyRegion(`x${KEY}`)).toBeUndefined();
    expect(keyAccount(`x${KEY}`)).toBeUndefined();
    expect(keyAccount("alias/app")).toBeUndefined();
  });
});

describe("offlineKeys", () => {
  it("never calls KMS and says why", async () => {
    expect(await offlineKeys(KEY)).toEqual({ status: "not-checked", reason: "offline input: KMS was not called" });
    expect(kmsMock.calls()).toHaveLength(0);
  });
});
