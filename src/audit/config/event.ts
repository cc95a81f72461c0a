/**
 * The event AWS Config sends a custom Lambda rule, parsed and checked: `invokingEvent` (a JSON string) with
 * `messageType` ConfigurationItemChangeNotification (a `configurationItem`), OversizedConfigurationItemChangeNotification
 * (a `configurationItemSummary` only: the item is fetched with GetResourceConfigHistory) or ScheduledNotification
 * (periodic: every function of the account-region), plus `ruleParameters` (a JSON string), `resultToken` and
 * `eventLeftScope`. Anything else is an {@link InputError}, so a misconfigured rule fails loudly.
 * @module
 */
import { InputError } from "../../core/errors.js";
import { clip } from "../../core/format.js";
import { SEVERITIES, type FailOn } from "../types.js";

/** The parts of a configuration item the rule reads (invoking-event shape). */
export interface ConfigItem {
  readonly resourceType: string;
  readonly resourceId: string;
  readonly resourceName?: string | undefined;
  readonly ARN?: string | undefined;
  readonly awsRegion?: string | undefined;
  readonly awsAccountId?: string | undefined;
  readonly configurationItemCaptureTime?: string | undefined;
  readonly configurationItemStatus?: string | undefined;
  /** The resource's configuration; for a Lambda function, GetFunctionConfiguration's fields in camelCase. */
  readonly configuration?: unknown;
}

/** The rule's parameters (`InputParameters` of the Config rule; every value a string). Defaults on each field. */
export interface RuleParameters {
  /** Lowest severity that makes a function NON_COMPLIANT. Default: `high` (as `envseal audit --fail-on`). */
  readonly failOn: FailOn;
  /** ES004 is medium instead of low. Default: false. */
  readonly requireCmk: boolean;
  /** Comma-separated `RULE[:FUNCTION-GLOB]` suppressions. Default: none. */
  readonly ignore: string[];
  /** Periodic evaluations also scan published versions (ES009 counts against the function). Default: false. */
  readonly allVersions: boolean;
}

/** One invocation of the rule. */
export type ConfigInvocation =
  | { readonly kind: "change"; readonly item: ConfigItem; readonly common: Common }
  | { readonly kind: "oversized"; readonly summary: ConfigItem; readonly common: Common }
  | { readonly kind: "periodic"; readonly notificationCreationTime: string; readonly common: Common };

/** What every kind carries. */
export interface Common {
  readonly resultToken: string;
  readonly eventLeftScope: boolean;
  readonly parameters: RuleParameters;
}

function bad(what: string): InputError {
  return new InputError(`AWS Config event: ${what}`, { hint: "the rule must be a custom Lambda rule for AWS::Lambda::Function (samples/template-config-rule.yaml)" });
}

function json(text: unknown, what: string): Record<string, unknown> {
  if (text === undefined || text === null || text === "") return {};
  if (typeof text === "object" && !Array.isArray(text)) return text as Record<string, unknown>;
  if (typeof text !== "string") throw bad(`${what} is not a JSON string`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw bad(`${what} is not valid JSON`);
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) throw bad(`${what} is not a JSON object`);
  return parsed as Record<string, unknown>;
}

const flag = (v: unknown) => /^(1|true|yes)$/i.test(String(v ?? "").trim());

/**
 * Parse `ruleParameters`. Throws {@link InputError} for an unknown `failOn`.
 *
 * @example
 * ```ts
 * parseRuleParameters('{"failOn":"medium","ignore":"ES004"}'); // { failOn: "medium", requireCmk: false, ignore: ["ES004"], allVersions: false }
 * ```
 */
export function parseRuleParameters(raw: unknown): RuleParameters {
  const p = json(raw, "ruleParameters");
  const failOn = String(p.failOn ?? "high").trim() as FailOn;
  if (failOn !== "none" && !SEVERITIES.includes(failOn)) throw bad(`ruleParameters.failOn "${clip(failOn, 20)}" is not none, low, medium, high or critical`);
  return {
    failOn,
    requireCmk: flag(p.requireCmk),
    ignore: String(p.ignore ?? "").split(",").map((s) => s.trim()).filter(Boolean),
    allVersions: flag(p.allVersions),
  };
}

function item(x: unknown, what: string): ConfigItem {
  if (typeof x !== "object" || x === null) throw bad(`${what} is missing`);
  const i = x as Record<string, unknown>;
  if (typeof i.resourceType !== "string" || typeof i.resourceId !== "string") throw bad(`${what} has no resourceType / resourceId`);
  return i as unknown as ConfigItem;
}

/**
 * Parse the event Config invokes the rule with.
 *
 * @example
 * ```ts
 * const inv = parseConfigEvent(event);
 * if (inv.kind === "periodic") { … }
 * ```
 */
export function parseConfigEvent(event: unknown): ConfigInvocation {
  if (typeof event !== "object" || event === null) throw bad("the event is not an object");
  const e = event as Record<string, unknown>;
  if (typeof e.resultToken !== "string" || e.resultToken === "") throw bad("resultToken is missing");
  const invoking = json(e.invokingEvent, "invokingEvent");
  const common: Common = { resultToken: e.resultToken, eventLeftScope: e.eventLeftScope === true || e.eventLeftScope === "true", parameters: parseRuleParameters(e.ruleParameters) };
  switch (invoking.messageType) {
    case "ConfigurationItemChangeNotification":
      return { kind: "change", item: item(invoking.configurationItem, "configurationItem"), common };
    case "OversizedConfigurationItemChangeNotification":
      return { kind: "oversized", summary: item(invoking.configurationItemSummary, "configurationItemSummary"), common };
    case "ScheduledNotification":
      return { kind: "periodic", notificationCreationTime: String(invoking.notificationCreationTime ?? new Date().toISOString()), common };
    default:
      throw bad(`messageType ${clip(String(invoking.messageType ?? "(none)"), 60)} is not handled`);
  }
}
