/**
 * The structure checks behind the provider rules (src/audit/detect/validators.ts), case by case with exact yes/no
 * answers at each boundary. Every value here is an obvious fake built in the test.
 */
import { describe, expect, it } from "vitest";
import {
  validAzureSas,
  validBase64Pem,
  validConnectionPassword,
  validDiscordBot,
  validJwt,
  validPemPrivateKey,
  validUrlCredentials,
} from "../../src/audit/detect/validators.js";

const b64url = (v: unknown) => Buffer.from(typeof v === "string" ? v : JSON.stringify(v)).toString("base64url");
const jwt = (header: unknown, payload: unknown) => `${b64url(header)}.${b64url(payload)}.c2lnbmF0dXJl`;
/** `n` base64 characters without runs or sequences (not a placeholder). */
const body = (n: number) => Buffer.from(Array.from({ length: n }, (_, i) => (i * 73 + 29) % 256)).toString("base64").replace(/=+$/, "").slice(0, n);

describe("validJwt", () => {
  it.each([
    ["alg", { alg: "HS256" }, { sub: "u-7f3k2q" }, true],
    ["typ only", { typ: "JWT" }, { iat: 1 }, true],
    ["kid only", { kid: "k1" }, {}, true],
    ["no alg, typ or kid", { cty: "x" }, { sub: "u-7f3k2q" }, false],
    ["a header that is an array", ["alg"], {}, false],
    ["a header that is null", null, {}, false],
    ["a payload that is an array", { alg: "none" }, [1], false],
    ["a payload that is a number", { alg: "none" }, 5, false],
    ["a counting subject", { alg: "HS256" }, { sub: "1234567890" }, false],
    ["a numeric subject", { alg: "HS256" }, { sub: 1234567890 }, true],
  ])("%s → %s", (_what, header, payload, expected) => {
    const token = jwt(header, payload);
    expect(validJwt(token, token)).toBe(expected);
  });

  it("needs a header and a payload that decode to JSON", () => {
    expect(validJwt(b64url({ alg: "HS256" }), "")).toBe(false);
    expect(validJwt(`.${b64url({})}.x`, "")).toBe(false);
    expect(validJwt(`${b64url("not json")}.${b64url({})}.x`, "")).toBe(false);
    expect(validJwt(`${b64url({ alg: "HS256" })}.${b64url("{not json")}.x`, "")).toBe(false);
  });
});

describe("validPemPrivateKey", () => {
  const pem = (label: string, text: string) => `-----BEGIN ${label}-----\n${text}\n-----END ${label}-----`;
  it.each(["PRIVATE KEY", "RSA PRIVATE KEY", "EC PRIVATE KEY", "OPENSSH PRIVATE KEY", "ENCRYPTED PRIVATE KEY", "PGP PRIVATE KEY BLOCK"])("%s with a real body", (label) => {
    expect(validPemPrivateKey(pem(label, `${body(64)}\n${body(40)}`), "")).toBe(true);
  });

  it("at least 64 base64 characters once line breaks and headers are gone", () => {
    expect(validPemPrivateKey(pem("PRIVATE KEY", body(64)), "")).toBe(true);
    expect(validPemPrivateKey(pem("PRIVATE KEY", body(63)), "")).toBe(false);
    expect(validPemPrivateKey(pem("PRIVATE KEY", `${body(32)}\n  ${body(32)}  `), "")).toBe(true);
    expect(validPemPrivateKey(pem("RSA PRIVATE KEY", `Proc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,00FF\n\n${body(63)}`), "")).toBe(false);
    expect(validPemPrivateKey(pem("RSA PRIVATE KEY", `Proc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,00FF\n\n${body(70)}`), "")).toBe(true);
  });

  it("reads JSON-escaped line breaks and a key cut off before its END line", () => {
    expect(validPemPrivateKey(`-----BEGIN PRIVATE KEY-----\\n${body(40)}\\r\\n${body(40)}\\n-----END PRIVATE KEY-----`, "")).toBe(true);
    expect(validPemPrivateKey(`-----BEGIN PRIVATE KEY-----\n${body(80)}`, "")).toBe(true);
  });

  it("refuses a placeholder body, other characters, a public key and a mismatched END line", () => {
    expect(validPemPrivateKey("-----BEGIN PRIVATE KEY-----\nanything", "")).toBe(false);
    expect(validPemPrivateKey(pem("PRIVATE KEY", "A".repeat(80)), "")).toBe(false);
    expect(validPemPrivateKey(pem("PRIVATE KEY", `${body(70)}!`), "")).toBe(false);
    expect(validPemPrivateKey(pem("PUBLIC KEY", body(80)), "")).toBe(false);
    expect(validPemPrivateKey(`-----BEGIN RSA PRIVATE KEY-----\n${body(80)}\n-----END EC PRIVATE KEY-----`, "")).toBe(false);
  });
});

describe("validBase64Pem", () => {
  it("decodes, then needs a PEM private key with a real body", () => {
    const key = `-----BEGIN PRIVATE KEY-----\n${body(80)}\n-----END PRIVATE KEY-----\n`;
    expect(validBase64Pem(Buffer.from(key).toString("base64"), "")).toBe(true);
    expect(validBase64Pem(Buffer.from("-----BEGIN PRIVATE KEY-----\nanything").toString("base64"), "")).toBe(false);
    expect(validBase64Pem(Buffer.from(`-----BEGIN PUBLIC KEY-----\n${body(80)}\n-----END PUBLIC KEY-----`).toString("base64"), "")).toBe(false);
  });
});

describe("validUrlCredentials", () => {
  it.each([
    ["postgres://app:Zq8vT3rw@db:5432/app", true],
    ["redis://:Zq8vT3rw@cache:6379", true],
    ["amqp://u:k9z@mq", true],
    ["amqp://u:k9@mq", false],
    ["postgres://app:${DB_PASSWORD}@db:5432/app", false],
    ["postgres://app:%24%7BDB_PASSWORD%7D@db/app", false],
    ["postgres://app:changeme@db/app", false],
    ["postgres://app:****@db/app", false],
    ["postgres://app:%E0%A4%A@db/app", true],
    ["https://db.internal/app", false],
    ["postgres://app:@db/app", false],
  ])("%s → %s", (url, expected) => {
    expect(validUrlCredentials(url, url)).toBe(expected);
  });
});

describe("validConnectionPassword", () => {
  it.each([
    ["Password=Zq8vT3rw!", "Server=db;User Id=app;Password=Zq8vT3rw!;", true],
    ["Pwd = 'Zq8vT3rw'", "Data Source=db; Pwd = 'Zq8vT3rw'", true],
    ["Password=\"Zq8vT3rw\"", "Host=db;Password=\"Zq8vT3rw\"", true],
    ["Password=Zq8vT3rw", "User Id=app;Password=Zq8vT3rw", false],
    ["Password=Zq8vT3rw", "MyServer=db;Password=Zq8vT3rw", false],
    ["Password=ab", "Server=db;Password=ab", false],
    ["Password=abc", "Server=db;Password=abc", true],
    ["Password=changeme", "Server=db;Password=changeme", false],
    [";  password=Zq8vT3rw", "address=db;  password=Zq8vT3rw", true],
  ])("%s in %s → %s", (match, value, expected) => {
    expect(validConnectionPassword(match, value)).toBe(expected);
  });
});

describe("validAzureSas", () => {
  it.each([
    ["https://acct.blob.core.windows.net/c?sv=2022-11-02&sp=r&sig=abc", true],
    ["https://acct.blob.core.windows.net/c?sp=r&sv=2022-11-02&sig=abc", true],
    ["BlobEndpoint=x;SharedAccessSignature=sv=2022-11-02&sig=abc", true],
    ["a;sv=2021-01-01;sig=abc", true],
    ["https://acct.blob.core.windows.net/c?sv=22-11-02&sig=abc", false],
    ["https://acct.blob.core.windows.net/c?xsv=2022-11-02&sig=abc", false],
    ["sig=abc", false],
  ])("%s → %s", (value, expected) => {
    expect(validAzureSas("sig=abc", value)).toBe(expected);
  });
});

describe("validDiscordBot", () => {
  it.each([
    ["17 digits", "12345678901234567", true],
    ["20 digits", "12345678901234567890", true],
    ["16 digits", "1234567890123456", false],
    ["21 digits", "123456789012345678901", false],
    ["not digits", "1234567890123456x", false],
  ])("a first segment of %s → %s", (_what, id, expected) => {
    const token = `${Buffer.from(id).toString("base64url")}.GhIjKl.abcdefghijklmnopqrstuvwxyz0`;
    expect(validDiscordBot(token, token)).toBe(expected);
  });
});
