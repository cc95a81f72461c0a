/**
 * The AWS Config rule's input (src/audit/config/event.ts, item.ts): each event shape, the rule parameters and their
 * defaults, every malformed case's exact message, and a configuration item's fields in either case convention.
 */
import { describe, expect, it } from "vitest";
import { InputError } from "../../src/core/errors.js";
import { parseConfigEvent, parseRuleParameters } from "../../src/audit/config/event.js";
import { fromHistory, fromItem, functionRef } from "../../src/audit/config/item.js";

const HINT = "the rule must be a custom Lambda rule for AWS::Lambda::Function (samples/template-config-rule.yaml)";
const ITEM = { resourceType: "AWS::Lambda::Function", resourceId: "orders-api" };
const change = (extra: Record<string, unknown> = {}) => ({
  resultToken: "token-1",
  invokingEvent: JSON.stringify({ messageType: "ConfigurationItemChangeNotification", configurationItem: ITEM }),
  ...extra,
});

describe("parseRuleParameters", () => {
  it("defaults: failOn high, no CMK requirement, no ignores, latest only", () => {
    const defaults = { failOn: "high", requireCmk: false, ignore: [], allVersions: false };
    expect(parseRuleParameters(undefined)).toEqual(defaults);
    expect(parseRuleParameters(null)).toEqual(defaults);
    expect(parseRuleParameters("")).toEqual(defaults);
    expect(parseRuleParameters("{}")).toEqual(defaults);
  });

  it("reads a JSON string or an object; flags are 1, true or yes in any case; ignore is a trimmed list", () => {
    expect(parseRuleParameters(JSON.stringify({ failOn: " medium ", requireCmk: "TRUE", ignore: " ES001 , ES004:bill* ,, ", allVersions: "yes" }))).toEqual({
      failOn: "medium",
      requireCmk: true,
      ignore: ["ES001", "ES004:bill*"],
      allVersions: true,
    });
    expect(parseRuleParameters({ failOn: "none", requireCmk: 1, allVersions: " Yes " })).toEqual({ failOn: "none", requireCmk: true, ignore: [], allVersions: true });
    for (const no of ["0", "false", "no", "truex", "xyes", ""]) expect(parseRuleParameters({ requireCmk: no }).requireCmk).toBe(false);
    for (const sev of ["low", "medium", "high", "critical"]) expect(parseRuleParameters({ failOn: sev }).failOn).toBe(sev);
  });

  it.each([
    [JSON.stringify({ failOn: "severe" }), 'AWS Config event: ruleParameters.failOn "severe" is not none, low, medium, high or critical'],
    ["not json", "AWS Config event: ruleParameters is not valid JSON"],
    ["[1]", "AWS Config event: ruleParameters is not a JSON object"],
    ["null", "AWS Config event: ruleParameters is not a JSON object"],
    ["5", "AWS Config event: ruleParameters is not a JSON object"],
    [5, "AWS Config event: ruleParameters is not a JSON string"],
    [["a"], "AWS Config event: ruleParameters is not a JSON string"],
  ])("refuses %j", (raw, message) => {
    expect(() => parseRuleParameters(raw)).toThrow(InputError);
    expect(() => parseRuleParameters(raw)).toThrow(expect.objectContaining({ message, hint: HINT }));
  });

  it("clips a long failOn in the message", () => {
    expect(() => parseRuleParameters({ failOn: "x".repeat(50) })).toThrow(`AWS Config event: ruleParameters.failOn "${"x".repeat(20)}…" is not none, low, medium, high or critical`);
  });
});

describe("parseConfigEvent", () => {
  it("a change notification: the item, the token, scope and parameters", () => {
    expect(parseConfigEvent(change({ ruleParameters: '{"failOn":"low"}' }))).toEqual({
      kind: "change",
      item: ITEM,
      common: { resultToken: "token-1", eventLeftScope: false, parameters: { failOn: "low", requireCmk: false, ignore: [], allVersions: false } },
    });
    expect(parseConfigEvent(change({ eventLeftScope: true })).common.eventLeftScope).toBe(true);
    expect(parseConfigEvent(change({ eventLeftScope: "true" })).common.eventLeftScope).toBe(true);
    expect(parseConfigEvent(change({ eventLeftScope: "false" })).common.eventLeftScope).toBe(false);
    expect(parseConfigEvent(change({ eventLeftScope: 1 })).common.eventLeftScope).toBe(false);
  });

  it("an oversized notification carries the summary; a scheduled one its time (now when absent)", () => {
    const oversized = parseConfigEvent({ resultToken: "t", invokingEvent: { messageType: "OversizedConfigurationItemChangeNotification", configurationItemSummary: ITEM } });
    expect(oversized).toMatchObject({ kind: "oversized", summary: ITEM });
    const periodic = parseConfigEvent({ resultToken: "t", invokingEvent: JSON.stringify({ messageType: "ScheduledNotification", notificationCreationTime: "2026-11-30T08:00:00.000Z" }) });
    expect(periodic).toMatchObject({ kind: "periodic", notificationCreationTime: "2026-11-30T08:00:00.000Z" });
    const before = Date.now();
    const noTime = parseConfigEvent({ resultToken: "t", invokingEvent: { messageType: "ScheduledNotification" } });
    expect(noTime.kind).toBe("periodic");
    const when = Date.parse((noTime as { notificationCreationTime: string }).notificationCreationTime);
    expect(when).toBeGreaterThanOrEqual(before - 1000);
    expect(when).toBeLessThanOrEqual(Date.now() + 1000);
  });

  it.each([
    [null, "the event is not an object"],
    ["event", "the event is not an object"],
    [{ invokingEvent: "{}" }, "resultToken is missing"],
    [{ resultToken: "", invokingEvent: "{}" }, "resultToken is missing"],
    [{ resultToken: 5, invokingEvent: "{}" }, "resultToken is missing"],
    [{ resultToken: "t", invokingEvent: "{" }, "invokingEvent is not valid JSON"],
    [{ resultToken: "t", invokingEvent: "{}" }, "messageType (none) is not handled"],
    [{ resultToken: "t", invokingEvent: { messageType: "Other" } }, "messageType Other is not handled"],
    [{ resultToken: "t", invokingEvent: { messageType: "ConfigurationItemChangeNotification" } }, "configurationItem is missing"],
    [{ resultToken: "t", invokingEvent: { messageType: "ConfigurationItemChangeNotification", configurationItem: { resourceType: "AWS::Lambda::Function" } } }, "configurationItem has no resourceType / resourceId"],
    [{ resultToken: "t", invokingEvent: { messageType: "ConfigurationItemChangeNotification", configurationItem: { resourceId: "x" } } }, "configurationItem has no resourceType / resourceId"],
    [{ resultToken: "t", invokingEvent: { messageType: "OversizedConfigurationItemChangeNotification" } }, "configurationItemSummary is missing"],
  ])("refuses %j", (event, what) => {
    expect(() => parseConfigEvent(event)).toThrow(expect.objectContaining({ message: `AWS Config event: ${what}`, hint: HINT }));
  });
});

describe("a configuration item as a FunctionConfiguration", () => {
  it("camelCase (Config's item) and PascalCase fields; the name from the item when the configuration has none", () => {
    expect(
      fromItem({
        ...ITEM,
        ARN: "arn:aws:lambda:eu-west-1:111122223333:function:orders-api",
        configuration: { functionName: "orders-api", functionArn: "arn:fn", version: "$LATEST", kmsKeyArn: "arn:key", environment: { variables: { A: "1" } } },
      }),
    ).toEqual({ FunctionName: "orders-api", FunctionArn: "arn:fn", Version: "$LATEST", KMSKeyArn: "arn:key", Environment: { Variables: { A: "1" } } });
    expect(fromItem({ ...ITEM, resourceName: "named", configuration: { FunctionName: "", Environment: { Variables: { B: "2" } }, KMSKeyArn: "arn:k2", Version: "3" } })).toEqual({
      FunctionName: "named",
      Version: "3",
      KMSKeyArn: "arn:k2",
      Environment: { Variables: { B: "2" } },
    });
    expect(fromItem({ ...ITEM, ARN: "arn:item", configuration: { kmskeyArn: "arn:k3", environment: {} } })).toEqual({
      FunctionName: "orders-api",
      FunctionArn: "arn:item",
      KMSKeyArn: "arn:k3",
      Environment: {},
    });
  });

  it("an environment error is kept with defaults for missing fields", () => {
    expect(fromItem({ ...ITEM, configuration: { environment: { error: { errorCode: "AccessDeniedException", message: "m" } } } })?.Environment).toEqual({
      Error: { ErrorCode: "AccessDeniedException", Message: "m" },
    });
    expect(fromItem({ ...ITEM, configuration: { Environment: { Error: {} } } })?.Environment).toEqual({ Error: { ErrorCode: "Unknown", Message: "" } });
  });

  it("no configuration, no environment, or variables that are not all strings: nothing to check from the item", () => {
    expect(fromItem(ITEM)).toBeUndefined();
    expect(fromItem({ ...ITEM, configuration: [] })).toBeUndefined();
    expect(fromItem({ ...ITEM, configuration: { functionName: "x" } })).toBeUndefined();
    expect(fromItem({ ...ITEM, configuration: { environment: { variables: { A: 1 } } } })).toBeUndefined();
    expect(fromItem({ ...ITEM, configuration: { environment: { variables: ["a"] } } })).toBeUndefined();
    expect(fromItem({ ...ITEM, configuration: { environment: { variables: "A=1" } } })).toBeUndefined();
    expect(fromItem({ ...ITEM, configuration: { environment: { variables: null } } })).toEqual({ FunctionName: "orders-api", Environment: {} });
  });

  it("fromHistory parses the configuration string and maps the item's fields", () => {
    const captured = new Date("2026-11-30T07:00:00.000Z");
    expect(
      fromHistory({
        resourceType: "AWS::Lambda::Function",
        resourceId: "id-1",
        resourceName: "orders-api",
        arn: "arn:fn",
        awsRegion: "eu-west-1",
        accountId: "111122223333",
        configurationItemCaptureTime: captured,
        configurationItemStatus: "OK",
        configuration: '{"functionName":"orders-api"}',
      }),
    ).toEqual({
      resourceType: "AWS::Lambda::Function",
      resourceId: "id-1",
      resourceName: "orders-api",
      ARN: "arn:fn",
      awsRegion: "eu-west-1",
      awsAccountId: "111122223333",
      configurationItemCaptureTime: "2026-11-30T07:00:00.000Z",
      configurationItemStatus: "OK",
      configuration: { functionName: "orders-api" },
    });
    expect(fromHistory({ configuration: "{broken" })).toMatchObject({ resourceType: "", resourceId: "", configuration: undefined, configurationItemCaptureTime: undefined });
  });

  it("functionRef: the item's ARN, else the configuration's, else its name, else its id", () => {
    expect(functionRef({ ...ITEM, ARN: "arn:item", resourceName: "n", configuration: { functionArn: "arn:cfg" } })).toBe("arn:item");
    expect(functionRef({ ...ITEM, ARN: "", resourceName: "n", configuration: { functionArn: "arn:cfg" } })).toBe("arn:cfg");
    expect(functionRef({ ...ITEM, resourceName: "n" })).toBe("n");
    expect(functionRef(ITEM)).toBe("orders-api");
    expect(functionRef({ resourceType: "AWS::Lambda::Function", resourceId: "" })).toBe("");
  });
});
