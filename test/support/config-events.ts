/**
 * AWS Config custom-rule events in the shapes Config sends (recorded shape of the documentation's examples and of
 * deployed rules): `invokingEvent` and `ruleParameters` as JSON strings, configuration items with Lambda's configuration
 * in camelCase (`kmskeyArn` spelled as Config records it).
 */
import type { FunctionConfiguration } from "@aws-sdk/client-lambda";

export const RULE_ACCOUNT = "123456789012";
export const RESULT_TOKEN = "eyJlbmNyeXB0ZWREYXRhIjpbLTExLDEwLDQ0XSwibWF0ZXJpYWxTZXRTZXJpYWxOdW1iZXIiOjF9";

/** A configuration item for a Lambda function, as Config records it. */
export function lambdaItem(cfg: FunctionConfiguration, extra: { status?: string; capturedAt?: string; withEnvironment?: boolean } = {}): Record<string, unknown> {
  const region = /^arn:aws:lambda:([a-z0-9-]+):/.exec(cfg.FunctionArn ?? "")?.[1] ?? "eu-west-1";
  const configuration: Record<string, unknown> = {
    functionName: cfg.FunctionName,
    functionArn: cfg.FunctionArn,
    runtime: cfg.Runtime ?? "nodejs22.x",
    role: cfg.Role ?? `arn:aws:iam::${RULE_ACCOUNT}:role/app`,
    handler: cfg.Handler ?? "index.handler",
    codeSize: cfg.CodeSize ?? 1024,
    description: cfg.Description ?? "",
    timeout: cfg.Timeout ?? 3,
    memorySize: cfg.MemorySize ?? 128,
    lastModified: cfg.LastModified ?? "2026-11-30T09:00:00.000+0000",
    codeSha256: cfg.CodeSha256 ?? "abc=",
    version: cfg.Version ?? "$LATEST",
    vpcConfig: null,
    tracingConfig: { mode: "PassThrough" },
    kmskeyArn: cfg.KMSKeyArn ?? null,
    layers: [],
    state: "Active",
    lastUpdateStatus: "Successful",
    packageType: "Zip",
    architectures: ["x86_64"],
  };
  if (extra.withEnvironment !== false) {
    configuration.environment = {
      variables: cfg.Environment?.Variables ?? null,
      error: cfg.Environment?.Error ? { errorCode: cfg.Environment.Error.ErrorCode, message: cfg.Environment.Error.Message } : null,
    };
  }
  return {
    relatedEvents: [],
    relationships: [],
    configuration,
    supplementaryConfiguration: {},
    tags: {},
    configurationItemVersion: "1.3",
    configurationItemCaptureTime: extra.capturedAt ?? "2026-11-30T09:00:05.123Z",
    configurationStateId: 1764493205123,
    awsAccountId: RULE_ACCOUNT,
    configurationItemStatus: extra.status ?? "OK",
    resourceType: "AWS::Lambda::Function",
    resourceId: cfg.FunctionName,
    resourceName: cfg.FunctionName,
    ARN: cfg.FunctionArn,
    awsRegion: region,
    availabilityZone: "Not Applicable",
    configurationStateMd5Hash: "",
    resourceCreationTime: "2026-11-01T00:00:00.000Z",
  };
}

/** The summary an oversized notification carries instead of the item. */
export function itemSummary(item: Record<string, unknown>): Record<string, unknown> {
  const keep = ["configurationItemCaptureTime", "configurationStateId", "awsAccountId", "configurationItemStatus", "resourceType", "resourceId", "resourceName", "ARN", "awsRegion", "availabilityZone", "resourceCreationTime"];
  return { changeType: "UPDATE", configurationItemVersion: "1.3", ...Object.fromEntries(keep.map((k) => [k, item[k]])) };
}

function envelope(invoking: Record<string, unknown>, ruleParameters: Record<string, string>, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    version: "1.0",
    invokingEvent: JSON.stringify(invoking),
    ruleParameters: JSON.stringify(ruleParameters),
    resultToken: RESULT_TOKEN,
    eventLeftScope: false,
    executionRoleArn: `arn:aws:iam::${RULE_ACCOUNT}:role/aws-service-role/config.amazonaws.com/AWSServiceRoleForConfig`,
    configRuleArn: `arn:aws:config:eu-west-1:${RULE_ACCOUNT}:config-rule/config-rule-envseal`,
    configRuleName: "envseal-lambda-environment",
    configRuleId: "config-rule-envseal",
    accountId: RULE_ACCOUNT,
    evaluationMode: "DETECTIVE",
    ...extra,
  };
}

/** ConfigurationItemChangeNotification. */
export function changeEvent(item: Record<string, unknown>, ruleParameters: Record<string, string> = {}, extra: Record<string, unknown> = {}) {
  return envelope({ configurationItemDiff: null, configurationItem: item, notificationCreationTime: "2026-11-30T09:00:06.000Z", messageType: "ConfigurationItemChangeNotification", recordVersion: "1.3" }, ruleParameters, extra);
}

/** OversizedConfigurationItemChangeNotification. */
export function oversizedEvent(item: Record<string, unknown>, ruleParameters: Record<string, string> = {}) {
  return envelope({ configurationItemSummary: itemSummary(item), notificationCreationTime: "2026-11-30T09:00:06.000Z", messageType: "OversizedConfigurationItemChangeNotification", recordVersion: "1.0" }, ruleParameters);
}

/** ScheduledNotification (periodic). */
export function scheduledEvent(at = "2026-11-30T12:00:00.000Z", ruleParameters: Record<string, string> = {}) {
  return envelope({ awsAccountId: RULE_ACCOUNT, notificationCreationTime: at, messageType: "ScheduledNotification", recordVersion: "1.0" }, ruleParameters);
}

/** The same item as GetResourceConfigHistory returns it (API shape: `configuration` a JSON string, `accountId`, `arn`). */
export function historyItem(item: Record<string, unknown>): Record<string, unknown> {
  return {
    version: item.configurationItemVersion,
    accountId: item.awsAccountId,
    configurationItemCaptureTime: item.configurationItemCaptureTime,
    configurationItemStatus: item.configurationItemStatus,
    configurationStateId: String(item.configurationStateId),
    arn: item.ARN,
    resourceType: item.resourceType,
    resourceId: item.resourceId,
    resourceName: item.resourceName,
    awsRegion: item.awsRegion,
    availabilityZone: item.availabilityZone,
    resourceCreationTime: item.resourceCreationTime,
    tags: item.tags,
    relatedEvents: item.relatedEvents,
    relationships: item.relationships,
    configuration: JSON.stringify(item.configuration),
    supplementaryConfiguration: item.supplementaryConfiguration,
  };
}
