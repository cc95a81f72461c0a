/**
 * detectSecrets' secretlint pass, seen alone: envseal's provider rules are switched off (mocked to match nothing) so
 * every hit comes from secretlint's preset as configured by envseal, and `lintSource` is spied on to count the passes
 * and see the exact text handed over. secrets.ts is loaded in beforeAll (its module constants are the config).
 */
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import type { SecretHit } from "../../src/audit/secrets.js";

const lint = vi.hoisted(() => ({ calls: [] as Array<{ content: string; messages: unknown[] }>, fail: undefined as Error | undefined }));

vi.mock("../../src/audit/detect/scan.js", () => ({ matchProviderRule: () => undefined }));
vi.mock("@secretlint/core", async (importOriginal) => {
  const real = await importOriginal<typeof import("@secretlint/core")>();
  return {
    ...real,
    lintSource: async (args: Parameters<typeof real.lintSource>[0]) => {
      if (lint.fail) {
        const err = lint.fail;
        lint.fail = undefined;
        throw err;
      }
      const result = await real.lintSource(args);
      lint.calls.push({ content: args.source.content, messages: result.messages });
      return result;
    },
  };
});

type Detect = (v: Readonly<Record<string, string>>, o?: { skip?: ReadonlySet<string>; emulator?: "moto" }) => Promise<Map<string, SecretHit>>;
let detectSecrets: Detect;
let fakeSealed: (seed?: string) => string;
let fakeMotoSealed: (seed?: string) => string;
let pem: string;

beforeAll(async () => {
  ({ detectSecrets } = (await import("../../src/audit/secrets.js")) as unknown as { detectSecrets: Detect });
  ({ fakeSealed, fakeMotoSealed } = await import("../support/kms-blob.js"));
  const { generateKeyPairSync } = await import("node:crypto");
  pem = generateKeyPairSync("rsa", { modulusLength: 1024 }).privateKey.export({ type: "pkcs1", format: "pem" }) as string;
});

afterEach(() => {
  lint.calls = [];
  lint.fail = undefined;
});

const AWS_ID = "AKIAQWERTYUIOPASDFGH";
const SLACK = "xoxb-1234567890-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx";
const plain = (m: Map<string, SecretHit>) => Object.fromEntries(m);
const sl = (rule: string, critical: boolean): SecretHit => ({ detector: `secretlint:${rule}`, confidence: "high", critical, reason: `secretlint rule ${rule} matched its value` });

describe("secretlint's recommended preset as envseal configures it", () => {
  it("finds an AWS access key id (enableIDScanRule) as a critical secretlint:aws hit", async () => {
    expect(plain(await detectSecrets({ CONFIG_A: AWS_ID, LOG_LEVEL: "info" }))).toEqual({ CONFIG_A: sl("aws", true) });
    expect(lint.calls).toHaveLength(1);
  });

  it("a secretlint-disable comment in a value does not switch detection off", async () => {
    expect(plain(await detectSecrets({ CONFIG_A: `# secretlint-disable\n${AWS_ID}` }))).toEqual({ CONFIG_A: sl("aws", true) });
    expect(plain(await detectSecrets({ CONFIG_A: `${AWS_ID} # secretlint-disable-line` }))).toEqual({ CONFIG_A: sl("aws", true) });
    expect(plain(await detectSecrets({ CONFIG_A: `// secretlint-disable-next-line\n${AWS_ID}` }))).toEqual({ CONFIG_A: sl("aws", true) });
  });

  it("a PEM private key is a critical secretlint:privatekey hit", async () => {
    expect(plain(await detectSecrets({ CONFIG_A: pem }))).toEqual({ CONFIG_A: sl("privatekey", true) });
  });

  it("a non-critical rule is not critical", async () => {
    expect(plain(await detectSecrets({ CONFIG_A: SLACK }))).toEqual({ CONFIG_A: sl("slack", false) });
  });

  it("a variable matched by a critical and then a non-critical rule stays critical, first rule named", async () => {
    expect(plain(await detectSecrets({ CONFIG_A: `${AWS_ID} ${SLACK}` }))).toEqual({ CONFIG_A: sl("aws", true) });
  });

  it("URL credentials secretlint matches count only when they are real credentials", async () => {
    expect(plain(await detectSecrets({ CONFIG_A: "postgres://app:Zq8vT3rwKx@db.example.com:5432/app" }))).toEqual({ CONFIG_A: sl("database-connection-string", false) });
    expect(plain(await detectSecrets({ CONFIG_A: "https://user:Zq8vT3rwKx@example.com/x" }))).toEqual({ CONFIG_A: sl("basicauth", false) });
    lint.calls = [];
    // secretlint matches an encoded ${DB_PASSWORD} reference; it is not a placeholder by its text, but not a credential.
    expect(plain(await detectSecrets({ CONFIG_A: "postgres://app:%24%7BDB_PASSWORD%7D@db/app" }))).toEqual({});
    expect(lint.calls[0]!.messages).toHaveLength(1);
  });

  it("a PEM block secretlint matches counts only when it is a well-formed key", async () => {
    const lines = pem.trim().split("\n");
    const mismatched = [...lines.slice(0, -1), "-----END EC PRIVATE KEY-----"].join("\n");
    expect(plain(await detectSecrets({ CONFIG_A: mismatched }))).toEqual({});
    expect(lint.calls[0]!.messages).toHaveLength(1);
  });

  it("secretlint's messages mask the secret", async () => {
    await detectSecrets({ CONFIG_A: SLACK });
    expect(lint.calls).toHaveLength(1);
    expect(lint.calls[0]!.messages.length).toBeGreaterThan(0);
    expect(JSON.stringify(lint.calls[0]!.messages)).not.toContain(SLACK.slice(10));
  });
});

describe("the text given to secretlint", () => {
  it("is NAME=value lines of the unsealed, non-empty, non-skipped variables, then a blank line", async () => {
    const hits = await detectSecrets(
      { A: "one", B: "   ", C: "", D: fakeSealed("d"), E: "two", F: "three" },
      { skip: new Set(["E"]) },
    );
    expect(hits.size).toBe(0);
    expect(lint.calls.map((c) => c.content)).toEqual(["A=one\nF=three\n\n"]);
  });

  it("moto ciphertext is skipped in emulator mode only", async () => {
    const moto = fakeMotoSealed("m");
    await detectSecrets({ A: moto }, { emulator: "moto" });
    expect(lint.calls).toHaveLength(0);
    await detectSecrets({ A: moto });
    expect(lint.calls.map((c) => c.content)).toEqual([`A=${moto}\n\n`]);
  });

  it("no pass at all when nothing is left to scan", async () => {
    expect((await detectSecrets({})).size).toBe(0);
    expect((await detectSecrets({ A: " ", B: fakeSealed("b") })).size).toBe(0);
    expect(lint.calls).toHaveLength(0);
  });
});

describe("batching concurrent calls", () => {
  it("one pass for concurrent calls, each gets exactly its own hits", async () => {
    const [a, b, c] = await Promise.all([
      detectSecrets({ LOG_LEVEL: "info", CONFIG_A: AWS_ID }),
      detectSecrets({ CONFIG_B: SLACK, TABLE: "orders" }),
      detectSecrets({ TABLE: "orders", OTHER: "x" }),
    ]);
    expect(lint.calls).toHaveLength(1);
    expect(lint.calls[0]!.content).toBe(`LOG_LEVEL=info\nCONFIG_A=${AWS_ID}\n\nCONFIG_B=${SLACK}\nTABLE=orders\n\nTABLE=orders\nOTHER=x\n\n`);
    expect(plain(a!)).toEqual({ CONFIG_A: sl("aws", true) });
    expect(plain(b!)).toEqual({ CONFIG_B: sl("slack", false) });
    expect(plain(c!)).toEqual({});
  });

  it("a match on the first character of a call's text goes to that call and variable", async () => {
    const [a, b] = await Promise.all([detectSecrets({ LOG_LEVEL: "info" }), detectSecrets({ [AWS_ID]: "x", OTHER: "y" })]);
    expect(lint.calls).toHaveLength(1);
    expect(plain(a!)).toEqual({});
    expect(plain(b!)).toEqual({ [AWS_ID]: sl("aws", true) });
  });

  it("a match on a later variable's line goes to that variable", async () => {
    expect(plain(await detectSecrets({ LOG_LEVEL: "info", TABLE: "orders", CONFIG_C: SLACK }))).toEqual({ CONFIG_C: sl("slack", false) });
  });

  it("at most 500 calls per pass", async () => {
    const calls = Array.from({ length: 501 }, (_, i) => detectSecrets({ [`V${i}`]: "x" }));
    calls.push(detectSecrets({ CONFIG_A: AWS_ID }));
    const results = await Promise.all(calls);
    expect(lint.calls.map((c) => c.content.split("\n\n").length - 1)).toEqual([500, 2]);
    expect(plain(results[501]!)).toEqual({ CONFIG_A: sl("aws", true) });
    expect(results.slice(0, 501).every((r) => r.size === 0)).toBe(true);
  }, 60_000);

  // A call's text is `N=<value>\n` (value + 3 characters); in a pass it is followed by a blank line, so it takes
  // `textLength` characters of the pass and counts `textLength - 1` against the limit when it joins.
  const call = (name: string, textLength: number) => detectSecrets({ [name]: "a".repeat(textLength - 4) });

  it("a pass takes calls while their text fits 1,000,000 characters exactly", async () => {
    await Promise.all([call("A", 500_000), call("B", 500_001)]);
    expect(lint.calls.map((c) => c.content.length)).toEqual([1_000_001]);
  }, 60_000);

  it("a call that would go past 1,000,000 characters starts the next pass", async () => {
    await Promise.all([call("A", 500_000), call("B", 500_002), call("C", 10)]);
    expect(lint.calls.map((c) => c.content.length)).toEqual([500_000, 500_012]);
  }, 60_000);

  it("a call whose text alone passes 1,000,000 characters gets a pass of its own", async () => {
    await Promise.all([call("A", 1_000_005), call("B", 10)]);
    expect(lint.calls.map((c) => c.content.length)).toEqual([1_000_005, 10]);
  }, 30_000);

  it("a failing pass rejects every call in it with its error", async () => {
    const boom = new Error("secretlint broke");
    lint.fail = boom;
    const settled = await Promise.allSettled([detectSecrets({ A: "one" }), detectSecrets({ B: "two" })]);
    expect(settled).toEqual([
      { status: "rejected", reason: boom },
      { status: "rejected", reason: boom },
    ]);
    // The next pass works again.
    expect(plain(await detectSecrets({ CONFIG_A: AWS_ID }))).toEqual({ CONFIG_A: sl("aws", true) });
  });
});

describe("name + entropy", () => {
  it("is medium, not critical, and names the kind from the name", async () => {
    expect(plain(await detectSecrets({ DB_PASSWORD: "Zq8vT3rw!x", LOG_LEVEL: "info" }))).toEqual({
      DB_PASSWORD: { detector: "name+entropy", confidence: "medium", critical: false, reason: "its name says it holds a password and its value looks like one (name + entropy)" },
    });
  });

  it("a moto-sealed value under a secret name is not a hit in emulator mode", async () => {
    const moto = fakeMotoSealed("n");
    expect((await detectSecrets({ API_SECRET: moto }, { emulator: "moto" })).size).toBe(0);
  });
});
