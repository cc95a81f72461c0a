/**
 * src/audit/access.ts on its own (ES014's lookup) against mocked KMS and IAM: no lookup without an IAM client, the key
 * described unless the run already found it enabled, Lambda's grant constrained to the function counted, the fix of a
 * failed verdict, a refused lookup recorded as not checked, and the not-checked list sorted by key.
 */
import { beforeEach, describe, expect, it } from "vitest";
import { mockClient } from "aws-sdk-client-mock";
import { DescribeKeyCommand, GetKeyPolicyCommand, KMSClient, ListGrantsCommand } from "@aws-sdk/client-kms";
import { IAMClient, SimulatePrincipalPolicyCommand } from "@aws-sdk/client-iam";
import { LambdaClient } from "@aws-sdk/client-lambda";
import { AccountClient } from "@aws-sdk/client-account";
import { createRoleAccess } from "../../src/audit/access.js";
import type { AuditClients } from "../../src/audit/clients.js";
import type { AuditedFunction } from "../../src/audit/types.js";
import { TransportError } from "../../src/core/errors.js";

const kmsMock = mockClient(KMSClient);
const iamMock = mockClient(IAMClient);

const REGION = "eu-west-1";
const ACCOUNT = "111122223333";
const ROLE = `arn:aws:iam::${ACCOUNT}:role/app`;
const key = (id: string) => `arn:aws:kms:${REGION}:${ACCOUNT}:key/${id}`;
const credentials = { accessKeyId: "AKIDTEST", secretAccessKey: "test" };

function clients(withIam = true): AuditClients {
  return {
    lambda: (region) => new LambdaClient({ region, credentials }),
    kms: (region) => new KMSClient({ region, credentials }),
    account: () => new AccountClient({ region: "us-east-1", credentials }),
    ...(withIam ? { iam: () => new IAMClient({ region: "us-east-1", credentials }) } : {}),
    defaultRegion: async () => REGION,
  };
}

const fn = (name: string, kmsKeyArn: string): AuditedFunction => ({
  region: REGION,
  name,
  arn: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${name}`,
  version: "$LATEST",
  variables: {},
  kmsKeyArn,
  role: ROLE,
  environmentError: undefined,
});

/** A key policy that lets only an admin user use the key: no path for the role through it. */
const ROOT_ONLY = JSON.stringify({
  Version: "2012-10-17",
  Statement: [{ Effect: "Allow", Principal: { AWS: `arn:aws:iam::${ACCOUNT}:user/admin` }, Action: "kms:*", Resource: "*" }],
});

beforeEach(() => {
  kmsMock.reset();
  iamMock.reset();
  kmsMock.on(DescribeKeyCommand).callsFake(async (input: { KeyId: string }) => ({ KeyMetadata: { KeyId: "k", Arn: input.KeyId.startsWith("arn:") ? input.KeyId : key(input.KeyId), KeyState: "Disabled" } }));
  kmsMock.on(GetKeyPolicyCommand).resolves({ Policy: ROOT_ONLY });
  kmsMock.on(ListGrantsCommand).resolves({ Grants: [] });
  iamMock.on(SimulatePrincipalPolicyCommand).resolves({ EvaluationResults: [{ EvalActionName: "kms:Decrypt", EvalDecision: "implicitDeny" }] });
});

const described = () => kmsMock.commandCalls(DescribeKeyCommand).map((c) => c.args[0].input.KeyId);

describe("createRoleAccess", () => {
  it("is undefined without an IAM client", () => {
    expect(createRoleAccess(clients(false), REGION)).toBeUndefined();
    expect(createRoleAccess(clients(), REGION)).toBeDefined();
  });

  it("describes the key unless told it is enabled (and then only for a key ARN)", async () => {
    const access = createRoleAccess(clients(), REGION)!;
    const byDefault = await access.lookup(fn("a", key("k-default")));
    expect(byDefault).toMatchObject({ status: "fail", summary: `the key ${key("k-default")} is disabled` });
    expect(described()).toEqual([key("k-default")]);

    const notEnabled = await access.lookup(fn("b", key("k-false")), false);
    expect(notEnabled?.status).toBe("fail");
    expect(described()).toEqual([key("k-default"), key("k-false")]);

    // Enabled per the run: no second DescribeKey; the role has no way in.
    const enabled = await access.lookup(fn("c", key("k-enabled")), true);
    expect(enabled).toMatchObject({ status: "fail", summary: `the role may not kms:Decrypt with ${key("k-enabled")}: no grant, no key-policy statement for it` });
    expect(described()).toEqual([key("k-default"), key("k-false")]);

    // A key id that is not an ARN is described even when said to be enabled.
    await access.lookup(fn("d", "1234abcd-12ab-34cd-56ef-1234567890ab"), true);
    expect(described()).toEqual([key("k-default"), key("k-false"), "1234abcd-12ab-34cd-56ef-1234567890ab"]);
  });

  it("a failed verdict carries no fix command (the finding's remediation says what to do)", async () => {
    const access = createRoleAccess(clients(), REGION)!;
    const v = await access.lookup(fn("a", key("k1")), true);
    expect(v?.status).toBe("fail");
    expect(v?.fix).toBe("");
  });

  it("Lambda's grant constrained to the function's ARN lets the role decrypt", async () => {
    const f = fn("orders", key("k2"));
    kmsMock.on(ListGrantsCommand).resolves({
      Grants: [{ GrantId: "g-1", GranteePrincipal: ROLE, Operations: ["Decrypt"], Constraints: { EncryptionContextEquals: { "aws:lambda:FunctionArn": f.arn } } }],
    });
    const access = createRoleAccess(clients(), REGION)!;
    expect(await access.lookup(f, true)).toMatchObject({ status: "pass", summary: `the role may kms:Decrypt with ${key("k2")}` });
    expect(access.unchecked()).toEqual([]);
  });

  it("a lookup envseal itself refuses is not checked, named by the error, never a finding", async () => {
    const refused = new TransportError("TLS 1.0 refused", { code: "TLSVersion", operation: "kms:DescribeKey" });
    const access = createRoleAccess(clients(), REGION, () => {
      throw refused;
    })!;
    const v = await access.lookup(fn("a", key("k3")));
    expect(v).toEqual({ status: "unknown", summary: `the key access of ${ROLE} could not be checked (TransportError)` });
    expect(access.unchecked()).toEqual([{ key: `${key("k3")} for ${ROLE}`, reason: `ES014 not checked: the key access of ${ROLE} could not be checked (TransportError)` }]);
  });

  it("lists the pairs not checked sorted by key", async () => {
    kmsMock.on(GetKeyPolicyCommand).rejects(Object.assign(new Error("denied"), { name: "AccessDeniedException" }));
    const access = createRoleAccess(clients(), REGION)!;
    await access.lookup(fn("z", key("kz")), true);
    await access.lookup(fn("a", key("ka")), true);
    await access.lookup(fn("m", key("km")), true);
    expect(access.unchecked().map((u) => u.key)).toEqual([`${key("ka")} for ${ROLE}`, `${key("km")} for ${ROLE}`, `${key("kz")} for ${ROLE}`]);
    expect(access.unchecked()[0]!.reason).toContain("the caller may not kms:GetKeyPolicy (AccessDeniedException)");
  });
});
