/**
 * Scanning, shared by the single-account audit and `audit --org`: a {@link Collector} runs the rules on each function
 * and keeps only what the report needs (findings, functions not scanned, counts) — never a configuration — and
 * {@link scanRegion} feeds it one region of one account, page by page.
 * @module
 */
import type { FunctionConfiguration } from "@aws-sdk/client-lambda";
import type { Emulator } from "../core/ciphertext.js";
import { checkFunction } from "./check.js";
import type { RoleAccessLookup } from "./access.js";
import type { AuditClients } from "./clients.js";
import { toAudited } from "./input.js";
import { listRegion } from "./live.js";
import type { NotScanned } from "./report.js";
import type { AuditedFunction, Finding, KeyLookup } from "./types.js";

/** Progress of a run. Org runs also count accounts. */
export interface AuditProgress {
  readonly functionsListed: number;
  readonly functionsScanned: number;
  readonly regionsDone: number;
  readonly regionsTotal: number;
  /** Findings so far (before suppressions). */
  readonly findings: number;
  /** `audit --org`: accounts finished (audited or not) and to do. Absent for a single-account audit. */
  readonly accountsDone?: number;
  readonly accountsTotal?: number;
}

/** How to judge each function. */
export interface ScanOptions {
  /** ES004 is medium instead of low. */
  readonly requireCmk: boolean;
  /** Also take this emulator's ciphertext for sealed (tests only). */
  readonly emulator?: Emulator | undefined;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/**
 * Runs the rules on functions as they arrive and keeps the findings and counts. Configurations are dropped as soon as
 * they are checked, so memory grows with findings, not with functions.
 *
 * @example
 * ```ts
 * const collector = new Collector({ requireCmk: false }, (p) => bar.update(p));
 * await scanRegion(collector, clients, "eu-west-1", false, keys.lookup);
 * collector.findings.length;
 * ```
 */
export class Collector {
  readonly findings: Finding[] = [];
  readonly notScanned: NotScanned[] = [];
  /** Functions (and versions) checked per region. */
  readonly perRegion: Record<string, number> = {};
  /** Functions (and versions) checked per account (org runs). */
  readonly perAccount: Record<string, number> = {};
  readonly progress: Mutable<AuditProgress> = { functionsListed: 0, functionsScanned: 0, regionsDone: 0, regionsTotal: 0, findings: 0 };

  constructor(
    private readonly options: ScanOptions,
    private readonly onProgress?: ((p: AuditProgress) => void) | undefined,
  ) {}

  /** Tell the listener where the run is. */
  report(): void {
    this.onProgress?.({ ...this.progress });
  }

  /** Check one function (its at-rest key through `keys`, its role's access to it through `access`) and keep what it found. */
  async scan(fn: AuditedFunction, keys: KeyLookup, access?: RoleAccessLookup): Promise<void> {
    const keyCheck = fn.kmsKeyArn ? await keys(fn.kmsKeyArn, fn.account) : undefined;
    // ES014 only for a key that exists and is enabled: otherwise ES005 already says the function cannot start.
    const roleAccess = access && keyCheck?.status === "ok" ? await access.lookup(fn, true) : undefined;
    const found = await checkFunction(fn, { keyCheck, roleAccess, requireCmk: this.options.requireCmk, emulator: this.options.emulator });
    this.findings.push(...found);
    if (fn.environmentError) {
      this.notScanned.push({
        ...(fn.account !== undefined ? { account: fn.account } : {}),
        region: fn.region,
        functionArn: fn.arn,
        reason: `Environment.Error ${fn.environmentError.code}: the variables could not be read (kms:Decrypt on ${fn.kmsKeyArn ?? "aws/lambda"})`,
      });
    }
    this.perRegion[fn.region] = (this.perRegion[fn.region] ?? 0) + 1;
    if (fn.account !== undefined) this.perAccount[fn.account] = (this.perAccount[fn.account] ?? 0) + 1;
    this.progress.functionsScanned++;
    this.progress.findings += found.length;
    this.report();
  }
}

/**
 * List one region of one account page by page (at most two pages in memory: the one being checked and the next) and
 * check every function. `account` is set by org runs and stamped on the functions and their findings. Failures after the
 * client's retries throw as {@link listRegion} does; functions checked before the failure stay in the collector.
 *
 * @example
 * ```ts
 * await scanRegion(collector, clients, "us-east-1", false, keys.lookup, "111122223333");
 * ```
 */
export async function scanRegion(
  collector: Collector,
  clients: AuditClients,
  region: string,
  allVersions: boolean,
  keys: KeyLookup,
  account?: string,
  access?: RoleAccessLookup,
): Promise<void> {
  collector.perRegion[region] ??= 0;
  if (account !== undefined) collector.perAccount[account] ??= 0;
  await listRegion(clients, region, allVersions, async (page: FunctionConfiguration[]) => {
    collector.progress.functionsListed += page.length;
    collector.report();
    await Promise.all(
      page.map((cfg) => {
        const fn = toAudited(cfg, region);
        return collector.scan(account === undefined ? fn : { ...fn, account }, keys, access);
      }),
    );
  });
}
