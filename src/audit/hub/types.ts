/**
 * What sending findings to Security Hub did (`report.securityHub`): counts, and every failure with its reason.
 * Ids are envseal's finding ids; messages are Security Hub's error codes and envseal's own words, never a value.
 * @module
 */

/** One finding Security Hub did not take (after retries). */
export interface HubFailure {
  readonly account: string;
  readonly region: string;
  /** The ASFF `Id`. */
  readonly id: string;
  /** `import` (a current finding) or `archive` (a finding no longer present). */
  readonly action: "import" | "archive";
  /** Security Hub's `ErrorCode` (or the SDK error's code). */
  readonly code: string;
  /** One line, clipped. */
  readonly message: string;
}

/** The result of publishing a report to Security Hub. */
export interface SecurityHubResult {
  /** Account-regions whose findings were sent. */
  readonly targets: number;
  /** Findings created or updated (`RecordState: ACTIVE`). */
  readonly imported: number;
  /** Findings of earlier runs no longer present, now `RecordState: ARCHIVED`. */
  readonly archived: number;
  /** Archived findings whose workflow status could not be set to `RESOLVED` (BatchUpdateFindings). */
  readonly workflowNotResolved: ReadonlyArray<{ readonly account: string; readonly region: string; readonly count: number; readonly reason: string }>;
  /** Findings not imported or not archived after retries. */
  readonly failed: readonly HubFailure[];
  /** Account-regions nothing was sent to, and why (not audited, Security Hub not enabled, access denied, …). */
  readonly notPublished: ReadonlyArray<{ readonly account: string; readonly region: string; readonly reason: string }>;
}
