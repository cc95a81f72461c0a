/**
 * `envseal audit --org` through the built CLI against an organisation in moto (management account + four members,
 * two regions), behind the org proxy (test/support/org-proxy.ts), which refuses AssumeRole as STS does — role missing,
 * external id wrong — and plays a service control policy denying one region. Each account's planted problems are found
 * and stamped with the account; the member without the role and the denied region are reported "not audited" with
 * their reasons; AssumeRole runs once per account; every call is one the permission table grants; Security Hub gets the
 * findings and, once a problem is fixed, its finding is archived. No planted value reaches any output.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { motoAvailable, startMoto, type Moto } from "../support/moto.js";
import { startOrgProxy, MOTO_ACCOUNT, type OrgProxy } from "../support/org-proxy.js";
import { createAuditRole, createFunctionIn, createOrganization, enableSecurityHub, hubFindings, inAccount, setVariables, type AccountHandle } from "../support/org-moto.js";
import { runBuiltCli } from "../support/cli.js";
import { randomBytes } from "node:crypto";
import { canary, expectNoCanary, leakRegistry, tempDir } from "../support/canary.js";
import { auditActions } from "../../src/audit/permissions.js";
import type { AuditReport } from "../../src/audit/report.js";

const ROLE = "EnvsealAudit";
const EXTERNAL_ID = "envseal-ext-2026";
/** A fake AWS secret access key secretlint detects (AWS's documented EXAMPLE key is allowlisted). */
const FAKE_SECRET_KEY = "FAKEfakeFAKEfakeFAKEfakeFAKEfakeFAKEfake";

describe.skipIf(!motoAvailable())("envseal audit --org against moto (management + 4 members, 2 regions)", () => {
  let moto: Moto;
  let proxy: OrgProxy;
  let A: AccountHandle, B: AccountHandle, C: AccountHandle, D: AccountHandle, M: AccountHandle;
  const pwA = canary("pwA");
  // A Stripe live key's shape (mixed-case base62), registered with the leak scanner like the canaries.
  const stripeB = `sk_live_${randomBytes(30).toString("base64").replace(/[^A-Za-z0-9]/g, "").slice(0, 24)}`;
  leakRegistry().canaries.add(stripeB);
  const deniedB = canary("deniedB");
  const sealedC = canary("sealedC");
  const hiddenD = canary("hiddenD");
  const mgmt = canary("mgmt");
  const values = [pwA, stripeB, deniedB, sealedC, hiddenD, mgmt];

  beforeAll(async () => {
    moto = await startMoto();
    const ids = await createOrganization(moto, 4);
    [A, B, C, D] = await Promise.all(ids.map((id) => inAccount(moto, id))) as [AccountHandle, AccountHandle, AccountHandle, AccountHandle];
    M = await inAccount(moto, MOTO_ACCOUNT);
    for (const a of [A, B, C]) await createAuditRole(a, ROLE, EXTERNAL_ID);
    await createFunctionIn(A, "us-east-1", "orders", { DB_PASSWORD: pwA, LOG_LEVEL: "info" });
    await createFunctionIn(A, "eu-west-1", "billing", { BILLING_AWS_SECRET_ACCESS_KEY: FAKE_SECRET_KEY });
    await createFunctionIn(B, "us-east-1", "payments", { STRIPE_KEY: stripeB });
    await createFunctionIn(B, "eu-west-1", "blocked", { DB_PASSWORD: deniedB });
    await createFunctionIn(C, "us-east-1", "legacy", { ENVSEAL_SEALED: "DB_PASSWORD:v2", DB_PASSWORD: sealedC });
    await createFunctionIn(D, "us-east-1", "norole", { API_TOKEN: hiddenD });
    await createFunctionIn(M, "us-east-1", "mgmt", { DB_PASSWORD: mgmt });
    for (const a of [A, B, C]) for (const r of ["us-east-1", "eu-west-1"]) await enableSecurityHub(a, r);
    proxy = await startOrgProxy(moto);
    proxy.deny(B.id, "eu-west-1", "lambda:ListFunctions");
  });

  afterAll(async () => {
    await proxy?.stop();
    await moto?.stop();
  });

  const env = () => ({ ...moto.env("us-east-1"), AWS_ENDPOINT_URL: proxy.url });
  const orgArgs = (...extra: string[]) => ["audit", "--org", "--role-name", ROLE, "--external-id", EXTERNAL_ID, "--regions", "us-east-1,eu-west-1", ...extra];
  const outputs: Record<string, string> = {};

  it("finds each account's problems, reports the member without the role and the denied region, assumes once per account", async () => {
    proxy.reset();
    const r = await runBuiltCli([...orgArgs("--format", "json")], { env: env() });
    outputs["json stdout"] = r.stdout;
    outputs["json stderr"] = r.stderr;
    expect(r.code, r.stderr).toBe(1);
    const report = JSON.parse(r.stdout) as AuditReport;
    expect(report.org).toMatchObject({ callerAccount: MOTO_ACCOUNT, accountsFrom: "organizations", accounts: [A.id, B.id, C.id, D.id].sort(), accountsAudited: 3, externalId: true });
    const found = report.findings.filter((f) => f.ruleId !== "ES004").map((f) => [f.account, f.region, f.functionName, f.ruleId, f.variable, f.severity]);
    expect(found.sort()).toEqual(
      [
        [A.id, "us-east-1", "orders", "ES001", "DB_PASSWORD", "medium"],
        [A.id, "eu-west-1", "billing", "ES001", "BILLING_AWS_SECRET_ACCESS_KEY", "critical"],
        [B.id, "us-east-1", "payments", "ES001", "STRIPE_KEY", "high"],
        [C.id, "us-east-1", "legacy", "ES002", "DB_PASSWORD", "high"],
      ].sort(),
    );
    expect(report.findings.every((f) => f.functionArn.startsWith(`arn:aws:lambda:${f.region}:${f.account}:function:`))).toBe(true);
    const byAccount = <T extends { account: string }>(xs: T[]) => xs.sort((x, y) => x.account.localeCompare(y.account));
    expect(report.summary.notAudited).toEqual(
      byAccount([
        { account: B.id, region: "eu-west-1", reason: expect.stringMatching(/^lambda:ListFunctions in \d{12} eu-west-1: AccessDeniedException \(.*service control policy/) },
        { account: D.id, region: null, reason: `sts:AssumeRole into arn:aws:iam::${D.id}:role/${ROLE} was refused (AccessDenied): the role does not exist in ${D.id}, or its trust policy does not trust the caller with this external id` },
      ]),
    );
    expect(r.stderr).toMatch(new RegExp(`envseal: warning: not audited: .*${B.id} eu-west-1`));
    expect(r.stderr).toMatch(new RegExp(`envseal: warning: not audited: .*${D.id}[,( ]`));
    // One AssumeRole per member account (D's refused), each with the session name and the external id; none for the caller.
    expect(proxy.assumes().map((a) => [a.target, a.roleArn, a.roleSessionName, a.externalId, a.refused]).sort()).toEqual(
      [A, B, C, D].map((a) => [a.id, `arn:aws:iam::${a.id}:role/${ROLE}`, "envseal-audit", EXTERNAL_ID, a === D]).sort(),
    );
    // The caller calls only what the caller's policy grants; each member only what the member role grants.
    const caller = new Set([...auditActions(["audit-org-caller"]), "sts:GetCallerIdentity"]);
    const member = new Set(auditActions(["audit-org-member"]));
    const calls = proxy.calls();
    expect(calls.filter((c) => c.account === MOTO_ACCOUNT && !caller.has(c.op))).toEqual([]);
    expect(calls.filter((c) => c.account !== MOTO_ACCOUNT && !member.has(c.op))).toEqual([]);
    expect(calls.filter((c) => c.account === MOTO_ACCOUNT && c.op === "lambda:ListFunctions")).toEqual([]);
  });

  it("every format names accounts and what was not audited; --out files too", async () => {
    const dir = tempDir();
    for (const format of ["table", "markdown", "sarif"]) {
      const out = join(dir, `org.${format}`);
      const [r, w] = await Promise.all([runBuiltCli(orgArgs("--format", format), { env: env() }), runBuiltCli(orgArgs("--format", format, "--out", out), { env: env() })]);
      expect(r.code, r.stderr).toBe(1);
      outputs[`${format} stdout`] = r.stdout;
      outputs[`${format} file`] = readFileSync(out, "utf8");
      outputs[`${format} --out stdout`] = w.stdout;
      outputs[`${format} --out stderr`] = w.stderr;
      for (const text of [r.stdout, readFileSync(out, "utf8")]) {
        for (const a of [A, B, C]) expect(text).toContain(a.id);
        expect(text).toContain(`${D.id}`);
        expect(text).toMatch(/not audited/i);
      }
      expect(w.stdout).toMatch(/scanned in 3 of 4 accounts, 2 regions: .*; NOT AUDITED: 1 account, 1 account-region; \w+ report written/);
    }
  });

  it("--include-current adds the management account with the caller's own credentials; --accounts narrows the run", async () => {
    proxy.reset();
    const r = await runBuiltCli(orgArgs("--format", "json", "--include-current", "--fail-on", "none"), { env: env() });
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout) as AuditReport;
    expect(report.findings.filter((f) => f.account === MOTO_ACCOUNT).map((f) => f.functionName)).toContain("mgmt");
    expect(proxy.assumes().map((a) => a.target)).not.toContain(MOTO_ACCOUNT);
    const only = await runBuiltCli(["audit", "--accounts", `${A.id},${C.id}`, "--role-name", ROLE, "--external-id", EXTERNAL_ID, "--regions", "us-east-1", "--format", "json"], { env: env() });
    const narrowed = JSON.parse(only.stdout) as AuditReport;
    expect(narrowed.org!.accounts).toEqual([A.id, C.id].sort());
    expect(new Set(narrowed.findings.map((f) => f.account))).toEqual(new Set([A.id, C.id]));
    outputs["include-current"] = r.stdout + r.stderr;
    outputs["accounts"] = only.stdout + only.stderr;
  });

  it("a wrong external id leaves no account audited: the report is printed and the exit code is 3", async () => {
    const r = await runBuiltCli(["audit", "--org", "--role-name", ROLE, "--external-id", "not-the-one", "--regions", "us-east-1", "--format", "json"], { env: env() });
    expect(r.code).toBe(3);
    expect((JSON.parse(r.stdout) as AuditReport).summary.notAudited).toHaveLength(4);
    expect(r.stderr).toMatch(/envseal: error: no account could be audited \(4 not audited; first: sts:AssumeRole into .* was refused \(AccessDenied\)/);
    outputs["wrong external id"] = r.stdout + r.stderr;
  });

  it("--security-hub imports each account's findings into its own Security Hub, and archives a fixed one on the next run", async () => {
    const first = await runBuiltCli(orgArgs("--format", "json", "--security-hub"), { env: env() });
    expect(first.code, first.stderr).toBe(1);
    const report = JSON.parse(first.stdout) as AuditReport;
    expect(report.securityHub).toMatchObject({ failed: [], archived: 0 });
    const skipped = "not audited: nothing was sent and nothing archived";
    expect(report.securityHub!.notPublished.map((n) => `${n.account} ${n.region} ${n.reason}`).sort()).toEqual(
      [`${B.id} eu-west-1 ${skipped}`, `${D.id} eu-west-1 ${skipped}`, `${D.id} us-east-1 ${skipped}`].sort(),
    );
    const inA = await hubFindings(A, "us-east-1");
    const orders = inA.find((f) => f.Resources?.[0]?.Id === `arn:aws:lambda:us-east-1:${A.id}:function:orders` && f.GeneratorId === "envseal/ES001")!;
    expect(orders).toMatchObject({
      SchemaVersion: "2018-10-08",
      AwsAccountId: A.id,
      ProductArn: `arn:aws:securityhub:us-east-1:${A.id}:product/${A.id}/default`,
      RecordState: "ACTIVE",
      Severity: { Label: "MEDIUM" },
      Resources: [expect.objectContaining({ Type: "AwsLambdaFunction", Region: "us-east-1" })],
      ProductFields: expect.objectContaining({ "envseal/Variable": "DB_PASSWORD" }),
    });
    expect((await hubFindings(B, "us-east-1")).map((f) => f.GeneratorId).sort()).toEqual(["envseal/ES001", "envseal/ES004"]);
    expect((await hubFindings(A, "us-east-1")).every((f) => f.AwsAccountId === A.id)).toBe(true);

    // Fix the password in A: the next run archives that finding (only that one) in A's Security Hub.
    await setVariables(A, "us-east-1", "orders", { LOG_LEVEL: "info" });
    const second = await runBuiltCli(orgArgs("--format", "json", "--security-hub"), { env: env() });
    const again = JSON.parse(second.stdout) as AuditReport;
    expect(again.securityHub!.archived).toBe(1);
    const after = await hubFindings(A, "us-east-1");
    expect(after.find((f) => f.Id === orders.Id)).toMatchObject({ RecordState: "ARCHIVED", CreatedAt: orders.CreatedAt });
    expect(after.filter((f) => f.Id !== orders.Id).every((f) => f.RecordState === "ACTIVE")).toBe(true);
    expect((await hubFindings(B, "us-east-1")).every((f) => f.RecordState === "ACTIVE")).toBe(true);
    // moto 5.2 has no BatchUpdateFindings: the workflow status cannot be set there, and the report says so.
    expect(again.securityHub!.workflowNotResolved).toEqual([{ account: A.id, region: "us-east-1", count: 1, reason: expect.stringMatching(/^securityhub:BatchUpdateFindings failed/) }]);
    outputs["hub first"] = first.stdout + first.stderr;
    outputs["hub second"] = second.stdout + second.stderr;
    outputs["hub A"] = JSON.stringify(after);
  });

  it("no planted value reached any output, report or Security Hub finding", () => {
    expect(Object.keys(outputs).length).toBeGreaterThan(8);
    expectNoCanary(values, outputs);
  });
});
