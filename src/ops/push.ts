/**
 * `push`: seal values client-side, merge them into a function's environment (every other variable kept), update the
 * manifest and `KMSKeyArn`, write with RevisionId and wait until the update is live.
 * @module
 */
import { InputError } from "../core/errors.js";
import { assertSettableName, assertWithinLimit, envSize } from "../core/limits.js";
import { diffEnv, isEmptyDiff, type EnvDiff, type VariableKind } from "../core/diff.js";
import { mergeEnvironment } from "../core/merge.js";
import { BUNDLE_VAR, MANIFEST_VAR, parseManifest } from "../core/manifest.js";
import { functionNameOf } from "../core/format.js";
import { KmsKeySource } from "../kms/source.js";
import { assertKeyEnabled, assertSealingKey, describeKey, type KeyInfo } from "../kms/keys.js";
import { readFunction, writeEnvironment, type FunctionState } from "../lambda/config.js";
import type { AwsDeps } from "./deps.js";
import { sealValues } from "./sealing.js";

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
  if (Object.keys(req.secrets).length + Object.keys(plain).length === 0) {
    throw new InputError("nothing to push", { hint: "give NAME=VALUE, NAME, --env-file PATH or --plain NAME=VALUE" });
  }
  if (Object.keys(req.secrets).length > 0 && !req.key) {
    throw new InputError("push needs --key to seal values", {
      hint: "pass --key with a customer managed KMS key (alias/NAME, key id or ARN)",
    });
  }
}

/** Work out the `KMSKeyArn` to write: `undefined` = leave, `""` = clear (aws/lambda), an ARN = set. */
async function resolveAtRest(deps: AwsDeps, req: PushRequest, sealingKey: KeyInfo | undefined, state: FunctionState): Promise<string | undefined> {
  let target: string | undefined;
  if (req.atRestKey !== undefined) {
    const key = sealingKey && req.atRestKey === req.key ? sealingKey : await describeKey(deps.kms(), req.atRestKey);
    if (key.manager === "AWS") target = "";
    else {
      assertKeyEnabled(key, "protect at rest with");
      target = key.arn;
    }
  } else if (sealingKey) {
    target = sealingKey.manager === "CUSTOMER" ? sealingKey.arn : "";
  }
  if (target === undefined || target === (state.kmsKeyArn ?? "")) return undefined;
  return target;
}

/** How a name is stored in a map with this manifest. */
export function kindIn(variables: Readonly<Record<string, string>>, name: string): VariableKind {
  if (name === MANIFEST_VAR || name === BUNDLE_VAR) return "envseal";
  return parseManifest(variables[MANIFEST_VAR]).includes(name) ? "sealed" : "plain";
}

/**
 * Seal and write. Order: validate → DescribeKey → GetFunctionConfiguration → Encrypt (parallel) → size check →
 * confirm → UpdateFunctionConfiguration (RevisionId; re-merge on 412) → wait until Successful.
 * Nothing is written when any step before the update fails.
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
  const kmsKeyArn = await resolveAtRest(deps, req, key, state);

  const sealed =
    key && wantsSealing && !req.atRestOnly ? await sealValues(new KmsKeySource(deps.kms()), key.arn, state.name, req.secrets) : {};
  const plain = req.atRestOnly ? { ...req.secrets, ...(req.plain ?? {}) } : { ...(req.plain ?? {}) };

  const plan = (s: FunctionState) => {
    const variables = mergeEnvironment(s.variables, { sealed, plain });
    assertWithinLimit(variables);
    const keyChange = kmsKeyArn !== undefined && kmsKeyArn !== (s.kmsKeyArn ?? "") ? kmsKeyArn : undefined;
    return { variables, kmsKeyArn: keyChange };
  };
  const first = plan(state);
  const preview: PushPreview = {
    functionName: state.name,
    functionArn: state.arn,
    diff: diffEnv(state.variables, first.variables, (n, side) => kindIn(side === "after" ? first.variables : state.variables, n)),
    bytes: envSize(first.variables),
    atRestKey: atRestLabel(first.kmsKeyArn === undefined ? state.kmsKeyArn : first.kmsKeyArn),
    sealingKeyArn: Object.keys(sealed).length > 0 ? key?.arn : undefined,
  };
  const nothingToDo = isEmptyDiff(preview.diff) && first.kmsKeyArn === undefined;
  if (req.dryRun || nothingToDo) return { ...preview, dryRun: Boolean(req.dryRun), written: false, revisionId: state.revisionId };
  if (req.confirm && !(await req.confirm(preview))) {
    throw new InputError("aborted at the prompt; nothing was written", { hint: "pass --yes to skip the question" });
  }
  const result = await writeEnvironment(deps.lambda(), state, plan);
  return { ...preview, dryRun: false, written: result.written !== null, revisionId: result.revisionId };
}
