/**
 * One assumed-role session per member account: `sts:AssumeRole` into `arn:PARTITION:iam::ACCOUNT:role/NAME` with session
 * name `envseal-audit` (and the external id, when given), once; again only when the credentials near their expiry (an
 * audit longer than the session). Failures are explained in one line: which role, which account, the likely cause.
 * @module
 */
import { AssumeRoleCommand, type STSClient } from "@aws-sdk/client-sts";
import { AwsError } from "../../core/errors.js";
import { errorCode } from "../../transport/errors.js";
import type { AwsCredentials, AwsCredentialsProvider } from "../../transport/clients.js";

/** The `RoleSessionName` envseal uses, so CloudTrail in each account shows who audited it. */
export const ROLE_SESSION_NAME = "envseal-audit";
/** Credentials are renewed when less than this is left (the SDK asks again 5 minutes before expiry). */
const RENEW_BEFORE_MS = 6 * 60_000;

/** An assumed-role session: the provider clients sign with, and the first AssumeRole to wait for. */
export interface AssumedSession {
  /** For `AwsOptions.credentials`. */
  readonly credentials: AwsCredentialsProvider;
  /** Resolves once the role was assumed; rejects with an {@link AwsError} explaining why not. */
  readonly ready: () => Promise<void>;
  /** AssumeRole calls made so far. */
  readonly calls: () => number;
}

/** What to assume. */
export interface AssumeTarget {
  readonly roleArn: string;
  readonly account: string;
  readonly externalId?: string | undefined;
}

/**
 * One line on why AssumeRole failed, naming the role, the account and the likely cause.
 *
 * @example
 * ```ts
 * assumeFailure({ name: "AccessDenied" }, { roleArn, account: "444455556666" }).message;
 * // "sts:AssumeRole into arn:aws:iam::444455556666:role/EnvsealAudit was refused (AccessDenied): the role does not exist …"
 * ```
 */
export function assumeFailure(err: unknown, target: AssumeTarget): AwsError {
  const code = errorCode(err);
  const role = target.roleArn;
  let message: string;
  if (code === "AccessDenied" || code === "AccessDeniedException") {
    message = `sts:AssumeRole into ${role} was refused (${code}): the role does not exist in ${target.account}, or its trust policy does not trust the caller${target.externalId ? " with this external id" : " (does it require an external id?)"}`;
  } else if (code === "RegionDisabledException") {
    message = `sts:AssumeRole into ${role} failed (${code}): STS is not activated in this region for the calling account`;
  } else if (/ExpiredToken|InvalidClientTokenId|SignatureDoesNotMatch|CredentialsProviderError/.test(code)) {
    message = `sts:AssumeRole into ${role} failed (${code}): the caller's own credentials were refused`;
  } else {
    message = `sts:AssumeRole into ${role} failed (${code})`;
  }
  return new AwsError(message, { code, operation: "sts:AssumeRole", hint: "deploy the member role (samples/template-org-audit-role.yaml) or fix its trust policy", cause: err });
}

/**
 * A lazily assumed session: nothing is called until `ready()` or the first signed request.
 *
 * @example
 * ```ts
 * const session = assumeRoleSession(sts, { roleArn: roleArn("aws", id, "EnvsealAudit"), account: id, externalId });
 * await session.ready();
 * const lambda = createLambdaClient({ credentials: session.credentials }, "eu-west-1");
 * ```
 */
export function assumeRoleSession(sts: STSClient, target: AssumeTarget, now: () => number = Date.now): AssumedSession {
  let current: Promise<AwsCredentials> | undefined;
  let calls = 0;
  const assume = async (): Promise<AwsCredentials> => {
    calls++;
    let out;
    try {
      out = await sts.send(
        new AssumeRoleCommand({
          RoleArn: target.roleArn,
          RoleSessionName: ROLE_SESSION_NAME,
          ...(target.externalId !== undefined ? { ExternalId: target.externalId } : {}),
        }),
      );
    } catch (err) {
      throw assumeFailure(err, target);
    }
    const c = out.Credentials;
    if (!c?.AccessKeyId || !c.SecretAccessKey) throw assumeFailure({ name: "NoCredentials" }, target);
    return { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, ...(c.SessionToken ? { sessionToken: c.SessionToken } : {}), ...(c.Expiration ? { expiration: c.Expiration } : {}) };
  };
  // While an AssumeRole is pending its expiry counts as unknown (fresh), so concurrent callers share it. A failure stays
  // cached: the account is reported once as not audited, not retried per request.
  let expiresAt = Number.POSITIVE_INFINITY;
  const credentials: AwsCredentialsProvider = () => {
    if (!current || expiresAt - now() <= RENEW_BEFORE_MS) {
      expiresAt = Number.POSITIVE_INFINITY;
      current = assume().then((c) => {
        expiresAt = c.expiration?.getTime() ?? Number.POSITIVE_INFINITY;
        return c;
      });
    }
    return current;
  };
  return { credentials, ready: async () => void (await credentials()), calls: () => calls };
}
