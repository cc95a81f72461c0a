import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { createHash, createHmac } from "node:crypto";
import { SignatureV4 } from "@smithy/signature-v4";
import { loadSecrets, resetSecrets } from "../../src/runtime/index.js";
import { kmsHost, leanTargetFromEnv } from "../../src/runtime/lean.js";
import { canonicalPath, signPost } from "../../src/runtime/sigv4.js";
import { transportOf } from "../../src/runtime/choose.js";
import { fakeVault, kmsError, type FakeVault } from "../support/runtime.js";
import { kmsBackends } from "../support/runtime-backends.js";

const FN = "orders-api";

class Sha256 {
  private readonly h;
  constructor(secret?: unknown) {
    this.h = secret === undefined ? createHash("sha256") : createHmac("sha256", typeof secret === "string" ? Buffer.from(secret) : (secret as Uint8Array));
  }
  update(data: string | Uint8Array) {
    this.h.update(typeof data === "string" ? Buffer.from(data) : data);
  }
  async digest() {
    return new Uint8Array(this.h.digest());
  }
}

describe("the lean path's SigV4 signer", () => {
  it.each([
    { region: "us-east-1", host: "kms.us-east-1.amazonaws.com", sessionToken: "tok/with+chars==" },
    { region: "eu-west-3", host: "127.0.0.1:4566", sessionToken: undefined },
    { region: "cn-north-1", host: "kms-fips.cn-north-1.amazonaws.com.cn", sessionToken: "t" },
  ])("signs exactly as @smithy/signature-v4 does ($region, $host)", async ({ region, host, sessionToken }) => {
    const credentials = { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", ...(sessionToken ? { sessionToken } : {}) };
    const date = new Date("2024-02-29T23:59:58.123Z");
    const body = JSON.stringify({ CiphertextBlob: "AQIDBA==", EncryptionContext: { LambdaFunctionName: "fn  with spaces" } });
    const base = { "content-type": "application/x-amz-json-1.1", "x-amz-target": "TrentService.Decrypt" };
    const ours = signPost({ credentials, region, service: "kms", host, headers: base, body, date });
    const [hostname, port] = host.split(":");
    const theirs = await new SignatureV4({ credentials, region, service: "kms", sha256: Sha256 }).sign(
      { method: "POST", protocol: "https:", hostname: hostname!, ...(port ? { port: Number(port) } : {}), path: "/", query: {}, headers: { ...base, host }, body },
      { signingDate: date },
    );
    expect(ours.authorization).toBe(theirs.headers.authorization);
    expect(ours["x-amz-date"]).toBe("20240229T235958Z");
    expect(ours["x-amz-security-token"]).toBe(sessionToken);
  });

  it.each(["/kms", "/prefix/kms/", "/a/./b/../c", "/with%20space/x", "/it's/(a)*!/b"])("signs the request's own path %s exactly as @smithy/signature-v4 does", async (path) => {
    const credentials = { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY" };
    const date = new Date("2024-02-29T23:59:58.123Z");
    const body = "{}";
    const base = { "content-type": "application/x-amz-json-1.1", "x-amz-target": "TrentService.Decrypt" };
    const ours = signPost({ credentials, region: "us-east-1", service: "kms", host: "kms.example", path, headers: base, body, date });
    const theirs = await new SignatureV4({ credentials, region: "us-east-1", service: "kms", sha256: Sha256 }).sign(
      { method: "POST", protocol: "https:", hostname: "kms.example", path, query: {}, headers: { ...base, host: "kms.example" }, body },
      { signingDate: date },
    );
    expect(ours.authorization).toBe(theirs.headers.authorization);
    expect(ours.authorization).not.toBe(signPost({ credentials, region: "us-east-1", service: "kms", host: "kms.example", headers: base, body, date }).authorization);
  });
  it("canonicalizes header values as @smithy/signature-v4 does (trimmed, inner whitespace runs as one space)", async () => {
    const credentials = { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY" };
    const date = new Date("2024-02-29T23:59:58.123Z");
    const base = { "content-type": "  application/x-amz-json-1.1 ", "x-amz-target": "TrentService.Decrypt", "x-custom": "a   b \t c" };
    const ours = signPost({ credentials, region: "us-east-1", service: "kms", host: "kms.example", headers: base, body: "{}", date });
    const theirs = await new SignatureV4({ credentials, region: "us-east-1", service: "kms", sha256: Sha256 }).sign(
      { method: "POST", protocol: "https:", hostname: "kms.example", path: "/", query: {}, headers: { ...base, host: "kms.example" }, body: "{}" },
      { signingDate: date },
    );
    expect(ours.authorization).toBe(theirs.headers.authorization);
  });

  it("canonicalPath keeps a relative path relative and encodes RFC 3986 sub-delimiters in upper-case hex", () => {
    expect(canonicalPath("kms/x")).toBe("kms/x");
    expect(canonicalPath("/a/./b/../c%20d")).toBe("/a/c%2520d");
    expect(canonicalPath("/a/c d")).toBe("/a/c%20d");
    expect(canonicalPath("/it's(a)*!")).toBe("/it%27s%28a%29%2A%21");
    expect(canonicalPath("/")).toBe("/");
  });
});

describe("the lean path's endpoint, credentials and transport choice", () => {
  const env = { AWS_ACCESS_KEY_ID: "AKID", AWS_SECRET_ACCESS_KEY: "secret", AWS_REGION: "eu-west-1" };
  it("derives the regional, FIPS and China hosts, and honours AWS_ENDPOINT_URL_KMS before AWS_ENDPOINT_URL", () => {
    expect(leanTargetFromEnv(env)?.url.href).toBe("https://kms.eu-west-1.amazonaws.com/");
    expect(leanTargetFromEnv({ ...env, AWS_USE_FIPS_ENDPOINT: "true" })?.url.href).toBe("https://kms-fips.eu-west-1.amazonaws.com/");
    expect(kmsHost("cn-north-1", false)).toBe("kms.cn-north-1.amazonaws.com.cn");
    expect(leanTargetFromEnv({ ...env, AWS_ENDPOINT_URL: "https://a.example", AWS_ENDPOINT_URL_KMS: "https://kms.example:8443" })?.url.href).toBe("https://kms.example:8443/");
    expect(leanTargetFromEnv({ ...env, AWS_ENDPOINT_URL: "https://a.example" })?.url.href).toBe("https://a.example/");
    expect(() => leanTargetFromEnv({ ...env, AWS_ENDPOINT_URL_KMS: "http://kms.example.com" })).toThrow(/requires HTTPS/);
  });
  it("is not available without static credentials or a region (the SDK's chain takes over)", () => {
    expect(leanTargetFromEnv({ AWS_REGION: "eu-west-1", AWS_PROFILE: "dev" })).toBeUndefined();
    expect(leanTargetFromEnv({ AWS_ACCESS_KEY_ID: "AKID", AWS_SECRET_ACCESS_KEY: "s" })).toBeUndefined();
    expect(leanTargetFromEnv({ ...env, AWS_REGION: undefined, AWS_DEFAULT_REGION: "us-west-2" })?.region).toBe("us-west-2");
    expect(leanTargetFromEnv(env)?.credentials).toEqual({ accessKeyId: "AKID", secretAccessKey: "secret" });
  });
  it("accepts auto, lean and sdk only", () => {
    expect(transportOf(undefined, {})).toBe("auto");
    expect(transportOf(undefined, { ENVSEAL_KMS_TRANSPORT: "sdk" })).toBe("sdk");
    expect(transportOf("lean", { ENVSEAL_KMS_TRANSPORT: "sdk" })).toBe("lean");
    expect(() => transportOf(undefined, { ENVSEAL_KMS_TRANSPORT: "http2" })).toThrow(/ENVSEAL_KMS_TRANSPORT must be one of auto, lean, sdk/);
  });
});

const [sdk, lean] = kmsBackends();

describe("the lean path against a KMS JSON server: retries, error bodies, choice", () => {
  let vault: FakeVault;
  beforeAll(() => lean!.start());
  afterAll(() => lean!.stop());
  beforeEach(() => {
    resetSecrets();
    vault = fakeVault();
    vi.stubEnv("AWS_REGION", "us-east-1");
    vi.stubEnv("AWS_LAMBDA_FUNCTION_NAME", FN);
    vi.stubEnv("ENVSEAL_BUNDLE", undefined);
    vi.stubEnv("AWS_ENDPOINT_URL", undefined);
    vi.stubEnv("DB_PASSWORD", vault.seal("pw", FN));
    vi.stubEnv("ENVSEAL_SEALED", "DB_PASSWORD");
    lean!.reset();
    lean!.install(vault);
  });
  afterEach(() => {
    resetSecrets();
    vi.unstubAllEnvs();
  });

  it.each([
    ["ThrottlingException", 400],
    ["KMSInternalException", 500],
    ["ServiceUnavailable", 503],
  ])("retries %s (HTTP %i) and opens on the third attempt", async (name, status) => {
    lean!.rejectsOnce(kmsError(name, "", status));
    lean!.rejectsOnce(kmsError(name, "", status));
    await expect(loadSecrets({ maxAttempts: 3 })).resolves.toEqual({ DB_PASSWORD: "pw" });
    expect(lean!.calls()).toHaveLength(3);
  });

  it("signs the path of an endpoint that has one (AWS_ENDPOINT_URL_KMS=http://host:port/prefix), and the server verifies it", async () => {
    vi.stubEnv("AWS_ENDPOINT_URL_KMS", `${process.env.AWS_ENDPOINT_URL_KMS}/kms-prefix`);
    await expect(loadSecrets()).resolves.toEqual({ DB_PASSWORD: "pw" });
    expect(lean!.calls()).toHaveLength(1);
  });

  it("retries a dropped connection", async () => {
    lean!.rejectsOnce(Object.assign(new Error("reset"), { code: "ECONNRESET" }));
    await expect(loadSecrets()).resolves.toEqual({ DB_PASSWORD: "pw" });
    expect(lean!.calls()).toHaveLength(2);
  });

  it("stops after maxAttempts and reports the throttling", async () => {
    lean!.rejects(kmsError("ThrottlingException", "Rate exceeded"));
    await expect(loadSecrets({ maxAttempts: 2 })).rejects.toMatchObject({ variable: "DB_PASSWORD", code: "ThrottlingException" });
    expect(lean!.calls()).toHaveLength(2);
  });

  it("does not retry a client error", async () => {
    lean!.rejects(kmsError("AccessDeniedException", "denied"));
    await expect(loadSecrets()).rejects.toMatchObject({ code: "AccessDeniedException" });
    expect(lean!.calls()).toHaveLength(1);
  });

  it("stops retrying at timeoutMs (the abort signal ends the backoff)", async () => {
    lean!.rejects(kmsError("ThrottlingException", "Rate exceeded"));
    await expect(loadSecrets({ maxAttempts: 1000, timeoutMs: 300 })).rejects.toMatchObject({ code: "Timeout" });
    const n = lean!.calls().length;
    await new Promise((r) => setTimeout(r, 300));
    expect(lean!.calls().length).toBe(n);
  });

  it("reads namespaced __type codes and carries the request id", async () => {
    lean!.rejects(Object.assign(new Error("x"), { name: "com.amazonaws.kms#DisabledException", $metadata: { httpStatusCode: 400, requestId: "rid-7" } }));
    const err = await loadSecrets().catch((e: unknown) => e);
    expect(err).toMatchObject({ variable: "DB_PASSWORD", code: "DisabledException", cause: { name: "DisabledException", httpStatus: 400, requestId: "rid-7" } });
  });

  it("auto: uses the SDK's KMSClient when the environment has no static credentials", async () => {
    vi.stubEnv("ENVSEAL_KMS_TRANSPORT", undefined);
    vi.stubEnv("AWS_ACCESS_KEY_ID", undefined);
    vi.stubEnv("AWS_SECRET_ACCESS_KEY", undefined);
    sdk!.reset();
    vi.stubEnv("ENVSEAL_KMS_TRANSPORT", undefined);
    sdk!.install(vault);
    await expect(loadSecrets()).resolves.toEqual({ DB_PASSWORD: "pw" });
    expect(sdk!.calls()).toHaveLength(1);
    expect(lean!.calls()).toHaveLength(0);
  });

  it("auto: uses the lean path when the environment has static credentials", async () => {
    vi.stubEnv("ENVSEAL_KMS_TRANSPORT", undefined);
    sdk!.reset();
    vi.stubEnv("ENVSEAL_KMS_TRANSPORT", undefined);
    await expect(loadSecrets()).resolves.toEqual({ DB_PASSWORD: "pw" });
    expect(lean!.calls()).toHaveLength(1);
    expect(sdk!.calls()).toHaveLength(0);
  });

  it("lean forced without credentials fails with NoCredentials, naming the variable", async () => {
    vi.stubEnv("AWS_ACCESS_KEY_ID", undefined);
    await expect(loadSecrets()).rejects.toMatchObject({ variable: "DB_PASSWORD", code: "NoCredentials" });
    expect(lean!.calls()).toHaveLength(0);
  });
});
