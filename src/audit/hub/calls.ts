/**
 * The three Security Hub calls envseal makes, each with its limits: GetFindings (paged, 100 a page), BatchImportFindings
 * (at most 100 findings a call; findings Security Hub reports as failed for a transient reason are sent again), and
 * BatchUpdateFindings (at most 100 identifiers a call). Throttling of the calls themselves is the SDK's adaptive retry
 * strategy's job. Nothing here decides what to send.
 * @module
 */
import {
  BatchImportFindingsCommand,
  BatchUpdateFindingsCommand,
  GetFindingsCommand,
  type AwsSecurityFinding,
  type SecurityHubClient,
} from "@aws-sdk/client-securityhub";
import { clip } from "../../core/format.js";
import { errorCode } from "../../transport/errors.js";
import { GENERATOR_PREFIX, PRODUCT_FIELD } from "./asff.js";

/** Findings per BatchImportFindings / identifiers per BatchUpdateFindings call (Security Hub's limit). */
export const HUB_BATCH = 100;
/** Attempts for a finding Security Hub reports as failed for a transient reason (throttling, internal error). */
export const HUB_ATTEMPTS = 3;

const TRANSIENT = /Throttl|LimitExceeded|TooManyRequests|Internal|ServiceUnavailable/i;

/** A finding that was not taken, with Security Hub's code and message (clipped). */
export interface NotTaken {
  readonly id: string;
  readonly code: string;
  readonly message: string;
}

/** Waiting between attempts; replaceable in tests. */
export type Sleep = (ms: number) => Promise<void>;
const realSleep: Sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * envseal's active findings for `product` (the account's default product in the client's region): GetFindings filtered
 * on ProductArn, GeneratorId prefix `envseal/`, RecordState ACTIVE and the account, every page. The same conditions are
 * checked again on each finding returned, so nothing another tool imported is ever touched.
 *
 * @example
 * ```ts
 * const previous = await activeEnvsealFindings(hub, productArn("aws", "us-east-1", account), account);
 * ```
 */
export async function activeEnvsealFindings(hub: SecurityHubClient, product: string, account: string): Promise<AwsSecurityFinding[]> {
  const out: AwsSecurityFinding[] = [];
  let NextToken: string | undefined;
  do {
    const page = await hub.send(
      new GetFindingsCommand({
        Filters: {
          ProductArn: [{ Value: product, Comparison: "EQUALS" }],
          GeneratorId: [{ Value: GENERATOR_PREFIX, Comparison: "PREFIX" }],
          RecordState: [{ Value: "ACTIVE", Comparison: "EQUALS" }],
          AwsAccountId: [{ Value: account, Comparison: "EQUALS" }],
        },
        MaxResults: 100,
        ...(NextToken ? { NextToken } : {}),
      }),
    );
    for (const f of page.Findings ?? []) {
      const ours =
        f.ProductArn === product &&
        f.AwsAccountId === account &&
        (f.RecordState ?? "ACTIVE") === "ACTIVE" &&
        (f.GeneratorId ?? "").startsWith(GENERATOR_PREFIX) &&
        typeof f.ProductFields?.[PRODUCT_FIELD.ruleId] === "string";
      if (ours && f.Id) out.push(f);
    }
    NextToken = page.NextToken || undefined;
  } while (NextToken);
  return out;
}

/**
 * BatchImportFindings in batches of {@link HUB_BATCH}; findings reported failed for a transient reason are sent again
 * (up to {@link HUB_ATTEMPTS} attempts, with a growing pause). Returns how many were taken and those that were not. A
 * call that fails after the SDK's retries counts every finding of its batch as not taken, with the error's code.
 *
 * @example
 * ```ts
 * const { taken, notTaken } = await importFindings(hub, asffFindings);
 * ```
 */
export async function importFindings(hub: SecurityHubClient, findings: readonly AwsSecurityFinding[], sleep: Sleep = realSleep): Promise<{ taken: number; notTaken: NotTaken[] }> {
  let taken = 0;
  const notTaken: NotTaken[] = [];
  for (let i = 0; i < findings.length; i += HUB_BATCH) {
    let batch = findings.slice(i, i + HUB_BATCH);
    for (let attempt = 1; batch.length > 0; attempt++) {
      let failed: NotTaken[];
      try {
        const out = await hub.send(new BatchImportFindingsCommand({ Findings: batch }));
        failed = (out.FailedFindings ?? []).map((f) => ({ id: f.Id ?? "", code: f.ErrorCode ?? "Unknown", message: clip(f.ErrorMessage ?? "", 200) }));
      } catch (err) {
        const code = errorCode(err);
        failed = batch.map((f) => ({ id: f.Id ?? "", code, message: `securityhub:BatchImportFindings failed (${code})` }));
      }
      taken += batch.length - failed.length;
      const retry = attempt < HUB_ATTEMPTS ? failed.filter((f) => TRANSIENT.test(f.code)) : [];
      notTaken.push(...failed.filter((f) => !retry.includes(f)));
      const again = new Set(retry.map((f) => f.id));
      batch = batch.filter((f) => again.has(f.Id ?? ""));
      if (batch.length > 0) await sleep(250 * 2 ** (attempt - 1));
    }
  }
  return { taken, notTaken };
}

/**
 * Set the workflow status of archived findings to RESOLVED (BatchUpdateFindings, the customer's side of a finding, in
 * batches of {@link HUB_BATCH}), with a note. Returns how many were not updated and why (the first reason).
 *
 * @example
 * ```ts
 * const { notUpdated } = await resolveWorkflow(hub, archived.map((f) => ({ Id: f.Id!, ProductArn: f.ProductArn! })), now);
 * ```
 */
export async function resolveWorkflow(
  hub: SecurityHubClient,
  ids: ReadonlyArray<{ Id: string; ProductArn: string }>,
  when: string,
): Promise<{ notUpdated: number; reason: string }> {
  let notUpdated = 0;
  let reason = "";
  for (let i = 0; i < ids.length; i += HUB_BATCH) {
    const batch = ids.slice(i, i + HUB_BATCH);
    try {
      const out = await hub.send(
        new BatchUpdateFindingsCommand({
          FindingIdentifiers: batch.map((x) => ({ Id: x.Id, ProductArn: x.ProductArn })),
          Workflow: { Status: "RESOLVED" },
          Note: { Text: `envseal: no longer found by the audit of ${when}`, UpdatedBy: "envseal" },
        }),
      );
      const unprocessed = out.UnprocessedFindings ?? [];
      notUpdated += unprocessed.length;
      if (unprocessed.length && !reason) reason = `securityhub:BatchUpdateFindings left ${unprocessed.length} unprocessed (${unprocessed[0]?.ErrorCode ?? "Unknown"})`;
    } catch (err) {
      notUpdated += batch.length;
      if (!reason) reason = `securityhub:BatchUpdateFindings failed (${errorCode(err)})`;
    }
  }
  return { notUpdated, reason };
}
