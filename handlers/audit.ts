/**
 * Scheduled audit (EventBridge): audits the account it runs in for the regions in its configuration and logs each
 * finding as one structured JSON line, then one summary line. Findings hold names, never values.
 *
 * Configuration (environment):
 * - `ENVSEAL_AUDIT_REGIONS`: `all` or `us-east-1,eu-west-1`. Default: the function's own region (`AWS_REGION`).
 * - `ENVSEAL_AUDIT_ALL_VERSIONS`: `true` to include published versions. Default: false.
 * - `ENVSEAL_AUDIT_REQUIRE_CMK`: `true` makes ES004 medium. Default: false.
 * - `ENVSEAL_AUDIT_IGNORE`: comma-separated `RULE[:GLOB]` suppressions. Default: none.
 * - `ENVSEAL_AUDIT_FAIL_ON`: severity that makes the invocation fail (so a CloudWatch alarm on Errors fires), or
 *   `none`. Default: none.
 * - `ENVSEAL_AUDIT_SECURITY_HUB`: `true` sends the findings to Security Hub (BatchImportFindings, in each audited
 *   region) and archives the ones an earlier run sent that are gone; the invocation fails when findings are not taken.
 *   Default: false.
 * - `ENVSEAL_EMULATOR`: `moto` takes moto's ciphertext blobs for sealed values (tests against moto only). Default: unset.
 *
 * Deploy with `samples/template-audit.yaml`.
 *
 * @example
 * ```ts
 * // Invoked by EventBridge Scheduler; locally:
 * const summary = await handler({});
 * ```
 * @module
 */
import { audit } from "../src/audit/run.js";
import { emulatorFrom, type Emulator } from "../src/core/ciphertext.js";
import { auditClients } from "../src/audit/clients.js";
import { parseRegions } from "../src/audit/live.js";
import { SEVERITIES, type FailOn } from "../src/audit/types.js";
import type { AuditSummary } from "../src/audit/report.js";

/** Where log lines go; Lambda sends stdout to CloudWatch Logs. Replaceable in tests. */
export interface LogSink {
  (line: string): void;
}

/** The handler's configuration, parsed from the environment. */
export interface HandlerConfig {
  regions: string[] | "all";
  allVersions: boolean;
  requireCmk: boolean;
  ignore: string[];
  failOn: FailOn;
  /** Send findings to Security Hub and archive fixed ones. */
  securityHub: boolean;
  /** KMS emulator whose blobs count as sealed (`ENVSEAL_EMULATOR`); undefined against AWS. */
  emulator?: Emulator | undefined;
}

/** Read the configuration from `env`; throws on a malformed value so a deployment mistake shows at once. */
export function configFrom(env: Readonly<Record<string, string | undefined>>): HandlerConfig {
  const regionsVar = env.ENVSEAL_AUDIT_REGIONS?.trim() || env.AWS_REGION;
  if (!regionsVar) throw new Error("set ENVSEAL_AUDIT_REGIONS (or AWS_REGION)");
  const failOn = (env.ENVSEAL_AUDIT_FAIL_ON?.trim() || "none") as FailOn;
  if (failOn !== "none" && !SEVERITIES.includes(failOn)) throw new Error("ENVSEAL_AUDIT_FAIL_ON must be none, low, medium, high or critical");
  const flag = (v: string | undefined) => /^(1|true|yes)$/i.test(v?.trim() ?? "");
  return {
    regions: parseRegions(regionsVar),
    allVersions: flag(env.ENVSEAL_AUDIT_ALL_VERSIONS),
    requireCmk: flag(env.ENVSEAL_AUDIT_REQUIRE_CMK),
    ignore: (env.ENVSEAL_AUDIT_IGNORE ?? "").split(",").map((s) => s.trim()).filter(Boolean),
    failOn,
    securityHub: flag(env.ENVSEAL_AUDIT_SECURITY_HUB),
    emulator: emulatorFrom(env),
  };
}

/**
 * Run one audit and log it. Returns the summary; throws (failing the invocation) only when `failOn` is reached or the
 * audit itself fails.
 */
export async function runScheduledAudit(
  config: HandlerConfig,
  options: { clients?: ReturnType<typeof auditClients>; log?: LogSink } = {},
): Promise<AuditSummary> {
  const log = options.log ?? ((line: string) => process.stdout.write(`${line}\n`));
  const report = await audit(
    {
      regions: config.regions,
      allVersions: config.allVersions,
      requireCmk: config.requireCmk,
      ignore: config.ignore,
      failOn: config.failOn,
      emulator: config.emulator,
      securityHub: config.securityHub,
    },
    options.clients ?? auditClients({}),
  );
  for (const f of report.findings) {
    log(JSON.stringify({ type: "envseal.audit.finding", generatedAt: report.generatedAt, ...f }));
  }
  const source = report.source.mode === "live" ? report.source.regions : [];
  log(JSON.stringify({ type: "envseal.audit.summary", generatedAt: report.generatedAt, regions: source, ...report.summary }));
  const hub = report.securityHub;
  if (hub) {
    log(JSON.stringify({ type: "envseal.audit.securityhub", generatedAt: report.generatedAt, ...hub }));
    if (hub.failed.length > 0 || (hub.targets === 0 && hub.notPublished.length > 0)) {
      throw new Error(`envseal audit: Security Hub did not take ${hub.failed.length} findings (${hub.notPublished.length} regions not published)`);
    }
  }
  if (report.summary.failed) {
    throw new Error(`envseal audit: findings at or above ${config.failOn} remain (${report.summary.findingsTotal} findings)`);
  }
  return report.summary;
}

/** The Lambda entry point (EventBridge scheduled event; the event's content is not used). */
export async function handler(_event: unknown = {}): Promise<AuditSummary> {
  return runScheduledAudit(configFrom(process.env));
}
