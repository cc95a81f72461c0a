/**
 * `push`: seal values client-side, merge them into a function's environment (every other variable kept), update the
 * manifest or the bundle and `KMSKeyArn`, write with RevisionId and wait until the update is live.
 * @module
 */
import { InputError } from "../core/errors.js";
import { assertSettableName, envSize } from "../core/limits.js";
import { describeChange } from "./describe.js";
import { isEmptyDiff, type EnvDiff } from "../core/diff.js";
import { functionNameOf } from "../core/format.js";
import { assertKeyEnabled, assertSealingKey, describeKey, type KeyInfo } from "../kms/keys.js";
import { assertEnvironmentReadable, atRestLabel, readFunction } from "../lambda/config.js";
import { writeEnvironment } from "../lambda/write.js";
import type { AwsDeps } from "./deps.js";
import { confirmOrAbort } from "./guard.js";
import { pushPlanner } from "./push-plan.js";


/** What to push. */
export interface PushRequest {
  /** Function name or ARN. */
  functionName: string;
  /**
   * Sealing key (`--key`). Default: the function's customer managed at-rest key (`KMSKeyArn`), else the key of its
   * bundle; push refuses to seal when there is neither.
   */
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
  /**
   * Allow a value sealed now (a variable in `ENVSEAL_SEALED` or an entry of the bundle) to be stored in plain text by
   * `plain` or `atRestOnly` (`--unseal`). Default: false — push refuses, since the diff alone would not show it.
   */
  unseal?: boolean;
  /**
   * Wire format of the values sealed: 2 binds each value to its variable's name (KMS refuses a swapped or renamed
   * value); 1 binds it to the function only, as the Lambda console's decrypt snippet expects. Default: 2.
   */
  wireVersion?: 1 | 2;
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
  /** True when UpdateFunctionConfiguration was called and the change is in place. */
  readonly written: boolean;
  /** True when `LastUpdateStatus: Successful` was seen after the write (or nothing was written). */
  readonly live: boolean;
  /** Why the update is not confirmed live, when `live` is false. */
  readonly notLiveReason?: string | undefined;
  readonly revisionId: string | undefined;
}

/**
 * Check names and overlaps of a request before any AWS call.
 *
 * @example
 * ```ts
 * validatePushRequest({ functionName: "api", secrets: { AWS_REGION: "x" } }); // throws: reserved by Lambda
 * ```
 */
export function validatePushRequest(req: PushRequest): void {
  functionNameOf(req.functionName);
  const plain = req.plain ?? {};
  for (const name of [...Object.keys(req.secrets), ...Object.keys(plain)]) assertSettableName(name);
  for (const name of Object.keys(req.secrets)) {
    if (name in plain) throw new InputError(`${name} is given both sealed and --plain`, { hint: "give each name once" });
  }
  if (Object.keys(req.secrets).length + Object.keys(plain).length === 0 && req.bundle === undefined && req.atRestKey === undefined) {
    throw new InputError("nothing to push", {
      hint: "give NAME=VALUE, NAME, --dotenv PATH or --plain NAME=VALUE (or --at-rest-key K alone to change the at-rest key)",
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

/**
 * Seal and write. Order: validate → DescribeKey → GetFunctionConfiguration → open the bundle if there is one →
 * Encrypt (parallel, or once for a bundle) → size check → confirm → UpdateFunctionConfiguration (RevisionId; on 412
 * re-read and re-plan, re-sealing the bundle from the fresh state) → wait until Successful. Nothing is written when any
 * step before the update fails.
 *
 * @example
 * ```ts
 * await push(lazyDeps({ region: "eu-west-1" }), { functionName: "orders-api", key: "alias/app", secrets: { DB_PASSWORD: pw } });
 * ```
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
  assertEnvironmentReadable(state, "push");
  const atRest = await resolveAtRest(deps, req, key);
  const planner = pushPlanner({ deps, req, key, atRest });
  const first = await planner(state);
  const preview: PushPreview = {
    functionName: state.name,
    functionArn: state.arn,
    diff: describeChange(state.variables, first.update.variables, first.bundleBefore, first.bundleAfter),
    bytes: envSize(first.update.variables),
    atRestKey: atRestLabel(first.update.kmsKeyArn === undefined ? state.kmsKeyArn : first.update.kmsKeyArn),
    sealingKeyArn: first.sealingKeyArn,
    storage: first.storage,
  };
  const nothingToDo = isEmptyDiff(preview.diff) && first.update.kmsKeyArn === undefined;
  if (req.dryRun || nothingToDo) return { ...preview, dryRun: Boolean(req.dryRun), written: false, live: true, revisionId: state.revisionId };
  await confirmOrAbort(req.confirm, preview);
  const result = await writeEnvironment(deps.lambda(), state, async (s) => (s === state ? first : await planner(s)).update, {
    ...deps.writeOptions,
    command: "push",
  });
  return {
    ...preview,
    dryRun: false,
    written: result.written !== null,
    live: result.live,
    notLiveReason: result.notLiveReason,
    revisionId: result.revisionId,
  };
}
