/**
 * Planning a push: from one state of the function to the update that applies the request to it. Run again on every
 * fresh read after a conflict, so a bundle is always re-opened and re-sealed from the state it will replace; the
 * KMS work already done is reused through {@link KmsCache}.
 * @module
 */
import { InputError } from "../core/errors.js";
import { ENV_LIMIT_BYTES, assertWithinLimit, envSize } from "../core/limits.js";
import { mergeEnvironment, type EnvChange } from "../core/merge.js";
import { BUNDLE_VAR, MANIFEST_VAR, parseManifestEntries } from "../core/manifest.js";
import { assertSealingKey, describeKey, type KeyInfo } from "../kms/keys.js";
import { KmsKeySource } from "../kms/source.js";
import type { FunctionState } from "../lambda/config.js";
import type { EnvironmentUpdate } from "../lambda/write.js";
import type { AwsDeps } from "./deps.js";
import { KmsCache, sameEntries } from "./cache.js";
import { estimateAsBundle, sealingOverhead } from "./estimate.js";
import type { PushRequest } from "./push.js";

/** One planned push: the update, and what the preview needs to describe it. */
export interface PlannedPush {
  readonly update: EnvironmentUpdate;
  readonly storage: "variables" | "bundle";
  readonly bundleBefore: Readonly<Record<string, string>> | undefined;
  readonly bundleAfter: Readonly<Record<string, string>> | undefined;
  /** The key values were sealed with, when any were. */
  readonly sealingKeyArn: string | undefined;
}

/** Everything a push planner keeps between attempts. */
export interface PushPlannerInput {
  readonly deps: AwsDeps;
  readonly req: PushRequest;
  /** `--key`, described; `undefined` when the request names none (the function's own key is used). */
  readonly key: KeyInfo | undefined;
  /** `KMSKeyArn` to write: `undefined` = leave, `""` = clear (aws/lambda), an ARN = set. */
  readonly atRest: string | undefined;
}

/**
 * Make a planner for `input`: call it with each state of the function; it returns the update to write there.
 *
 * @example
 * ```ts
 * const plan = pushPlanner({ deps, req, key, atRest });
 * const first = await plan(state);
 * await writeEnvironment(lambda, state, async (s) => (await plan(s)).update);
 * ```
 */
export function pushPlanner(input: PushPlannerInput): (state: FunctionState) => Promise<PlannedPush> {
  const { deps, req, key } = input;
  const kms = lazyCache(deps);
  const described = new Map<string, Promise<KeyInfo>>();
  const plain = req.atRestOnly ? { ...req.secrets, ...(req.plain ?? {}) } : { ...(req.plain ?? {}) };
  /** Wire format of what this push seals: v2 unless the request asks for v1 (the console's decrypt snippet). */
  const wire = req.wireVersion ?? 2;
  const secrets = req.atRestOnly ? {} : req.secrets;

  /** The key to seal with in `state`: `--key` when customer managed, else the function's at-rest key, else the bundle's. */
  const sealingKey = async (state: FunctionState, bundleKey: string | undefined): Promise<string | undefined> => {
    if (key?.manager === "CUSTOMER") return key.arn;
    const implicit = state.kmsKeyArn ?? bundleKey;
    if (!implicit) return undefined;
    let p = described.get(implicit);
    if (!p) described.set(implicit, (p = describeKey(deps.kms(), implicit)));
    assertSealingKey(await p);
    return (await p).arn;
  };
  const needKey = (state: FunctionState) =>
    new InputError(`push needs --key to seal: ${state.name} has no customer managed at-rest key to seal with`, {
      hint: "pass --key with a customer managed KMS key (alias/NAME, key id or ARN)",
    });

  return async (state) => {
    const c = kms();
    const vars = state.variables;
    const versions = parseManifestEntries(vars[MANIFEST_VAR]);
    const manifest = [...versions.keys()].filter((n) => n !== BUNDLE_VAR && n in vars);
    const hasBundle = vars[BUNDLE_VAR] !== undefined;
    const storage = req.bundle === true ? "bundle" : req.bundle === false ? "variables" : hasBundle ? "bundle" : "variables";
    const opened = hasBundle
      ? await c.openBundle(state.name, vars[BUNDLE_VAR] as string, "changing a function that has a bundle", versions.get(BUNDLE_VAR) ?? 1)
      : undefined;
    if (!req.unseal) {
      const sealedNow = Object.keys(plain).filter((n) => (versions.has(n) && n in vars) || (opened !== undefined && n in opened.entries));
      if (sealedNow.length > 0) {
        throw new InputError(`${sealedNow.join(", ")} ${sealedNow.length === 1 ? "is" : "are"} sealed now; this push would store ${sealedNow.length === 1 ? "it" : "them"} in plain text`, {
          hint: "pass --unseal to store a sealed value in plain text on purpose, or push it sealed (NAME=VALUE without --plain)",
        });
      }
    }
    let change: EnvChange;
    let bundleAfter: Readonly<Record<string, string>> | undefined;
    let sealingKeyArn: string | undefined;
    let overhead: number | undefined;

    if (storage === "bundle") {
      const moveIn = req.bundle === true ? manifest : [];
      const entries: Record<string, string> = { ...(opened?.entries ?? {}) };
      for (const n of moveIn) entries[n] = await c.openValue(state.name, vars[n] as string, n, versions.get(n) ?? 1);
      Object.assign(entries, secrets);
      for (const n of Object.keys(plain)) delete entries[n];
      const sealKey = await sealingKey(state, opened?.keyArn);
      let bundle: string | null | undefined;
      if (opened && sameEntries(entries, opened.entries) && (sealKey === undefined || sealKey === opened.keyArn) && opened.version === wire) bundle = undefined;
      else if (Object.keys(entries).length === 0) bundle = opened ? null : undefined;
      else {
        if (!sealKey) throw needKey(state);
        bundle = await c.sealBundle(sealKey, state.name, entries, { version: wire, generation: (opened?.generation ?? 0) + 1 });
        sealingKeyArn = sealKey;
      }
      // A name that moves into the bundle leaves the variables, whether it was sealed there or plain, and leaves the
      // manifest too, even when the manifest listed it without the variable (a stale entry the runtime would report).
      const remove = [...new Set([...moveIn, ...Object.keys(secrets)])];
      change = { plain, remove, ...(bundle !== undefined ? { bundle, bundleVersion: wire } : {}) };
      bundleAfter = bundle === undefined ? opened?.entries : bundle === null ? {} : entries;
    } else {
      const moveOut = opened ? Object.fromEntries(Object.entries(opened.entries).filter(([n]) => !(n in plain))) : {};
      const toSeal = { ...moveOut, ...secrets };
      let sealed: Record<string, string> = {};
      if (Object.keys(toSeal).length > 0) {
        const sealKey = await sealingKey(state, opened?.keyArn);
        if (!sealKey) throw needKey(state);
        sealed = await c.seal(sealKey, state.name, toSeal, wire);
        sealingKeyArn = sealKey;
      }
      change = { sealed, versions: Object.fromEntries(Object.keys(sealed).map((n) => [n, wire])), plain, ...(hasBundle ? { bundle: null } : {}) };
      overhead = sealingOverhead(toSeal, sealed);
    }

    const variables = mergeEnvironment(vars, change);
    if (envSize(variables) > ENV_LIMIT_BYTES) {
      const asBundle = storage === "variables" ? estimateAsBundle(variables, overhead) : undefined;
      assertWithinLimit(
        variables,
        asBundle !== undefined && asBundle <= ENV_LIMIT_BYTES ? `as one bundle it would take about ${asBundle} bytes: push with --bundle` : undefined,
      );
    }
    const atRest = input.atRest;
    const kmsKeyArn = atRest !== undefined && atRest !== (state.kmsKeyArn ?? "") ? atRest : undefined;
    return { update: { variables, kmsKeyArn }, storage, bundleBefore: opened?.entries, bundleAfter, sealingKeyArn };
  };
}

/** One {@link KmsCache} per planner, over a KMS key source built on first use. */
function lazyCache(deps: AwsDeps): () => KmsCache {
  let cache: KmsCache | undefined;
  return () => (cache ??= new KmsCache(new KmsKeySource(deps.kms())));
}
