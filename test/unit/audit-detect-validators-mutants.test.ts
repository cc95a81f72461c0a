/**
 * The provider-rule validators at the edges the first test file leaves open: the PEM block pattern and header lines,
 * JSON-escaped line breaks around headers, the password of a URL made only of asterisks, how a connection string's
 * key and quotes are stripped, and the SAS service version's exact date shape. validators.ts is loaded in beforeAll:
 * its patterns and validators are module constants, which the mutation run credits to these tests only that way.
 */
import { beforeAll, describe, expect, it } from "vitest";

type Mod = typeof import("../../src/audit/detect/validators.js");
let v: Mod;
beforeAll(async () => {
  v = await import("../../src/audit/detect/validators.js");
});

/** `n` base64 characters without runs or sequences (not a placeholder). */
const body = (n: number) => Buffer.from(Array.from({ length: n }, (_, i) => (i * 73 + 29) % 256)).toString("base64").replace(/=+$/, "").slice(0, n);
const pem = (label: string, text: string) => `-----BEGIN ${label}-----\n${text}\n-----END ${label}-----`;

describe("validPemPrivateKey: the block", () => {
  it.each(["PRIVATE KEY", "RSA PRIVATE KEY", "ENCRYPTED PRIVATE KEY", "PGP PRIVATE KEY BLOCK", "A B C PRIVATE KEY"])("%s with a real body", (label) => {
    expect(v.validPemPrivateKey(pem(label, body(80)), "")).toBe(true);
  });

  it("a block cut off before its END line reads to the end; a wrong END line is no block", () => {
    expect(v.validPemPrivateKey(`-----BEGIN PRIVATE KEY-----\n${body(80)}`, "")).toBe(true);
    expect(v.validPemPrivateKey(`-----BEGIN RSA PRIVATE KEY-----\n${body(80)}\n-----END EC PRIVATE KEY-----`, "")).toBe(false);
    expect(v.validPemPrivateKey(`-----BEGIN rsa PRIVATE KEY-----\n${body(80)}\n-----END rsa PRIVATE KEY-----`, "")).toBe(false);
    expect(v.validPemPrivateKey(pem("PUBLIC KEY", body(80)), "")).toBe(false);
  });

  it("the body ends at the first matching END line", () => {
    expect(v.validPemPrivateKey(`${pem("PRIVATE KEY", body(80))}\ntrailing text: not base64!`, "")).toBe(true);
    expect(v.validPemPrivateKey(`${pem("PRIVATE KEY", body(80))}\n${pem("PRIVATE KEY", "short")}`, "")).toBe(true);
    expect(v.validPemPrivateKey(`${pem("PRIVATE KEY", body(40))}\n${pem("PRIVATE KEY", body(80))}`, "")).toBe(false);
  });
});

describe("validPemPrivateKey: headers and line breaks", () => {
  const headers = "Proc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,00FF\n\n";

  it("header lines (a name and a colon at the start, blanks around allowed) are left out of the body", () => {
    expect(v.validPemPrivateKey(pem("RSA PRIVATE KEY", `${headers}${body(70)}`), "")).toBe(true);
    expect(v.validPemPrivateKey(pem("RSA PRIVATE KEY", `  Proc-Type: 4,ENCRYPTED\n\tDEK-Info: AES-128-CBC,00FF\n\n${body(70)}`), "")).toBe(true);
    expect(v.validPemPrivateKey(pem("PGP PRIVATE KEY BLOCK", `Version: GnuPG v2\nComment: backup\n\n${body(70)}`), "")).toBe(true);
  });

  it("a line with a colon further in is not a header: the body is then not base64", () => {
    expect(v.validPemPrivateKey(pem("RSA PRIVATE KEY", `${body(70)}\n1Proc-Type: 4`), "")).toBe(false);
    expect(v.validPemPrivateKey(pem("RSA PRIVATE KEY", `${body(70)}\nab1: x`), "")).toBe(false);
  });

  it("JSON-escaped \\n and \\r\\n separate headers from the body too", () => {
    const escaped = `-----BEGIN RSA PRIVATE KEY-----\\nProc-Type: 4,ENCRYPTED\\r\\nDEK-Info: AES-128-CBC,00FF\\n\\n${body(70)}\\n-----END RSA PRIVATE KEY-----`;
    expect(v.validPemPrivateKey(escaped, "")).toBe(true);
  });

  it("every character of the body must be base64, the first and the last included", () => {
    expect(v.validPemPrivateKey(pem("PRIVATE KEY", `!${body(70)}`), "")).toBe(false);
    expect(v.validPemPrivateKey(pem("PRIVATE KEY", `${body(70)}!`), "")).toBe(false);
    expect(v.validPemPrivateKey(pem("PRIVATE KEY", `${body(70)}==`), "")).toBe(true);
  });

  it("exactly 64 base64 characters are enough, 63 are not", () => {
    expect(v.validPemPrivateKey(pem("PRIVATE KEY", `${body(32)}\n${body(32)}`), "")).toBe(true);
    expect(v.validPemPrivateKey(pem("PRIVATE KEY", `${body(32)}\n${body(31)}`), "")).toBe(false);
  });
});

describe("validBase64Pem", () => {
  it("needs PRIVATE KEY in the decoded text and a valid block", () => {
    expect(v.validBase64Pem(Buffer.from(pem("EC PRIVATE KEY", body(80))).toString("base64"), "")).toBe(true);
    expect(v.validBase64Pem(Buffer.from(pem("EC PRIVATE KEY", "short")).toString("base64"), "")).toBe(false);
    expect(v.validBase64Pem(Buffer.from(pem("CERTIFICATE", body(80))).toString("base64"), "")).toBe(false);
  });
});

describe("validJwt", () => {
  const b64url = (x: unknown) => Buffer.from(JSON.stringify(x)).toString("base64url");
  it("a header and a payload that are JSON objects, a header naming alg, typ or kid", () => {
    expect(v.validJwt(`${b64url({ alg: "HS256" })}.${b64url({ sub: "u-7f3k2q" })}.sig`, "")).toBe(true);
    expect(v.validJwt(`${b64url({ alg: "HS256" })}.${b64url({ sub: "1234567890" })}.sig`, "")).toBe(false);
    expect(v.validJwt(`${b64url({ alg: "HS256" })}`, "")).toBe(false);
    expect(v.validJwt(`.${b64url({})}`, "")).toBe(false);
    expect(v.validJwt(`${b64url({ alg: "HS256" })}.!!!.sig`, "")).toBe(false);
  });
});

describe("validUrlCredentials: asterisks", () => {
  it.each([
    ["postgres://app:****@db/app", false],
    ["postgres://app:***@db/app", false],
    ["postgres://app:ab***@db/app", true],
    ["postgres://app:***ab@db/app", true],
    ["postgres://app:a*b@db/app", true],
  ])("%s → %s", (url, expected) => expect(v.validUrlCredentials(url, url)).toBe(expected));
});

describe("validConnectionPassword: what is stripped", () => {
  const server = "Server=db;User Id=app;";
  it.each([
    // The key, with blanks and a leading ';' around it, is stripped: what is left is judged.
    ["Password=todo", false],
    ["Password = todo", false],
    ["Pwd=todo", false],
    ["; Password=todo", false],
    [";  password=todo", false],
    ["\tPWD =\ttodo", false],
    ['Password="todo"', false],
    ["Password='todo'", false],
    // Only a leading key is stripped.
    ["xPassword=a", true],
    // One quote at each end, none in the middle.
    ['Password=a"b', true],
    ["Password=a'b", true],
    ['Password=""ab', true],
  ])("%s → %s", (match, expected) => expect(v.validConnectionPassword(match, `${server}${match}`)).toBe(expected));

  it.each([
    ["Server = db;", true],
    ["Data Source\t=db;", true],
    ["Host=db;", true],
    ["Address=db;", true],
    ["Addr=db;", true],
    ["Network Address=db;", true],
    ["Hostname=db;", true],
    ["x;server=db;", true],
    ["'Server=db';", true],
    ["MyServer=db;", false],
    ["Server db;", false],
    ["Database=app;", false],
  ])("a value with %s names a server: %s", (prefix, expected) => {
    expect(v.validConnectionPassword("Password=Zq8vT3rw", `${prefix}Password=Zq8vT3rw`)).toBe(expected);
  });
});

describe("validAzureSas", () => {
  it.each([
    ["https://a.blob.core.windows.net/c?sv=2022-11-02&sig=x", true],
    ["https://a.blob.core.windows.net/c?sv=2022-11-2&sig=x", false],
    ["https://a.blob.core.windows.net/c?sv=2022-1-02&sig=x", false],
    ["https://a.blob.core.windows.net/c?sv=202-11-02&sig=x", false],
    ["https://a.blob.core.windows.net/c&sv=2022-11-02&sig=x", true],
    ["BlobEndpoint=x;SharedAccessSignature=sv=2022-11-02&sig=x", true],
    ["SharedAccessSignature=sv=x&sig=x", true],
    ["SharedAccessSignature=se=x&sig=x", false],
    ["sig=x", false],
  ])("%s → %s", (value, expected) => expect(v.validAzureSas("sig=x", value)).toBe(expected));
});

describe("validDiscordBot", () => {
  it.each([
    ["12345678901234567", true],
    ["12345678901234567890", true],
    ["1234567890123456", false],
    ["123456789012345678901", false],
    ["x12345678901234567", false],
  ])("a first segment decoding to %s → %s", (id, expected) => {
    const token = `${Buffer.from(id).toString("base64url")}.GhIjKl.abcdefghijklmnopqrstuvwxyz0`;
    expect(v.validDiscordBot(token, token)).toBe(expected);
  });
});
