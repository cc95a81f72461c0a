/**
 * Format-valid fakes for tests and benchmarks: a seeded expander of templates such as `sk_live_{a:24}`. The repository
 * holds templates, never token literals, so no real secret (nor anything push protection would flag) is ever stored;
 * the same seed always gives the same value, so a failing case can be replayed.
 *
 * Template syntax — `{CLASS:N}` draws N characters of a class, other text is kept as is:
 *
 * | class | characters | class | characters |
 * |---|---|---|---|
 * | `a` | `A-Za-z0-9` | `h` / `H` | hex, lower / upper |
 * | `A` | `A-Z0-9` | `d` | digits |
 * | `l` | `a-z0-9` | `b` | base64 `A-Za-z0-9+/` |
 * | `L` | letters | `w` | base64url `A-Za-z0-9_-` |
 * | `U` | `A-Z` | `c` | crypt `./A-Za-z0-9` |
 * | `2` | base32 `A-Z2-7` | `8` | bech32, upper case |
 *
 * and the generators `{uuid}`, `{b64:N}` (base64 of N random bytes, padded), `{b64d:N}` (base64url of N random digits),
 * `{jwt}` (a signed-looking JWT), `{pem:LABEL}`
 * (a PEM block `-----BEGIN LABEL-----` with a random base64 body) and `{b64pem:LABEL}` (that PEM, base64-encoded).
 * @module
 */

const CLASSES: Readonly<Record<string, string>> = {
  a: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789",
  A: "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789",
  l: "abcdefghijklmnopqrstuvwxyz0123456789",
  L: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz",
  U: "ABCDEFGHIJKLMNOPQRSTUVWXYZ",
  h: "0123456789abcdef",
  H: "0123456789ABCDEF",
  d: "0123456789",
  b: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/",
  w: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-",
  c: "./ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789",
  "2": "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567",
  "8": "QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L",
};

/**
 * A deterministic pseudo-random source (mulberry32 over an FNV-1a hash of the seed).
 *
 * @example
 * ```ts
 * const rng: Rng = seededRng("bench");
 * rng.bytes(12); // 12 bytes, the same every run
 * ```
 */
export interface Rng {
  /** The next number in [0, 1). */
  next(): number;
  /** `n` random bytes. */
  bytes(n: number): Buffer;
  /** `n` characters drawn from `alphabet`. */
  chars(alphabet: string, n: number): string;
}

/**
 * A seeded random source.
 *
 * @example
 * ```ts
 * seededRng("corpus/stripe/0").chars("0123456789abcdef", 8); // the same 8 hex characters every run
 * ```
 */
export function seededRng(seed: string): Rng {
  let h = 0x811c9dc5;
  for (let i = 0; i < seed.length; i++) h = Math.imul(h ^ seed.charCodeAt(i), 0x01000193) >>> 0;
  let state = h;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    bytes: (n) => Buffer.from(Array.from({ length: n }, () => Math.floor(next() * 256))),
    chars: (alphabet, n) => Array.from({ length: n }, () => alphabet[Math.floor(next() * alphabet.length)]).join(""),
  };
}

const b64url = (s: string | Buffer) => Buffer.from(s).toString("base64url");

function jwt(rng: Rng): string {
  const header = b64url(JSON.stringify({ alg: "HS256", typ: "JWT" }));
  const sub = rng.chars(CLASSES.l as string, 12);
  const payload = b64url(JSON.stringify({ sub, iat: 1_700_000_000 + Math.floor(rng.next() * 1e7), scope: "read write" }));
  return `${header}.${payload}.${b64url(rng.bytes(32))}`;
}

function pem(label: string, rng: Rng): string {
  const body = rng.bytes(180).toString("base64").match(/.{1,64}/g)!.join("\n");
  return `-----BEGIN ${label}-----\n${body}\n-----END ${label}-----`;
}

function uuid(rng: Rng): string {
  const h = rng.chars(CLASSES.h as string, 32);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20)}`;
}

/**
 * Expand a template with a seeded random source. Throws a `TypeError` naming the placeholder for an unknown class.
 *
 * @example
 * ```ts
 * expandTemplate("sk_live_{a:24}", "docs-example");   // "sk_live_" + 24 letters and digits
 * expandTemplate("{pem:RSA PRIVATE KEY}", "k1");      // a PEM block with a random body
 * ```
 */
export function expandTemplate(template: string, seed: string | Rng): string {
  const rng = typeof seed === "string" ? seededRng(seed) : seed;
  return template.replace(/\{([a-zA-Z0-9]+)(?::([^}]+))?\}/g, (whole, cls: string, arg: string | undefined) => {
    if (cls === "uuid") return uuid(rng);
    if (cls === "jwt") return jwt(rng);
    if (cls === "b64") return rng.bytes(Number(arg)).toString("base64");
    if (cls === "b64d") return Buffer.from(rng.chars(CLASSES.d as string, Number(arg))).toString("base64url");
    if (cls === "pem") return pem(arg ?? "PRIVATE KEY", rng);
    if (cls === "b64pem") return Buffer.from(pem(arg ?? "PRIVATE KEY", rng)).toString("base64");
    // Own keys only: `{constructor:3}` or `{toString:2}` is a typo, not an alphabet.
    const alphabet = Object.hasOwn(CLASSES, cls) ? CLASSES[cls] : undefined;
    const n = Number(arg);
    if (alphabet === undefined || !Number.isInteger(n) || n < 0) throw new TypeError(`unknown template placeholder ${whole}`);
    return rng.chars(alphabet, n);
  });
}
