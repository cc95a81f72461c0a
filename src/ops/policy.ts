/**
 * `policy`: least-privilege IAM for a function that uses envseal: the execution role's policy, the key-policy
 * statement for that role, and the policy a deployer running `push` needs. Account and region come from the
 * key ARN and the function ARN.
 * @module
 */
import { CONTEXT_KEY, functionNameOf } from "../core/format.js";
import { InputError } from "../core/errors.js";
import { describeKey } from "../kms/keys.js";
import { readFunction } from "../lambda/config.js";
import type { AwsDeps } from "./deps.js";
import { DEPLOYER_COMMANDS, actionsFor } from "./permissions.js";

/** An IAM policy statement. */
export interface Statement {
  Sid: string;
  Effect: "Allow";
  Principal?: { AWS: string };
  Action: string | string[];
  Resource: string | string[];
  Condition?: Record<string, Record<string, string>>;
}

/** An IAM policy document. */
export interface PolicyDocument {
  Version: "2012-10-17";
  Statement: Statement[];
}

/**
 * The deployer's policy, derived from {@link COMMAND_PERMISSIONS} for every command a deployer runs on one function:
 * the sealing key's actions bound to the function's encryption context, DescribeKey (which carries no context),
 * the at-rest key's actions through Lambda only (`kms:ViaService`), and the function's read and write.
 *
 * @example
 * ```ts
 * deployerPolicy({ keyArn, atRestKeyArn: keyArn, functionArn, region: "eu-west-1", condition }).Statement.length; // 4
 * ```
 */
export function deployerPolicy(p: {
  keyArn: string;
  atRestKeyArn: string;
  functionArn: string;
  region: string;
  condition: Record<string, Record<string, string>>;
}): PolicyDocument {
  const sealing = actionsFor(DEPLOYER_COMMANDS, "sealingKey");
  const one = (actions: string[]) => (actions.length === 1 ? (actions[0] as string) : actions);
  return {
    Version: "2012-10-17",
    Statement: [
      { Sid: "EnvsealDescribeKey", Effect: "Allow", Action: "kms:DescribeKey", Resource: p.keyArn },
      { Sid: "EnvsealSealedValues", Effect: "Allow", Action: one(sealing.filter((a) => a !== "kms:DescribeKey")), Resource: p.keyArn, Condition: p.condition },
      {
        Sid: "EnvsealAtRestKeyThroughLambda",
        Effect: "Allow",
        Action: one(actionsFor(DEPLOYER_COMMANDS, "atRestKey").filter((a) => a !== "kms:DescribeKey")),
        Resource: p.atRestKeyArn,
        Condition: { StringEquals: { "kms:ViaService": `lambda.${p.region}.amazonaws.com` } },
      },
      { Sid: "EnvsealReadWriteFunction", Effect: "Allow", Action: one(actionsFor(DEPLOYER_COMMANDS, "function")), Resource: p.functionArn },
    ],
  };
}

/** What `policy` prints. */
export interface PolicyResult {
  readonly functionName: string;
  readonly functionArn: string;
  readonly roleArn: string;
  readonly keyArn: string;
  readonly account: string;
  readonly region: string;
  /** Attach to the function's execution role. */
  readonly executionRolePolicy: PolicyDocument;
  /** Add to the key policy of the key. */
  readonly keyPolicyStatement: Statement;
  /** For whoever runs envseal's writing commands on this function (CI, a developer): derived from `permissions.ts`. */
  readonly deployerPolicy: PolicyDocument;
}

function arnParts(arn: string, what: string): { partition: string; region: string; account: string } {
  const m = /^arn:(aws[a-zA-Z-]*):[a-z0-9-]+:([a-z0-9-]+):(\d{12}):/.exec(arn);
  if (!m) throw new InputError(`cannot read account and region from the ${what} ARN ${arn}`, { hint: "check --function and --key" });
  return { partition: m[1] as string, region: m[2] as string, account: m[3] as string };
}

/**
 * Build the three policies for `functionName` and `key`.
 *
 * @example
 * ```ts
 * const p = await policy(deps, { functionName: "orders-api", key: "alias/app" });
 * console.log(JSON.stringify(p.executionRolePolicy, null, 2));
 * ```
 */
export async function policy(deps: AwsDeps, req: { functionName: string; key: string }): Promise<PolicyResult> {
  functionNameOf(req.functionName);
  const [key, fn] = await Promise.all([describeKey(deps.kms(), req.key), readFunction(deps.lambda(), req.functionName)]);
  if (key.manager === "AWS") {
    throw new InputError(`${key.ref} is an AWS managed key; its key policy cannot be changed and it cannot seal values`, {
      hint: "pass the customer managed key the function's values are sealed with",
    });
  }
  const k = arnParts(key.arn, "key");
  const f = arnParts(fn.arn, "function");
  const name = fn.name;
  const roleArn = fn.role ?? `arn:${f.partition}:iam::${f.account}:role/<execution-role>`;
  const onlyThisFunction = { StringEquals: { [`kms:EncryptionContext:${CONTEXT_KEY}`]: name } };
  const functionArn = `arn:${f.partition}:lambda:${f.region}:${f.account}:function:${name}`;
  return {
    functionName: name,
    functionArn,
    roleArn,
    keyArn: key.arn,
    account: k.account,
    region: k.region,
    executionRolePolicy: {
      Version: "2012-10-17",
      Statement: [{ Sid: "EnvsealUnsealAtColdStart", Effect: "Allow", Action: "kms:Decrypt", Resource: key.arn, Condition: onlyThisFunction }],
    },
    keyPolicyStatement: {
      Sid: `EnvsealUnseal-${name}`,
      Effect: "Allow",
      Principal: { AWS: roleArn },
      Action: "kms:Decrypt",
      Resource: "*",
      Condition: onlyThisFunction,
    },
    deployerPolicy: deployerPolicy({ keyArn: key.arn, atRestKeyArn: fn.kmsKeyArn ?? key.arn, functionArn, region: f.region, condition: onlyThisFunction }),
  };
}
