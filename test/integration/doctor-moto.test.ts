/**
 * `doctor` in-process: KMS and Lambda on the wire (moto behind the test proxy, which keeps `KMSKeyArn`), IAM's
 * `SimulatePrincipalPolicy` from aws-sdk-client-mock (moto 5.2 does not implement it). One function and its own keys
 * per case, so key policies and grants never cross.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { mockClient } from "aws-sdk-client-mock";
import { IAMClient, SimulatePrincipalPolicyCommand, type SimulatePrincipalPolicyCommandInput } from "@aws-sdk/client-iam";
import {
  CreateGrantCommand,
  DisableKeyCommand,
  EncryptCommand,
  KMSClient,
  PutKeyPolicyCommand,
  RetireGrantCommand,
} from "@aws-sdk/client-kms";
import { LambdaClient, UpdateFunctionConfigurationCommand } from "@aws-sdk/client-lambda";
import { createFunction, createKey, motoAvailable, motoClients, startMoto, TEST_CREDENTIALS, type Moto } from "../support/moto.js";
import { startAwsProxy, type AwsProxy } from "../support/aws-proxy.js";
import { canary } from "../support/canary.js";
import { doctor, type FunctionDiagnosis } from "../../src/ops/doctor.js";
import type { AwsDeps } from "../../src/ops/deps.js";

const ROLE = "arn:aws:iam::123456789012:role/envseal-test";
/** Only this instance is mocked: startMoto's own IAM client (CreateRole) must reach moto. */
const iam = new IAMClient({ region: "us-east-1", credentials: TEST_CREDENTIALS });
const iamMock = mockClient(iam);

const policyDoc = (...statements: object[]) => JSON.stringify({ Version: "2012-10-17", Statement: statements });
const adminOnly = { Sid: "Admins", Effect: "Allow", Principal: { AWS: "arn:aws:iam::123456789012:role/key-admin" }, Action: "kms:*", Resource: "*" };

describe.skipIf(!motoAvailable())("doctor against moto (IAM simulation mocked)", () => {
  let moto: Moto;
  let proxy: AwsProxy;
  let kms: KMSClient;
  let lambda: LambdaClient;
  let deps: AwsDeps;

  beforeAll(async () => {
    moto = await startMoto();
    proxy = await startAwsProxy(moto.url);
    ({ kms } = motoClients(moto));
    const config = { region: "us-east-1", endpoint: proxy.url, credentials: TEST_CREDENTIALS };
    lambda = new LambdaClient(config);
    const proxiedKms = new KMSClient(config);
    deps = { kms: () => proxiedKms, lambda: () => lambda, iam: () => iam };
  });
  afterAll(async () => {
    await proxy?.stop();
    await moto?.stop();
    iamMock.restore();
  });
  beforeEach(() => {
    iamMock.reset();
    iamMock.on(SimulatePrincipalPolicyCommand).resolves({ EvaluationResults: [{ EvalActionName: "kms:Decrypt", EvalDecision: "allowed" }] });
  });

  /** A function with a customer managed at-rest key and one value sealed (v1) with its own sealing key. */
  async function setup(name: string): Promise<{ atRest: string; seal: string }> {
    const atRest = (await createKey(kms)).arn;
    const seal = (await createKey(kms)).arn;
    await createFunction(lambda, name, {});
    const blob = await kms.send(new EncryptCommand({ KeyId: seal, Plaintext: Buffer.from(canary(name)), EncryptionContext: { LambdaFunctionName: name } }));
    const variables = { DB_PASSWORD: Buffer.from(blob.CiphertextBlob!).toString("base64"), ENVSEAL_SEALED: "DB_PASSWORD", LOG_LEVEL: "info" };
    await lambda.send(new UpdateFunctionConfigurationCommand({ FunctionName: name, KMSKeyArn: atRest, Environment: { Variables: variables } }));
    return { atRest, seal };
  }
  const run = async (name: string): Promise<FunctionDiagnosis> => (await doctor(deps, { functionName: name, emulator: "moto" })).functions[0]!;
  const check = (d: FunctionDiagnosis, id: string) => d.checks.find((c) => c.id === id)!;

  it("healthy: every check passes, the simulation gets the key ARN and the encryption context", async () => {
    const { atRest, seal } = await setup("doc-healthy");
    const d = await run("doc-healthy");
    expect(d.checks.map((c) => [c.id, c.status])).toEqual([
      ["role", "pass"],
      ["at-rest-key", "pass"],
      ["manifest", "pass"],
      ["size", "pass"],
      ["value:DB_PASSWORD", "pass"],
      ["sealing-key:DB_PASSWORD", "pass"],
      ["injection", "pass"],
    ]);
    expect(d.failed).toBe(false);
    const inputs = iamMock.commandCalls(SimulatePrincipalPolicyCommand).map((c) => c.args[0].input as SimulatePrincipalPolicyCommandInput);
    expect(inputs).toContainEqual({ PolicySourceArn: ROLE, ActionNames: ["kms:Decrypt"], ResourceArns: [atRest] });
    expect(inputs).toContainEqual({
      PolicySourceArn: ROLE,
      ActionNames: ["kms:Decrypt"],
      ResourceArns: [seal],
      ContextEntries: [
        { ContextKeyName: "kms:EncryptionContext:LambdaFunctionName", ContextKeyValues: ["doc-healthy"], ContextKeyType: "string" },
        { ContextKeyName: "kms:EncryptionContextKeys", ContextKeyValues: ["LambdaFunctionName"], ContextKeyType: "stringList" },
      ],
    });
  });

  it("disabled at-rest key: fail, with the fix", async () => {
    const { atRest } = await setup("doc-disabled");
    await kms.send(new DisableKeyCommand({ KeyId: atRest.split("/").pop()! })); // moto takes the id, not the ARN
    const c = check(await run("doc-disabled"), "at-rest-key");
    expect(c.status).toBe("fail");
    expect(c.detail).toContain("is disabled");
    expect(c.fix).toContain("enable-key");
  });

  it("role without kms:Decrypt (key policy delegates to IAM, no grant, simulation denies): fail", async () => {
    await setup("doc-no-decrypt");
    iamMock.on(SimulatePrincipalPolicyCommand).resolves({ EvaluationResults: [{ EvalActionName: "kms:Decrypt", EvalDecision: "implicitDeny" }] });
    const d = await run("doc-no-decrypt");
    expect(check(d, "at-rest-key").status).toBe("fail");
    expect(check(d, "sealing-key:DB_PASSWORD").status).toBe("fail");
    expect(d.failed).toBe(true);
  });

  it("key policy without the role and without IAM delegation: fail even though IAM policies allow", async () => {
    const { atRest } = await setup("doc-kp-no-role");
    await kms.send(new PutKeyPolicyCommand({ KeyId: atRest, PolicyName: "default", Policy: policyDoc(adminOnly) }));
    const c = check(await run("doc-kp-no-role"), "at-rest-key");
    expect(c.status).toBe("fail");
    expect(c.evidence?.find((e) => e.source === "key-policy")?.says).toBe("none");
    expect(c.fix).toContain("update-function-configuration");
  });

  it("grant retired: the grant was the only way in, so pass turns to fail", async () => {
    const { atRest } = await setup("doc-grant");
    await kms.send(new PutKeyPolicyCommand({ KeyId: atRest, PolicyName: "default", Policy: policyDoc(adminOnly) }));
    const grant = await kms.send(new CreateGrantCommand({ KeyId: atRest, GranteePrincipal: ROLE, Operations: ["Decrypt"], Name: "lambda-env" }));
    expect(check(await run("doc-grant"), "at-rest-key").status).toBe("pass");
    await kms.send(new RetireGrantCommand({ KeyId: atRest, GrantId: grant.GrantId! }));
    // A second run with a new checker: nothing is cached across runs.
    const c = check(await run("doc-grant"), "at-rest-key");
    expect(c.status).toBe("fail");
    expect(c.evidence?.find((e) => e.source === "grants")?.says).toBe("none");
  });

  it("sealing key's condition names another function: fail (key policy on the wire, and IAM condition via the simulation)", async () => {
    const { seal } = await setup("doc-other-fn");
    await kms.send(
      new PutKeyPolicyCommand({
        KeyId: seal,
        PolicyName: "default",
        Policy: policyDoc(adminOnly, {
          Sid: "Unseal",
          Effect: "Allow",
          Principal: { AWS: ROLE },
          Action: "kms:Decrypt",
          Resource: "*",
          Condition: { StringEquals: { "kms:EncryptionContext:LambdaFunctionName": "some-other-fn" } },
        }),
      }),
    );
    // The role's own policy is conditioned on the other name as well: only that context is allowed.
    iamMock.on(SimulatePrincipalPolicyCommand).callsFake((input: SimulatePrincipalPolicyCommandInput) => {
      const fn = input.ContextEntries?.find((e) => e.ContextKeyName === "kms:EncryptionContext:LambdaFunctionName")?.ContextKeyValues?.[0];
      const decision = input.ContextEntries === undefined || fn === "some-other-fn" ? "allowed" : "implicitDeny";
      return { EvaluationResults: [{ EvalActionName: "kms:Decrypt", EvalDecision: decision }] };
    });
    const d = await run("doc-other-fn");
    expect(check(d, "at-rest-key").status).toBe("pass");
    const c = check(d, "sealing-key:DB_PASSWORD");
    expect(c.status).toBe("fail");
    expect(c.detail).toContain("key read from the blob");
    expect(c.fix).toContain("envseal policy --function doc-other-fn");
  });

  it("caller without iam:SimulatePrincipalPolicy: unknown, not pass (even with a grant)", async () => {
    const { atRest } = await setup("doc-no-sim");
    await kms.send(new CreateGrantCommand({ KeyId: atRest, GranteePrincipal: ROLE, Operations: ["Decrypt"], Name: "lambda-env" }));
    iamMock.on(SimulatePrincipalPolicyCommand).rejects(Object.assign(new Error("not authorized to perform: iam:SimulatePrincipalPolicy"), { name: "AccessDenied" }));
    const d = await run("doc-no-sim");
    for (const id of ["at-rest-key", "sealing-key:DB_PASSWORD"]) {
      expect(check(d, id).status).toBe("unknown");
      expect(check(d, id).detail).toContain("iam:SimulatePrincipalPolicy (AccessDenied)");
    }
    expect(d.failed).toBe(false);
    expect(d.counts.pass).toBeGreaterThan(0);
  });

  it("a value sealed for another function still looks sealed; a plaintext under a sealed name fails; injection variables warn", async () => {
    await setup("doc-values");
    const cfg = await lambda.send(new UpdateFunctionConfigurationCommand({
      FunctionName: "doc-values",
      Environment: { Variables: { ENVSEAL_SEALED: "DB_PASSWORD,GONE", DB_PASSWORD: "not-ciphertext", NODE_OPTIONS: "--require /tmp/x.js", HTTPS_PROXY: "http://p:3128", SSL_CERT_FILE: "/tmp/ca.pem" } },
    }));
    expect(cfg.FunctionName).toBe("doc-values");
    const d = await run("doc-values");
    expect(check(d, "manifest").status).toBe("fail");
    expect(check(d, "manifest").detail).toContain("GONE");
    expect(check(d, "value:DB_PASSWORD").status).toBe("fail");
    expect(check(d, "injection").status).toBe("warn");
    // The auditor's ES010 table, the same names and words (SSL_CERT_FILE was not looked for by doctor before).
    expect(check(d, "injection").detail).toBe(
      "HTTPS_PROXY routes the function's HTTP(S) traffic through a proxy; NODE_OPTIONS loads code or opens a debugger before the handler (--require); SSL_CERT_FILE trusts another certificate authority, so TLS to AWS can be intercepted",
    );
    expect(JSON.stringify(d)).not.toContain("/tmp/x.js");
    expect(JSON.stringify(d)).not.toContain("/tmp/ca.pem");
  });
});
