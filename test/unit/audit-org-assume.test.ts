/**
 * The member-account session (src/audit/org/assume.ts): the exact AssumeRole input, one call shared by concurrent
 * callers, renewal six minutes before expiry (by an injected clock), cached failures, and each failure's sentence.
 */
import { beforeEach, describe, expect, it } from "vitest";
import { AssumeRoleCommand, STSClient } from "@aws-sdk/client-sts";
import { mockClient } from "aws-sdk-client-mock";
import { AwsError } from "../../src/core/errors.js";
import { assumeFailure, assumeRoleSession, ROLE_SESSION_NAME } from "../../src/audit/org/assume.js";

const sts = mockClient(STSClient);
const ROLE = "arn:aws:iam::444455556666:role/EnvsealAudit";
const target = { roleArn: ROLE, account: "444455556666" };
const creds = (expiration?: Date, token: string | undefined = "token-fake") => ({
  Credentials: { AccessKeyId: "ASIAFAKEFAKEFAKE", SecretAccessKey: "secret-fake", SessionToken: token, Expiration: expiration } as never,
});
const sdk = (name: string) => Object.assign(new Error(`${name} from the test`), { name });

beforeEach(() => sts.reset());

describe("assumeRoleSession", () => {
  it("assumes once with the role, the session name and the external id when given; concurrent callers share the call", async () => {
    sts.on(AssumeRoleCommand).resolves(creds(new Date(3_600_000)));
    const session = assumeRoleSession(new STSClient({ region: "us-east-1" }), { ...target, externalId: "ext-123" }, () => 0);
    const [a, b] = await Promise.all([session.credentials(), session.credentials()]);
    expect(a).toBe(b);
    expect(a).toEqual({ accessKeyId: "ASIAFAKEFAKEFAKE", secretAccessKey: "secret-fake", sessionToken: "token-fake", expiration: new Date(3_600_000) });
    expect(session.calls()).toBe(1);
    expect(sts.commandCalls(AssumeRoleCommand).map((c) => c.args[0].input)).toEqual([{ RoleArn: ROLE, RoleSessionName: "envseal-audit", ExternalId: "ext-123" }]);
    expect(ROLE_SESSION_NAME).toBe("envseal-audit");
  });

  it("sends no ExternalId without one, and leaves out a missing session token and expiry", async () => {
    sts.on(AssumeRoleCommand).resolves({ Credentials: { AccessKeyId: "ASIAFAKEFAKEFAKE", SecretAccessKey: "secret-fake" } as never });
    const session = assumeRoleSession(new STSClient({ region: "us-east-1" }), target, () => 0);
    await session.ready();
    expect(await session.credentials()).toEqual({ accessKeyId: "ASIAFAKEFAKEFAKE", secretAccessKey: "secret-fake" });
    expect(sts.commandCalls(AssumeRoleCommand)[0]!.args[0].input).toEqual({ RoleArn: ROLE, RoleSessionName: "envseal-audit" });
    // No expiry: never renewed.
    await session.credentials();
    expect(session.calls()).toBe(1);
  });

  it("renews when at most six minutes are left, not before", async () => {
    let now = 0;
    sts.on(AssumeRoleCommand).resolves(creds(new Date(60 * 60_000)));
    const session = assumeRoleSession(new STSClient({ region: "us-east-1" }), target, () => now);
    await session.credentials();
    now = 60 * 60_000 - 6 * 60_000 - 1;
    await session.credentials();
    expect(session.calls()).toBe(1);
    now = 60 * 60_000 - 6 * 60_000;
    await session.credentials();
    expect(session.calls()).toBe(2);
    // The renewed credentials carry the same expiry (the mock's): the next call renews again.
    await session.credentials();
    expect(session.calls()).toBe(3);
  });

  it("a failure is kept: reported once, not retried per request", async () => {
    sts.on(AssumeRoleCommand).rejects(sdk("AccessDenied"));
    const session = assumeRoleSession(new STSClient({ region: "us-east-1" }), target, () => 0);
    await expect(session.ready()).rejects.toMatchObject({ name: "AwsError", code: "AccessDenied", operation: "sts:AssumeRole" });
    await expect(session.credentials()).rejects.toBeInstanceOf(AwsError);
    expect(session.calls()).toBe(1);
  });

  it("an answer without an access key or secret is a NoCredentials failure", async () => {
    sts.on(AssumeRoleCommand).resolvesOnce({ Credentials: { SecretAccessKey: "secret-fake" } as never }).resolvesOnce({ Credentials: { AccessKeyId: "ASIAFAKE" } as never }).resolves({});
    for (let i = 0; i < 3; i++) {
      const session = assumeRoleSession(new STSClient({ region: "us-east-1" }), target, () => 0);
      await expect(session.ready()).rejects.toMatchObject({ code: "NoCredentials", message: `sts:AssumeRole into ${ROLE} failed (NoCredentials)` });
    }
  });
});

describe("assumeFailure", () => {
  it.each([
    [
      "AccessDenied",
      undefined,
      `sts:AssumeRole into ${ROLE} was refused (AccessDenied): the role does not exist in 444455556666, or its trust policy does not trust the caller (does it require an external id?)`,
    ],
    [
      "AccessDeniedException",
      "ext-1",
      `sts:AssumeRole into ${ROLE} was refused (AccessDeniedException): the role does not exist in 444455556666, or its trust policy does not trust the caller with this external id`,
    ],
    ["RegionDisabledException", undefined, `sts:AssumeRole into ${ROLE} failed (RegionDisabledException): STS is not activated in this region for the calling account`],
    ["ExpiredToken", undefined, `sts:AssumeRole into ${ROLE} failed (ExpiredToken): the caller's own credentials were refused`],
    ["InvalidClientTokenId", undefined, `sts:AssumeRole into ${ROLE} failed (InvalidClientTokenId): the caller's own credentials were refused`],
    ["SignatureDoesNotMatch", undefined, `sts:AssumeRole into ${ROLE} failed (SignatureDoesNotMatch): the caller's own credentials were refused`],
    ["CredentialsProviderError", undefined, `sts:AssumeRole into ${ROLE} failed (CredentialsProviderError): the caller's own credentials were refused`],
    ["MalformedPolicyDocument", undefined, `sts:AssumeRole into ${ROLE} failed (MalformedPolicyDocument)`],
  ])("%s (external id %s)", (code, externalId, message) => {
    const err = assumeFailure(sdk(code), { ...target, ...(externalId ? { externalId } : {}) });
    expect(err).toBeInstanceOf(AwsError);
    expect(err).toMatchObject({
      message,
      code,
      operation: "sts:AssumeRole",
      hint: "deploy the member role (samples/template-org-audit-role.yaml) or fix its trust policy",
      cause: { name: code },
    });
  });
});
