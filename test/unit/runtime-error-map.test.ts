/** toUnsealError, branch by branch: the exact message, hint and code for each kind of failure. */
import { describe, expect, it } from "vitest";
import { bundledRequire, explainTlsFailure, isTlsFailureCode, toUnsealError } from "../../src/runtime/errors.js";
import { AwsError, InputError, UnsealError } from "../../src/core/errors.js";

const AT = { variable: "DB_PASSWORD", functionName: "orders-api", timeoutMs: 1234 };
const KEY = "arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";
const err = (name: string, extra: Record<string, unknown> = {}) => Object.assign(new Error(String(extra.message ?? "m")), { name, ...extra });
const map = (e: unknown) => {
  const u = toUnsealError(e, AT);
  return { message: u.message, hint: u.hint, code: u.code, variable: u.variable };
};

describe("toUnsealError", () => {
  it.each([
    [
      "InvalidCiphertextException",
      "does not open with encryption context LambdaFunctionName=orders-api (InvalidCiphertextException): sealed for another function name? see `envseal copy`",
      "values are bound to the function name; re-bind them with `envseal copy --from OLD --to NEW`, or pass `functionName` if the value belongs to another name",
    ],
    [
      "AccessDeniedException",
      "the execution role lacks kms:Decrypt on the KMS key it was sealed with; see `envseal policy`",
      "allow kms:Decrypt on the key with the condition kms:EncryptionContext:LambdaFunctionName, and check the key policy",
    ],
    ["DisabledException", "the KMS key it was sealed with is disabled (DisabledException)", "enable the key (aws kms enable-key) or re-seal with another key (envseal rotate)"],
    ["NotFoundException", "the KMS key it was sealed with was not found (NotFoundException)", "the key was deleted, or the function runs in another account or region than the key"],
    [
      "KMSInvalidStateException",
      "the KMS key it was sealed with is not usable: pending deletion or import (KMSInvalidStateException)",
      "cancel the key deletion (aws kms cancel-key-deletion) or re-seal with another key",
    ],
    ["IncorrectKeyException", "the key cannot open this value (IncorrectKeyException)", "re-seal the value with `envseal push`"],
    ["InvalidKeyUsageException", "the key cannot open this value (InvalidKeyUsageException)", "re-seal the value with `envseal push`"],
    ["EmptyPlaintext", "KMS answered without a plaintext", "try again; if it persists, re-seal the value"],
  ])("%s", (name, message, hint) => {
    expect(map(err(name))).toEqual({ message: `DB_PASSWORD: ${message}`, hint, code: name, variable: "DB_PASSWORD" });
  });

  it("names the key ARN found in the KMS message", () => {
    const m = `User x is not authorized to perform: kms:Decrypt on resource: ${KEY} because of policy`;
    expect(map(err("AccessDeniedException", { message: m })).message).toBe(`DB_PASSWORD: the execution role lacks kms:Decrypt on ${KEY}; see \`envseal policy\``);
    expect(map(err("DisabledException", { message: `${KEY} is disabled.` })).message).toBe(`DB_PASSWORD: KMS key ${KEY} is disabled (DisabledException)`);
    expect(map(err("NotFoundException", { message: `Alias arn:aws:kms:eu-west-1:111122223333:alias/app is not found` })).message).toBe(
      "DB_PASSWORD: KMS key arn:aws:kms:eu-west-1:111122223333:alias/app was not found (NotFoundException)",
    );
    expect(map(err("KMSInvalidStateException", { message: `${KEY} is pending deletion.` })).message).toContain(`KMS key ${KEY} is not usable`);
  });

  it.each(["ThrottlingException", "TooManyRequestsException", "RequestLimitExceeded", "LimitExceededException", "SlowDown"])("throttling: %s", (name) => {
    expect(map(err(name))).toEqual({
      message: `DB_PASSWORD: KMS throttled kms:Decrypt and the retries ran out (${name})`,
      hint: "seal with --bundle so one Decrypt opens every value, or ask for a higher KMS request quota",
      code: name,
      variable: "DB_PASSWORD",
    });
  });

  it("network errors by their Node code, even when the SDK calls them TimeoutError", () => {
    for (const code of ["ECONNREFUSED", "ECONNRESET", "ENOTFOUND", "EAI_AGAIN", "EPIPE", "EHOSTUNREACH", "ENETUNREACH"]) {
      expect(map(err("TimeoutError", { code }))).toEqual({
        message: `DB_PASSWORD: network error reaching KMS (${code})`,
        hint: "a function in a VPC needs a KMS VPC endpoint or a NAT gateway",
        code,
        variable: "DB_PASSWORD",
      });
    }
  });

  it("timeouts name the bound in force", () => {
    for (const e of [err("AbortError"), err("TimeoutError"), err("RequestTimeout"), err("RequestTimeoutException"), err("Error", { code: "ETIMEDOUT" })]) {
      expect(map(e)).toEqual({
        message: "DB_PASSWORD: kms:Decrypt timed out after 1234 ms",
        hint: "raise timeoutMs (or the function's timeout), and check the network path to KMS (VPC endpoint or NAT)",
        code: "Timeout",
        variable: "DB_PASSWORD",
      });
    }
  });

  it("an unavailable key, bad credentials", () => {
    for (const name of ["KeyUnavailableException", "DependencyTimeoutException", "KMSInternalException"]) {
      expect(map(err(name))).toMatchObject({ message: `DB_PASSWORD: KMS could not use the key just now (${name})`, hint: "retry; the next invocation tries again", code: name });
    }
    for (const name of ["CredentialsProviderError", "UnrecognizedClientException", "ExpiredTokenException", "InvalidSignatureException"]) {
      expect(map(err(name))).toMatchObject({
        message: `DB_PASSWORD: KMS rejected or found no credentials (${name})`,
        hint: "the execution role's credentials come from the Lambda environment; outside Lambda set AWS credentials",
        code: name,
      });
    }
  });

  it("TLS failures, with the lean path's explanation when there is one", () => {
    const hint = "KMS endpoints must offer TLS 1.2+ with forward-secret suites and a trusted certificate (AWS_CA_BUNDLE for a private CA)";
    expect(map(err("Error", { code: "CERT_HAS_EXPIRED" }))).toEqual({
      message: "DB_PASSWORD: the TLS connection to KMS was refused by envseal's policy or failed verification (CERT_HAS_EXPIRED)",
      hint,
      code: "CERT_HAS_EXPIRED",
      variable: "DB_PASSWORD",
    });
    const explained = err("Error", { code: "EPROTO" });
    explainTlsFailure(explained, "kms.example:443", "the server offered TLS 1.0 only");
    expect(map(explained)).toEqual({ message: "DB_PASSWORD: KMS at kms.example:443: the server offered TLS 1.0 only", hint, code: "EPROTO", variable: "DB_PASSWORD" });
    expect(Object.keys(explained)).not.toContain("message");
    explainTlsFailure("not an object", "h", "m");
    expect(["EPROTO", "ERR_SSL_X", "ERR_TLS_CERT_ALTNAME_INVALID", "CERT_X", "DEPTH_ZERO_SELF_SIGNED_CERT", "SELF_SIGNED_CERT_IN_CHAIN", "UNABLE_TO_VERIFY_LEAF_SIGNATURE"].every(isTlsFailureCode)).toBe(true);
    expect([undefined, "ECONNRESET", "XERR_SSL"].some(isTlsFailureCode)).toBe(false);
  });

  it("a bundled require is named as what it is", () => {
    const e = new Error('Dynamic require of "node:https" is not supported');
    expect(bundledRequire(e)).toBe("node:https");
    expect(bundledRequire(new Error("Dynamic require of node:https"))).toBeUndefined();
    expect(bundledRequire({ message: 3 })).toBeUndefined();
    expect(map(e)).toEqual({
      message: `DB_PASSWORD: the handler's bundle cannot load node:https at run time: a CommonJS require() inside an ESM bundle (esbuild's "Dynamic require … is not supported")`,
      hint: "bundle with --external:@aws-sdk/* (Lambda's Node.js runtimes provide the SDK), or add the createRequire banner the README shows; retrying will not help",
      code: "BundledRequire",
      variable: "DB_PASSWORD",
    });
  });

  it("anything else: the code and HTTP status, and 'UnknownError' for what has neither", () => {
    expect(map(err("SomethingNew", { $metadata: { httpStatusCode: 400 } }))).toEqual({
      message: "DB_PASSWORD: kms:Decrypt failed (SomethingNew, HTTP 400)",
      hint: "the next invocation retries; see the cause's request id for AWS support",
      code: "SomethingNew",
      variable: "DB_PASSWORD",
    });
    expect(map(err("SomethingNew")).message).toBe("DB_PASSWORD: kms:Decrypt failed (SomethingNew)");
    expect(map(new TypeError("x")).code).toBe("UnknownError");
    expect(map(new Error("x")).code).toBe("UnknownError");
    expect(map(undefined).code).toBe("UnknownError");
    expect(map({ code: "EWEIRD" }).code).toBe("EWEIRD");
  });

  it("envseal's own errors keep their code and hint; an UnsealError passes through", () => {
    const own = new UnsealError("x", { variable: "OTHER", code: "C" });
    expect(toUnsealError(own, AT)).toBe(own);
    expect(map(new AwsError("no creds", { code: "NoCredentials", operation: "kms:Decrypt", hint: "h1" }))).toEqual({ message: "DB_PASSWORD: no creds", hint: "h1", code: "NoCredentials", variable: "DB_PASSWORD" });
    expect(map(new InputError("bad", { hint: "h2" }))).toEqual({ message: "DB_PASSWORD: bad", hint: "h2", code: "InputError", variable: "DB_PASSWORD" });
  });
});

describe("toUnsealError, more exact branches", () => {
  it("a v2 value (context names the variable) that does not open says so, with its own hint", () => {
    const u = toUnsealError(err("InvalidCiphertextException"), { ...AT, context: { LambdaFunctionName: "orders-api", EnvsealVariable: "DB_PASSWORD" } });
    expect(u.message).toBe(
      "DB_PASSWORD: does not open with encryption context LambdaFunctionName=orders-api, EnvsealVariable=DB_PASSWORD (InvalidCiphertextException): sealed for another variable or function? a value moved, swapped or renamed between variables fails here",
    );
    expect(u.hint).toBe("push the value again under this name (`envseal push`), or `envseal copy` it from the function it was sealed for");
  });

  it.each([
    ["an SDK TimeoutError with a Node code that is no timeout", err("TimeoutError", { code: "ESOCKETWEIRD" })],
    ["another error name with the Node code ETIMEDOUT", err("SomeSdkError", { code: "ETIMEDOUT" })],
  ])("%s is a Timeout", (_what, e) => {
    expect(map(e)).toMatchObject({ code: "Timeout", message: "DB_PASSWORD: kms:Decrypt timed out after 1234 ms" });
  });
});

describe("explainTlsFailure", () => {
  it("leaves non-objects alone, and its marks are hidden from spreads and can be replaced", () => {
    expect(() => explainTlsFailure(null, "kms.example", "m")).not.toThrow();
    expect(() => explainTlsFailure("text", "kms.example", "m")).not.toThrow();
    const e = Object.assign(new Error("x"), { code: "ERR_SSL_WRONG_VERSION_NUMBER" });
    explainTlsFailure(e, "first.example", "first");
    explainTlsFailure(e, "kms.example:8443", "the endpoint did not answer in TLS");
    expect(Object.getOwnPropertySymbols({ ...e })).toEqual([]);
    expect(map(e).message).toBe("DB_PASSWORD: KMS at kms.example:8443: the endpoint did not answer in TLS");
  });
});
