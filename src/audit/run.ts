/**
 * `audit`: load functions (live, regions in parallel, offline, or from templates), run the rules, apply suppressions,
 * and return the report. It prints nothing and never exits; the CLI and the scheduled handler decide what to do with the result.
 * @module
 */
import type { FunctionConfiguration } from "@aws-sdk/client-lambda";
import type { Emulator } from "../core/ciphertext.js";
import { checkFunction } from "./check.js";
import type { AuditClients } from "./clients.js";
import { loadInputFile, toAudited } from "./input.js";
import { createKeyChecker, offlineKeys } from "./keys.js";
import { createRoleAccess, type RoleAccessLookup } from "./access.js";
import { listRegion, resolveRegions } from "./live.js";
import { REPORT_SCHEMA_VERSION, compareFindings, countBySeverity, failsOn, type AuditReport, type NotScanned } from "./report.js";
import { applySuppressions, loadBaseline, parseIgnores } from "./suppress.js";
import type { AuditedFunction, FailOn, Finding, KeyLookup, SuppressedFinding } from "./types.js";

/** What to audit and how to judge it. Defaults are stated on each field. */
export interface AuditRequest {
  /** Regions to scan, or `all` (Account ListRegions). Default: the configured region. Ignored with `input`. */
  regions?: string[] | "all" | undefined;
  /** Offline: a file of `aws lambda list-functions` output. Default: none (live). */
  input?: string | undefined;
  /**
   * Templates before deploy: CloudFormation/SAM files, folders, `cdk.out`, Terraform JSON plans (see
   * src/audit/template). Default: none. Findings carry a `location`; key checks are not run.
   */
  templates?: readonly string[] | undefined;
  /** Template paths in findings are relative to this folder. Default: `process.cwd()`. */
  cwd?: string | undefined;
  /** Worker threads for template audits. Default: one per CPU (at most 4) from 100 templates on, in the built package. */
  templateWorkers?: number | undefined;
  /** Include published versions (`FunctionVersion=ALL`). Default: false. */
  allVersions?: boolean | undefined;
  /** ES004 is medium instead of low. Default: false. */
  requireCmk?: boolean | undefined;
  /** Lowest severity that fails the run. Default: `high`. */
  failOn?: FailOn | undefined;
  /** `RULE[:FUNCTION-GLOB]` suppressions. Default: none. */
  ignore?: readonly string[] | undefined;
  /** A previous JSON report whose findings do not count. Default: none. */
  baseline?: string | undefined;
  /**
   * Also take this KMS emulator's ciphertext blobs for sealed values (the CLI and the scheduled handler pass
   * `ENVSEAL_EMULATOR`; only tests and local demos set it). Default: none — only real AWS KMS blobs count.
   */
  emulator?: Emulator | undefined;
  /** Called as work progresses (the CLI draws a progress bar from it). Default: none. */
  onProgress?: ((p: AuditProgress) => void) | undefined;
}

/** Progress of a run. */
export interface AuditProgress {
  readonly functionsListed: number;
  readonly functionsScanned: number;
  readonly regionsDone: number;
  readonly regionsTotal: number;
}

/** Region used for offline input whose ARNs carry none. */
const OFFLINE_FALLBACK_REGION = "unknown";

/**
 * Run an audit and return the report.
 *
 * @example
 * ```ts
 * const report = await audit({ regions: ["us-east-1", "eu-west-1"], failOn: "high" }, auditClients({}));
 * if (report.summary.failed) console.error("findings at or above --fail-on remain");
 * ```
 * @example
 * ```ts
 * const offline = await audit({ input: "samples/functions.json" }); // no clients needed
 * const templates = await audit({ templates: ["template.yaml", "cdk.out"], failOn: "high" }); // no clients needed
 * ```
 */
export async function audit(req: AuditRequest, clients?: AuditClients): Promise<AuditReport> {
  const started = Date.now();
  const generatedAt = new Date(started).toISOString();
  const failOn = req.failOn ?? "high";
  const ignores = parseIgnores(req.ignore ?? []);
  const baseline = req.baseline ? await loadBaseline(req.baseline) : new Set<string>();

  const findings: Finding[] = [];
  const inlineSuppressed: SuppressedFinding[] = [];
  let templates: AuditReport["summary"]["templates"];
  const perRegion: Record<string, number> = {};
  const progress = { functionsListed: 0, functionsScanned: 0, regionsDone: 0, regionsTotal: 0 };
  const report = () => req.onProgress?.({ ...progress });

  const notScanned: NotScanned[] = [];
  const scan = async (fn: AuditedFunction, keys: KeyLookup, access?: RoleAccessLookup) => {
    const keyCheck = fn.kmsKeyArn ? await keys(fn.kmsKeyArn) : undefined;
    // ES014 only for a key that exists and is enabled: otherwise ES005 already says the function cannot start.
    const roleAccess = access && keyCheck?.status === "ok" ? await access.lookup(fn) : undefined;
    findings.push(...(await checkFunction(fn, { keyCheck, roleAccess, requireCmk: Boolean(req.requireCmk), emulator: req.emulator })));
    if (fn.environmentError) {
      notScanned.push({
        region: fn.region,
        functionArn: fn.arn,
        reason: `Environment.Error ${fn.environmentError.code}: the variables could not be read (kms:Decrypt on ${fn.kmsKeyArn ?? "aws/lambda"})`,
      });
    }
    perRegion[fn.region] = (perRegion[fn.region] ?? 0) + 1;
    progress.functionsScanned++;
    report();
  };

  let source: AuditReport["source"];
  let keysChecked = 0;
  let keysNotChecked: Array<{ key: string; reason: string }> = [];
  if (req.templates !== undefined) {
    const { auditTemplates } = await import("./template/audit.js");
    const r = await auditTemplates(req.templates, {
      cwd: req.cwd,
      requireCmk: req.requireCmk,
      emulator: req.emulator,
      workers: req.templateWorkers,
    });
    findings.push(...r.findings);
    inlineSuppressed.push(...r.suppressed);
    progress.functionsListed = progress.functionsScanned = r.functions;
    if (r.functions > 0) perRegion.template = r.functions;
    const functionsPerFile = Object.fromEntries(r.files.map((f) => [f.file, f.functions]));
    templates = { filesScanned: r.files.length, functionsPerFile, unknown: r.unknown };
    source = { mode: "template", templates: [...req.templates] };
  } else if (req.input !== undefined) {
    const functions = await loadInputFile(req.input, OFFLINE_FALLBACK_REGION);
    progress.regionsTotal = new Set(functions.map((f) => f.region)).size;
    progress.functionsListed = functions.length;
    report();
    for (const fn of functions) await scan(fn, offlineKeys);
    progress.regionsDone = progress.regionsTotal;
    report();
    source = { mode: "offline", input: req.input };
  } else {
    if (!clients) throw new TypeError("audit: live mode needs AuditClients");
    const regions = await resolveRegions(clients, req.regions);
    for (const r of regions) perRegion[r] = 0;
    progress.regionsTotal = regions.length;
    report();
    const fallback = regions[0] ?? OFFLINE_FALLBACK_REGION;
    const keys = createKeyChecker((region) => clients.kms(region), fallback);
    const access = createRoleAccess(clients, fallback);
    await Promise.all(
      regions.map(async (region) => {
        await listRegion(clients, region, Boolean(req.allVersions), async (page: FunctionConfiguration[]) => {
          progress.functionsListed += page.length;
          report();
          await Promise.all(page.map((cfg) => scan(toAudited(cfg, region), keys.lookup, access)));
        });
        progress.regionsDone++;
        report();
      }),
    );
    keysChecked = keys.size();
    keysNotChecked = [...(await keys.unchecked()), ...(access?.unchecked() ?? [])];
    source = { mode: "live", regions };
  }

  const { active, suppressed: flagged } = applySuppressions(findings.sort(compareFindings), ignores, baseline);
  const suppressed = [...flagged, ...inlineSuppressed].sort(compareFindings);
  const functionsPerRegion = Object.fromEntries(Object.entries(perRegion).sort(([a], [b]) => a.localeCompare(b)));
  return {
    schemaVersion: REPORT_SCHEMA_VERSION,
    tool: { name: "envseal", informationUri: "https://www.npmjs.com/package/envseal" },
    generatedAt,
    source,
    options: {
      allVersions: Boolean(req.allVersions),
      requireCmk: Boolean(req.requireCmk),
      failOn,
      ignore: ignores.map((i) => i.spec),
      baseline: req.baseline ?? null,
    },
    summary: {
      functionsScanned: progress.functionsScanned - notScanned.length,
      functionsNotScanned: notScanned.length,
      notScanned: notScanned.sort((a, b) => a.region.localeCompare(b.region) || a.functionArn.localeCompare(b.functionArn)),
      functionsPerRegion,
      findingsBySeverity: countBySeverity(active),
      findingsTotal: active.length,
      suppressedTotal: suppressed.length,
      keyChecks: source.mode === "live" ? "checked" : "not checked",
      keysChecked,
      keysNotChecked,
      durationMs: Date.now() - started,
      failed: failsOn(active, failOn),
      ...(templates ? { templates } : {}),
    },
    findings: active,
    suppressed,
  };
}
