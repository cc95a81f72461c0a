/**
 * Read a KMS key policy and the key's grants for one question: may this principal call `kms:Decrypt` with this
 * encryption context? Pure: no AWS calls. What cannot be decided from the documents (a condition key doctor has no
 * value for, `NotPrincipal`) is "unknown", never a guess.
 * @module
 */

/**
 * The question: who calls, what, with which context.
 *
 * @example
 * ```ts
 * const q: DecryptQuestion = { principalArn: roleArn, account: "123456789012", context: { LambdaFunctionName: "api" } };
 * ```
 */
export interface DecryptQuestion {
  /** The execution role's ARN. */
  readonly principalArn: string;
  /** The role's account. */
  readonly account: string;
  /** The encryption context of the call; empty for Lambda's at-rest use (its context is Lambda's own). */
  readonly context: Readonly<Record<string, string>>;
  /** When true, conditions on `kms:EncryptionContext*` cannot be decided (Lambda's at-rest call). Default: false. */
  readonly contextUnknown?: boolean;
  /**
   * `kms:ViaService` of the call: `undefined` when the caller calls KMS itself (the runtime), `null` when doctor cannot
   * know it (Lambda's at-rest call). Default: undefined.
   */
  readonly viaService?: string | null;
  /** With `contextUnknown`: a grant constrained to a context holding one of these (the function's name or ARN) counts. */
  readonly functionRefs?: readonly string[];
}

/**
 * What the key policy says: deny, allow the role itself, let IAM policies decide (the account root is allowed), no
 * allow, or unknown (with why).
 *
 * @example
 * ```ts
 * const v: KeyPolicyVerdict = { effect: "iam", reason: "the key policy lets IAM policies of account 123456789012 decide" };
 * ```
 */
export interface KeyPolicyVerdict {
  readonly effect: "deny" | "allow" | "iam" | "none" | "unknown";
  readonly reason: string;
}

type Json = Record<string, unknown>;
const asList = (x: unknown): unknown[] => (Array.isArray(x) ? x : x === undefined ? [] : [x]);

function globMatch(pattern: string, value: string, ignoreCase = true): boolean {
  const re = new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".")}$`, ignoreCase ? "i" : "");
  return re.test(value);
}

function actionMatches(st: Json): boolean {
  if (st.NotAction !== undefined) return !asList(st.NotAction).some((a) => typeof a === "string" && globMatch(a, "kms:Decrypt"));
  return asList(st.Action).some((a) => typeof a === "string" && globMatch(a, "kms:Decrypt"));
}

type PrincipalMatch = "role" | "root" | "everyone" | "no" | "unknown";

function principalMatches(st: Json, q: DecryptQuestion): PrincipalMatch {
  if (st.NotPrincipal !== undefined) return "unknown";
  const p = st.Principal;
  if (p === "*") return "everyone";
  if (typeof p !== "object" || p === null) return "no";
  const aws = asList((p as Json).AWS).filter((x): x is string => typeof x === "string");
  if (aws.includes("*")) return "everyone";
  if (aws.includes(q.principalArn)) return "role";
  const root = aws.some((a) => a === q.account || new RegExp(`^arn:aws[a-z-]*:iam::${q.account}:root$`).test(a));
  return root ? "root" : "no";
}

/** The value of a condition key for this call; `undefined` when absent; `null` when doctor cannot know it. */
function contextValue(key: string, q: DecryptQuestion): string[] | undefined | null {
  const k = key.toLowerCase();
  if (k.startsWith("kms:encryptioncontext:")) {
    if (q.contextUnknown) return null;
    const name = key.slice("kms:EncryptionContext:".length);
    const hit = Object.entries(q.context).find(([c]) => c === name);
    return hit ? [hit[1]] : undefined;
  }
  if (k === "kms:encryptioncontextkeys") return q.contextUnknown ? null : Object.keys(q.context);
  if (k === "kms:calleraccount" || k === "aws:principalaccount") return [q.account];
  if (k === "aws:principalarn") return [q.principalArn];
  if (k === "kms:grantisforawsresource") return ["false"];
  if (k === "kms:viaservice") return q.viaService === null ? null : q.viaService === undefined ? undefined : [q.viaService];
  if (k === "aws:principaltype") return ["AssumedRole"];
  return null;
}

const STRING_OPS: Record<string, (pattern: string, value: string) => boolean> = {
  stringequals: (p, v) => p === v,
  stringequalsignorecase: (p, v) => p.toLowerCase() === v.toLowerCase(),
  stringlike: (p, v) => globMatch(p, v, false),
  arnequals: (p, v) => p === v,
  arnlike: (p, v) => globMatch(p, v, false),
  bool: (p, v) => p.toLowerCase() === v.toLowerCase(),
};

/** One condition operator block → true / false / null (cannot decide). */
function evalOperator(opRaw: string, block: unknown, q: DecryptQuestion): boolean | null {
  let op = opRaw.toLowerCase();
  let setOp: "any" | "all" | undefined;
  if (op.startsWith("foranyvalue:")) [setOp, op] = ["any", op.slice(12)];
  else if (op.startsWith("forallvalues:")) [setOp, op] = ["all", op.slice(13)];
  const ifExists = op.endsWith("ifexists");
  if (ifExists) op = op.slice(0, -8);
  if (op === "null") {
    let result = true;
    for (const [key, want] of Object.entries(block as Json)) {
      const v = contextValue(key, q);
      if (v === null) return null;
      const isNull = v === undefined;
      if (String(asList(want)[0]).toLowerCase() === String(isNull)) continue;
      result = false;
    }
    return result;
  }
  const negated = op.startsWith("stringnot") || op.startsWith("arnnot");
  const base = op.replace(/^stringnot/, "string").replace(/^arnnot/, "arn");
  const cmp = STRING_OPS[base];
  if (!cmp || typeof block !== "object" || block === null) return null;
  for (const [key, want] of Object.entries(block as Json)) {
    const patterns = asList(want).map(String);
    const values = contextValue(key, q);
    if (values === null) return null;
    if (values === undefined) {
      if (ifExists || negated || setOp === "all") continue;
      return false;
    }
    const hit = (v: string) => patterns.some((p) => cmp(p, v));
    const ok = setOp === "all" ? values.every(hit) : values.some(hit);
    if (negated ? ok : !ok) return false;
  }
  return true;
}

function conditionHolds(st: Json, q: DecryptQuestion): boolean | null {
  if (st.Condition === undefined) return true;
  let unknown = false;
  for (const [op, block] of Object.entries(st.Condition as Json)) {
    const r = evalOperator(op, block, q);
    if (r === false) return false;
    if (r === null) unknown = true;
  }
  return unknown ? null : true;
}

/**
 * Evaluate a key policy document (the JSON text `GetKeyPolicy` returns) for `kms:Decrypt` by the question's principal.
 * An explicit deny wins; then an allow naming the role (or everyone); then an allow for the account root, which lets
 * IAM policies decide.
 *
 * @example
 * ```ts
 * evaluateKeyPolicy(policyText, { principalArn: roleArn, account: "123456789012", context: { LambdaFunctionName: "api" } }).effect; // "iam"
 * ```
 */
export function evaluateKeyPolicy(policyText: string, q: DecryptQuestion): KeyPolicyVerdict {
  let doc: Json;
  try {
    doc = JSON.parse(policyText) as Json;
  } catch {
    return { effect: "unknown", reason: "the key policy is not JSON" };
  }
  const statements = asList(doc.Statement).filter((s): s is Json => typeof s === "object" && s !== null);
  let allow: KeyPolicyVerdict | undefined;
  let iam: KeyPolicyVerdict | undefined;
  let unknown: KeyPolicyVerdict | undefined;
  for (const st of statements) {
    if (!actionMatches(st)) continue;
    const who = principalMatches(st, q);
    if (who === "no") continue;
    const sid = typeof st.Sid === "string" && st.Sid ? `statement "${st.Sid.slice(0, 60)}"` : "a statement";
    const cond = conditionHolds(st, q);
    if (who === "unknown" || cond === null) {
      unknown ??= { effect: "unknown", reason: `the key policy's ${sid} has a principal or condition doctor cannot evaluate` };
      continue;
    }
    if (!cond) continue;
    if (st.Effect === "Deny") return { effect: "deny", reason: `the key policy's ${sid} denies kms:Decrypt` };
    if (st.Effect !== "Allow") continue;
    if (who === "root") iam ??= { effect: "iam", reason: `the key policy's ${sid} lets IAM policies of account ${q.account} decide` };
    else allow ??= { effect: "allow", reason: `the key policy's ${sid} allows the role kms:Decrypt` };
  }
  if (unknown) return unknown;
  return allow ?? iam ?? { effect: "none", reason: "the key policy neither allows the role kms:Decrypt nor lets IAM policies decide" };
}

/**
 * A grant as `ListGrants` returns it (the fields doctor reads).
 *
 * @example
 * ```ts
 * const g: GrantEntry = { GrantId: "g1", GranteePrincipal: roleArn, Operations: ["Decrypt"] };
 * ```
 */
export interface GrantEntry {
  readonly GrantId?: string | undefined;
  readonly GranteePrincipal?: string | undefined;
  readonly Operations?: readonly string[] | undefined;
  readonly Constraints?: {
    readonly EncryptionContextEquals?: Record<string, string> | undefined;
    readonly EncryptionContextSubset?: Record<string, string> | undefined;
  } | undefined;
}

/**
 * Whether a grant lets the role `kms:Decrypt` with the question's context: `true`, `false`, or `null` when the grant
 * has context constraints and the context is Lambda's own (`contextUnknown`).
 *
 * @example
 * ```ts
 * grantsDecrypt(grants, question); // { allowed: true, grantId: "g1" }
 * ```
 */
export function grantsDecrypt(grants: readonly GrantEntry[], q: DecryptQuestion): { allowed: boolean | null; grantId?: string } {
  let unknownId: string | undefined;
  for (const g of grants) {
    if (g.GranteePrincipal !== q.principalArn || !(g.Operations ?? []).includes("Decrypt")) continue;
    const eq = g.Constraints?.EncryptionContextEquals;
    const sub = g.Constraints?.EncryptionContextSubset;
    if ((eq || sub) && q.contextUnknown) {
      const values = [...Object.values(eq ?? {}), ...Object.values(sub ?? {})];
      if (values.some((v) => (q.functionRefs ?? []).includes(v))) return { allowed: true, grantId: g.GrantId ?? "?" };
      unknownId ??= g.GrantId ?? "?";
      continue;
    }
    if (eq && !sameContext(eq, q.context)) continue;
    if (sub && !Object.entries(sub).every(([k, v]) => q.context[k] === v)) continue;
    return { allowed: true, grantId: g.GrantId ?? "?" };
  }
  return unknownId ? { allowed: null, grantId: unknownId } : { allowed: false };
}

function sameContext(a: Readonly<Record<string, string>>, b: Readonly<Record<string, string>>): boolean {
  const ka = Object.keys(a).sort();
  const kb = Object.keys(b).sort();
  return ka.length === kb.length && ka.every((k, i) => k === kb[i] && a[k] === b[k]);
}
