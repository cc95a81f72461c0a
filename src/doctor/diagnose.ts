/**
 * One function in, its checklist out: will it start (the at-rest key) and unseal (each sealed value and the bundle)?
 * Names, key ARNs and statuses only — never a value.
 * @module
 */
import { looksSealed, type Emulator } from "../core/ciphertext.js";
import { ENV_LIMIT_BYTES, envSize } from "../core/limits.js";
import { BUNDLE_VAR, MANIFEST_VAR } from "../core/manifest.js";
import type { FunctionState } from "../lambda/config.js";
import type { AccessQuery, AccessVerdict, CheckStatus, Evidence } from "./access.js";
import { bundleVersion, contextFor, parseManifestEntries, type WireVersion } from "./context.js";
import { injectionVariables } from "./injection.js";
import { keyGroups, sealingKeyOf } from "./sealing-keys.js";

/**
 * One line of the checklist.
 *
 * @example
 * ```ts
 * const c: Check = { id: "at-rest-key", title: "execution role can decrypt the at-rest key", status: "pass", detail: "…" };
 * ```
 */
export interface Check {
  /** Stable id: `role`, `environment`, `at-rest-key`, `manifest`, `size`, `value:NAME`, `sealing-key:NAME`, `injection`. */
  readonly id: string;
  readonly title: string;
  /** `warn` is shown but never fails the run. */
  readonly status: CheckStatus | "warn";
  readonly detail: string;
  readonly fix?: string | undefined;
  readonly evidence?: readonly Evidence[] | undefined;
}

/**
 * What {@link diagnose} needs besides the function: the key-access check (cached by the caller) and the options.
 *
 * @example
 * ```ts
 * await diagnose(state, { access: (q) => checker.check(q), sealingKey: "alias/app" });
 * ```
 */
export interface DiagnoseOptions {
  access(q: AccessQuery): Promise<AccessVerdict>;
  /** The key the values were sealed with, as the user states it (`--sealing-key`). Default: read from the blob, else unknown. */
  sealingKey?: string | undefined;
  /** Take this emulator's blobs for sealed (tests). Default: none. */
  emulator?: Emulator | undefined;
}

const FIX_AT_REST = (fn: string, key: string) =>
  `update the function's configuration so Lambda grants the current role its use (aws lambda update-function-configuration --function-name ${fn} --kms-key-arn ${key}), or allow the role kms:Decrypt in the key policy`;
const FIX_SEALING = (fn: string, key: string) => `apply what \`envseal policy --function ${fn} --key ${key}\` prints (execution-role policy and key-policy statement)`;

/**
 * Run every check on one function.
 *
 * @example
 * ```ts
 * const checks = await diagnose(await readFunction(lambda, "orders-api"), { access: (q) => checker.check(q) });
 * checks.filter((c) => c.status === "fail");
 * ```
 */
export async function diagnose(fn: FunctionState, opts: DiagnoseOptions): Promise<Check[]> {
  const checks: Check[] = [];
  const refs = [fn.name, fn.arn];
  const role = fn.role;
  checks.push(
    role
      ? { id: "role", title: "execution role", status: "pass", detail: role }
      : { id: "role", title: "execution role", status: "unknown", detail: "the configuration names no execution role, so no key access can be checked", fix: "read the function with lambda:GetFunctionConfiguration" },
  );

  // The at-rest key: Lambda decrypts the environment as the execution role at init.
  if (!fn.kmsKeyArn) {
    checks.push({
      id: "at-rest-key",
      title: "execution role can decrypt the at-rest key",
      status: "unknown",
      detail: "aws/lambda (AWS managed): Lambda's own grant for the role decides, and doctor cannot read it; a role deleted and re-created under the same name loses that grant",
      fix: "if the function fails at init with KMS AccessDenied, update its configuration (any change, e.g. set the role again) so Lambda grants the current role",
    });
  } else if (role) {
    const v = await opts.access({ roleArn: role, keyRef: fn.kmsKeyArn, context: {}, atRest: true, functionRefs: refs, grantFix: FIX_AT_REST(fn.name, fn.kmsKeyArn) });
    checks.push({ id: "at-rest-key", title: "execution role can decrypt the at-rest key", status: v.status, detail: v.summary, fix: v.fix, evidence: v.evidence });
  }

  if (fn.environmentError) {
    checks.push({
      id: "environment",
      title: "environment readable",
      status: "unknown",
      detail: `Lambda did not decrypt the environment for the caller (Environment.Error ${fn.environmentError.code}); the sealed values were not checked`,
      fix: `run doctor as an identity allowed kms:Decrypt on ${fn.kmsKeyArn ?? "aws/lambda"}`,
    });
    return checks;
  }
  const vars = fn.variables;
  const { entries, invalid } = parseManifestEntries(vars[MANIFEST_VAR]);
  const listed = entries.filter((e) => e.name !== BUNDLE_VAR);
  const missing = listed.filter((e) => !(e.name in vars)).map((e) => e.name);
  const bundleListedAbsent = entries.some((e) => e.name === BUNDLE_VAR) && vars[BUNDLE_VAR] === undefined;
  const drift = [
    ...(invalid.length ? [`${MANIFEST_VAR} holds ${invalid.length} entr${invalid.length === 1 ? "y" : "ies"} that are neither NAME nor NAME:v2`] : []),
    ...(missing.length ? [`${MANIFEST_VAR} lists ${missing.join(", ")}, absent from the environment`] : []),
    ...(bundleListedAbsent ? [`${MANIFEST_VAR} marks ${BUNDLE_VAR} but there is no bundle`] : []),
  ];
  checks.push(
    drift.length
      ? { id: "manifest", title: "manifest and bundle consistent", status: "fail", detail: drift.join("; "), fix: "re-push the missing values, or `envseal unset` the stale names" }
      : { id: "manifest", title: "manifest and bundle consistent", status: "pass", detail: `${listed.length} sealed variable(s)${vars[BUNDLE_VAR] !== undefined ? " and a bundle" : ""}` },
  );
  const size = envSize(vars);
  checks.push({
    id: "size",
    title: "environment within 4096 bytes",
    status: size > ENV_LIMIT_BYTES ? "fail" : size > ENV_LIMIT_BYTES * 0.9 ? "warn" : "pass",
    detail: `${size} of ${ENV_LIMIT_BYTES} bytes`,
    ...(size > ENV_LIMIT_BYTES * 0.9 ? { fix: "bundle sealed values (envseal push --bundle) or move large ones to Secrets Manager" } : {}),
  });

  // Each sealed value and the bundle: plausibly sealed, and the role may open it with its context.
  const sealed: Array<{ name: string; version: WireVersion }> = listed.filter((e) => e.name in vars);
  if (vars[BUNDLE_VAR] !== undefined) sealed.push({ name: BUNDLE_VAR, version: bundleVersion(entries) });
  const groups = keyGroups(sealed.map((s) => vars[s.name] as string), opts.emulator);
  for (const { name, version } of sealed) {
    const value = vars[name] as string;
    const verdict = looksSealed(value, { emulator: opts.emulator });
    if (!verdict.sealed) {
      checks.push({ id: `value:${name}`, title: `${name} is sealed`, status: "fail", detail: `${name} ${verdict.problem}`, fix: `re-seal it: envseal push --function ${fn.name} --key K ${name}` });
      continue;
    }
    checks.push({ id: `value:${name}`, title: `${name} is sealed`, status: "pass", detail: `KMS ciphertext (${verdict.kind}), wire format ${version}` });
    if (!role) continue;
    const key = sealingKeyOf(value, { given: opts.sealingKey, atRestKey: fn.kmsKeyArn, emulator: opts.emulator, groups });
    checks.push(await sealingCheck(fn, name, version, key, opts));
  }

  const hits = injectionVariables(vars);
  checks.push(
    hits.length
      ? { id: "injection", title: "no configuration-injection variables", status: "warn", detail: hits.map((h) => `${h.name} ${h.what}`).join("; "), fix: "remove them unless you set them on purpose: they can read secrets as they are unsealed" }
      : { id: "injection", title: "no configuration-injection variables", status: "pass", detail: "none of AWS_ENDPOINT_URL*, CA bundle variables, NODE_OPTIONS code flags, proxy variables, AWS_LAMBDA_EXEC_WRAPPER, LD_PRELOAD and the other startup hooks of the auditor's ES010" },
  );
  return checks;
}

async function sealingCheck(fn: FunctionState, name: string, version: WireVersion, key: ReturnType<typeof sealingKeyOf>, opts: DiagnoseOptions): Promise<Check> {
  const id = `sealing-key:${name}`;
  const title = `execution role can open ${name}`;
  if (!key.key) {
    return { id, title, status: "unknown", detail: "the sealing key of a real AWS KMS blob is not readable from it, and the values were sealed with more than one key", fix: "pass --sealing-key K (the --key given to envseal push)" };
  }
  const v = await opts.access({
    roleArn: fn.role as string,
    keyRef: key.key,
    context: contextFor(fn.name, name, version),
    atRest: false,
    functionRefs: [fn.name, fn.arn],
    grantFix: FIX_SEALING(fn.name, key.key),
  });
  if (key.source === "assumed-at-rest") {
    return {
      id,
      title,
      status: "unknown",
      detail: `sealing key assumed to be the at-rest key (a real AWS KMS blob does not name its key): ${v.summary}`,
      fix: v.status === "fail" && v.fix ? v.fix : "pass --sealing-key K (the --key given to envseal push) to check the key itself",
      evidence: v.evidence,
    };
  }
  const how = key.source === "embedded" ? "key read from the blob" : "key given with --sealing-key";
  return { id, title, status: v.status, detail: `${how}: ${v.summary}`, fix: v.fix, evidence: v.evidence };
}
