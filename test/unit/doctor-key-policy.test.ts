import { describe, expect, it } from "vitest";
import { evaluateKeyPolicy, grantsDecrypt, type DecryptQuestion } from "../../src/doctor/key-policy.js";
import { contextFor, parseManifestEntries, simulationContext } from "../../src/doctor/context.js";
import { injectionVariables } from "../../src/doctor/injection.js";
import { keyGroups, sealingKeyOf } from "../../src/doctor/sealing-keys.js";
import { fakeSealed } from "../support/kms-blob.js";

const ROLE = "arn:aws:iam::123456789012:role/app";
const q: DecryptQuestion = { principalArn: ROLE, account: "123456789012", context: { LambdaFunctionName: "api" } };
const doc = (...Statement: object[]) => JSON.stringify({ Version: "2012-10-17", Statement });
const allowRole = (extra: object = {}) => ({ Sid: "S", Effect: "Allow", Principal: { AWS: ROLE }, Action: "kms:Decrypt", Resource: "*", ...extra });

describe("evaluateKeyPolicy", () => {
  it.each([
    ["root delegates to IAM", doc({ Effect: "Allow", Principal: { AWS: "arn:aws:iam::123456789012:root" }, Action: "kms:*", Resource: "*" }), "iam"],
    ["bare account id delegates too", doc({ Effect: "Allow", Principal: { AWS: "123456789012" }, Action: "kms:*", Resource: "*" }), "iam"],
    ["the role itself", doc(allowRole()), "allow"],
    ["action wildcard kms:Decr*", doc(allowRole({ Action: ["kms:Encrypt", "kms:Decr*"] })), "allow"],
    ["another role only", doc({ Effect: "Allow", Principal: { AWS: "arn:aws:iam::123456789012:role/other" }, Action: "kms:*", Resource: "*" }), "none"],
    ["condition on this function", doc(allowRole({ Condition: { StringEquals: { "kms:EncryptionContext:LambdaFunctionName": "api" } } })), "allow"],
    ["condition on another function", doc(allowRole({ Condition: { StringEquals: { "kms:EncryptionContext:LambdaFunctionName": "other" } } })), "none"],
    ["StringLike pattern", doc(allowRole({ Condition: { StringLike: { "kms:EncryptionContext:LambdaFunctionName": "a*" } } })), "allow"],
    ["ViaService required: the runtime calls KMS itself", doc(allowRole({ Condition: { StringEquals: { "kms:ViaService": "lambda.us-east-1.amazonaws.com" } } })), "none"],
    ["explicit deny wins", doc(allowRole(), { Effect: "Deny", Principal: "*", Action: "kms:Decrypt", Resource: "*" }), "deny"],
    ["deny under a condition that does not hold", doc(allowRole(), { Effect: "Deny", Principal: "*", Action: "kms:*", Resource: "*", Condition: { StringNotEquals: { "kms:CallerAccount": "123456789012" } } }), "allow"],
    ["unknown condition key", doc(allowRole({ Condition: { StringEquals: { "aws:SourceVpce": "vpce-1" } } })), "unknown"],
    ["NotPrincipal", doc({ Effect: "Allow", NotPrincipal: { AWS: "x" }, Action: "kms:*", Resource: "*" }), "unknown"],
    ["not JSON", "{", "unknown"],
  ])("%s → %s", (_label, policy, effect) => {
    expect(evaluateKeyPolicy(policy, q).effect).toBe(effect);
  });

  it("Lambda's at-rest call: a context condition cannot be decided", () => {
    const p = doc(allowRole({ Condition: { StringEquals: { "kms:EncryptionContext:LambdaFunctionName": "api" } } }));
    expect(evaluateKeyPolicy(p, { ...q, context: {}, contextUnknown: true, viaService: null }).effect).toBe("unknown");
  });
});

describe("grantsDecrypt", () => {
  it.each([
    [[{ GrantId: "g", GranteePrincipal: ROLE, Operations: ["Decrypt"] }], true],
    [[{ GrantId: "g", GranteePrincipal: ROLE, Operations: ["Encrypt"] }], false],
    [[{ GrantId: "g", GranteePrincipal: "AROAEXAMPLEID", Operations: ["Decrypt"] }], false],
    [[{ GrantId: "g", GranteePrincipal: ROLE, Operations: ["Decrypt"], Constraints: { EncryptionContextEquals: { LambdaFunctionName: "api" } } }], true],
    [[{ GrantId: "g", GranteePrincipal: ROLE, Operations: ["Decrypt"], Constraints: { EncryptionContextSubset: { LambdaFunctionName: "other" } } }], false],
  ])("%j → %s", (grants, allowed) => {
    expect(grantsDecrypt(grants, q).allowed).toBe(allowed);
  });

  it("at rest: a grant constrained to this function counts, one constrained to something else is unknown", () => {
    const atRest = { ...q, context: {}, contextUnknown: true, functionRefs: ["api", "arn:aws:lambda:us-east-1:123456789012:function:api"] };
    const mine = { GrantId: "g", GranteePrincipal: ROLE, Operations: ["Decrypt"], Constraints: { EncryptionContextEquals: { "aws:lambda:FunctionArn": "arn:aws:lambda:us-east-1:123456789012:function:api" } } };
    expect(grantsDecrypt([mine], atRest).allowed).toBe(true);
    expect(grantsDecrypt([{ ...mine, Constraints: { EncryptionContextEquals: { x: "y" } } }], atRest).allowed).toBeNull();
  });
});

describe("context, manifest entries, injection, sealing keys", () => {
  it("contextFor is the one switch between v1 and v2", () => {
    expect(contextFor("api", "DB", "v1")).toEqual({ LambdaFunctionName: "api" });
    expect(contextFor("api", "ENVSEAL_BUNDLE", "v2")).toEqual({ LambdaFunctionName: "api", EnvsealVariable: "ENVSEAL_BUNDLE" });
    expect(simulationContext(contextFor("api", "DB", "v2")).map((e) => e.ContextKeyName)).toEqual([
      "kms:EncryptionContext:EnvsealVariable",
      "kms:EncryptionContext:LambdaFunctionName",
      "kms:EncryptionContextKeys",
    ]);
  });

  it("parses NAME and NAME:v2, reports the rest", () => {
    expect(parseManifestEntries("BB, AA:v2,bad name,CC:v9")).toEqual({
      entries: [{ name: "AA", version: "v2" }, { name: "BB", version: "v1" }],
      invalid: ["bad name", "CC:v9"],
    });
  });

  it("finds injection variables by name and NODE_OPTIONS by its code flags only", () => {
    const hits = injectionVariables({
      AWS_ENDPOINT_URL_KMS: "https://x",
      NODE_OPTIONS: "--max-old-space-size=512",
      http_proxy: "http://p",
      LD_PRELOAD: "/x.so",
      AWS_LAMBDA_EXEC_WRAPPER: "/w",
      NODE_EXTRA_CA_CERTS: "/ca.pem",
      OTHER: "--require x",
    });
    expect(hits.map((h) => h.name)).toEqual(["AWS_ENDPOINT_URL_KMS", "AWS_LAMBDA_EXEC_WRAPPER", "LD_PRELOAD", "NODE_EXTRA_CA_CERTS", "http_proxy"]);
    expect(injectionVariables({ NODE_OPTIONS: "--enable-source-maps --import ./hook.mjs" }).map((h) => h.name)).toEqual(["NODE_OPTIONS"]);
  });

  it("is the auditor's ES010 table: the same variables (CA bundles, LD_AUDIT, JVM and shell hooks too), words and severities", async () => {
    const audit = await import("../../src/audit/injection.js");
    const vars = { SSL_CERT_FILE: "/ca.pem", LD_AUDIT: "/a.so", JAVA_TOOL_OPTIONS: "-javaagent:/x.jar", ALL_PROXY: "socks5://p", BASH_ENV: "/x.sh", LOG_LEVEL: "info" };
    expect(injectionVariables(vars)).toEqual(audit.injectionVariables(vars));
    expect(injectionVariables(vars).map((h) => [h.name, h.severity])).toEqual([
      ["ALL_PROXY", "medium"],
      ["BASH_ENV", "high"],
      ["JAVA_TOOL_OPTIONS", "high"],
      ["LD_AUDIT", "high"],
      ["SSL_CERT_FILE", "high"],
    ]);
  });

  it("reads NODE_OPTIONS the way Node does (the auditor's ES010 tokeniser): quoted, underscored and escaped flags count", () => {
    const flagged = (value: string) => injectionVariables({ NODE_OPTIONS: value }).length === 1;
    for (const value of ['"--require" /x.js', '--re""quire /x.js', '"\\-\\-import" x', "--inspect_brk", "--experimental_loader=./l.mjs", "--experimental-policy=p.json", "-r\t./x.js"]) {
      expect(flagged(value), value).toBe(true);
    }
    for (const value of ['--title="a --require b"', "--max-old-space-size=512", "--requirex", ""]) expect(flagged(value), value).toBe(false);
  });

  it("a real KMS blob names no key: given, assumed (one key group) or unknown", () => {
    const [a, b] = [fakeSealed("key-one"), fakeSealed("key-two")];
    expect(sealingKeyOf(a, { given: "alias/app" }).source).toBe("given");
    expect(sealingKeyOf(a, { atRestKey: "arn:k", groups: 1 }).source).toBe("assumed-at-rest");
    expect(sealingKeyOf(a, { atRestKey: "arn:k", groups: 2 }).source).toBe("unknown");
    expect(sealingKeyOf(a, {}).group).not.toBe(sealingKeyOf(b, {}).group);
    expect(keyGroups([a, a, "not sealed"])).toBe(1);
    expect(keyGroups([a, b])).toBe(2);
  });
});
