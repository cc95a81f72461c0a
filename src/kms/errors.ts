/**
 * KMS failures → envseal errors, each naming the key or variable and what to do; never a value.
 * @module
 */
import { AwsError, EnvsealError, InputError } from "../core/errors.js";
import { errorCode, mapCommonAwsError } from "../transport/errors.js";

/** What the failed call was about. */
export interface KmsErrorContext {
  /** IAM action, e.g. `kms:Encrypt`. */
  operation: string;
  /** Key reference involved, if known. */
  key?: string;
  /** Function the value is bound to. */
  functionName?: string;
  /** The variable being sealed or opened (a name, never a value). */
  variable?: string;
  /** The variable the encryption context names (wire format v2), when it does. */
  boundTo?: string;
}

/** Map a KMS SDK error. */
export function mapKmsError(err: unknown, ctx: KmsErrorContext): EnvsealError {
  if (err instanceof EnvsealError) return err;
  const code = errorCode(err);
  const what = ctx.variable ? `${ctx.variable}: ` : "";
  const key = ctx.key ? `KMS key ${ctx.key}` : "the KMS key";
  switch (code) {
    case "NotFoundException":
      return new InputError(`${what}${key} was not found`, {
        hint: "check --key (key id, key ARN, alias/NAME or alias ARN) and --region",
        cause: err,
      });
    case "DisabledException":
      return new InputError(`${what}${key} is disabled`, {
        hint: "enable it (aws kms enable-key) or use another key",
        cause: err,
      });
    case "KMSInvalidStateException":
      return new InputError(`${what}${key} is not usable (pending deletion or import)`, {
        hint: "cancel the deletion (aws kms cancel-key-deletion) or use another key",
        cause: err,
      });
    case "InvalidCiphertextException":
      return new InputError(
        ctx.boundTo
          ? `${what}the value does not open for function ${ctx.functionName ?? "?"} and variable ${ctx.boundTo}: sealed for another function name or variable?`
          : `${what}the value does not open${ctx.functionName ? ` for function ${ctx.functionName}` : ""}: sealed for another function name?`,
        {
          hint: "check --function; `envseal copy` re-binds values sealed for another function",
          cause: err,
        },
      );
    case "IncorrectKeyException":
      return new InputError(`${what}the value was sealed with another key than ${ctx.key ?? "the one given"}`, { cause: err });
    case "InvalidKeyUsageException":
      return new InputError(`${what}${key} cannot encrypt or decrypt (wrong key usage or spec)`, {
        hint: "use a symmetric ENCRYPT_DECRYPT key",
        cause: err,
      });
    case "AccessDeniedException":
      return new AwsError(`${what}access denied: the caller lacks ${ctx.operation} on ${key.replace("KMS key ", "")}`, {
        code,
        operation: ctx.operation,
        hint: `grant ${ctx.operation} on the key with kms:EncryptionContext:LambdaFunctionName (see \`envseal policy\`)`,
        cause: err,
      });
    default: {
      const mapped = mapCommonAwsError(err, ctx.operation);
      if (what) mapped.message = `${what}${mapped.message}`;
      return mapped;
    }
  }
}
