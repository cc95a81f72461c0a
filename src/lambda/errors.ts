/**
 * Lambda failures → envseal errors naming the function and the permission; never a value.
 * @module
 */
import { AwsError, EnvsealError, InputError } from "../core/errors.js";
import { errorCode, mapCommonAwsError } from "../transport/errors.js";

/** Map a Lambda SDK error for `operation` (an IAM action such as `lambda:UpdateFunctionConfiguration`). */
export function mapLambdaError(err: unknown, operation: string, functionName: string): EnvsealError {
  if (err instanceof EnvsealError) return err;
  const code = errorCode(err);
  switch (code) {
    case "ResourceNotFoundException":
      return new InputError(`function ${functionName} was not found`, {
        hint: "check --function and --region (aws lambda list-functions)",
        cause: err,
      });
    case "AccessDeniedException":
      return new AwsError(`access denied: the caller lacks ${operation} on function ${functionName}`, {
        code,
        operation,
        hint: `grant ${operation} on the function to your identity (see \`envseal policy\`)`,
        cause: err,
      });
    case "KMSAccessDeniedException":
    case "KMSDisabledException":
    case "KMSNotFoundException":
    case "KMSInvalidStateException":
      return new AwsError(`Lambda could not use the function's at-rest KMS key (${code})`, {
        code,
        operation,
        hint: "check the key in KMSKeyArn is enabled and its key policy lets Lambda use it",
        cause: err,
      });
    case "InvalidParameterValueException":
      return new InputError(`Lambda refused the configuration of ${functionName} (InvalidParameterValueException)`, {
        hint: "check the variable names, sizes and the at-rest key; run with --verbose for details",
        cause: err,
      });
    default:
      return mapCommonAwsError(err, operation);
  }
}
