/**
 * One-line reasons for an account or account-region that was not audited, from the error that stopped it. Built from
 * error codes and envseal's own words only.
 * @module
 */
import { AwsError, EnvsealError } from "../../core/errors.js";
import { errorCode } from "../../transport/errors.js";

/**
 * Why `operation` failed in `where` (`ACCOUNT` or `ACCOUNT REGION`), with the likely cause for the usual codes.
 *
 * @example
 * ```ts
 * notAuditedReason(err, "lambda:ListFunctions", "111122223333 eu-south-2");
 * // "lambda:ListFunctions in 111122223333 eu-south-2: UnrecognizedClientException (the region is not enabled for this account, or the session is not valid there)"
 * ```
 */
export function notAuditedReason(err: unknown, operation: string, where: string): string {
  // AssumeRole failures already say everything.
  if (err instanceof AwsError && err.operation === "sts:AssumeRole") return err.message;
  const code = err instanceof AwsError ? err.code : errorCode(err);
  let why = "";
  if (/AccessDenied/.test(code)) why = ` (the member role lacks ${operation} here, or a service control policy denies it)`;
  else if (/UnrecognizedClient|InvalidClientTokenId|AuthFailure|OptInRequired|SubscriptionRequired/.test(code)) why = " (the region is not enabled for this account, or the session is not valid there)";
  else if (/Throttl|TooManyRequests|LimitExceeded/.test(code)) why = " (throttled after every retry)";
  else if (err instanceof EnvsealError && !(err instanceof AwsError)) why = ` (${err.message})`;
  return `${operation} in ${where}: ${code}${why}`;
}
