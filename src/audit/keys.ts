/**
 * At-rest key checks: DescribeKey and GetKeyRotationStatus once per distinct key, whatever the number of functions
 * using it (one promise per key, shared by concurrent callers; a failure is cached too, as a "unknown" result, so a
 * key the caller cannot describe costs one call, not one per function).
 * @module
 */
import { DescribeKeyCommand, GetKeyRotationStatusCommand, type KMSClient } from "@aws-sdk/client-kms";
import { errorCode } from "../transport/errors.js";
import type { KeyCheck, KeyLookup } from "./types.js";

/** Region of a KMS key ARN, or `undefined` for a bare id or alias. */
export function keyRegion(keyArn: string): string | undefined {
  return /^arn:aws[a-z-]*:kms:([a-z0-9-]+):/.exec(keyArn)?.[1];
}

/** Error codes that mean "this key cannot be used". */
const MISSING = new Set(["NotFoundException"]);
const THROTTLED = /Throttl|TooManyRequests|RequestLimitExceeded|LimitExceeded/;

async function checkKey(kms: KMSClient, keyArn: string): Promise<KeyCheck> {
  let meta;
  try {
    meta = (await kms.send(new DescribeKeyCommand({ KeyId: keyArn }))).KeyMetadata;
  } catch (err) {
    const code = errorCode(err);
    if (MISSING.has(code)) return { status: "missing" };
    if (THROTTLED.test(code)) return { status: "unknown", reason: `kms:DescribeKey throttled after retries (${code})` };
    return { status: "unknown", reason: `kms:DescribeKey failed (${code})` };
  }
  const state = meta?.KeyState ?? (meta?.Enabled === false ? "Disabled" : "Enabled");
  if (state !== "Enabled") return { status: "unusable", state };
  if (meta?.KeyManager === "AWS") return { status: "ok", rotation: "enabled" }; // AWS rotates its managed keys yearly.
  try {
    const rot = await kms.send(new GetKeyRotationStatusCommand({ KeyId: meta?.KeyId ?? keyArn }));
    return { status: "ok", rotation: rot.KeyRotationEnabled ? "enabled" : "disabled" };
  } catch {
    // Not allowed, or a key type without rotation: say unknown rather than guess.
    return { status: "ok", rotation: "unknown" };
  }
}

/** A {@link KeyLookup} with its cache and the numbers the report shows. */
export interface KeyChecker {
  readonly lookup: KeyLookup;
  /** Distinct keys looked up so far. */
  readonly size: () => number;
  /** Keys that could not be checked, with the reason (no value ever). */
  readonly unchecked: () => Promise<Array<{ key: string; reason: string }>>;
}

/**
 * The account in a KMS key ARN, or `undefined` for a bare id or alias.
 *
 * @example
 * ```ts
 * keyAccount("arn:aws:kms:eu-west-1:111122223333:key/k1"); // "111122223333"
 * ```
 */
export function keyAccount(keyArn: string): string | undefined {
  return /^arn:aws[a-z-]*:kms:[a-z0-9-]+:(\d{12}):/.exec(keyArn)?.[1];
}

/**
 * Build a cached key checker. `kmsFor(region, keyArn, account)` gives the KMS client to describe the key with: of the
 * key's region, and in an org run of the account best placed to describe it (`account` is the function's).
 *
 * @example
 * ```ts
 * const keys = createKeyChecker((region) => createKmsClient(opts, region), "us-east-1");
 * await keys.lookup(fn.kmsKeyArn); // one DescribeKey (+ GetKeyRotationStatus) per distinct key
 * ```
 */
export function createKeyChecker(kmsFor: (region: string, keyArn: string, account?: string) => KMSClient, defaultRegion: string): KeyChecker {
  const cache = new Map<string, Promise<KeyCheck>>();
  return {
    lookup: (keyArn, account) => {
      // A full ARN names one key everywhere; a bare id is only unique within its account.
      const id = keyAccount(keyArn) === undefined && account !== undefined ? `${account}/${keyArn}` : keyArn;
      let p = cache.get(id);
      if (!p) {
        p = checkKey(kmsFor(keyRegion(keyArn) ?? defaultRegion, keyArn, account), keyArn);
        cache.set(id, p);
      }
      return p;
    },
    size: () => cache.size,
    unchecked: async () => {
      const out: Array<{ key: string; reason: string }> = [];
      for (const [key, p] of cache) {
        const r = await p;
        if (r.status === "unknown" || r.status === "not-checked") out.push({ key, reason: r.reason });
      }
      return out;
    },
  };
}

/**
 * The offline lookup: every key is "not checked".
 *
 * @example
 * ```ts
 * await offlineKeys("arn:aws:kms:…"); // { status: "not-checked", reason: "offline input" }
 * ```
 */
export const offlineKeys: KeyLookup = async () => ({ status: "not-checked", reason: "offline input: KMS was not called" });
