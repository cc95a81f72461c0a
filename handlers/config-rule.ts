/**
 * AWS Config custom Lambda rule for `AWS::Lambda::Function`: evaluates each function with the same rules as
 * `envseal audit` and reports COMPLIANT / NON_COMPLIANT / NOT_APPLICABLE with PutEvaluations, the annotation naming rule
 * ids and variable names — never a value. Triggered by configuration changes (oversized items are fetched with
 * GetResourceConfigHistory) and periodically (every function of the account-region).
 *
 * Rule parameters (`InputParameters`, all optional): `failOn` (none|low|medium|high|critical, default high),
 * `requireCmk` (true|false), `ignore` (comma-separated `RULE[:GLOB]`), `allVersions` (periodic: scan published versions).
 *
 * Configuration (environment):
 * - `ENVSEAL_CONFIG_KEY_CACHE_SECONDS`: how long an at-rest key's state and each execution role's access to it (ES014:
 *   key policy, grants, `iam:SimulatePrincipalPolicy`) are reused across invocations. Default: 300.
 * - `ENVSEAL_EMULATOR`: `moto` takes moto's ciphertext blobs for sealed values (tests only). Default: unset.
 *
 * Deploy with `samples/template-config-rule.yaml` (one account) or `samples/template-config-rule-org.yaml` (StackSets,
 * every account of the organisation). Built to `dist/handlers/config-rule.js`.
 *
 * @example
 * ```ts
 * // AWS Config invokes it; locally:
 * const summary = await handler(configEvent);
 * ```
 * @module
 */
import type { ConfigServiceClient } from "@aws-sdk/client-config-service";
import { createRoleAccess, type RoleAccessLookup } from "../src/audit/access.js";
import { auditClients, type AuditClients } from "../src/audit/clients.js";
import { evaluateConfigEvent } from "../src/audit/config/rule.js";
import { createKeyChecker, type KeyChecker } from "../src/audit/keys.js";
import { emulatorFrom } from "../src/core/ciphertext.js";
import { createConfigClient } from "../src/transport/service-clients.js";

/** What one invocation reports (one log line, returned too). Counts only. */
export interface ConfigRuleSummary {
  readonly type: "envseal.config.evaluations";
  readonly kind: "change" | "oversized" | "periodic";
  readonly compliant: number;
  readonly nonCompliant: number;
  readonly notApplicable: number;
}

/** Clients and the key cache, kept across invocations of one execution environment. */
interface RuleState {
  config: ConfigServiceClient;
  clients: AuditClients;
  keys: KeyChecker;
  /** ES014's lookups (key policy, grants, role simulation), renewed with the key cache. */
  access: RoleAccessLookup | undefined;
  keysBorn: number;
}

let state: RuleState | undefined;

/**
 * Forget the clients and the key cache (tests; a new execution environment starts empty anyway).
 *
 * @example
 * ```ts
 * afterEach(() => resetConfigRuleState());
 * ```
 */
export function resetConfigRuleState(): void {
  state = undefined;
}

/** Options of {@link runConfigRule}; defaults: the process's environment, clock and stdout. */
export interface HandlerOptions {
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly now?: () => number;
  readonly log?: (line: string) => void;
}

function stateFor(region: string, ttlMs: number, now: number): RuleState {
  if (!state) {
    const clients = auditClients({ region });
    state = {
      config: createConfigClient({ region }, region),
      clients,
      keys: createKeyChecker((r) => clients.kms(r), region),
      access: createRoleAccess(clients, region),
      keysBorn: now,
    };
  }
  // Key states and key access are reused across invocations for a while, then looked up again (a key may be disabled,
  // a key policy edited or a grant retired meanwhile).
  if (now - state.keysBorn > ttlMs) {
    const clients = state.clients;
    state.keys = createKeyChecker((r) => clients.kms(r), region);
    state.access = createRoleAccess(clients, region);
    state.keysBorn = now;
  }
  return state;
}

/**
 * Evaluate one Config event and log one summary line (counts only).
 *
 * @example
 * ```ts
 * await runConfigRule(event, { env: { AWS_REGION: "eu-west-1" }, log: (l) => lines.push(l) });
 * ```
 */
export async function runConfigRule(event: unknown, options: HandlerOptions = {}): Promise<ConfigRuleSummary> {
  const env = options.env ?? process.env;
  const region = env.AWS_REGION ?? env.AWS_DEFAULT_REGION;
  if (!region) throw new Error("AWS_REGION is not set");
  const ttlSeconds = Number(env.ENVSEAL_CONFIG_KEY_CACHE_SECONDS ?? 300);
  if (!Number.isFinite(ttlSeconds) || ttlSeconds < 0) throw new Error("ENVSEAL_CONFIG_KEY_CACHE_SECONDS must be a number of seconds");
  const s = stateFor(region, ttlSeconds * 1000, (options.now ?? Date.now)());
  const result = await evaluateConfigEvent(event, { config: s.config, clients: s.clients, keys: s.keys.lookup, access: s.access, region, emulator: emulatorFrom(env) });
  const count = (c: string) => result.evaluations.filter((e) => e.ComplianceType === c).length;
  const summary: ConfigRuleSummary = {
    type: "envseal.config.evaluations",
    kind: result.kind,
    compliant: count("COMPLIANT"),
    nonCompliant: count("NON_COMPLIANT"),
    notApplicable: count("NOT_APPLICABLE"),
  };
  (options.log ?? ((line: string) => process.stdout.write(`${line}\n`)))(JSON.stringify(summary));
  return summary;
}

/**
 * The Lambda entry point (AWS Config invokes it).
 *
 * @example
 * ```ts
 * await handler({ invokingEvent: JSON.stringify({ messageType: "ScheduledNotification", notificationCreationTime: new Date().toISOString() }), resultToken, ruleParameters: "{}" });
 * ```
 */
export async function handler(event: unknown): Promise<ConfigRuleSummary> {
  return runConfigRule(event);
}
