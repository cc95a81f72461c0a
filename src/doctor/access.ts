/**
 * May an execution role `kms:Decrypt` with a key? The key's state (DescribeKey), its key policy (GetKeyPolicy), its
 * grants for the role (ListGrants) and the role's identity policies (`iam:SimulatePrincipalPolicy`, with the key ARN as
 * resource and the encryption context as context entries), each looked up once per (role, key, context) and combined
 * the way KMS authorizes: an explicit deny anywhere wins; then a grant, the key policy naming the role, or the key
 * policy delegating to IAM with an identity policy that allows. Whatever the caller may not read makes the answer
 * "unknown", never "pass".
 * @module
 */
import { DescribeKeyCommand, GetKeyPolicyCommand, ListGrantsCommand, type GrantListEntry, type KMSClient } from "@aws-sdk/client-kms";
import { SimulatePrincipalPolicyCommand, type IAMClient } from "@aws-sdk/client-iam";
import { keyStateWords } from "../kms/keys.js";
import { EnvsealError } from "../core/errors.js";
import { errorCode } from "../transport/errors.js";
import { simulationContext } from "./context.js";
import { evaluateKeyPolicy, grantsDecrypt, type DecryptQuestion } from "./key-policy.js";

/**
 * The outcome of one check.
 *
 * @example
 * ```ts
 * const s: CheckStatus = "unknown"; // never counted as a pass
 * ```
 */
export type CheckStatus = "pass" | "fail" | "unknown";

/**
 * What one source of authorization said.
 *
 * @example
 * ```ts
 * const e: Evidence = { source: "grants", says: "allow", detail: "grant g1 lets the role kms:Decrypt" };
 * ```
 */
export interface Evidence {
  readonly source: "key" | "key-policy" | "grants" | "identity-policy";
  readonly says: "allow" | "deny" | "none" | "iam" | "unknown" | "ok";
  readonly detail: string;
}

/**
 * The answer for one (role, key, context).
 *
 * @example
 * ```ts
 * if (verdict.status === "fail") console.log(verdict.summary, verdict.fix);
 * ```
 */
export interface AccessVerdict {
  readonly status: CheckStatus;
  readonly summary: string;
  readonly fix?: string | undefined;
  readonly evidence: readonly Evidence[];
  /** The key's ARN as DescribeKey gave it (the ref given when it could not be described). */
  readonly keyArn: string;
}

/**
 * What to check: the role, the key, and how the call is made.
 *
 * @example
 * ```ts
 * await checker.check({ roleArn, keyRef: keyArn, context: {}, atRest: true, functionRefs: [name, arn] });
 * ```
 */
export interface AccessQuery {
  readonly roleArn: string;
  readonly keyRef: string;
  /** The encryption context of the call (from `contextFor`); ignored with `atRest`. */
  readonly context: Readonly<Record<string, string>>;
  /** Lambda's own call at init for the at-rest key: its context and `kms:ViaService` are Lambda's. */
  readonly atRest: boolean;
  /** The function's name and ARN (a Lambda-made grant constrained to them counts for the at-rest key). */
  readonly functionRefs: readonly string[];
  /** What to tell the user to run when no allow path exists. */
  readonly grantFix: string;
  /**
   * The caller already described `keyRef` (a key ARN) and found it Enabled, so DescribeKey is not called again (the
   * auditor describes each at-rest key once per run). Default: false.
   */
  readonly keyEnabled?: boolean | undefined;
}

/**
 * The AWS clients the checker needs: KMS of a key's region, and IAM (global).
 *
 * @example
 * ```ts
 * const clients: AccessClients = { kms: () => kmsClient, iam: () => iamClient };
 * ```
 */
export interface AccessClients {
  /** KMS of `region` for calls about `keyRef` (an org audit reads a key's policy with its owner account's session). */
  kms(region: string | undefined, keyRef: string): KMSClient;
  iam(): IAMClient;
}

/** Codes that mean "the caller may not look", or the endpoint does not offer the call: unknown, not an error. */
const CANNOT_LOOK = /AccessDenied|NotAuthorized|Unauthorized|NotImplemented|InvalidAction|UnknownOperation|UnsupportedOperation/i;

type Looked<T> = { ok: true; value: T } | { ok: false; reason: string };

/**
 * Why a lookup gave no answer, as a phrase; rethrows what must stop the run: envseal's own refusals (an endpoint or TLS
 * policy violation). A denied, unsupported, throttled or failed lookup makes its check unknown, never pass: the
 * function was read, so its other checks still stand.
 */
function noAnswer(err: unknown, operation: string): string {
  if (err instanceof EnvsealError) throw err;
  const code = errorCode(err);
  if (CANNOT_LOOK.test(code)) return `the caller may not ${operation} (${code})`;
  if (code.startsWith("MissingContextValues:")) return `${operation} denies only for want of context values doctor cannot know (${code.slice(21)})`;
  const status = (err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  return `${operation} failed after retries (${code}${status ? `, HTTP ${status}` : ""})`;
}

async function look<T>(operation: string, call: () => Promise<T>): Promise<Looked<T>> {
  try {
    return { ok: true, value: await call() };
  } catch (err) {
    return { ok: false, reason: noAnswer(err, operation) };
  }
}

const keyRegion = (ref: string) => /^arn:aws[a-z-]*:kms:([a-z0-9-]+):/.exec(ref)?.[1];
const accountOf = (arn: string) => /^arn:aws[a-z-]*:iam::(\d{12}):/.exec(arn)?.[1] ?? "";

/**
 * A checker that caches every lookup: DescribeKey and GetKeyPolicy per key, ListGrants per (key, role), the
 * simulation per (role, key, context), and each verdict per query.
 *
 * @example
 * ```ts
 * const checker = createAccessChecker({ kms: (r) => createKmsClient(opts, r), iam: () => createIamClient(opts) });
 * const v = await checker.check({ roleArn, keyRef, context: {}, atRest: true, functionRefs: [name], grantFix: "…" });
 * ```
 */
export function createAccessChecker(clients: AccessClients): { check(q: AccessQuery): Promise<AccessVerdict> } {
  const memo = new Map<string, Promise<unknown>>();
  const once = <T>(key: string, make: () => Promise<T>): Promise<T> => {
    let p = memo.get(key) as Promise<T> | undefined;
    if (!p) memo.set(key, (p = make()));
    return p;
  };
  const describe = (ref: string) =>
    once(`describe\0${ref}`, async () => {
      try {
        return { found: true as const, meta: (await clients.kms(keyRegion(ref), ref).send(new DescribeKeyCommand({ KeyId: ref }))).KeyMetadata };
      } catch (err) {
        if (errorCode(err) === "NotFoundException") return { found: false as const };
        return { found: null, reason: noAnswer(err, "kms:DescribeKey") };
      }
    });
  const policy = (arn: string) =>
    once(`policy\0${arn}`, () =>
      look("kms:GetKeyPolicy", async () => (await clients.kms(keyRegion(arn), arn).send(new GetKeyPolicyCommand({ KeyId: arn, PolicyName: "default" }))).Policy ?? "{}"),
    );
  // Every grant of the key, not only the role's: a grant left to a deleted role shows its old AROA… id, not the ARN.
  const grants = (arn: string) =>
    once(`grants\0${arn}`, () =>
      look("kms:ListGrants", async () => {
        const out: GrantListEntry[] = [];
        let marker: string | undefined;
        do {
          const page = await clients.kms(keyRegion(arn), arn).send(new ListGrantsCommand({ KeyId: arn, ...(marker ? { Marker: marker } : {}) }));
          out.push(...(page.Grants ?? []));
          marker = page.Truncated ? page.NextMarker : undefined;
        } while (marker);
        return out;
      }),
    );
  const simulate = (role: string, arn: string, context: Readonly<Record<string, string>>, atRest: boolean) =>
    once(`sim\0${role}\0${arn}\0${atRest}\0${JSON.stringify(context)}`, () =>
      look("iam:SimulatePrincipalPolicy", async () => {
        const out = await clients.iam().send(
          new SimulatePrincipalPolicyCommand({
            PolicySourceArn: role,
            ActionNames: ["kms:Decrypt"],
            ResourceArns: [arn],
            ...(atRest ? {} : { ContextEntries: simulationContext(context) }),
          }),
        );
        const r = out.EvaluationResults?.[0];
        if (!r?.EvalDecision) throw Object.assign(new Error("no evaluation result"), { name: "NotImplemented" });
        // A deny that hangs on a condition key the simulation was not given (Lambda's own context at rest) decides nothing.
        if (r.EvalDecision !== "allowed" && r.MissingContextValues?.length) {
          throw Object.assign(new Error("missing context values"), { name: `MissingContextValues:${r.MissingContextValues.slice(0, 3).join(",")}` });
        }
        return r.EvalDecision;
      }),
    );

  return {
    // The lookups underneath are shared per (role, key); the verdict also depends on the function (grant constraints).
    check: (q) => once(`verdict\0${q.roleArn}\0${q.keyRef}\0${q.atRest}\0${JSON.stringify(q.context)}\0${q.functionRefs.join(",")}`, () => decide(q)),
  };

  async function decide(q: AccessQuery): Promise<AccessVerdict> {
    const d = q.keyEnabled ? { found: true as const, meta: { Arn: q.keyRef, KeyState: "Enabled" as const } } : await describe(q.keyRef);
    if (d.found === false) {
      return { status: "fail", summary: `the key ${q.keyRef} does not exist`, fix: "point the function at an existing key, or restore the key", evidence: [], keyArn: q.keyRef };
    }
    if (d.found === null) return { status: "unknown", summary: d.reason, fix: "grant the caller kms:DescribeKey on the key", evidence: [], keyArn: q.keyRef };
    const arn = d.meta?.Arn ?? q.keyRef;
    const state = d.meta?.KeyState ?? (d.meta?.Enabled === false ? "Disabled" : "Enabled");
    if (state !== "Enabled") {
      const w = keyStateWords(state);
      return { status: "fail", summary: `the key ${arn} ${w.what}`, fix: w.fix, evidence: [{ source: "key", says: "deny", detail: `state ${state}` }], keyArn: arn };
    }
    const question: DecryptQuestion = {
      principalArn: q.roleArn,
      account: accountOf(q.roleArn),
      context: q.atRest ? {} : q.context,
      contextUnknown: q.atRest,
      viaService: q.atRest ? null : undefined,
      functionRefs: q.functionRefs,
    };
    const [p, g, s] = await Promise.all([policy(arn), grants(arn), simulate(q.roleArn, arn, q.context, q.atRest)]);
    const evidence: Evidence[] = [{ source: "key", says: "ok", detail: "Enabled" }];
    // The key policy's answer does not depend on the function (only grants' constraints do): evaluated once per role.
    const kp = p.ok
      ? await once(`kp\0${arn}\0${q.roleArn}\0${q.atRest}\0${JSON.stringify(question.context)}`, async () => evaluateKeyPolicy(p.value, question))
      : { effect: "unknown" as const, reason: p.reason };
    evidence.push({ source: "key-policy", says: kp.effect, detail: kp.reason });
    const gr = g.ok ? grantsDecrypt(g.value, question) : { allowed: null };
    const stale = g.ok ? g.value.filter((x) => /^AROA[A-Z0-9]+$/.test(x.GranteePrincipal ?? "")).map((x) => x.GrantId ?? "?") : [];
    evidence.push({
      source: "grants",
      says: gr.allowed === true ? "allow" : gr.allowed === false ? "none" : "unknown",
      detail: !g.ok ? g.reason : gr.allowed === true ? `grant ${gr.grantId} lets the role kms:Decrypt` : gr.allowed === null ? `grant ${gr.grantId} has context constraints doctor cannot match` : "no grant lets the role kms:Decrypt",
    });
    const sim = s.ok ? s.value : undefined;
    evidence.push({
      source: "identity-policy",
      says: sim === "allowed" ? "allow" : sim === "explicitDeny" ? "deny" : sim === "implicitDeny" ? "none" : "unknown",
      detail: s.ok ? `iam:SimulatePrincipalPolicy: ${s.value}` : s.reason,
    });
    const base = { evidence, keyArn: arn };
    if (kp.effect === "deny") return { ...base, status: "fail", summary: kp.reason, fix: "remove the role from the key policy's Deny statement" };
    if (sim === "explicitDeny") return { ...base, status: "fail", summary: "an identity policy of the role denies kms:Decrypt on the key", fix: "remove the Deny from the role's policies (or its permissions boundary)" };
    // The three ways in: a grant, the key policy naming the role, the key policy delegating to IAM + an identity allow.
    const viaKeyPolicy = kp.effect === "allow" ? true : kp.effect === "unknown" ? null : false;
    const viaIam =
      kp.effect === "iam" ? (sim === "allowed" ? true : sim === undefined ? null : false) : kp.effect === "unknown" && sim !== "implicitDeny" ? null : false;
    const paths = [gr.allowed, viaKeyPolicy, viaIam];
    if (paths.every((x) => x === false)) {
      const recreated = stale.length ? `; grant ${stale.join(", ")} names a deleted role id: the role was probably re-created, which orphans Lambda's grant` : "";
      return { ...base, status: "fail", summary: `the role may not kms:Decrypt with ${arn}: no grant, no key-policy statement for it${kp.effect === "iam" ? ", and its IAM policies do not allow it" : ""}${recreated}`, fix: q.grantFix };
    }
    // A pass needs every possible deny seen: the key policy read and the simulation answered.
    if (paths.some((x) => x === true) && sim !== undefined && kp.effect !== "unknown") return { ...base, status: "pass", summary: `the role may kms:Decrypt with ${arn}` };
    const why = evidence.filter((e) => e.says === "unknown").map((e) => e.detail).join("; ");
    return { ...base, status: "unknown", summary: `cannot tell whether the role may kms:Decrypt with ${arn}: ${why}`, fix: "run doctor as an identity allowed kms:GetKeyPolicy, kms:ListGrants and iam:SimulatePrincipalPolicy, or again when a lookup failed" };
  }
}
