/**
 * checkFunction and fingerprintOf, the details the main test leaves open: the account in fingerprints and findings,
 * ES012 (secure: prefix) order and emulator mode, the ES001 wording by kind of secret, and ES011's exact messages.
 */
import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { checkFunction, fingerprintOf } from "../../src/audit/check.js";
import type { AuditedFunction, Finding } from "../../src/audit/types.js";
import { fakeMotoSealed, fakeSealed } from "../support/kms-blob.js";

const ARN = "arn:aws:lambda:eu-west-1:111122223333:function:orders-api";
const KEY = "arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";
const SEALED = fakeSealed("audit-check-mutants");
const MOTO = fakeMotoSealed("audit-check-mutants");
const AWS_ID = "AKIAQWERTYUIOPASDFGH";
const STRIPE = `sk_live_${"4eC39HqLyjWDarjtT1zdp7dc"}`;
const ok = { keyCheck: { status: "ok", rotation: "enabled" } } as const;

function fn(variables: Record<string, string>, over: Partial<AuditedFunction> = {}): AuditedFunction {
  return { region: "eu-west-1", name: "orders-api", arn: ARN, version: "$LATEST", variables, kmsKeyArn: KEY, environmentError: undefined, ...over };
}
const brief = (fs: Finding[]) => fs.map((f) => `${f.ruleId}/${f.variable}: ${f.message}`);
const sha = (s: string) => createHash("sha256").update(s).digest("hex").slice(0, 32);

describe("fingerprintOf", () => {
  it("hashes rule, ARN and variable separated by NUL, and appends NUL + account only when given", () => {
    expect(fingerprintOf("ES001", ARN, "DB_PASSWORD")).toBe(sha(`ES001\u0000${ARN}\u0000DB_PASSWORD`));
    expect(fingerprintOf("ES004", ARN, null)).toBe(sha(`ES004\u0000${ARN}\u0000`));
    expect(fingerprintOf("ES001", ARN, "DB_PASSWORD", "123456789012")).toBe(sha(`ES001\u0000${ARN}\u0000DB_PASSWORD\u0000123456789012`));
    expect(fingerprintOf("ES004", ARN, null, "123456789012")).toBe(sha(`ES004\u0000${ARN}\u0000\u0000123456789012`));
  });
});

describe("findings carry the account only when the function has one", () => {
  it("no account: no account key at all, and the account-free fingerprint", async () => {
    const [f] = await checkFunction(fn({ A1: "x" }, { kmsKeyArn: undefined }));
    expect(f).toBeDefined();
    expect(Object.keys(f!)).not.toContain("account");
    expect(f!.fingerprint).toBe(fingerprintOf("ES004", ARN, null));
  });

  it("with an account: account set and part of the fingerprint", async () => {
    const [f] = await checkFunction(fn({ A1: "x" }, { kmsKeyArn: undefined, account: "444455556666" }));
    expect(f!.account).toBe("444455556666");
    expect(f!.fingerprint).toBe(fingerprintOf("ES004", ARN, null, "444455556666"));
    expect(f!.fingerprint).not.toBe(fingerprintOf("ES004", ARN, null));
  });
});

describe("ES012: secure:-prefixed KMS ciphertext", () => {
  it("exact message, one finding per variable in name order, and the variables are not scanned for secrets", async () => {
    const out = await checkFunction(fn({ Z_TOKEN: `secure:${SEALED}`, A_SECRET: `secure:${SEALED}`, LOG_LEVEL: "info" }), ok);
    expect(brief(out)).toEqual([
      "ES012/A_SECRET: A_SECRET is sealed without an encryption context (secure: prefix): any principal allowed kms:Decrypt on its key can open it, for any function",
      "ES012/Z_TOKEN: Z_TOKEN is sealed without an encryption context (secure: prefix): any principal allowed kms:Decrypt on its key can open it, for any function",
    ]);
  });

  it("a variable listed in the manifest is judged as sealed (ES002), not as secure:", async () => {
    const out = await checkFunction(fn({ ENVSEAL_SEALED: "API_TOKEN:v2", API_TOKEN: `secure:${SEALED}` }), ok);
    expect(out.map((f) => `${f.ruleId}/${f.variable}`)).toEqual(["ES002/API_TOKEN"]);
  });

  it("moto ciphertext behind secure: counts only in emulator mode", async () => {
    const vars = { API_TOKEN: `secure:${MOTO}` };
    expect((await checkFunction(fn(vars), { ...ok, emulator: "moto" })).map((f) => f.ruleId)).toEqual(["ES012"]);
    expect((await checkFunction(fn(vars), ok)).map((f) => f.ruleId)).not.toContain("ES012");
  });
});

describe("ES002 on the bundle in emulator mode", () => {
  it("a moto bundle is sealed with emulator moto, not without", async () => {
    const vars = { ENVSEAL_SEALED: "ENVSEAL_BUNDLE:v2", ENVSEAL_BUNDLE: MOTO };
    expect(await checkFunction(fn(vars), { ...ok, emulator: "moto" })).toEqual([]);
    expect((await checkFunction(fn(vars), ok)).map((f) => `${f.ruleId}/${f.variable}`)).toEqual(["ES002/ENVSEAL_BUNDLE"]);
  });
});

describe("ES001 wording: what kind of secret", () => {
  it("a high-confidence cloud credential is 'a private key or cloud credential', critical", async () => {
    const [f] = await checkFunction(fn({ CONFIG_A: AWS_ID }), ok);
    expect(f!.severity).toBe("critical");
    expect(f!.message).toMatch(/^CONFIG_A looks like a private key or cloud credential stored in plain text: .+; high confidence$/);
  });

  it("a high-confidence non-critical provider key is 'a secret', high", async () => {
    const [f] = await checkFunction(fn({ STRIPE_KEY: STRIPE }), ok);
    expect(f!.severity).toBe("high");
    expect(f!.message).toMatch(/^STRIPE_KEY looks like a secret stored in plain text: .+; high confidence$/);
  });
});

describe("ES011: wire format v1", () => {
  it("a v1 variable gets the exact message; v2 variables, missing names and the bundle entry do not", async () => {
    const out = await checkFunction(fn({ ENVSEAL_SEALED: "OLD:v1,NEW:v2", OLD: SEALED, NEW: SEALED }), ok);
    expect(brief(out)).toEqual([
      "ES011/OLD: OLD is sealed in wire format v1 (bound to the function only): it can be swapped with another v1 value or renamed",
    ]);
    const missing = await checkFunction(fn({ ENVSEAL_SEALED: "GONE:v1" }), ok);
    expect(missing.map((f) => f.ruleId)).toEqual(["ES003"]);
  });

  it("a bundle without a v2 manifest entry gets the bundle message, once", async () => {
    const out = await checkFunction(fn({ ENVSEAL_SEALED: "ENVSEAL_BUNDLE:v1", ENVSEAL_BUNDLE: SEALED }), ok);
    expect(brief(out)).toEqual([
      "ES011/ENVSEAL_BUNDLE: ENVSEAL_BUNDLE is sealed in wire format v1 (bound to the function only): an older or a per-variable ciphertext can take its place",
    ]);
    expect(await checkFunction(fn({ ENVSEAL_SEALED: "ENVSEAL_BUNDLE:v2", ENVSEAL_BUNDLE: SEALED }), ok)).toEqual([]);
  });
});
