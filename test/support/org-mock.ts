/**
 * An organisation served by aws-sdk-client-mock for unit tests of `audit --org`: STS (GetCallerIdentity, AssumeRole
 * handing out credentials whose access key names the account), Organizations ListAccounts, and per account and region
 * Lambda ListFunctions, KMS DescribeKey / GetKeyRotationStatus / GetKeyPolicy / ListGrants, IAM SimulatePrincipalPolicy
 * (ES014) and Account ListRegions. Every call is attributed to the account whose credentials signed it.
 */
import { mockClient } from "aws-sdk-client-mock";
import { AccountClient, ListRegionsCommand } from "@aws-sdk/client-account";
import { DescribeKeyCommand, GetKeyPolicyCommand, GetKeyRotationStatusCommand, KMSClient, ListGrantsCommand } from "@aws-sdk/client-kms";
import { IAMClient, SimulatePrincipalPolicyCommand } from "@aws-sdk/client-iam";
import { LambdaClient, ListFunctionsCommand, type FunctionConfiguration } from "@aws-sdk/client-lambda";
import { ListAccountsCommand, OrganizationsClient } from "@aws-sdk/client-organizations";
import { SecurityHubClient } from "@aws-sdk/client-securityhub";
import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import type { AuditClients } from "../../src/audit/clients.js";
import type { OrgClients } from "../../src/audit/org/clients.js";
import type { AwsCredentialsProvider } from "../../src/transport/clients.js";

export const CALLER = "999988887777";
const CALLER_KEY = "AKIACALLER0000000000";

export const mocks = {
  sts: mockClient(STSClient),
  org: mockClient(OrganizationsClient),
  lambda: mockClient(LambdaClient),
  kms: mockClient(KMSClient),
  account: mockClient(AccountClient),
  hub: mockClient(SecurityHubClient),
  iam: mockClient(IAMClient),
};

/** One account of the fake organisation. */
export interface FakeAccount {
  status?: string;
  /** Functions per region. */
  functions?: Record<string, FunctionConfiguration[]>;
  /** Regions ListRegions returns (for --regions all). */
  regions?: string[];
  /** AssumeRole into it is refused with this code. */
  refuse?: string;
  /** ListFunctions in these regions fails with this code. */
  denyRegions?: Record<string, string>;
  /** Execution roles (ARNs) of this account whose IAM policies do not allow kms:Decrypt (ES014). */
  lockedRoles?: string[];
}

/** Calls seen, attributed to the signing account. */
export interface Seen {
  listFunctions: Array<{ account: string; region: string }>;
  describeKey: Array<{ account: string; keyId: string }>;
  /** GetKeyPolicy calls: the signing account and the key. */
  keyPolicy: Array<{ account: string; keyId: string }>;
  /** SimulatePrincipalPolicy calls: the signing account and the role. */
  simulate: Array<{ account: string; role: string }>;
  maxInFlight: number;
}

const err = (name: string) => Object.assign(new Error(name), { name, $metadata: { httpStatusCode: 403 } });

/** The client that sent a command: the mock only knows the latest sender, so take it before the first await. */
type Sender = { config: { credentials: () => Promise<{ accessKeyId: string }>; region: () => Promise<string> } };

async function who(client: Sender): Promise<string> {
  const id = (await client.config.credentials()).accessKeyId;
  return id === CALLER_KEY ? CALLER : id.slice(-12);
}

/**
 * Reset the mocks and serve `accounts` (by id). ListFunctions answers after `delayMs`, so parallelism is visible.
 *
 * @example
 * ```ts
 * const seen = serveOrg({ "111111111111": { functions: { "us-east-1": [fn("a")] } } });
 * ```
 */
export function serveOrg(accounts: Record<string, FakeAccount>, delayMs = 5): Seen {
  for (const m of Object.values(mocks)) m.reset();
  const seen: Seen = { listFunctions: [], describeKey: [], keyPolicy: [], simulate: [], maxInFlight: 0 };
  let inFlight = 0;
  mocks.sts.on(GetCallerIdentityCommand).resolves({ Account: CALLER, Arn: `arn:aws:iam::${CALLER}:user/auditor` });
  mocks.sts.on(AssumeRoleCommand).callsFake(async (input: { RoleArn: string }) => {
    const account = /iam::(\d{12}):/.exec(input.RoleArn)?.[1] ?? "";
    const a = accounts[account];
    if (!a || a.refuse) throw err(a?.refuse ?? "AccessDenied");
    return { Credentials: { AccessKeyId: `ASIA${account}`, SecretAccessKey: "secret", SessionToken: "token", Expiration: new Date(Date.now() + 3600_000) } };
  });
  mocks.org.on(ListAccountsCommand).resolves({
    Accounts: [CALLER, ...Object.keys(accounts)].map((Id) => ({ Id, Status: (accounts[Id]?.status ?? "ACTIVE") as "ACTIVE" })),
  });
  mocks.lambda.on(ListFunctionsCommand).callsFake(async (_input, getClient) => {
    const client = getClient() as unknown as Sender;
    const account = await who(client);
    const region = await client.config.region();
    seen.listFunctions.push({ account, region });
    inFlight++;
    seen.maxInFlight = Math.max(seen.maxInFlight, inFlight);
    await new Promise((r) => setTimeout(r, delayMs));
    inFlight--;
    const denied = accounts[account]?.denyRegions?.[region];
    if (denied) throw err(denied);
    return { Functions: accounts[account]?.functions?.[region] ?? [] };
  });
  mocks.kms.on(DescribeKeyCommand).callsFake(async (input: { KeyId: string }, getClient) => {
    seen.describeKey.push({ account: await who(getClient() as unknown as Sender), keyId: input.KeyId });
    return { KeyMetadata: { KeyId: input.KeyId.split("/").pop(), Arn: input.KeyId, KeyState: "Enabled", KeyManager: "CUSTOMER" } };
  });
  mocks.kms.on(GetKeyRotationStatusCommand).resolves({ KeyRotationEnabled: true });
  // Key policies delegate to IAM in the key's own account; GetKeyPolicy works only for that account (as in KMS).
  mocks.kms.on(GetKeyPolicyCommand).callsFake(async (input: { KeyId: string }, getClient) => {
    const account = await who(getClient() as unknown as Sender);
    seen.keyPolicy.push({ account, keyId: input.KeyId });
    const owner = /:kms:[a-z0-9-]+:(\d{12}):/.exec(input.KeyId)?.[1];
    if (owner !== account) throw err("AccessDeniedException");
    // The owner's administrators, and every account of the organisation delegated to its own IAM (cross-account use).
    const roots = [owner, ...Object.keys(accounts).filter((a) => a !== owner)].map((a) => `arn:aws:iam::${a}:root`);
    return { Policy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { AWS: roots }, Action: "kms:*", Resource: "*" }] }) };
  });
  mocks.kms.on(ListGrantsCommand).resolves({ Grants: [] });
  mocks.iam.on(SimulatePrincipalPolicyCommand).callsFake(async (input: { PolicySourceArn: string }, getClient) => {
    const account = await who(getClient() as unknown as Sender);
    seen.simulate.push({ account, role: input.PolicySourceArn });
    const locked = accounts[account]?.lockedRoles?.includes(input.PolicySourceArn);
    return { EvaluationResults: [{ EvalActionName: "kms:Decrypt", EvalDecision: locked ? "implicitDeny" : "allowed" }] };
  });
  mocks.account.on(ListRegionsCommand).callsFake(async (_input, getClient) => {
    const account = await who(getClient() as unknown as Sender);
    return { Regions: (accounts[account]?.regions ?? ["us-east-1"]).map((RegionName) => ({ RegionName, RegionOptStatus: "ENABLED" as const })) };
  });
  return seen;
}

/** A function configuration in `account` / `region`. */
export function fn(account: string, region: string, name: string, variables: Record<string, string> = {}, extra: Partial<FunctionConfiguration> = {}): FunctionConfiguration {
  return { FunctionName: name, FunctionArn: `arn:aws:lambda:${region}:${account}:function:${name}`, Version: "$LATEST", Environment: { Variables: variables }, ...extra };
}

/** OrgClients whose SDK clients the mocks answer, each signed as its account. */
export function mockOrgClients(): OrgClients {
  const callerCreds = { accessKeyId: CALLER_KEY, secretAccessKey: "x" };
  return {
    sts: () => new STSClient({ region: "us-east-1", credentials: callerCreds }),
    organizations: () => new OrganizationsClient({ region: "us-east-1", credentials: callerCreds }),
    forAccount: (credentials: AwsCredentialsProvider | undefined): AuditClients => {
      const creds = credentials ?? (async () => callerCreds);
      return {
        lambda: (region) => new LambdaClient({ region, credentials: creds }),
        kms: (region) => new KMSClient({ region, credentials: creds }),
        account: () => new AccountClient({ region: "us-east-1", credentials: creds }),
        defaultRegion: async () => "us-east-1",
        securityHub: (region) => new SecurityHubClient({ region, credentials: creds }),
        iam: () => new IAMClient({ region: "us-east-1", credentials: creds }),
      };
    },
    defaultRegion: async () => "us-east-1",
    close: () => undefined,
  };
}
