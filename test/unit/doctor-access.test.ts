/**
 * The key-access verdict over every source (aws-sdk-client-mock for KMS and IAM): deny wins, pass needs the key policy
 * read and the simulation answered, a grant to a deleted role's id is named, and each lookup is made once.
 */
import { beforeEach, describe, expect, it } from "vitest";
import { mockClient } from "aws-sdk-client-mock";
import { DescribeKeyCommand, GetKeyPolicyCommand, KMSClient, ListGrantsCommand } from "@aws-sdk/client-kms";
import { IAMClient, SimulatePrincipalPolicyCommand } from "@aws-sdk/client-iam";
import { createAccessChecker, type AccessQuery } from "../../src/doctor/access.js";

const ROLE = "arn:aws:iam::123456789012:role/app";
const KEY = "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";
const kms = new KMSClient({ region: "eu-west-1" });
const iam = new IAMClient({ region: "us-east-1" });
const kmsMock = mockClient(kms);
const iamMock = mockClient(iam);
const policy = (...Statement: object[]) => JSON.stringify({ Version: "2012-10-17", Statement });
const ROOT_DELEGATES = { Effect: "Allow", Principal: { AWS: "arn:aws:iam::123456789012:root" }, Action: "kms:*", Resource: "*" };
const denied = (name: string) => Object.assign(new Error("not authorized"), { name });
const query: AccessQuery = { roleArn: ROLE, keyRef: KEY, context: { LambdaFunctionName: "api" }, atRest: false, functionRefs: ["api"], grantFix: "apply envseal policy" };
const check = (q: AccessQuery = query) => createAccessChecker({ kms: () => kms, iam: () => iam }).check(q);
const simulate = (EvalDecision: "allowed" | "implicitDeny" | "explicitDeny") =>
  iamMock.on(SimulatePrincipalPolicyCommand).resolves({ EvaluationResults: [{ EvalActionName: "kms:Decrypt", EvalDecision }] });

beforeEach(() => {
  kmsMock.reset();
  iamMock.reset();
  kmsMock.on(DescribeKeyCommand).resolves({ KeyMetadata: { KeyId: "k", Arn: KEY, KeyState: "Enabled", Enabled: true } });
  kmsMock.on(GetKeyPolicyCommand).resolves({ Policy: policy(ROOT_DELEGATES) });
  kmsMock.on(ListGrantsCommand).resolves({ Grants: [] });
  simulate("allowed");
});

describe("createAccessChecker", () => {
  it("pass through IAM; each lookup once for two queries of one (role, key, context)", async () => {
    const checker = createAccessChecker({ kms: () => kms, iam: () => iam });
    const [a, b] = await Promise.all([checker.check(query), checker.check(query)]);
    expect(a.status).toBe("pass");
    expect(b).toBe(a);
    for (const cmd of [DescribeKeyCommand, GetKeyPolicyCommand, ListGrantsCommand]) expect(kmsMock.commandCalls(cmd)).toHaveLength(1);
    expect(kmsMock.commandCalls(ListGrantsCommand)[0]!.args[0].input).toEqual({ KeyId: KEY });
    expect(iamMock.commandCalls(SimulatePrincipalPolicyCommand)).toHaveLength(1);
  });

  it("a simulated deny that hangs on a context key doctor did not pass is unknown", async () => {
    iamMock.on(SimulatePrincipalPolicyCommand).resolves({
      EvaluationResults: [{ EvalActionName: "kms:Decrypt", EvalDecision: "implicitDeny", MissingContextValues: ["kms:EncryptionContext:aws:lambda:FunctionArn"] }],
    });
    const v = await check({ ...query, atRest: true });
    expect(v.status).toBe("unknown");
    expect(v.summary).toContain("for want of context values doctor cannot know (kms:EncryptionContext:aws:lambda:FunctionArn)");
  });

  it("a key-policy Deny wins over a grant", async () => {
    kmsMock.on(GetKeyPolicyCommand).resolves({ Policy: policy(ROOT_DELEGATES, { Effect: "Deny", Principal: { AWS: ROLE }, Action: "kms:Decrypt", Resource: "*" }) });
    kmsMock.on(ListGrantsCommand).resolves({ Grants: [{ GrantId: "g", GranteePrincipal: ROLE, Operations: ["Decrypt"] }] });
    const v = await check();
    expect(v.status).toBe("fail");
    expect(v.summary).toContain("denies kms:Decrypt");
  });

  it("an identity-policy explicit deny fails even with a grant", async () => {
    kmsMock.on(ListGrantsCommand).resolves({ Grants: [{ GrantId: "g", GranteePrincipal: ROLE, Operations: ["Decrypt"] }] });
    simulate("explicitDeny");
    expect((await check()).status).toBe("fail");
  });

  it("key policy unreadable: a grant alone is not a pass (a Deny could be there)", async () => {
    kmsMock.on(GetKeyPolicyCommand).rejects(denied("AccessDeniedException"));
    kmsMock.on(ListGrantsCommand).resolves({ Grants: [{ GrantId: "g", GranteePrincipal: ROLE, Operations: ["Decrypt"] }] });
    const v = await check();
    expect(v.status).toBe("unknown");
    expect(v.summary).toContain("kms:GetKeyPolicy (AccessDeniedException)");
  });

  it("grants unreadable but the key policy names the role: pass", async () => {
    kmsMock.on(GetKeyPolicyCommand).resolves({ Policy: policy({ Effect: "Allow", Principal: { AWS: ROLE }, Action: "kms:Decrypt", Resource: "*" }) });
    kmsMock.on(ListGrantsCommand).rejects(denied("AccessDeniedException"));
    expect((await check()).status).toBe("pass");
  });

  it("no way in, and a grant for a deleted role's id: fail naming the re-created role", async () => {
    kmsMock.on(GetKeyPolicyCommand).resolves({ Policy: policy({ Effect: "Allow", Principal: { AWS: "arn:aws:iam::123456789012:role/admin" }, Action: "kms:*", Resource: "*" }) });
    kmsMock.on(ListGrantsCommand).resolves({ Grants: [{ GrantId: "old", GranteePrincipal: "AROAEXAMPLEOLDROLEID", Operations: ["Decrypt"] }] });
    const v = await check({ ...query, atRest: true });
    expect(v.status).toBe("fail");
    expect(v.summary).toContain("grant old names a deleted role id");
    expect(v.fix).toBe("apply envseal policy");
  });

  it("a missing key fails; an undescribable one is unknown; a lookup still throttled after retries is unknown", async () => {
    kmsMock.on(DescribeKeyCommand).rejects(denied("NotFoundException"));
    expect((await check()).status).toBe("fail");
    kmsMock.on(DescribeKeyCommand).rejects(denied("AccessDeniedException"));
    expect((await check()).status).toBe("unknown");
    kmsMock.on(DescribeKeyCommand).resolves({ KeyMetadata: { KeyId: "k", Arn: KEY, KeyState: "PendingImport" } });
    const v = await check();
    expect(v.status).toBe("fail");
    expect(v.fix).toContain("import-key-material");
    kmsMock.on(DescribeKeyCommand).resolves({ KeyMetadata: { KeyId: "k", Arn: KEY, KeyState: "Enabled" } });
    kmsMock.on(GetKeyPolicyCommand).rejects(denied("ThrottlingException"));
    const throttled = await check();
    expect(throttled.status).toBe("unknown");
    expect(throttled.summary).toContain("kms:GetKeyPolicy failed after retries (ThrottlingException)");
  });
});
