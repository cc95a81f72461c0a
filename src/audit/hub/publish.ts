/**
 * `--security-hub`: send a report's findings to Security Hub, account-region by account-region, and archive what an
 * earlier run sent that is gone, so Security Hub reflects fixes. For each target:
 *
 * 1. GetFindings: envseal's ACTIVE findings in the account's default product of that region (their `CreatedAt` is kept
 *    when a finding is sent again);
 * 2. BatchImportFindings: every current finding, `RecordState: ACTIVE`;
 * 3. BatchImportFindings again for the earlier findings no longer present, `RecordState: ARCHIVED`, then
 *    BatchUpdateFindings: `Workflow.Status: RESOLVED`.
 *
 * Only what this run could see is archived: not findings of an account-region that was not audited, of a function whose
 * variables could not be read, of published versions when versions were not scanned, or findings suppressed by
 * `--ignore` / `--baseline` (still there, only accepted). Failures are collected per finding and per target; nothing
 * here throws for one target's failure.
 * @module
 */
import type { AwsSecurityFinding, SecurityHubClient } from "@aws-sdk/client-securityhub";
import { clip } from "../../core/format.js";
import { errorCode } from "../../transport/errors.js";
import { forEachLimit } from "../pool.js";
import type { AuditReport } from "../report.js";
import { ASFF_SCHEMA_VERSION, PRODUCT_FIELD, asffId, findingAccount, productArn, toAsff } from "./asff.js";
import { activeEnvsealFindings, importFindings, resolveWorkflow, type Sleep } from "./calls.js";
import type { HubFailure, SecurityHubResult } from "./types.js";

/** One account-region to publish to, with its Security Hub client (signed as that account). */
export interface HubTarget {
  readonly account: string;
  readonly partition: string;
  readonly region: string;
  readonly hub: () => SecurityHubClient;
}

/** Options of {@link publishToSecurityHub}. Defaults on each field. */
export interface PublishOptions {
  /** Targets published in parallel. Default: 8. */
  readonly concurrency?: number;
  /** The clock. Default: `new Date()`. */
  readonly now?: () => Date;
  /** Pause between attempts of failed findings. Default: a timer. */
  readonly sleep?: Sleep;
}

/** Why a target's calls failed, in one line. */
function targetReason(err: unknown, account: string, region: string): string {
  const code = errorCode(err);
  if (code === "InvalidAccessException") return `Security Hub is not enabled in ${account} ${region} (InvalidAccessException): enable it there, or leave the region out`;
  if (/AccessDenied/.test(code)) return `access denied to securityhub:GetFindings in ${account} ${region} (${code}): grant the Security Hub actions of docs/audit.md`;
  return `securityhub:GetFindings failed in ${account} ${region} (${code})`;
}

/** An earlier finding, rebuilt with only the fields a provider may send, now ARCHIVED. */
function archivedCopy(p: AwsSecurityFinding, updatedAt: string): AwsSecurityFinding {
  const own = Object.fromEntries(Object.entries(p.ProductFields ?? {}).filter(([k]) => k.startsWith("envseal/")));
  return {
    SchemaVersion: p.SchemaVersion ?? ASFF_SCHEMA_VERSION,
    Id: p.Id,
    ProductArn: p.ProductArn,
    ProductName: "envseal",
    CompanyName: "envseal",
    GeneratorId: p.GeneratorId,
    AwsAccountId: p.AwsAccountId,
    Types: p.Types,
    CreatedAt: p.CreatedAt,
    UpdatedAt: updatedAt,
    Severity: { Label: p.Severity?.Label, Original: p.Severity?.Original },
    Title: p.Title,
    Description: p.Description,
    Resources: p.Resources,
    ...(p.Remediation ? { Remediation: p.Remediation } : {}),
    ProductFields: own,
    RecordState: "ARCHIVED",
  };
}

/**
 * Publish `report` to Security Hub in every target account-region. Never throws for a target's failure: it is in the
 * result (`notPublished`, `failed`, `workflowNotResolved`).
 *
 * @example
 * ```ts
 * const result = await publishToSecurityHub(report, [{ account, partition: "aws", region: "us-east-1", hub: () => client }]);
 * result.imported; result.archived; result.failed;
 * ```
 */
export async function publishToSecurityHub(report: AuditReport, targets: readonly HubTarget[], options: PublishOptions = {}): Promise<SecurityHubResult> {
  const now = (options.now ?? (() => new Date()))().toISOString();
  const url = report.tool.informationUri;
  const notAudited = report.summary.notAudited ?? [];
  const unread = new Set(report.summary.notScanned.map((n) => n.functionArn));
  const suppressedIds = new Set(report.suppressed.map((f) => asffId(f, findingAccount(f)?.account ?? "")));
  const result = { targets: 0, imported: 0, archived: 0, workflowNotResolved: [] as Array<SecurityHubResult["workflowNotResolved"][number]>, failed: [] as HubFailure[], notPublished: [] as Array<SecurityHubResult["notPublished"][number]> };

  await forEachLimit(targets, options.concurrency ?? 8, async ({ account, partition, region, hub }) => {
    if (notAudited.some((n) => n.account === account && (n.region === null || n.region === region))) {
      result.notPublished.push({ account, region, reason: "not audited: nothing was sent and nothing archived" });
      return;
    }
    const product = productArn(partition, region, account);
    const client = hub();
    let previous: AwsSecurityFinding[];
    try {
      previous = await activeEnvsealFindings(client, product, account);
    } catch (err) {
      result.notPublished.push({ account, region, reason: targetReason(err, account, region) });
      return;
    }
    result.targets++;
    const createdAt = new Map(previous.map((p) => [p.Id!, p.CreatedAt ?? now]));
    const current = report.findings
      .filter((f) => f.region === region && findingAccount(f)?.account === account)
      .map((f) => toAsff(f, { createdAt: now, updatedAt: now, url }))
      .map((a) => ({ ...a, CreatedAt: createdAt.get(a.Id!) ?? now }));
    const imported = await importFindings(client, current, options.sleep);
    result.imported += imported.taken;
    for (const n of imported.notTaken) result.failed.push({ account, region, id: n.id, action: "import", code: n.code, message: n.message });

    const present = new Set(current.map((a) => a.Id));
    const gone = previous.filter((p) => {
      if (present.has(p.Id) || suppressedIds.has(p.Id!)) return false;
      const resource = p.Resources?.[0]?.Id ?? "";
      if (unread.has(resource)) return false;
      const version = p.ProductFields?.[PRODUCT_FIELD.version] ?? "$LATEST";
      return report.options.allVersions || version === "$LATEST";
    });
    if (gone.length === 0) return;
    const archived = await importFindings(client, gone.map((p) => archivedCopy(p, now)), options.sleep);
    result.archived += archived.taken;
    const notArchived = new Set(archived.notTaken.map((n) => n.id));
    for (const n of archived.notTaken) result.failed.push({ account, region, id: n.id, action: "archive", code: n.code, message: n.message });
    const done = gone.filter((p) => !notArchived.has(p.Id!)).map((p) => ({ Id: p.Id!, ProductArn: p.ProductArn ?? product }));
    const workflow = await resolveWorkflow(client, done, now);
    if (workflow.notUpdated > 0) result.workflowNotResolved.push({ account, region, count: workflow.notUpdated, reason: clip(workflow.reason, 200) });
  });

  const order = <T extends { account: string; region: string }>(xs: T[]) => xs.sort((a, b) => a.account.localeCompare(b.account) || a.region.localeCompare(b.region));
  return { ...result, failed: order(result.failed), notPublished: order(result.notPublished), workflowNotResolved: order(result.workflowNotResolved) };
}
