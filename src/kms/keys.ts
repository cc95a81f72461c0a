/**
 * Resolve what a user passes to `--key` (key id, key ARN, alias name, alias ARN, or `aws/lambda`) to a key ARN,
 * and decide whether it can seal.
 * @module
 */
import { DescribeKeyCommand, type KMSClient } from "@aws-sdk/client-kms";
import { InputError } from "../core/errors.js";
import { mapKmsError } from "./errors.js";

/** What DescribeKey told about a key. */
export interface KeyInfo {
  /** What the user passed, normalized (`aws/lambda` → `alias/aws/lambda`). */
  readonly ref: string;
  /** Full key ARN. */
  readonly arn: string;
  /** Key id (UUID or `mrk-…`). */
  readonly keyId: string;
  /** `AWS` for AWS managed keys (such as `aws/lambda`), `CUSTOMER` for customer managed keys. */
  readonly manager: "AWS" | "CUSTOMER";
  /** `Enabled`, `Disabled`, `PendingDeletion`, ... */
  readonly state: string;
  /** Key spec, e.g. `SYMMETRIC_DEFAULT`. */
  readonly spec: string;
  /** Key usage, e.g. `ENCRYPT_DECRYPT`. */
  readonly usage: string;
}

/** The alias of the AWS managed key Lambda uses when a function's `KMSKeyArn` is empty. */
export const LAMBDA_MANAGED_ALIAS = "alias/aws/lambda";

const KEY_ID = /^(?:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|mrk-[0-9a-f]{32})$/i;
const KEY_ARN = /^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:(?:key\/[^\s/]+|alias\/[a-zA-Z0-9/_-]+)$/;
const ALIAS = /^alias\/[a-zA-Z0-9/_-]{1,250}$/;

/**
 * Normalize a key reference, or throw {@link InputError} when it has none of the accepted shapes.
 *
 * @example
 * ```ts
 * normalizeKeyRef("aws/lambda"); // "alias/aws/lambda"
 * normalizeKeyRef("app");        // "alias/app"
 * ```
 */
export function normalizeKeyRef(ref: string): string {
  const r = ref.trim();
  if (KEY_ID.test(r) || KEY_ARN.test(r) || ALIAS.test(r)) return r;
  if (/^[a-zA-Z0-9/_-]{1,250}$/.test(r)) return `alias/${r}`;
  throw new InputError(`invalid key reference "${r.slice(0, 80)}"`, {
    hint: "pass a key id, key ARN, alias/NAME, alias ARN, or aws/lambda",
  });
}

/** True when the reference names an alias AWS reserves for its managed keys (`alias/aws/...`). */
export function isAwsManagedAlias(ref: string): boolean {
  return /(^|:)alias\/aws\//.test(ref);
}

/**
 * DescribeKey the reference and return its {@link KeyInfo}.
 * `alias/aws/*` is always AWS managed: AWS reserves that prefix, whatever an emulator reports.
 */
export async function describeKey(kms: KMSClient, keyRef: string): Promise<KeyInfo> {
  const ref = normalizeKeyRef(keyRef);
  let meta;
  try {
    meta = (await kms.send(new DescribeKeyCommand({ KeyId: ref }))).KeyMetadata;
  } catch (err) {
    throw mapKmsError(err, { operation: "kms:DescribeKey", key: ref });
  }
  if (!meta?.Arn || !meta.KeyId) {
    throw new InputError(`DescribeKey returned no key for ${ref}`, { hint: "check --key and --region" });
  }
  return {
    ref,
    arn: meta.Arn,
    keyId: meta.KeyId,
    manager: meta.KeyManager === "AWS" || isAwsManagedAlias(ref) ? "AWS" : "CUSTOMER",
    state: meta.KeyState ?? (meta.Enabled ? "Enabled" : "Disabled"),
    spec: meta.KeySpec ?? "SYMMETRIC_DEFAULT",
    usage: meta.KeyUsage ?? "ENCRYPT_DECRYPT",
  };
}

/**
 * How a key state reads in a sentence, and what to do about it: `is disabled` / `enable it …`.
 *
 * @example
 * ```ts
 * keyStateWords("PendingImport").what; // "is pending import (its key material was never imported)"
 * ```
 */
export function keyStateWords(state: string): { what: string; fix: string } {
  switch (state) {
    case "Disabled":
      return { what: "is disabled", fix: "enable it (aws kms enable-key)" };
    case "PendingDeletion":
    case "PendingReplicaDeletion":
      return { what: "is pending deletion", fix: "cancel the deletion (aws kms cancel-key-deletion)" };
    case "PendingImport":
      return { what: "is pending import (its key material was never imported)", fix: "import its key material (aws kms import-key-material)" };
    case "Unavailable":
      return { what: "is unavailable (its custom key store is disconnected)", fix: "reconnect the custom key store" };
    default:
      return { what: `is in state ${state}`, fix: "wait until it is Enabled" };
  }
}

/**
 * Throw {@link InputError} unless the key is enabled (a disabled or pending-deletion key would break the function).
 *
 * @example
 * ```ts
 * assertKeyEnabled(await describeKey(kms, "alias/app"), "seal with");
 * ```
 */
export function assertKeyEnabled(key: KeyInfo, role: "seal with" | "protect at rest with" | "re-encrypt to"): void {
  if (key.state === "Enabled") return;
  const words = keyStateWords(key.state);
  throw new InputError(`KMS key ${key.ref} ${words.what}, so envseal will not ${role} it`, { hint: `${words.fix} or choose another --key` });
}

/**
 * Throw {@link InputError} unless the key can seal values: enabled, symmetric, ENCRYPT_DECRYPT, customer managed.
 * An AWS managed key gets DESIGN.md's explanation and the way out (`--at-rest-only`).
 */
export function assertSealingKey(key: KeyInfo): void {
  if (key.manager === "AWS") {
    throw new InputError(
      `${key.ref} is an AWS managed key: KMS lets only the owning service (Lambda) use it, so it cannot seal values (layer 2)`,
      {
        hint: "pass a customer managed key to --key to seal, or add --at-rest-only to store the values unsealed, protected at rest by aws/lambda (layer 1)",
      },
    );
  }
  assertKeyEnabled(key, "seal with");
  if (key.spec !== "SYMMETRIC_DEFAULT" || key.usage !== "ENCRYPT_DECRYPT") {
    throw new InputError(`KMS key ${key.ref} is ${key.spec}/${key.usage}; sealing needs a symmetric ENCRYPT_DECRYPT key`, {
      hint: "create one with: aws kms create-key",
    });
  }
}
