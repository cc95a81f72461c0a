/**
 * The auditor's clients, exact behaviour: `callerIdentity` (STS GetCallerIdentity; a 12-digit account or a NoAccount
 * AwsError; the partition from the ARN, `aws` without one; SDK failures mapped with the STS operation) and
 * `auditClients` (adaptive retries, one cached client per region and service, the Account, IAM and STS-identity
 * singletons, the default region from the options, else the SDK's chain, else none).
 */
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { mockClient } from "aws-sdk-client-mock";
import { STSClient, GetCallerIdentityCommand } from "@aws-sdk/client-sts";
import { AccountClient } from "@aws-sdk/client-account";
import { LambdaClient } from "@aws-sdk/client-lambda";
import { KMSClient } from "@aws-sdk/client-kms";
import { IAMClient } from "@aws-sdk/client-iam";
import { SecurityHubClient } from "@aws-sdk/client-securityhub";
import { AwsError, InputError } from "../../src/core/errors.js";
import { sdkError } from "../support/sdk-errors.js";

let mod: typeof import("../../src/audit/clients.js");
beforeAll(async () => {
  mod = await import("../../src/audit/clients.js");
});

const stsMock = mockClient(STSClient);
const ACCOUNT = "123456789012";
const sts = () => new STSClient({ region: "us-east-1", credentials: { accessKeyId: "AKIDTEST", secretAccessKey: "test" } });

beforeEach(() => {
  stsMock.reset();
  // Only what each test sets: no region or profile from the machine running the tests.
  vi.stubEnv("AWS_CONFIG_FILE", "/nonexistent/envseal-test-config");
  vi.stubEnv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/envseal-test-credentials");
  for (const name of ["AWS_REGION", "AWS_DEFAULT_REGION", "AWS_PROFILE"]) {
    vi.stubEnv(name, "");
    delete process.env[name];
  }
});
afterEach(() => vi.unstubAllEnvs());

describe("callerIdentity", () => {
  it("sends one GetCallerIdentity with no input and returns the account and the ARN's partition", async () => {
    stsMock.on(GetCallerIdentityCommand).resolves({ Account: ACCOUNT, Arn: `arn:aws-cn:sts::${ACCOUNT}:assumed-role/audit/s` });
    expect(await mod.callerIdentity(sts())).toEqual({ account: ACCOUNT, partition: "aws-cn" });
    const calls = stsMock.commandCalls(GetCallerIdentityCommand);
    expect(calls).toHaveLength(1);
    expect(calls[0]!.args[0].input).toEqual({});
  });

  it.each([
    [`arn:aws:iam::${ACCOUNT}:user/alice`, "aws"],
    [`arn:aws-us-gov:iam::${ACCOUNT}:user/alice`, "aws-us-gov"],
    [`arn:aws-cn:iam::${ACCOUNT}:root`, "aws-cn"],
    // No ARN, or one that does not start with arn:<partition>: the standard partition.
    [undefined, "aws"],
    ["", "aws"],
    [`role/arn:aws-cn:iam::${ACCOUNT}:root`, "aws"],
    [`arn:AWS:iam::${ACCOUNT}:root`, "aws"],
    [`arn:aws9:iam::${ACCOUNT}:root`, "aws"],
  ])("ARN %s: partition %s", async (arn, partition) => {
    stsMock.on(GetCallerIdentityCommand).resolves({ Account: ACCOUNT, ...(arn !== undefined ? { Arn: arn } : {}) });
    expect(await mod.callerIdentity(sts())).toEqual({ account: ACCOUNT, partition });
  });

  it.each([[undefined], [""], ["12345678901"], ["1234567890123"], [`x${ACCOUNT}`], [`${ACCOUNT}x`], ["12345678901a"]])(
    "account %s is not a 12-digit id: NoAccount AwsError",
    async (account) => {
      stsMock.on(GetCallerIdentityCommand).resolves({ ...(account !== undefined ? { Account: account } : {}), Arn: `arn:aws:iam::${ACCOUNT}:root` });
      const err = await mod.callerIdentity(sts()).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(AwsError);
      expect(err).toMatchObject({ message: "sts:GetCallerIdentity returned no account id", code: "NoAccount", operation: "sts:GetCallerIdentity" });
    },
  );

  it("refused credentials: the SDK error mapped with the STS operation", async () => {
    stsMock.on(GetCallerIdentityCommand).rejects(sdkError("ExpiredTokenException", 403));
    const err = await mod.callerIdentity(sts()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AwsError);
    expect(err).toMatchObject({
      message: "sts:GetCallerIdentity: AWS rejected the credentials (ExpiredTokenException)",
      code: "ExpiredTokenException",
      operation: "sts:GetCallerIdentity",
    });
  });

  it("an unreachable endpoint: a network AwsError naming sts:GetCallerIdentity", async () => {
    stsMock.on(GetCallerIdentityCommand).rejects(Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:1"), { code: "ECONNREFUSED" }));
    const err = await mod.callerIdentity(sts()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AwsError);
    expect(err).toMatchObject({ message: "sts:GetCallerIdentity: network error (ECONNREFUSED)", operation: "sts:GetCallerIdentity" });
  });

  it("an envseal error from the client (a refused endpoint) is passed through unchanged", async () => {
    const refused = new InputError("no AWS region is set");
    stsMock.on(GetCallerIdentityCommand).rejects(refused);
    await expect(mod.callerIdentity(sts())).rejects.toBe(refused);
  });
});

describe("auditClients", () => {
  it("Lambda clients: adaptive retries, AUDIT_MAX_ATTEMPTS, the region asked for, one per region, paced", async () => {
    const clients = mod.auditClients({ region: "eu-west-1", retryMode: "standard" });
    const a = clients.lambda("us-east-1");
    expect(a).toBeInstanceOf(LambdaClient);
    expect(clients.lambda("us-east-1")).toBe(a);
    const b = clients.lambda("eu-central-1");
    expect(b).not.toBe(a);
    expect(clients.lambda("eu-central-1")).toBe(b);
    expect(await a.config.region()).toBe("us-east-1");
    expect(await b.config.region()).toBe("eu-central-1");
    expect(await a.config.maxAttempts()).toBe(mod.AUDIT_MAX_ATTEMPTS);
    expect(mod.AUDIT_MAX_ATTEMPTS).toBe(8);
    expect(a.config.retryMode).toBe("adaptive");
    expect(((await a.config.retryStrategy()) as { mode?: string }).mode).toBe("adaptive");
    expect(a.middlewareStack.identify().some((m) => m.startsWith("envsealRateLimit"))).toBe(true);
  });

  it("the options' maxAttempts wins over the audit's; credentials given are the ones the clients sign with", async () => {
    const credentials = async () => ({ accessKeyId: "ASIAMEMBER0000000000", secretAccessKey: "s" });
    const clients = mod.auditClients({ region: "eu-west-1", maxAttempts: 3, credentials });
    expect(await clients.lambda("eu-west-1").config.maxAttempts()).toBe(3);
    expect(await clients.kms("eu-west-1").config.maxAttempts()).toBe(3);
    expect((await clients.kms("eu-west-1").config.credentials()).accessKeyId).toBe("ASIAMEMBER0000000000");
    expect((await clients.lambda("eu-west-1").config.credentials()).accessKeyId).toBe("ASIAMEMBER0000000000");
  });

  it("KMS clients: one per region, in that region, adaptive", async () => {
    const clients = mod.auditClients({ region: "eu-west-1" });
    const k = clients.kms("ap-south-1");
    expect(k).toBeInstanceOf(KMSClient);
    expect(clients.kms("ap-south-1")).toBe(k);
    expect(clients.kms("eu-west-1")).not.toBe(k);
    expect(await k.config.region()).toBe("ap-south-1");
    expect(k.config.retryMode).toBe("adaptive");
    expect(await k.config.maxAttempts()).toBe(mod.AUDIT_MAX_ATTEMPTS);
  });

  it("Security Hub clients: one per region, in that region, adaptive", async () => {
    const clients = mod.auditClients({ region: "eu-west-1" });
    const h = clients.securityHub!("eu-north-1") as SecurityHubClient;
    expect(h).toBeInstanceOf(SecurityHubClient);
    expect(clients.securityHub!("eu-north-1")).toBe(h);
    const other = clients.securityHub!("us-west-2") as SecurityHubClient;
    expect(other).toBeInstanceOf(SecurityHubClient);
    expect(other).not.toBe(h);
    expect(await h.config.region()).toBe("eu-north-1");
    expect(await other.config.region()).toBe("us-west-2");
    expect(h.config.retryMode).toBe("adaptive");
  });

  it("account() and iam(): one client each, made once", async () => {
    const clients = mod.auditClients({ region: "eu-west-1" });
    const acc = clients.account();
    expect(acc).toBeInstanceOf(AccountClient);
    expect(clients.account()).toBe(acc);
    expect(await acc.config.region()).toBe("us-east-1");
    expect(acc.config.retryMode).toBe("adaptive");
    const iam = clients.iam!();
    expect(iam).toBeInstanceOf(IAMClient);
    expect(clients.iam!()).toBe(iam);
  });

  it("identity(): GetCallerIdentity once, its answer shared by every caller", async () => {
    stsMock.on(GetCallerIdentityCommand).resolves({ Account: ACCOUNT, Arn: `arn:aws-us-gov:iam::${ACCOUNT}:root` });
    const clients = mod.auditClients({ region: "us-gov-west-1" });
    const first = clients.identity!();
    expect(clients.identity!()).toBe(first);
    expect(await first).toEqual({ account: ACCOUNT, partition: "aws-us-gov" });
    expect(await clients.identity!()).toEqual({ account: ACCOUNT, partition: "aws-us-gov" });
    expect(stsMock.commandCalls(GetCallerIdentityCommand)).toHaveLength(1);
  });

  it("defaultRegion(): the options' region first, over AWS_REGION", async () => {
    vi.stubEnv("AWS_REGION", "ap-south-1");
    expect(await mod.auditClients({ region: "eu-west-1" }).defaultRegion()).toBe("eu-west-1");
  });

  it("defaultRegion(): the options' region is answered without building a client (a broken CA bundle fails later, at the call)", async () => {
    const clients = mod.auditClients({ region: "eu-west-1", caBundle: "/nonexistent/envseal-test-ca.pem" });
    expect(await clients.defaultRegion()).toBe("eu-west-1");
    // The SDK's chain would have needed a client, and the bundle refuses to build one.
    expect(await mod.auditClients({ caBundle: "/nonexistent/envseal-test-ca.pem" }).defaultRegion()).toBeUndefined();
    expect(() => clients.lambda("eu-west-1")).toThrow(InputError);
  });

  it("defaultRegion(): without one in the options, the SDK's chain (AWS_REGION)", async () => {
    vi.stubEnv("AWS_REGION", "ap-south-1");
    expect(await mod.auditClients({}).defaultRegion()).toBe("ap-south-1");
  });

  it("defaultRegion(): no region anywhere is undefined, not an error", async () => {
    expect(await mod.auditClients({}).defaultRegion()).toBeUndefined();
  });
});
