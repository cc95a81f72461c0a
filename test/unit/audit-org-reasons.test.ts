/** Why an account-region was not audited (src/audit/org/reasons.ts): one exact sentence per kind of failure. */
import { describe, expect, it } from "vitest";
import { AwsError, ConfigError } from "../../src/core/errors.js";
import { notAuditedReason } from "../../src/audit/org/reasons.js";

const sdk = (name: string) => Object.assign(new Error(`${name} from the test`), { name });
const where = "111122223333/eu-west-1";

describe("notAuditedReason", () => {
  it("an AssumeRole failure is reported as it is", () => {
    const err = new AwsError("cannot assume arn:aws:iam::111122223333:role/EnvsealAudit: AccessDenied", { code: "AccessDenied", operation: "sts:AssumeRole" });
    expect(notAuditedReason(err, "lambda:ListFunctions", where)).toBe("cannot assume arn:aws:iam::111122223333:role/EnvsealAudit: AccessDenied");
  });

  it.each([
    [sdk("AccessDeniedException"), "lambda:ListFunctions in 111122223333/eu-west-1: AccessDeniedException (the member role lacks lambda:ListFunctions here, or a service control policy denies it)"],
    [
      new AwsError("denied", { code: "AccessDenied", operation: "lambda:ListFunctions" }),
      "lambda:ListFunctions in 111122223333/eu-west-1: AccessDenied (the member role lacks lambda:ListFunctions here, or a service control policy denies it)",
    ],
    [sdk("UnrecognizedClientException"), "lambda:ListFunctions in 111122223333/eu-west-1: UnrecognizedClientException (the region is not enabled for this account, or the session is not valid there)"],
    [sdk("InvalidClientTokenId"), "lambda:ListFunctions in 111122223333/eu-west-1: InvalidClientTokenId (the region is not enabled for this account, or the session is not valid there)"],
    [sdk("AuthFailure"), "lambda:ListFunctions in 111122223333/eu-west-1: AuthFailure (the region is not enabled for this account, or the session is not valid there)"],
    [sdk("OptInRequired"), "lambda:ListFunctions in 111122223333/eu-west-1: OptInRequired (the region is not enabled for this account, or the session is not valid there)"],
    [sdk("SubscriptionRequiredException"), "lambda:ListFunctions in 111122223333/eu-west-1: SubscriptionRequiredException (the region is not enabled for this account, or the session is not valid there)"],
    [sdk("ThrottlingException"), "lambda:ListFunctions in 111122223333/eu-west-1: ThrottlingException (throttled after every retry)"],
    [sdk("TooManyRequestsException"), "lambda:ListFunctions in 111122223333/eu-west-1: TooManyRequestsException (throttled after every retry)"],
    [sdk("LimitExceededException"), "lambda:ListFunctions in 111122223333/eu-west-1: LimitExceededException (throttled after every retry)"],
    [new ConfigError("the endpoint is not allowed", { code: "InsecureEndpoint" }), "lambda:ListFunctions in 111122223333/eu-west-1: ConfigError (the endpoint is not allowed)"],
    [new AwsError("internal", { code: "ServiceException", operation: "lambda:ListFunctions" }), "lambda:ListFunctions in 111122223333/eu-west-1: ServiceException"],
    [Object.assign(new Error("socket"), { code: "ECONNRESET" }), "lambda:ListFunctions in 111122223333/eu-west-1: ECONNRESET"],
    [undefined, "lambda:ListFunctions in 111122223333/eu-west-1: UnknownError"],
  ])("%s", (err, expected) => {
    expect(notAuditedReason(err, "lambda:ListFunctions", where)).toBe(expected);
  });
});
