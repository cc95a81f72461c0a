/**
 * `doctor`: will this function start and unseal? One function (`--function`) or every function of the chosen regions
 * (`--all`, listed the way the auditor lists them, at Lambda's control-plane pace). Returns the checklist; prints
 * nothing.
 * @module
 */
import type { IAMClient } from "@aws-sdk/client-iam";
import type { KMSClient } from "@aws-sdk/client-kms";
import type { Emulator } from "../core/ciphertext.js";
import { InputError } from "../core/errors.js";
import { normalizeKeyRef } from "../kms/keys.js";
import { readFunction, toFunctionState, type FunctionState } from "../lambda/config.js";
import type { AuditClients } from "../audit/clients.js";
import { listRegion, resolveRegions } from "../audit/live.js";
import { createAccessChecker } from "../doctor/access.js";
import { diagnose, type Check } from "../doctor/diagnose.js";
import type { AwsDeps } from "./deps.js";

/**
 * The checklist of one function.
 *
 * @example
 * ```ts
 * const r: FunctionDiagnosis = await doctor(deps, { functionName: "orders-api" });
 * r.failed; // true when any check failed
 * ```
 */
export interface FunctionDiagnosis {
  readonly functionName: string;
  readonly functionArn: string;
  readonly role: string | undefined;
  readonly atRestKey: string;
  readonly checks: readonly Check[];
  readonly counts: Readonly<Record<Check["status"], number>>;
  readonly failed: boolean;
}

/**
 * What `doctor` returns: one diagnosis per function.
 *
 * @example
 * ```ts
 * report.failed; // any check of any function failed: exit 1
 * ```
 */
export interface DoctorReport {
  readonly functions: readonly FunctionDiagnosis[];
  readonly failed: boolean;
}

/**
 * Options shared by one function and `--all`.
 *
 * @example
 * ```ts
 * const o: DoctorOptions = { sealingKey: "alias/app" };
 * ```
 */
export interface DoctorOptions {
  /** The key the values were sealed with (`--sealing-key`). Default: read from the blob when it names it, else unknown. */
  sealingKey?: string | undefined;
  /** Take this KMS emulator's blobs for sealed (`ENVSEAL_EMULATOR`; tests). Default: none. */
  emulator?: Emulator | undefined;
}

function summarize(fn: FunctionState, checks: Check[]): FunctionDiagnosis {
  const counts = { pass: 0, fail: 0, unknown: 0, warn: 0 };
  for (const c of checks) counts[c.status]++;
  return { functionName: fn.name, functionArn: fn.arn, role: fn.role, atRestKey: fn.kmsKeyArn ?? "aws/lambda", checks, counts, failed: counts.fail > 0 };
}

function iamOf(deps: { iam?(): IAMClient }): () => IAMClient {
  const iam = deps.iam;
  if (!iam) throw new TypeError("doctor needs an IAM client (AwsDeps.iam)");
  return () => iam.call(deps);
}

/**
 * Diagnose one function.
 *
 * @example
 * ```ts
 * const report = await doctor(lazyDeps({ region: "eu-west-1" }), { functionName: "orders-api" });
 * ```
 */
export async function doctor(deps: AwsDeps, req: DoctorOptions & { functionName: string }): Promise<DoctorReport> {
  if (req.sealingKey !== undefined) normalizeKeyRef(req.sealingKey);
  const fn = await readFunction(deps.lambda(), req.functionName);
  const checker = createAccessChecker({ kms: () => deps.kms(), iam: iamOf(deps) });
  const d = summarize(fn, await diagnose(fn, { access: (q) => checker.check(q), sealingKey: req.sealingKey, emulator: req.emulator }));
  return { functions: [d], failed: d.failed };
}

/**
 * Diagnose every function (`$LATEST`) of `regions` (default: the configured region; `all`: every enabled region),
 * listing them as the auditor does; every lookup is cached per (role, key).
 *
 * @example
 * ```ts
 * const report = await doctorAll(auditClients({}), { iam: () => createIamClient({}) }, { regions: ["eu-west-1"] });
 * ```
 */
export async function doctorAll(
  clients: AuditClients,
  iam: { iam(): IAMClient },
  req: DoctorOptions & { regions?: string[] | "all" | undefined },
): Promise<DoctorReport> {
  if (req.sealingKey) throw new InputError("--sealing-key applies to one function", { hint: "drop it with --all, or use --function F" });
  const regions = await resolveRegions(clients, req.regions);
  const out: FunctionDiagnosis[] = [];
  for (const region of regions) {
    const kms = (keyRegion: string | undefined): KMSClient => clients.kms(keyRegion ?? region);
    const checker = createAccessChecker({ kms, iam: () => iam.iam() });
    await listRegion(clients, region, false, async (page) => {
      const diagnosed = await Promise.all(
        page.map(async (cfg) => {
          const fn = toFunctionState(cfg, cfg.FunctionName ?? "(unnamed)");
          return summarize(fn, await diagnose(fn, { access: (q) => checker.check(q), emulator: req.emulator }));
        }),
      );
      out.push(...diagnosed);
    });
  }
  out.sort((a, b) => a.functionArn.localeCompare(b.functionArn));
  return { functions: out, failed: out.some((f) => f.failed) };
}
