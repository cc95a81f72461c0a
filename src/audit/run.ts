/**
 * `audit`: load functions (live, regions in parallel, offline, or from templates), run the rules, apply suppressions, and return the
 * report; with `securityHub`, also send the findings to Security Hub. It prints nothing and never exits; the CLI and the
 * scheduled handler decide what to do with the result. `audit --org` is {@link auditOrg} (`org/run.ts`).
 * @module
 */
import type { SecurityHubClient } from "@aws-sdk/client-securityhub";
import type { Emulator } from "../core/ciphertext.js";
import { EnvsealError } from "../core/errors.js";
import { createRoleAccess } from "./access.js";
import { assembleReport } from "./assemble.js";
import type { AuditClients } from "./clients.js";
import { publishToSecurityHub } from "./hub/publish.js";
import { loadInputFile } from "./input.js";
import { createKeyChecker, offlineKeys } from "./keys.js";
import { resolveRegions } from "./live.js";
import type { AuditReport } from "./report.js";
import { Collector, scanRegion, type AuditProgress } from "./scan.js";
import { loadBaseline, parseIgnores } from "./suppress.js";
import type { FailOn } from "./types.js";

export type { AuditProgress } from "./scan.js";

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
  /**
   * Send the findings to Security Hub (BatchImportFindings) in each audited region, and archive the ones an earlier run
   * sent that are gone. Live only. Default: false.
   */
  securityHub?: boolean | undefined;
  /** Called as work progresses (the CLI draws a progress bar from it). Default: none. */
  onProgress?: ((p: AuditProgress) => void) | undefined;
}

/** Offline input is checked this many functions at a time (ListFunctions' page size). */
const OFFLINE_PAGE = 50;

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
  const ignores = parseIgnores(req.ignore ?? []);
  const baseline = req.baseline ? await loadBaseline(req.baseline) : new Set<string>();
  const collector = new Collector({ requireCmk: Boolean(req.requireCmk), emulator: req.emulator }, req.onProgress);
  const progress = collector.progress;
  const options = { allVersions: Boolean(req.allVersions), requireCmk: Boolean(req.requireCmk), failOn: req.failOn ?? "high", baseline: req.baseline ?? null };

  if (req.templates !== undefined) {
    const { auditTemplates } = await import("./template/audit.js");
    const r = await auditTemplates(req.templates, {
      cwd: req.cwd,
      requireCmk: req.requireCmk,
      emulator: req.emulator,
      workers: req.templateWorkers,
    });
    collector.findings.push(...r.findings);
    progress.functionsListed = progress.functionsScanned = r.functions;
    progress.findings = r.findings.length;
    if (r.functions > 0) collector.perRegion.template = r.functions;
    collector.report();
    const functionsPerFile = Object.fromEntries(r.files.map((f) => [f.file, f.functions]));
    return assembleReport(collector, {
      started,
      source: { mode: "template", templates: [...req.templates] },
      options,
      ignores,
      baseline,
      keysChecked: 0,
      keysNotChecked: [],
      inlineSuppressed: r.suppressed,
      templates: { filesScanned: r.files.length, functionsPerFile, unknown: r.unknown },
    });
  }

  if (req.input !== undefined) {
    const functions = await loadInputFile(req.input, OFFLINE_FALLBACK_REGION);
    progress.regionsTotal = new Set(functions.map((f) => f.region)).size;
    progress.functionsListed = functions.length;
    collector.report();
    // A page at a time, as live: the functions of a page share their secretlint pass.
    for (let i = 0; i < functions.length; i += OFFLINE_PAGE) await Promise.all(functions.slice(i, i + OFFLINE_PAGE).map((fn) => collector.scan(fn, offlineKeys)));
    progress.regionsDone = progress.regionsTotal;
    collector.report();
    return assembleReport(collector, { started, source: { mode: "offline", input: req.input }, options, ignores, baseline, keysChecked: 0, keysNotChecked: [] });
  }

  if (!clients) throw new TypeError("audit: live mode needs AuditClients");
  const regions = await resolveRegions(clients, req.regions);
  progress.regionsTotal = regions.length;
  collector.report();
  const keys = createKeyChecker((region) => clients.kms(region), regions[0] ?? OFFLINE_FALLBACK_REGION);
  const access = createRoleAccess(clients, regions[0] ?? OFFLINE_FALLBACK_REGION);
  await Promise.all(
    regions.map(async (region) => {
      await scanRegion(collector, clients, region, options.allVersions, keys.lookup, undefined, access);
      progress.regionsDone++;
      collector.report();
    }),
  );
  const report = assembleReport(collector, {
    started,
    source: { mode: "live", regions },
    options,
    ignores,
    baseline,
    keysChecked: keys.size(),
    keysNotChecked: [...(await keys.unchecked()), ...(access?.unchecked() ?? [])],
  });
  if (!req.securityHub) return report;
  const { identity, securityHub } = clients;
  if (!identity || !securityHub) throw new TypeError("audit: securityHub needs AuditClients with identity() and securityHub()");
  let caller;
  try {
    caller = await identity();
  } catch (err) {
    // Without the account there is no product to send to; the report is kept and says why nothing was published.
    const reason = `the account could not be learned (${err instanceof EnvsealError ? err.message : "sts:GetCallerIdentity failed"})`;
    const notPublished = regions.map((region) => ({ account: "unknown", region, reason }));
    return { ...report, securityHub: { targets: 0, imported: 0, archived: 0, workflowNotResolved: [], failed: [], notPublished } };
  }
  const { account, partition } = caller;
  const targets = regions.map((region) => ({ account, partition, region, hub: () => securityHub(region) as SecurityHubClient }));
  return { ...report, securityHub: await publishToSecurityHub(report, targets) };
}
