/**
 * Build an organisation in moto for integration tests: the management account (moto's default), member accounts made
 * with Organizations CreateAccount, and clients acting in any account (through a direct AssumeRole against moto, which
 * scopes resources by the session's account).
 */
import { CreateRoleCommand, IAMClient } from "@aws-sdk/client-iam";
import { CreateFunctionCommand, LambdaClient, UpdateFunctionConfigurationCommand } from "@aws-sdk/client-lambda";
import { CreateAccountCommand, CreateOrganizationCommand, OrganizationsClient } from "@aws-sdk/client-organizations";
import { EnableSecurityHubCommand, GetFindingsCommand, SecurityHubClient, type AwsSecurityFinding } from "@aws-sdk/client-securityhub";
import { AssumeRoleCommand, STSClient } from "@aws-sdk/client-sts";
import { TEST_CREDENTIALS, TINY_ZIP, type Moto } from "./moto.js";

/** Clients acting in one account of moto. */
export interface AccountHandle {
  readonly id: string;
  iam(): IAMClient;
  lambda(region: string): LambdaClient;
  hub(region: string): SecurityHubClient;
}

/** Act in `account` (moto's default account uses the base credentials). */
export async function inAccount(moto: Moto, account: string): Promise<AccountHandle> {
  let credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string } = TEST_CREDENTIALS;
  if (account !== "123456789012") {
    const sts = new STSClient({ region: "us-east-1", endpoint: moto.url, credentials: TEST_CREDENTIALS });
    const c = (await sts.send(new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${account}:role/OrganizationAccountAccessRole`, RoleSessionName: "setup" }))).Credentials!;
    credentials = { accessKeyId: c.AccessKeyId!, secretAccessKey: c.SecretAccessKey!, sessionToken: c.SessionToken! };
  }
  const base = { endpoint: moto.url, credentials };
  return {
    id: account,
    iam: () => new IAMClient({ region: "us-east-1", ...base }),
    lambda: (region) => new LambdaClient({ region, ...base }),
    hub: (region) => new SecurityHubClient({ region, ...base }),
  };
}

/** Create the organisation and `n` member accounts; returns their ids in creation order. */
export async function createOrganization(moto: Moto, n: number): Promise<string[]> {
  const org = new OrganizationsClient({ region: "us-east-1", endpoint: moto.url, credentials: TEST_CREDENTIALS });
  await org.send(new CreateOrganizationCommand({ FeatureSet: "ALL" }));
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    const out = await org.send(new CreateAccountCommand({ AccountName: `member-${i}`, Email: `member-${i}@example.com` }));
    ids.push(out.CreateAccountStatus!.AccountId!);
  }
  return ids;
}

/** Create the auditing role in `account`, trusting the management account, requiring `externalId` when given. */
export async function createAuditRole(a: AccountHandle, roleName: string, externalId?: string): Promise<void> {
  const statement = {
    Effect: "Allow",
    Principal: { AWS: "arn:aws:iam::123456789012:root" },
    Action: "sts:AssumeRole",
    ...(externalId ? { Condition: { StringEquals: { "sts:ExternalId": externalId } } } : {}),
  };
  await a.iam().send(new CreateRoleCommand({ RoleName: roleName, AssumeRolePolicyDocument: JSON.stringify({ Version: "2012-10-17", Statement: [statement] }) }));
}

/** Create a function in `account` / `region` (its execution role is made on first use). */
export async function createFunctionIn(a: AccountHandle, region: string, name: string, variables: Record<string, string>): Promise<void> {
  try {
    await a.iam().send(new CreateRoleCommand({ RoleName: "app", AssumeRolePolicyDocument: JSON.stringify({ Version: "2012-10-17", Statement: [] }) }));
  } catch {
    /* made already */
  }
  await a.lambda(region).send(
    new CreateFunctionCommand({
      FunctionName: name,
      Runtime: "nodejs22.x",
      Role: `arn:aws:iam::${a.id}:role/app`,
      Handler: "index.handler",
      Code: { ZipFile: TINY_ZIP },
      Environment: { Variables: variables },
    }),
  );
}

/** Replace a function's variables. */
export async function setVariables(a: AccountHandle, region: string, name: string, variables: Record<string, string>): Promise<void> {
  await a.lambda(region).send(new UpdateFunctionConfigurationCommand({ FunctionName: name, Environment: { Variables: variables } }));
}

/** Turn Security Hub on in `account` / `region`. */
export async function enableSecurityHub(a: AccountHandle, region: string): Promise<void> {
  await a.hub(region).send(new EnableSecurityHubCommand({}));
}

/** Every finding Security Hub holds in `account` / `region` (moto ignores GetFindings filters). */
export async function hubFindings(a: AccountHandle, region: string): Promise<AwsSecurityFinding[]> {
  return (await a.hub(region).send(new GetFindingsCommand({}))).Findings ?? [];
}
