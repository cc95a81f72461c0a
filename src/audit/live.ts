/**
 * Live input: which regions to scan (`--regions all` asks the Account API), and ListFunctions per region with the SDK
 * paginator (50 a page, `FunctionVersion: "ALL"` for published versions).
 * @module
 */
import { paginateListRegions } from "@aws-sdk/client-account";
import { paginateListFunctions, type FunctionConfiguration } from "@aws-sdk/client-lambda";
import { AwsError, InputError } from "../core/errors.js";
import { mapCommonAwsError } from "../transport/errors.js";
import type { AuditClients } from "./clients.js";

const REGION = /^[a-z]{2}(-[a-z]+)+-\d+$/;

/**
 * Parse `--regions`: `all` or a comma-separated list. Throws {@link InputError} for a name that is not a region.
 *
 * @example
 * ```ts
 * parseRegions("us-east-1, eu-west-1"); // ["us-east-1", "eu-west-1"]
 * parseRegions("all");                  // "all"
 * ```
 */
export function parseRegions(value: string): string[] | "all" {
  if (value.trim() === "all") return "all";
  const regions = [...new Set(value.split(",").map((s) => s.trim()).filter(Boolean))];
  if (regions.length === 0) throw new InputError("--regions is empty", { hint: "pass all or a comma-separated list such as us-east-1,eu-west-1" });
  for (const r of regions) {
    if (!REGION.test(r)) throw new InputError(`--regions: "${r.slice(0, 40)}" is not a region name`, { hint: "e.g. us-east-1,eu-west-1, or all" });
  }
  return regions;
}

/**
 * Every region enabled for the account: Account `ListRegions` with `RegionOptStatusContains` ENABLED and
 * ENABLED_BY_DEFAULT (IAM: `account:ListRegions`).
 */
export async function enabledRegions(clients: AuditClients): Promise<string[]> {
  const out: string[] = [];
  try {
    for await (const page of paginateListRegions(
      { client: clients.account() },
      { RegionOptStatusContains: ["ENABLED", "ENABLED_BY_DEFAULT"], MaxResults: 50 },
    )) {
      for (const r of page.Regions ?? []) if (r.RegionName) out.push(r.RegionName);
    }
  } catch (err) {
    const mapped = mapCommonAwsError(err, "account:ListRegions");
    const status = (err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
    const denied = mapped instanceof AwsError && /AccessDenied|UnauthorizedOperation|NotAuthorized/.test(mapped.code);
    if (status === 404 || status === 501) {
      // An endpoint that does not serve the Account API (an emulator, a proxy): no permission would help.
      throw new AwsError(`--regions all: the endpoint does not serve the Account API's ListRegions (HTTP ${status})`, {
        code: "AccountApiUnavailable",
        operation: "account:ListRegions",
        hint: "pass the regions explicitly (--regions us-east-1,eu-west-1)",
        cause: err,
      });
    }
    throw new AwsError(`--regions all: ${mapped.message}`, {
      code: mapped instanceof AwsError ? mapped.code : "Error",
      operation: "account:ListRegions",
      hint: denied ? "grant account:ListRegions, or pass the regions explicitly (--regions us-east-1,eu-west-1)" : "pass the regions explicitly (--regions us-east-1,eu-west-1)",
      cause: err,
    });
  }
  if (out.length === 0) throw new AwsError("--regions all: account:ListRegions returned no enabled region", { code: "NoRegions", operation: "account:ListRegions" });
  return out.sort();
}

/** Resolve the regions to scan: the list given, all enabled ones, or the configured region. */
export async function resolveRegions(clients: AuditClients, regions: string[] | "all" | undefined): Promise<string[]> {
  if (regions === "all") return enabledRegions(clients);
  if (regions && regions.length > 0) return regions;
  const region = await clients.defaultRegion();
  if (!region) throw new InputError("no AWS region is set", { hint: "pass --regions (or --region), or set AWS_REGION" });
  return [region];
}

/**
 * List a region's functions page by page (ListFunctions, `MaxItems` 50), calling `onPage` for each page as it arrives
 * (the next page is fetched while `onPage` runs; calls to `onPage` never overlap).
 * A throttled call is retried by the client (adaptive mode); only a failure after the retries throws, as {@link AwsError}.
 */
export async function listRegion(
  clients: AuditClients,
  region: string,
  allVersions: boolean,
  onPage: (functions: FunctionConfiguration[]) => Promise<void>,
): Promise<void> {
  // One page of look-ahead: page k+1 is requested while page k is being scanned, so scanning never holds back the
  // next request (pages are sequential anyway: each needs the previous NextMarker). At most two pages in memory.
  let scanning: Promise<void> | undefined;
  try {
    for await (const page of paginateListFunctions(
      { client: clients.lambda(region), pageSize: 50 },
      { MaxItems: 50, ...(allVersions ? { FunctionVersion: "ALL" as const } : {}) },
    )) {
      if (scanning) await scanning;
      scanning = onPage(page.Functions ?? []);
      // Observed by the `await` above or below; this only keeps a rejection from being reported as unhandled meanwhile.
      scanning.catch(() => undefined);
    }
    if (scanning) await scanning;
  } catch (err) {
    if (err instanceof InputError || err instanceof AwsError) throw err;
    const mapped = mapCommonAwsError(err, "lambda:ListFunctions");
    throw new AwsError(`${region}: ${mapped.message}`, {
      code: mapped instanceof AwsError ? mapped.code : "Error",
      operation: "lambda:ListFunctions",
      hint: mapped.hint ?? "check the region and your permissions",
      cause: err,
    });
  }
}
