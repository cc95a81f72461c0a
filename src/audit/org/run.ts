/**
 * `audit --org`: every account of the organisation (or of `--accounts`) × every region, audited through a role assumed
 * in each account. Account-regions run in parallel up to `concurrency`; each account-region's Lambda calls keep to that
 * account-region's quota (15 requests/s); each distinct at-rest key is described once. An account or region that cannot
 * be audited (role missing, trust refused, a service control policy, a region not enabled) becomes a `notAudited` entry
 * with its reason: never fatal, never counted as clean. Memory holds findings and counts, never configurations, and at
 * most `concurrency` accounts' clients at a time. ES014 runs in every member account: each execution role simulated
 * with its own account's session, each key's policy and grants read by the key's owner when that account is audited.
 * @module
 */
import type { SecurityHubClient } from "@aws-sdk/client-securityhub";
import { AwsError, InputError } from "../../core/errors.js";
import type { AwsCredentialsProvider } from "../../transport/clients.js";
import { createRoleAccess } from "../access.js";
import { assembleReport } from "../assemble.js";
import { callerIdentity, type AuditClients } from "../clients.js";
import { publishToSecurityHub, type HubTarget } from "../hub/publish.js";
import { createKeyChecker, keyAccount } from "../keys.js";
import { enabledRegions } from "../live.js";
import { Semaphore, forEachLimit } from "../pool.js";
import type { AuditReport, NotAudited, OrgReport } from "../report.js";
import type { AuditRequest } from "../run.js";
import { Collector, scanRegion } from "../scan.js";
import { loadBaseline, parseIgnores } from "../suppress.js";
import { listOrgAccounts, roleArn } from "./accounts.js";
import { assumeRoleSession } from "./assume.js";
import type { OrgClients } from "./clients.js";
import { notAuditedReason } from "./reasons.js";

/**
 * Account-regions audited in parallel unless `--concurrency` says otherwise. An account-region listing at its full
 * quota (15 pages of 50 functions a second) keeps about a sixth of the auditing thread busy (detection and the SDK's
 * work run on one thread; measured in bench/audit-org.mjs), whatever its size, so six of them saturate it: more would
 * only queue work, and hold more clients, sockets and pages at once.
 *
 * @example
 * ```ts
 * await auditOrg({ regions: "all", org: { roleName: "EnvsealAudit", concurrency: DEFAULT_ORG_CONCURRENCY * 2 } }, clients);
 * ```
 */
export const DEFAULT_ORG_CONCURRENCY = 6;

/** How to reach the accounts. */
export interface OrgOptions {
  /** Accounts to audit (`--accounts`). Default: Organizations ListAccounts, ACTIVE accounts only. */
  accounts?: readonly string[] | undefined;
  /** The role to assume in each account (`--role-name`), `NAME` or `PATH/NAME`. */
  roleName: string;
  /** Sent with every AssumeRole when set (`--external-id`). Default: none. */
  externalId?: string | undefined;
  /** Also audit the caller's own account, with the caller's own credentials (`--include-current`). Default: false. */
  includeCurrent?: boolean | undefined;
  /** Account-regions audited in parallel (`--concurrency`). Default: {@link DEFAULT_ORG_CONCURRENCY}. */
  concurrency?: number | undefined;
}

/** An organisation audit: what `audit` takes, live only, plus how to reach the accounts. */
export interface OrgAuditRequest extends Omit<AuditRequest, "input"> {
  org: OrgOptions;
}

/** One account of the run: how to sign as it, and its clients while it is being audited. */
interface Session {
  readonly account: string;
  readonly credentials: AwsCredentialsProvider | undefined;
  readonly ready: () => Promise<void>;
  state: "new" | "ready" | "failed";
  clients?: AuditClients | undefined;
}

/**
 * Run an organisation audit and return the report (`report.org` says how the accounts were reached,
 * `summary.notAudited` what could not be audited and why).
 *
 * @example
 * ```ts
 * const clients = orgClients({ profile: "security" });
 * const report = await auditOrg({ regions: ["us-east-1", "eu-west-1"], org: { roleName: "EnvsealAudit", externalId } }, clients);
 * report.summary.notAudited; // [{ account: "444455556666", region: null, reason: "sts:AssumeRole into … was refused (AccessDenied): …" }]
 * ```
 */
export async function auditOrg(req: OrgAuditRequest, clients: OrgClients): Promise<AuditReport> {
  const started = Date.now();
  const ignores = parseIgnores(req.ignore ?? []);
  const baseline = req.baseline ? await loadBaseline(req.baseline) : new Set<string>();
  const concurrency = req.org.concurrency ?? DEFAULT_ORG_CONCURRENCY;
  const options = { allVersions: Boolean(req.allVersions), requireCmk: Boolean(req.requireCmk), failOn: req.failOn ?? "high", baseline: req.baseline ?? null };

  const caller = await callerIdentity(clients.sts());
  const skipped: OrgReport["skipped"][number][] = [];
  let accounts: string[];
  if (req.org.accounts) {
    accounts = [...req.org.accounts];
  } else {
    const listed = await listOrgAccounts(clients.organizations(caller.partition));
    skipped.push(...listed.inactive);
    accounts = listed.active.filter((a) => a !== caller.account);
    if (listed.active.includes(caller.account) && !req.org.includeCurrent) {
      skipped.push({ account: caller.account, reason: "the current account: pass --include-current to audit it with the caller's own credentials" });
    }
  }
  if (req.org.includeCurrent && !accounts.includes(caller.account)) accounts.push(caller.account);
  accounts.sort();
  if (accounts.length === 0) {
    throw new InputError("no account to audit: the organisation lists no ACTIVE account besides the current one", { hint: "pass --include-current, or name accounts with --accounts" });
  }

  const fixedRegions = req.regions === "all" ? undefined : req.regions?.length ? [...req.regions] : [await clients.defaultRegion()].filter((r): r is string => Boolean(r));
  if (fixedRegions && fixedRegions.length === 0) throw new InputError("no AWS region is set", { hint: "pass --regions (or --region), or set AWS_REGION" });

  const sts = clients.sts();
  const sessions = new Map<string, Session>();
  for (const account of accounts) {
    const assumed =
      account === caller.account
        ? undefined
        : assumeRoleSession(sts, { roleArn: roleArn(caller.partition, account, req.org.roleName), account, externalId: req.org.externalId });
    sessions.set(account, { account, credentials: assumed?.credentials, ready: assumed?.ready ?? (async () => undefined), state: "new" });
  }
  const clientsOf = (s: Session): AuditClients => (s.clients ??= clients.forAccount(s.credentials));

  const collector = new Collector({ requireCmk: options.requireCmk, emulator: req.emulator }, req.onProgress);
  const progress = collector.progress;
  progress.accountsTotal = accounts.length;
  progress.accountsDone = 0;
  progress.regionsTotal = fixedRegions ? fixedRegions.length * accounts.length : 0;
  collector.report();

  // A key is described by its owner's session when its owner is audited and reachable, else by the function's account.
  const keys = createKeyChecker((region, keyArn, fnAccount) => {
    const owner = sessions.get(keyAccount(keyArn) ?? "");
    const session = owner && owner.state === "ready" ? owner : sessions.get(fnAccount ?? "") ?? owner;
    if (!session) throw new TypeError(`auditOrg: no session for the key ${keyArn}`);
    return clientsOf(session).kms(region);
  }, fixedRegions?.[0] ?? "us-east-1");

  // ES014: the role is simulated in its own account; a key's policy and grants are read by the key's owner when that
  // account is audited and reachable (GetKeyPolicy does not work across accounts), else by the function's account.
  const ownerKms = (session: Session) => (region: string, keyArn: string) => {
    const owner = sessions.get(keyAccount(keyArn) ?? "");
    return clientsOf(owner && owner.state === "ready" ? owner : session).kms(region);
  };
  const accessNotChecked: Array<{ key: string; reason: string }> = [];

  const notAudited: NotAudited[] = [];
  const audited = new Set<string>();
  const auditedUnits: Array<{ account: string; region: string }> = [];
  const slots = new Semaphore(concurrency);

  // At most `concurrency` accounts open at once; their regions share `concurrency` slots, so slots stay busy while an
  // account waits for AssumeRole and no more than `concurrency` accounts' clients exist at a time.
  await forEachLimit(accounts, concurrency, async (account) => {
    const session = sessions.get(account)!;
    let regions = fixedRegions;
    try {
      await session.ready();
      session.state = "ready";
      if (!regions) {
        try {
          regions = await enabledRegions(clientsOf(session));
        } catch (err) {
          notAudited.push({ account, region: null, reason: notAuditedReason(err, "account:ListRegions", account) });
          return;
        }
        progress.regionsTotal += regions.length;
      }
      const access = createRoleAccess(clientsOf(session), regions[0] ?? "us-east-1", ownerKms(session));
      await Promise.all(
        regions.map((region) =>
          slots.run(async () => {
            try {
              await scanRegion(collector, clientsOf(session), region, options.allVersions, keys.lookup, account, access);
              audited.add(account);
              auditedUnits.push({ account, region });
            } catch (err) {
              notAudited.push({ account, region, reason: notAuditedReason(err, "lambda:ListFunctions", `${account} ${region}`) });
            }
            progress.regionsDone++;
            collector.report();
          }),
        ),
      );
      accessNotChecked.push(...(access?.unchecked() ?? []));
    } catch (err) {
      // The session failed (ready() throws an AwsError of sts:AssumeRole, whose message says everything), or an AWS
      // call or the account's clients failed while its audit was set up.
      session.state = "failed";
      notAudited.push({ account, region: null, reason: notAuditedReason(err, err instanceof AwsError ? err.operation : "audit setup", account) });
      if (fixedRegions) progress.regionsDone += fixedRegions.length;
    } finally {
      session.clients = undefined;
      progress.accountsDone!++;
      collector.report();
    }
  });

  const org: OrgReport = {
    callerAccount: caller.account,
    accountsFrom: req.org.accounts ? "accounts-option" : "organizations",
    roleName: `role/${req.org.roleName}`,
    externalId: req.org.externalId !== undefined,
    accounts,
    skipped,
    accountsAudited: audited.size,
    concurrency,
  };
  const regionsSeen = [...new Set([...(fixedRegions ?? []), ...auditedUnits.map((u) => u.region)])].sort();
  const report = assembleReport(collector, {
    started,
    source: { mode: "live", regions: fixedRegions ?? regionsSeen },
    options,
    ignores,
    baseline,
    keysChecked: keys.size(),
    keysNotChecked: [...(await keys.unchecked()), ...accessNotChecked],
    notAudited,
    org,
  });
  if (!req.securityHub) return report;
  // Every account-region the run set out to audit: those not audited are reported as not published, not left out.
  const attempted = [
    ...auditedUnits,
    ...notAudited.flatMap((n) => (n.region !== null ? [{ account: n.account, region: n.region }] : (fixedRegions ?? []).map((region) => ({ account: n.account, region })))),
  ];
  const targets: HubTarget[] = attempted.map(({ account, region }) => ({
    account,
    region,
    partition: caller.partition,
    hub: () => {
      const c = clientsOf(sessions.get(account)!);
      if (!c.securityHub) throw new TypeError("auditOrg: securityHub needs AuditClients with securityHub()");
      return c.securityHub(region) as SecurityHubClient;
    },
  }));
  const securityHub = await publishToSecurityHub(report, targets, { concurrency });
  for (const s of sessions.values()) s.clients = undefined;
  return { ...report, securityHub };
}
