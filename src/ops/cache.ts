/**
 * Memory of the KMS work a command already did, so that re-planning after a conflict costs no new KMS call for what
 * has not changed — and re-produces byte-identical ciphertext, which is how a command recognises its own earlier write.
 * Plaintext stays in process memory only, for the life of one command.
 * @module
 */
import type { KeySource } from "../core/keysource.js";
import { openBundle, sealBundle, type OpenedBundle } from "./bundle.js";
import { openValue, sealValues } from "./sealing.js";

/**
 * KMS results of one command run, keyed by their inputs.
 *
 * @example
 * ```ts
 * const cache = new KmsCache(source);
 * const a = await cache.seal(keyArn, "orders-api", { TOKEN: value });
 * const b = await cache.seal(keyArn, "orders-api", { TOKEN: value }); // same ciphertext, no second Encrypt
 * ```
 */
export class KmsCache {
  private readonly sealed = new Map<string, string>();
  private readonly bundles = new Map<string, Promise<OpenedBundle>>();
  private readonly values = new Map<string, Promise<string>>();
  private readonly sealedBundles = new Map<string, string>();

  constructor(readonly source: KeySource) {}

  /** Seal each value per variable (see `sealValues`), reusing ciphertext sealed earlier for the same name, key and value. */
  async seal(keyArn: string, functionName: string, values: Readonly<Record<string, string>>): Promise<Record<string, string>> {
    const id = (n: string) => `${keyArn}\u0000${functionName}\u0000${n}\u0000${values[n]}`;
    const missing = Object.fromEntries(Object.entries(values).filter(([n]) => !this.sealed.has(id(n))));
    if (Object.keys(missing).length > 0) {
      const fresh = await sealValues(this.source, keyArn, functionName, missing);
      for (const [n, v] of Object.entries(fresh)) this.sealed.set(id(n), v);
    }
    return Object.fromEntries(Object.keys(values).map((n) => [n, this.sealed.get(id(n)) as string]));
  }

  /** Open a bundle ciphertext once. */
  openBundle(functionName: string, sealed: string, why: string): Promise<OpenedBundle> {
    const id = `${functionName}\u0000${sealed}`;
    let p = this.bundles.get(id);
    if (!p) {
      p = openBundle(this.source, functionName, sealed, why);
      this.bundles.set(id, p);
      p.catch(() => this.bundles.delete(id));
    }
    return p;
  }

  /** Open one per-variable sealed value once. */
  openValue(functionName: string, sealed: string, label: string): Promise<string> {
    const id = `${functionName}\u0000${label}\u0000${sealed}`;
    let p = this.values.get(id);
    if (!p) {
      p = openValue(this.source, functionName, sealed, label).then((r) => r.plaintext);
      this.values.set(id, p);
      p.catch(() => this.values.delete(id));
    }
    return p;
  }

  /** Seal bundle entries, reusing the ciphertext made earlier for the same entries and key. */
  async sealBundle(keyArn: string, functionName: string, entries: Readonly<Record<string, string>>): Promise<string> {
    const id = `${keyArn}\u0000${functionName}\u0000${JSON.stringify(Object.entries(entries).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))}`;
    let v = this.sealedBundles.get(id);
    if (v === undefined) {
      v = await sealBundle(this.source, keyArn, functionName, entries);
      this.sealedBundles.set(id, v);
    }
    return v;
  }
}

/** True when two name → value maps hold the same entries. */
export function sameEntries(a: Readonly<Record<string, string>>, b: Readonly<Record<string, string>>): boolean {
  const ka = Object.keys(a);
  return ka.length === Object.keys(b).length && ka.every((k) => Object.hasOwn(b, k) && a[k] === b[k]);
}
