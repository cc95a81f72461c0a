/**
 * The seeded fake generator behind every detector example: the same seed gives the same value (pinned here, so a
 * failing corpus case can be replayed from its seed), each class draws from exactly its alphabet, the generators build
 * well-formed UUIDs, JWTs and PEM blocks, and a bad placeholder is refused by name.
 */
import { beforeAll, describe, expect, it } from "vitest";

// The class alphabets and the base64url helper are module constants: fake.ts is loaded in beforeAll so the mutation
// run credits them to these tests.
let expandTemplate: typeof import("../../src/audit/detect/fake.js").expandTemplate;
let seededRng: typeof import("../../src/audit/detect/fake.js").seededRng;
beforeAll(async () => {
  ({ expandTemplate, seededRng } = await import("../../src/audit/detect/fake.js"));
});

describe("seededRng", () => {
  it("the same numbers for the same seed, every run", () => {
    const r = seededRng("bench");
    expect([r.next(), r.next(), r.next()]).toEqual([0.9954800349660218, 0.93806785880588, 0.7450835302006453]);
    expect(seededRng("").next()).toBe(0.6112444521859288);
    expect(seededRng("a").next()).toBe(0.621685681398958);
    expect(seededRng("ab").next()).toBe(0.7936398354358971);
    expect(seededRng("ba").next()).toBe(0.8705538574140519);
  });

  it("bytes and chars draw from the same stream", () => {
    expect(seededRng("k").bytes(8).toString("hex")).toBe("191f18371efa7ea6");
    expect(seededRng("k").chars("ab", 10)).toBe("aaaaababab");
    const r = seededRng("k");
    r.next();
    expect(r.bytes(7).toString("hex")).toBe("1f18371efa7ea6");
  });

  it("numbers stay in [0, 1) and spread over the range", () => {
    const r = seededRng("range");
    const xs = Array.from({ length: 5000 }, () => r.next());
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...xs)).toBeLessThan(1);
    expect(Math.min(...xs)).toBeLessThan(0.01);
    expect(Math.max(...xs)).toBeGreaterThan(0.99);
    expect(new Set(xs).size).toBe(5000);
  });

  it("bytes cover 0..255, chars cover the whole alphabet", () => {
    const bytes = seededRng("bytes").bytes(20000);
    expect(new Set(bytes).size).toBe(256);
    expect(Math.max(...bytes)).toBe(255);
    expect(seededRng("c").chars("xyz", 0)).toBe("");
    expect(new Set(seededRng("c").chars("xyz", 300)).size).toBe(3);
  });
});

describe("expandTemplate: classes", () => {
  it.each([
    ["{a:8}", "eKi0UsON"],
    ["{A:8}", "RGU4LZIH"],
    ["{l:8}", "rgu4lzih"],
    ["{L:8}", "ZIdrQlML"],
    ["{U:8}", "MEOVISGF"],
    ["{h:8}", "729d5b33"],
    ["{H:8}", "729D5B33"],
    ["{d:8}", "41583722"],
    ["{b:8}", "fKk1UtPN"],
    ["{c:8}", "dIizSrNL"],
    ["{2:8}", "PFS2KWHG"],
    ["{8:8}", "09J62K8X"],
    ["{uuid}", "729d5b33-bb0b-4a0e-a11e-8539b5dccf94"],
    ["{b64:6}", "fiqQ11O2"],
    ["{b64d:5}", "NDE1ODM"],
    ["x{a:0}y", "xy"],
  ])("%s with seed g → %s", (template, expected) => expect(expandTemplate(template, "g")).toBe(expected));

  it.each([
    ["a", "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"],
    ["A", "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"],
    ["l", "abcdefghijklmnopqrstuvwxyz0123456789"],
    ["L", "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"],
    ["U", "ABCDEFGHIJKLMNOPQRSTUVWXYZ"],
    ["h", "0123456789abcdef"],
    ["H", "0123456789ABCDEF"],
    ["d", "0123456789"],
    ["b", "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"],
    ["w", "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-"],
    ["c", "./ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"],
    ["2", "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"],
    ["8", "QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L"],
  ])("{%s:N} draws exactly the characters %s", (cls, alphabet) => {
    const v = expandTemplate(`{${cls}:4000}`, `alphabet/${cls}`);
    expect(v).toHaveLength(4000);
    expect([...new Set(v)].sort().join("")).toBe([...alphabet].sort().join(""));
  });

  it("text outside placeholders is kept; several placeholders draw one after another from one stream", () => {
    expect(expandTemplate("sk_live_{a:4}-{a:4}", "g")).toBe("sk_live_eKi0-UsON");
    expect(expandTemplate("no placeholders: {} {:3} {a b}", "g")).toBe("no placeholders: {} {:3} {a b}");
  });

  it("a random source passed in is used as it stands, and advanced", () => {
    const rng = seededRng("g");
    expect(expandTemplate("{a:4}", rng)).toBe("eKi0");
    expect(expandTemplate("{a:4}", rng)).toBe("UsON");
  });

  it("an unknown class, or a count that is not a whole number of 0 or more, is a TypeError naming the placeholder", () => {
    expect(() => expandTemplate("x{z:3}", "g")).toThrow(new TypeError("unknown template placeholder {z:3}"));
    expect(() => expandTemplate("{a}", "g")).toThrow(new TypeError("unknown template placeholder {a}"));
    expect(() => expandTemplate("{a:-1}", "g")).toThrow(new TypeError("unknown template placeholder {a:-1}"));
    expect(() => expandTemplate("{a:1.5}", "g")).toThrow(new TypeError("unknown template placeholder {a:1.5}"));
    expect(() => expandTemplate("{a:x}", "g")).toThrow(new TypeError("unknown template placeholder {a:x}"));
  });

  it("a name inherited from Object.prototype is no class either (it expanded to an empty string before)", () => {
    expect(() => expandTemplate("{toString:2}", "g")).toThrow(new TypeError("unknown template placeholder {toString:2}"));
    expect(() => expandTemplate("{constructor:3}", "g")).toThrow(new TypeError("unknown template placeholder {constructor:3}"));
  });
});

describe("expandTemplate: generators", () => {
  it("{uuid}: version 4, variant a, lower-case hex", () => {
    for (let i = 0; i < 50; i++) expect(expandTemplate("{uuid}", `u/${i}`)).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-a[0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it("{b64:N}: base64 of N bytes; {b64d:N}: base64url of N digits", () => {
    expect(Buffer.from(expandTemplate("{b64:33}", "b"), "base64")).toHaveLength(33);
    expect(expandTemplate("{b64:4}", "b")).toMatch(/^[A-Za-z0-9+/]{6}==$/);
    const digits = Buffer.from(expandTemplate("{b64d:18}", "d"), "base64url").toString();
    expect(digits).toMatch(/^\d{18}$/);
  });

  it("{jwt}: an HS256 header, a payload with a 12-character subject, an issue time and a scope, and a 32-byte signature", () => {
    const [h, p, s, ...rest] = expandTemplate("{jwt}", "j").split(".");
    expect(rest).toEqual([]);
    expect(JSON.parse(Buffer.from(h!, "base64url").toString())).toEqual({ alg: "HS256", typ: "JWT" });
    const payload = JSON.parse(Buffer.from(p!, "base64url").toString()) as { sub: string; iat: number; scope: string };
    expect(Object.keys(payload)).toEqual(["sub", "iat", "scope"]);
    expect(payload.sub).toMatch(/^[a-z0-9]{12}$/);
    expect(payload.iat).toBeGreaterThanOrEqual(1_700_000_000);
    expect(payload.iat).toBeLessThan(1_710_000_000);
    expect(Number.isInteger(payload.iat)).toBe(true);
    expect(payload.scope).toBe("read write");
    expect(Buffer.from(s!, "base64url")).toHaveLength(32);
    expect(expandTemplate("{jwt}", "g")).toBe(
      "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJyZ3U0bHppaHp6YTAiLCJpYXQiOjE3MDYzNDgyNTUsInNjb3BlIjoicmVhZCB3cml0ZSJ9.ogvqoBgd4ohRNpG9WdTPzfOYT-iiXcdtEuJsRy9O3DE",
    );
  });

  it("{pem:LABEL}: BEGIN and END lines around 180 random bytes in lines of 64; PRIVATE KEY without a label", () => {
    const pem = expandTemplate("{pem:EC PRIVATE KEY}", "g");
    const lines = pem.split("\n");
    expect(lines[0]).toBe("-----BEGIN EC PRIVATE KEY-----");
    expect(lines.at(-1)).toBe("-----END EC PRIVATE KEY-----");
    const body = lines.slice(1, -1);
    expect(body.map((l) => l.length)).toEqual([64, 64, 64, 48]);
    expect(Buffer.from(body.join(""), "base64")).toHaveLength(180);
    expect(body[0]).toBe("fiqQ11O2PTe1twS6oqIL6qAYHeKIUTaRvVnUz83zmE/ool3HbRLibEcvTtwxt1c7");
    expect(expandTemplate("{pem}", "g")).toBe(pem.replaceAll("EC PRIVATE KEY", "PRIVATE KEY"));
  });

  it("{b64pem:LABEL}: that PEM block, base64-encoded", () => {
    expect(Buffer.from(expandTemplate("{b64pem:RSA PRIVATE KEY}", "g"), "base64").toString()).toBe(expandTemplate("{pem:RSA PRIVATE KEY}", "g"));
    expect(Buffer.from(expandTemplate("{b64pem}", "g"), "base64").toString()).toBe(expandTemplate("{pem}", "g"));
  });
});
