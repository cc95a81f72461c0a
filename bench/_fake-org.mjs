// The organisation side of the benchmark fake (bench/_fake-aws.mjs): STS (query protocol: GetCallerIdentity,
// AssumeRole), IAM SimulatePrincipalPolicy (query protocol, for ES014: always "allowed") and Organizations ListAccounts (JSON 1.1, 20 accounts a page, as AWS pages it). An assumed session's
// access key names its account (`ASIA` + 12 digits + 4 letters), so every later request is attributed to the account
// that signed it — the way AWS scopes quotas and resources.
import { randomBytes } from "node:crypto";

/** The account of an access key id: an assumed session's, else the caller's. */
export function accountOfKey(accessKeyId, callerAccount) {
  return /^ASIA(\d{12})/.exec(accessKeyId ?? "")?.[1] ?? callerAccount;
}

const xml = (action, inner) =>
  `<${action}Response xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><${action}Result>${inner}</${action}Result><ResponseMetadata><RequestId>${randomBytes(8).toString("hex")}</RequestId></ResponseMetadata></${action}Response>`;

/**
 * Handlers for an organisation of `accounts` (member ids) run from `callerAccount`. `assumed` counts AssumeRole calls
 * per target account.
 */
export function orgHandlers({ accounts, callerAccount, roleName }) {
  const members = new Set(accounts);
  const assumed = new Map();
  return {
    assumed,
    /** STS, query protocol: returns [status, body, contentType, op]. */
    sts(form, signer) {
      const action = form.get("Action");
      if (action === "GetCallerIdentity") {
        return [200, xml(action, `<Arn>arn:aws:iam::${signer}:user/bench</Arn><UserId>AIDABENCH</UserId><Account>${signer}</Account>`), "text/xml", "sts:GetCallerIdentity"];
      }
      if (action === "AssumeRole") {
        const m = /^arn:aws:iam::(\d{12}):role\/(.+)$/.exec(form.get("RoleArn") ?? "");
        const target = m?.[1];
        assumed.set(target, (assumed.get(target) ?? 0) + 1);
        if (!m || !members.has(target) || (roleName && m[2] !== roleName) || form.get("RoleSessionName") !== "envseal-audit") {
          const body = `<ErrorResponse><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>not authorized</Message></Error><RequestId>x</RequestId></ErrorResponse>`;
          return [403, body, "text/xml", "sts:AssumeRole"];
        }
        const key = `ASIA${target}${randomBytes(2).toString("hex").toUpperCase()}`;
        const expires = new Date(Date.now() + 3600_000).toISOString();
        const creds = `<Credentials><AccessKeyId>${key}</AccessKeyId><SecretAccessKey>${randomBytes(20).toString("hex")}</SecretAccessKey><SessionToken>${randomBytes(32).toString("base64")}</SessionToken><Expiration>${expires}</Expiration></Credentials>`;
        return [200, xml(action, `${creds}<AssumedRoleUser><Arn>arn:aws:sts::${target}:assumed-role/${m[2]}/envseal-audit</Arn><AssumedRoleId>AROABENCH:envseal-audit</AssumedRoleId></AssumedRoleUser>`), "text/xml", "sts:AssumeRole"];
      }
      if (action === "SimulatePrincipalPolicy") {
        // ES014: IAM (query protocol too) — every execution role may kms:Decrypt its key.
        const resource = form.get("ResourceArns.member.1") ?? "*";
        const result = `<IsTruncated>false</IsTruncated><EvaluationResults><member><EvalActionName>kms:Decrypt</EvalActionName><EvalResourceName>${resource}</EvalResourceName><EvalDecision>allowed</EvalDecision></member></EvaluationResults>`;
        return [200, xml(action, result), "text/xml", "iam:SimulatePrincipalPolicy"];
      }
      return [400, `<ErrorResponse><Error><Code>InvalidAction</Code></Error></ErrorResponse>`, "text/xml", `sts:${action}`];
    },
    /** Organizations ListAccounts: returns [status, json]. */
    listAccounts(input) {
      const all = [callerAccount, ...accounts];
      const start = Number(input.NextToken ?? 0);
      const page = all.slice(start, start + 20).map((Id) => ({ Id, Arn: `arn:aws:organizations::${callerAccount}:account/o-bench/${Id}`, Status: "ACTIVE", Name: Id, Email: `${Id}@example.com` }));
      return [200, { Accounts: page, ...(start + 20 < all.length ? { NextToken: String(start + 20) } : {}) }];
    },
  };
}
