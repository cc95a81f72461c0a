/**
 * The AWS Config custom rule's logic: one invocation in, `PutEvaluations` out. Change-triggered and oversized
 * notifications evaluate one function; a scheduled notification evaluates every function of the account-region (its
 * published versions too with `allVersions`). The rules are the auditor's own (`checkFunction`), so Config and
 * `envseal audit` always agree. Deleted functions, functions that left the rule's scope and other resource types are
 * NOT_APPLICABLE.
 * @module
 */
import { GetResourceConfigHistoryCommand, PutEvaluationsCommand, type ConfigServiceClient, type Evaluation } from "@aws-sdk/client-config-service";
import { GetFunctionConfigurationCommand, type FunctionConfiguration } from "@aws-sdk/client-lambda";
import type { Emulator } from "../../core/ciphertext.js";
import { AwsError } from "../../core/errors.js";
import { errorCode, mapCommonAwsError } from "../../transport/errors.js";
import type { RoleAccessLookup } from "../access.js";
import { checkFunction } from "../check.js";
import type { AuditClients } from "../clients.js";
import { toAudited } from "../input.js";
import { listRegion } from "../live.js";
import { parseIgnores } from "../suppress.js";
import type { Finding, KeyLookup } from "../types.js";
import { parseConfigEvent, type Common, type ConfigItem } from "./event.js";
import { verdictOf, type Verdict } from "./evaluate.js";
import { DELETED_STATUSES, LAMBDA_RESOURCE_TYPE, fromHistory, fromItem, functionRef } from "./item.js";

/** Evaluations per PutEvaluations call (Config's limit). */
export const EVALUATIONS_PER_CALL = 100;

/** What the rule calls AWS with. */
export interface RuleDeps {
  readonly config: ConfigServiceClient;
  /** Lambda (paced) and KMS clients of the rule's account. */
  readonly clients: AuditClients;
  /** At-rest key lookups, cached across invocations by the handler. */
  readonly keys: KeyLookup;
  /** The rule's region (the function's `AWS_REGION`). */
  readonly region: string;
  /** ES014 (may the execution role decrypt its at-rest key?), cached across invocations by the handler; absent: not run. */
  readonly access?: RoleAccessLookup | undefined;
  readonly emulator?: Emulator | undefined;
}

/** What one invocation sent. */
export interface RuleResult {
  readonly kind: "change" | "oversized" | "periodic";
  readonly evaluations: readonly Evaluation[];
}

function awsFailure(err: unknown, operation: string): AwsError {
  const mapped = mapCommonAwsError(err, operation);
  return mapped instanceof AwsError ? mapped : new AwsError(mapped.message, { code: errorCode(err), operation, cause: err });
}

/** The full item of an oversized notification (GetResourceConfigHistory, the item captured at that time). */
async function historyItem(config: ConfigServiceClient, summary: ConfigItem): Promise<ConfigItem> {
  try {
    const out = await config.send(
      new GetResourceConfigHistoryCommand({
        resourceType: summary.resourceType as never,
        resourceId: summary.resourceId,
        ...(summary.configurationItemCaptureTime ? { laterTime: new Date(summary.configurationItemCaptureTime) } : {}),
        limit: 1,
      }),
    );
    const first = out.configurationItems?.[0];
    return first ? { ...fromHistory(first), configurationItemStatus: summary.configurationItemStatus ?? first.configurationItemStatus } : summary;
  } catch (err) {
    throw awsFailure(err, "config:GetResourceConfigHistory");
  }
}

/** The function as Lambda has it now, or `undefined` when it no longer exists. */
async function readLive(deps: RuleDeps, item: ConfigItem): Promise<FunctionConfiguration | undefined> {
  try {
    return await deps.clients.lambda(item.awsRegion ?? deps.region).send(new GetFunctionConfigurationCommand({ FunctionName: functionRef(item) }));
  } catch (err) {
    if (errorCode(err) === "ResourceNotFoundException") return undefined;
    throw awsFailure(err, "lambda:GetFunctionConfiguration");
  }
}

async function findingsOf(cfg: FunctionConfiguration, region: string, common: Common, deps: RuleDeps): Promise<Finding[]> {
  const fn = toAudited(cfg, region);
  const keyCheck = fn.kmsKeyArn ? await deps.keys(fn.kmsKeyArn) : undefined;
  // ES014 only for a key that exists and is enabled (otherwise ES005 says the function cannot start), as in the audit.
  const roleAccess = deps.access && keyCheck?.status === "ok" ? await deps.access.lookup(fn, true) : undefined;
  return checkFunction(fn, { keyCheck, roleAccess, requireCmk: common.parameters.requireCmk, emulator: deps.emulator });
}

/** The verdict on one configuration item. */
async function judgeItem(item: ConfigItem, common: Common, deps: RuleDeps): Promise<Verdict> {
  if (item.resourceType !== LAMBDA_RESOURCE_TYPE) return { compliance: "NOT_APPLICABLE", annotation: ["envseal evaluates", LAMBDA_RESOURCE_TYPE, "only"].join(" ") };
  if (common.eventLeftScope) return { compliance: "NOT_APPLICABLE", annotation: "envseal: the function left the rule's scope" };
  if (DELETED_STATUSES.has(item.configurationItemStatus ?? "")) return { compliance: "NOT_APPLICABLE", annotation: "envseal: the function was deleted" };
  const cfg = fromItem(item) ?? (await readLive(deps, item));
  if (!cfg) return { compliance: "NOT_APPLICABLE", annotation: "envseal: the function no longer exists" };
  const findings = await findingsOf(cfg, item.awsRegion ?? deps.region, common, deps);
  return verdictOf(findings, common.parameters.failOn, parseIgnores(common.parameters.ignore));
}

async function put(config: ConfigServiceClient, evaluations: Evaluation[], resultToken: string): Promise<void> {
  for (let i = 0; i < evaluations.length; i += EVALUATIONS_PER_CALL) {
    let failed: Evaluation[];
    try {
      const out = await config.send(new PutEvaluationsCommand({ Evaluations: evaluations.slice(i, i + EVALUATIONS_PER_CALL), ResultToken: resultToken }));
      failed = out.FailedEvaluations ?? [];
    } catch (err) {
      throw awsFailure(err, "config:PutEvaluations");
    }
    if (failed.length > 0) {
      throw new AwsError(`config:PutEvaluations did not take ${failed.length} evaluation${failed.length === 1 ? "" : "s"} (first: ${failed[0]!.ComplianceResourceId ?? "?"})`, {
        code: "FailedEvaluations",
        operation: "config:PutEvaluations",
        hint: "AWS Config invokes the rule again later",
      });
    }
  }
}

/** Every function of the region, each with its findings (published versions folded into their function). */
async function periodic(common: Common, deps: RuleDeps): Promise<Map<string, Finding[]>> {
  const byFunction = new Map<string, Finding[]>();
  await listRegion(deps.clients, deps.region, common.parameters.allVersions, async (page) => {
    await Promise.all(
      page.map(async (cfg) => {
        const found = await findingsOf(cfg, deps.region, common, deps);
        const name = toAudited(cfg, deps.region).name;
        byFunction.set(name, [...(byFunction.get(name) ?? []), ...found]);
      }),
    );
  });
  return byFunction;
}

/**
 * Evaluate one invocation and send the evaluations. Throws (failing the invocation, so Config retries) when the event
 * is malformed ({@link InputError}) or an AWS call fails ({@link AwsError}).
 *
 * @example
 * ```ts
 * const { evaluations } = await evaluateConfigEvent(event, { config, clients, keys, region: "eu-west-1" });
 * ```
 */
export async function evaluateConfigEvent(event: unknown, deps: RuleDeps): Promise<RuleResult> {
  const inv = parseConfigEvent(event);
  if (inv.kind === "periodic") {
    const when = new Date(inv.notificationCreationTime);
    const ignores = parseIgnores(inv.common.parameters.ignore);
    const evaluations: Evaluation[] = [...(await periodic(inv.common, deps)).entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([name, findings]) => {
        const v = verdictOf(findings, inv.common.parameters.failOn, ignores);
        return { ComplianceResourceType: LAMBDA_RESOURCE_TYPE, ComplianceResourceId: name, ComplianceType: v.compliance, Annotation: v.annotation, OrderingTimestamp: when };
      });
    if (evaluations.length > 0) await put(deps.config, evaluations, inv.common.resultToken);
    return { kind: "periodic", evaluations };
  }
  const gone = inv.common.eventLeftScope || DELETED_STATUSES.has((inv.kind === "change" ? inv.item : inv.summary).configurationItemStatus ?? "");
  const item = inv.kind === "change" || gone ? (inv.kind === "change" ? inv.item : inv.summary) : await historyItem(deps.config, inv.summary);
  const v = await judgeItem(item, inv.common, deps);
  const evaluation: Evaluation = {
    ComplianceResourceType: item.resourceType,
    ComplianceResourceId: item.resourceId,
    ComplianceType: v.compliance,
    Annotation: v.annotation,
    OrderingTimestamp: new Date(item.configurationItemCaptureTime ?? Date.now()),
  };
  await put(deps.config, [evaluation], inv.common.resultToken);
  return { kind: inv.kind, evaluations: [evaluation] };
}
