/**
 * A Lambda function's configuration item, as the rule evaluates it: Config records GetFunctionConfiguration's fields in
 * camelCase (`functionName`, `environment.variables`, `kmsKeyArn` — spelled `kmskeyArn` in some recordings); the
 * GetResourceConfigHistory API returns the same item with `configuration` as a JSON string and `accountId` / `arn`.
 * When an item carries no `environment` block, the rule reads the function itself (GetFunctionConfiguration).
 * @module
 */
import type { ConfigurationItem } from "@aws-sdk/client-config-service";
import type { FunctionConfiguration } from "@aws-sdk/client-lambda";
import type { ConfigItem } from "./event.js";

/** The resource type this rule evaluates. */
export const LAMBDA_RESOURCE_TYPE = "AWS::Lambda::Function";
/** Item statuses that mean the resource is gone (its evaluation is NOT_APPLICABLE). */
export const DELETED_STATUSES: ReadonlySet<string> = new Set(["ResourceDeleted", "ResourceDeletedNotRecorded", "ResourceNotRecorded"]);

const obj = (x: unknown): Record<string, unknown> | undefined => (typeof x === "object" && x !== null && !Array.isArray(x) ? (x as Record<string, unknown>) : undefined);
const str = (...xs: unknown[]): string | undefined => xs.find((x): x is string => typeof x === "string" && x !== "");

/**
 * The item's configuration as a Lambda `FunctionConfiguration`, or `undefined` when the item does not carry the
 * environment (then the function must be read from Lambda). Variables that are not all strings count as not carried.
 *
 * @example
 * ```ts
 * fromItem({ resourceType: "AWS::Lambda::Function", resourceId: "api", configuration: { functionName: "api", environment: { variables: { A: "b" } } } });
 * // { FunctionName: "api", Environment: { Variables: { A: "b" } }, … }
 * ```
 */
export function fromItem(item: ConfigItem): FunctionConfiguration | undefined {
  const c = obj(item.configuration);
  if (!c) return undefined;
  const env = obj(c.environment) ?? obj(c.Environment);
  if (!env) return undefined;
  const vars = env.variables ?? env.Variables;
  if (vars !== undefined && vars !== null && !(obj(vars) && Object.values(obj(vars)!).every((v) => typeof v === "string"))) return undefined;
  const err = obj(env.error) ?? obj(env.Error);
  const name = str(c.functionName, c.FunctionName, item.resourceName, item.resourceId);
  const arn = str(c.functionArn, c.FunctionArn, item.ARN);
  const version = str(c.version, c.Version);
  const key = str(c.kmsKeyArn, c.kmskeyArn, c.KMSKeyArn);
  const role = str(c.role, c.Role);
  return {
    ...(name ? { FunctionName: name } : {}),
    ...(arn ? { FunctionArn: arn } : {}),
    ...(version ? { Version: version } : {}),
    ...(key ? { KMSKeyArn: key } : {}),
    ...(role ? { Role: role } : {}),
    Environment: {
      ...(vars ? { Variables: { ...(vars as Record<string, string>) } } : {}),
      ...(err ? { Error: { ErrorCode: str(err.errorCode, err.ErrorCode) ?? "Unknown", Message: str(err.message, err.Message) ?? "" } } : {}),
    },
  };
}

/**
 * A GetResourceConfigHistory item in the invoking-event shape (`configuration` parsed, `awsAccountId`, `ARN`).
 *
 * @example
 * ```ts
 * const item = fromHistory(out.configurationItems[0]);
 * ```
 */
export function fromHistory(h: ConfigurationItem): ConfigItem {
  let configuration: unknown;
  try {
    configuration = typeof h.configuration === "string" ? JSON.parse(h.configuration) : h.configuration;
  } catch {
    configuration = undefined;
  }
  return {
    resourceType: h.resourceType ?? "",
    resourceId: h.resourceId ?? "",
    resourceName: h.resourceName,
    ARN: h.arn,
    awsRegion: h.awsRegion,
    awsAccountId: h.accountId,
    configurationItemCaptureTime: h.configurationItemCaptureTime?.toISOString(),
    configurationItemStatus: h.configurationItemStatus,
    configuration,
  };
}

/**
 * The name to read the function by: its ARN when the item has one, else its name or id.
 *
 * @example
 * ```ts
 * functionRef({ resourceType: "AWS::Lambda::Function", resourceId: "api" }); // "api"
 * ```
 */
export function functionRef(item: ConfigItem): string {
  return str(item.ARN, obj(item.configuration)?.functionArn, item.resourceName, item.resourceId) ?? item.resourceId;
}
