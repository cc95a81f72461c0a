/**
 * `orgClients`: the caller's STS and Organizations clients (one each, per partition), per-account audit clients signed
 * with the credentials given and sharing one handler per service and region, the default region (options, then the
 * SDK's chain, else none), the audit's retry settings, and close() destroying the shared handlers.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { OrganizationsClient } from "@aws-sdk/client-organizations";
import { STSClient } from "@aws-sdk/client-sts";
import { orgClients } from "../../src/audit/org/clients.js";
import { AUDIT_MAX_ATTEMPTS } from "../../src/audit/clients.js";

const creds = (id: string) => async () => ({ accessKeyId: id, secretAccessKey: "secret" });

describe("orgClients", () => {
  beforeEach(() => {
    // Only what each test sets: no region or profile from the machine running the tests.
    vi.stubEnv("AWS_REGION", "");
    vi.stubEnv("AWS_DEFAULT_REGION", "");
    vi.stubEnv("AWS_PROFILE", "");
    vi.stubEnv("AWS_CONFIG_FILE", "/nonexistent/envseal-test-config");
    vi.stubEnv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/envseal-test-credentials");
    delete process.env.AWS_REGION;
    delete process.env.AWS_DEFAULT_REGION;
    delete process.env.AWS_PROFILE;
  });
  afterEach(() => vi.unstubAllEnvs());

  it("sts(): one STS client, with the audit's retries (adaptive, AUDIT_MAX_ATTEMPTS) and the options' region", async () => {
    const clients = orgClients({ region: "eu-west-1" });
    const sts = clients.sts();
    expect(sts).toBeInstanceOf(STSClient);
    expect(clients.sts()).toBe(sts);
    expect(await sts.config.region()).toBe("eu-west-1");
    expect(await sts.config.maxAttempts()).toBe(AUDIT_MAX_ATTEMPTS);
    expect(sts.config.retryMode).toBe("adaptive");
    expect(((await sts.config.retryStrategy()) as { mode?: string }).mode).toBe("adaptive");
    clients.close();
  });

  it("the options' maxAttempts wins over the audit's; retryMode is always adaptive", async () => {
    const clients = orgClients({ region: "eu-west-1", maxAttempts: 2, retryMode: "standard" });
    expect(await clients.sts().config.maxAttempts()).toBe(2);
    expect(clients.sts().config.retryMode).toBe("adaptive");
    clients.close();
  });

  it("organizations(partition): one client per partition, in the partition's Organizations region", async () => {
    const clients = orgClients({ region: "eu-west-1" });
    const aws = clients.organizations("aws");
    expect(aws).toBeInstanceOf(OrganizationsClient);
    expect(clients.organizations("aws")).toBe(aws);
    const cn = clients.organizations("aws-cn");
    expect(cn).toBeInstanceOf(OrganizationsClient);
    expect(cn).not.toBe(aws);
    expect(clients.organizations("aws-cn")).toBe(cn);
    expect(await aws.config.region()).toBe("us-east-1");
    expect(await cn.config.region()).toBe("cn-northwest-1");
    clients.close();
  });

  it("forAccount(credentials): clients signed with those credentials; accounts share one handler per service and region", async () => {
    const clients = orgClients({ region: "eu-west-1" });
    const a = clients.forAccount(creds("ASIAAAAAAAAAAAAAAAAA"));
    const b = clients.forAccount(creds("ASIABBBBBBBBBBBBBBBB"));
    expect((await a.lambda("us-east-1").config.credentials()).accessKeyId).toBe("ASIAAAAAAAAAAAAAAAAA");
    expect((await b.kms("us-east-1").config.credentials()).accessKeyId).toBe("ASIABBBBBBBBBBBBBBBB");
    expect(await a.lambda("us-east-1").config.maxAttempts()).toBe(AUDIT_MAX_ATTEMPTS);
    expect(a.lambda("us-east-1")).not.toBe(b.lambda("us-east-1"));
    expect(a.lambda("us-east-1").config.requestHandler).toBe(b.lambda("us-east-1").config.requestHandler);
    expect(a.lambda("us-east-1").config.requestHandler).not.toBe(a.lambda("eu-west-1").config.requestHandler);
    clients.close();
  });

  it("forAccount(undefined): the caller's own credentials (those of the options)", async () => {
    const clients = orgClients({ region: "eu-west-1", credentials: creds("AKIACALLER0000000000") });
    expect((await clients.forAccount(undefined).lambda("us-east-1").config.credentials()).accessKeyId).toBe("AKIACALLER0000000000");
    expect((await clients.forAccount(creds("ASIAAAAAAAAAAAAAAAAA")).lambda("us-east-1").config.credentials()).accessKeyId).toBe("ASIAAAAAAAAAAAAAAAAA");
    clients.close();
  });

  it("defaultRegion(): the options' region, else the SDK's chain (AWS_REGION), else undefined", async () => {
    expect(await orgClients({ region: "ap-south-2" }).defaultRegion()).toBe("ap-south-2");
    vi.stubEnv("AWS_REGION", "eu-central-2");
    expect(await orgClients({}).defaultRegion()).toBe("eu-central-2");
    expect(await orgClients({ region: "ap-south-2" }).defaultRegion()).toBe("ap-south-2");
    delete process.env.AWS_REGION;
    expect(await orgClients({}).defaultRegion()).toBeUndefined();
  });

  it("close() destroys the shared handlers", () => {
    const clients = orgClients({ region: "eu-west-1" });
    const handler = clients.sts().config.requestHandler as { destroy: () => void };
    const destroy = vi.spyOn(handler, "destroy");
    clients.close();
    expect(destroy).toHaveBeenCalledTimes(1);
  });
});
