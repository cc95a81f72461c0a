/**
 * `push`: seal values client-side, merge them into a function's environment (every other variable kept), update the
 * manifest or the bundle and `KMSKeyArn`, write with RevisionId and wait until the update is live.
 * @module
 */
import { InputError } from "../core/errors.js";
import { ENV_LIMIT_BYTES, assertSettableName, assertWithinLimit, envSize } from "../core/limits.js";
import { isEmptyDiff, type EnvDiff } from "../core/diff.js";
import { mergeEnvironment, type EnvChange } from "../core/merge.js";
import { BUNDLE_VAR, MANIFEST_VAR, parseManifest } from "../core/manifest.js";
import { functionNameOf } from "../core/format.js";
import { KmsKeySource } from "../kms/source.js";
import { assertKeyEnabled, assertSealingKey, describeKey, type KeyInfo } from "../kms/keys.js";
import { readFunction, writeEnvironment, type FunctionState } from "../lambda/config.js";
import type { AwsDeps } from "./deps.js";
import { confirmOrAbort } from "./guard.js";
import { mapLimit, openValue, sealValues } from "./sealing.js";
import { openBundle, sealBundle } from "./bundle.js";
import { estimateAsBundle, sealingOverhead } from "./estimate.js";
import { describeChange } from "./describe.js";

/** What to push. */
export interface PushRequest {
  /** Function name or ARN. */
  functionName: string;
  /** Sealing key (`--key`); required when `secrets` is not empty. */
  key?: string | undefined;
  /** Values to seal, name → plaintext. */
  secrets: Readonly<Record<string, string>>;
  /** Values to store unsealed (`--plain`). */
  plain?: Readonly<Record<string, string>>;
  /**
   * Storage of sealed secrets: `true` keeps all of them in `ENVSEAL_BUNDLE` (moving per-variable ones in),
   * `false` one variable each (moving the bundle's entries out). Default: as the function already stores them.
   */
  bundle?: boolean | undefined;
  /** At-rest key (`--at-rest-key`): a customer managed key, or `aws/lambda` to clear `KMSKeyArn`. Default: the sealing key when customer managed. */
  atRestKey?: string | undefined;
  /** Store `secrets` unsealed, protected at rest only (needed with `--key aws/lambda`). Default: false. */
  atRestOnly?: boolean;
  /** Compute and return the diff, write nothing. Default: false. */
  dryRun?: boolean;
  /** Asked with the diff before writing; resolve `false` to abort. Default: proceed. */
  confirm?: (preview: PushPreview) => Promise<boolean>;
}

/** What a push would change, shown before writing. */
export interface PushPreview {
  readonly functionName: string;
  readonly functionArn: string;
  readonly diff: EnvDiff;
  /** Size of the new environment (compact JSON bytes) of Lambda's 4096. */
  readonly bytes: number;
  /** At-rest key after the push: an ARN, or `aws/lambda` (AWS managed). */
  readonly atRestKey: string;
  /** The key values were sealed with, when any were. */
  readonly sealingKeyArn: string | undefined;
  /** How sealed secrets are stored after the push. */
  readonly storage: "variables" | "bundle";
}

/** What a push did. */
export interface PushResult extends PushPreview {
  readonly dryRun: boolean;
  /** True when UpdateFunctionConfiguration was called and the update is live. */
  readonly written: boolean;
  readonly revisionId: string | undefined;
}

/** The at-rest key spelled for people: the ARN, or `aws/lambda`. */
export function atRestLabel(kmsKeyArn: string | undefined): string {
  return kmsKeyArn ? kmsKeyArn : "aws/lambda";
}

/** Check names and overlaps of a request before any AWS call. */
export function validatePushRequest(req: PushRequest): void {
  functionNameOf(req.functionName);
  const plain = req.plain ?? {};
  for (const name of [...Object.keys(req.secrets), ...Object.keys(plain)]) assertSettableName(name);
  for (const name of Object.keys(req.secrets)) {
    if (name in plain) throw new InputError(`${name} is given both sealed and --plain`, { hint: "give each name once" });
  }
  if (Object.keys(req.secrets).length + Object.keys(plain).length === 0 && req.bundle === undefined && req.atRestKey === undefined) {
    throw new InputError("nothing to push", {
      hint: "give NAME=VALUE, NAME, --env-file PATH or --plain NAME=VALUE (or --at-rest-key K alone to change the at-rest key)",
    });
  }
  if (Object.keys(req.secrets).length > 0 && !req.key) {
    throw new InputError("push needs --key to seal values", {
      hint: "pass --key with a customer managed KMS key (alias/NAME, key id or ARN)",
    });
  }
  if (req.atRestOnly && req.bundle) {
    throw new InputError("--at-rest-only stores values unsealed, so it cannot go with --bundle", { hint: "choose one" });
  }
}

/** Work out the `KMSKeyArn` to write: `undefined` = leave, `""` = clear (aws/lambda), an ARN = set. */
async function resolveAtRest(deps: AwsDeps, req: PushRequest, sealingKey: KeyInfo | undefined): Promise<string | undefined> {
  if (req.atRestKey !== undefined) {
    const key = sealingKey && req.atRestKey === req.key ? sealingKey : await describeKey(deps.kms(), req.atRestKey);
    if (key.manager === "AWS") return "";
    assertKeyEnabled(key, "protect at rest with");
    return key.arn;
  }
  if (sealingKey) return sealingKey.manager === "CUSTOMER" ? sealingKey.arn : "";
  return undefined;
}

/** The change to apply, with what the preview needs to describe it. */
interface Planned {
  change: EnvChange;
  storage: "variables" | "bundle";
  bundleBefore: Readonly<Record<string, string>> | undefined;
  bundleAfter: Readonly<Record<string, string>> | undefined;
  sealingKeyArn: string | undefined;
  /** Sealing overhead in bytes (ciphertext − plaintext) when measured. */
  overhead: number | undefined;
}

async function planChange(deps: AwsDeps, req: PushRequest, key: KeyInfo | undefined, state: FunctionState): Promise<Planned> {
  const source = new KmsKeySource(deps.kms());
  const vars = state.variables;
  const manifest = parseManifest(vars[MANIFEST_VAR]).filter((n) => n in vars);
  const hasBundle = vars[BUNDLE_VAR] !== undefined;
  const storage = req.bundle === true ? "bundle" : req.bundle === false ? "variables" : hasBundle ? "bundle" : "variables";
  const plain = req.atRestOnly ? { ...req.secrets, ...(req.plain ?? {}) } : { ...(req.plain ?? {}) };
  const secrets = req.atRestOnly ? {} : req.secrets;
  const opened = hasBundle ? await openBundle(source, state.name, vars[BUNDLE_VAR] as string, "changing a function that has a bundle") : undefined;
  const sealKey = key?.manager === "CUSTOMER" ? key.arn : opened?.keyArn;

  if (storage === "bundle") {
    const moveIn = req.bundle === true ? manifest : [];
    const movedValues = await mapLimit(moveIn, 8, async (n) => (await openValue(source, state.name, vars[n] as string, n)).plaintext);
    const entries: Record<string, string> = { ...(opened?.entries ?? {}) };
    moveIn.forEach((n, i) => (entries[n] = movedValues[i] as string));
    Object.assign(entries, secrets);
    for (const n of Object.keys(plain)) delete entries[n];
    const touched = Object.keys(secrets).length > 0 || moveIn.length > 0 || Object.keys(plain).some((n) => n in (opened?.entries ?? {}));
    let bundle: string | null | undefined;
    if (!touched) bundle = undefined;
    else if (Object.keys(entries).length === 0) bundle = null;
    else {
      if (!sealKey) throw new InputError("sealing the bundle needs --key", { hint: "pass --key with a customer managed KMS key" });
      bundle = await sealBundle(source, sealKey, state.name, entries);
    }
    // A name that moves into the bundle leaves the variables, whether it was sealed there or plain.
    const remove = [...new Set([...moveIn, ...Object.keys(secrets).filter((n) => n in vars)])];
    return {
      change: { plain, remove, bundle },
      storage,
      bundleBefore: opened?.entries,
      bundleAfter: bundle === undefined ? opened?.entries : entries,
      sealingKeyArn: touched && bundle ? sealKey : undefined,
      overhead: undefined,
    };
  }

  const moveOut = opened ? Object.fromEntries(Object.entries(opened.entries).filter(([n]) => !(n in plain))) : {};
  const toSeal = { ...moveOut, ...secrets };
  if (Object.keys(toSeal).length > 0 && !sealKey) {
    throw new InputError("sealing needs --key", { hint: "pass --key with a customer managed KMS key" });
  }
  const sealed = Object.keys(toSeal).length > 0 ? await sealValues(source, sealKey as string, state.name, toSeal) : {};
  return {
    change: { sealed, plain, ...(hasBundle ? { bundle: null } : {}) },
    storage,
    bundleBefore: opened?.entries,
    bundleAfter: undefined,
    sealingKeyArn: Object.keys(sealed).length > 0 ? sealKey : undefined,
    overhead: sealingOverhead(toSeal, sealed),
  };
}

/**
 * Seal and write. Order: validate → DescribeKey → GetFunctionConfiguration → open the bundle if there is one →
 * Encrypt (parallel, or once for a bundle) → size check → confirm → UpdateFunctionConfiguration (RevisionId;
 * re-merge on 412) → wait until Successful. Nothing is written when any step before the update fails.
 */
export async function push(deps: AwsDeps, req: PushRequest): Promise<PushResult> {
  validatePushRequest(req);
  const wantsSealing = Object.keys(req.secrets).length > 0;
  const key = req.key ? await describeKey(deps.kms(), req.key) : undefined;
  if (key && wantsSealing) {
    if (req.atRestOnly) {
      if (key.manager === "CUSTOMER") assertKeyEnabled(key, "protect at rest with");
    } else assertSealingKey(key);
  }
  const state = await readFunction(deps.lambda(), req.functionName);
  const kmsKeyArn = await resolveAtRest(deps, req, key);
  const planned = await planChange(deps, req, key, state);

  const plan = (s: FunctionState) => {
    const variables = mergeEnvironment(s.variables, planned.change);
    if (envSize(variables) > ENV_LIMIT_BYTES) {
      const asBundle = planned.storage === "variables" ? estimateAsBundle(variables, planned.overhead) : undefined;
      assertWithinLimit(
        variables,
        asBundle !== undefined && asBundle <= ENV_LIMIT_BYTES
          ? `as one bundle it would take about ${asBundle} bytes: push with --bundle`
          : undefined,
      );
    }
    const keyChange = kmsKeyArn !== undefined && kmsKeyArn !== (s.kmsKeyArn ?? "") ? kmsKeyArn : undefined;
    return { variables, kmsKeyArn: keyChange };
  };
  const first = plan(state);
  const preview: PushPreview = {
    functionName: state.name,
    functionArn: state.arn,
    diff: describeChange(state.variables, first.variables, planned.bundleBefore, planned.bundleAfter),
    bytes: envSize(first.variables),
    atRestKey: atRestLabel(first.kmsKeyArn === undefined ? state.kmsKeyArn : first.kmsKeyArn),
    sealingKeyArn: planned.sealingKeyArn,
    storage: planned.storage,
  };
  const nothingToDo = isEmptyDiff(preview.diff) && first.kmsKeyArn === undefined;
  if (req.dryRun || nothingToDo) return { ...preview, dryRun: Boolean(req.dryRun), written: false, revisionId: state.revisionId };
  await confirmOrAbort(req.confirm, preview);
  const result = await writeEnvironment(deps.lambda(), state, plan);
  return { ...preview, dryRun: false, written: result.written !== null, revisionId: result.revisionId };
}
