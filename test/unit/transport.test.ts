/**
 * Transport policy units: the suite list, FIPS endpoint resolution through the SDK's own resolver (no network: a
 * build-step middleware records the request host and stops the call), and the mapping of Node/SDK TLS errors to
 * one-line TransportErrors (error shapes as measured against openssl s_server, see docs/transport.md).
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { GetFunctionConfigurationCommand } from "@aws-sdk/client-lambda";
import { ListKeysCommand } from "@aws-sdk/client-kms";
import { InputError, TransportError } from "../../src/core/errors.js";
import { createKmsClient, createLambdaClient, PolicyHttpHandler, type AwsOptions } from "../../src/transport/clients.js";
import { mapCommonAwsError } from "../../src/transport/errors.js";
import { TLS_PEER_OFFER } from "../../src/transport/probe.js";
import { describeTlsFailure } from "../../src/transport/tls-errors.js";
import { CIPHERS, TLS12_SUITES, TLS13_SUITES, tlsAgentOptions } from "../../src/transport/tls.js";

describe("tlsAgentOptions", () => {
  it("pins TLS 1.2–1.3, verification, keep-alive and an explicit forward-secret suite list", () => {
    const o = tlsAgentOptions({ ca: "PEM" });
    expect(o).toMatchObject({ minVersion: "TLSv1.2", maxVersion: "TLSv1.3", rejectUnauthorized: true, keepAlive: true, ciphers: CIPHERS, ca: "PEM" });
    for (const s of TLS12_SUITES) expect(s).toMatch(/^ECDHE-(ECDSA|RSA)-(AES(128|256)-GCM-SHA(256|384)|CHACHA20-POLY1305|AES(128|256)-SHA(256|384))$/);
    expect(TLS13_SUITES.every((s) => s.startsWith("TLS_"))).toBe(true);
    expect(CIPHERS.split(":")).toEqual([...TLS13_SUITES, ...TLS12_SUITES]);
  });
});

/** The host a client would send `command` to, from the SDK's endpoint resolution; the call never leaves. */
interface RecordingClient {
  middlewareStack: unknown;
  send(command: never): Promise<unknown>;
  destroy(): void;
}
type BuildStack = { add(mw: () => (args: { request: unknown }) => Promise<never>, options: { step: "build"; name: string }): void };

async function resolvedHost(client: RecordingClient, command: object): Promise<string> {
  let host = "";
  const stop = Object.assign(new Error("stopped before sending"), { name: "Stopped" });
  (client.middlewareStack as BuildStack).add(
    () => async (args) => {
      host = (args.request as { hostname: string }).hostname;
      throw stop;
    },
    { step: "build", name: "recordHost" },
  );
  await expect((client.send as (c: object) => Promise<unknown>)(command)).rejects.toBe(stop);
  client.destroy();
  return host;
}

describe("FIPS endpoints", () => {
  const saved = { ...process.env };
  beforeEach(() => {
    for (const k of ["AWS_USE_FIPS_ENDPOINT", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_KMS", "AWS_ENDPOINT_URL_LAMBDA", "AWS_CA_BUNDLE", "AWS_PROFILE"]) delete process.env[k];
    process.env.AWS_ACCESS_KEY_ID = "AKIAIOSFODNN7EXAMPLE";
    process.env.AWS_SECRET_ACCESS_KEY = "example";
  });
  afterEach(() => {
    process.env = { ...saved };
  });

  const kms = new ListKeysCommand({});
  const lambda = new GetFunctionConfigurationCommand({ FunctionName: "fn" });

  it.each<[string, AwsOptions, string | undefined, string, string]>([
    ["default", { region: "us-east-1" }, undefined, "kms.us-east-1.amazonaws.com", "lambda.us-east-1.amazonaws.com"],
    ["--fips", { region: "us-east-1", fips: true }, undefined, "kms-fips.us-east-1.amazonaws.com", "lambda-fips.us-east-1.amazonaws.com"],
    ["AWS_USE_FIPS_ENDPOINT=true", { region: "us-west-2" }, "true", "kms-fips.us-west-2.amazonaws.com", "lambda-fips.us-west-2.amazonaws.com"],
    ["AWS_USE_FIPS_ENDPOINT=false", { region: "us-west-2" }, "false", "kms.us-west-2.amazonaws.com", "lambda.us-west-2.amazonaws.com"],
  ])("%s → the SDK resolves the expected hosts", async (_name, options, env, kmsHost, lambdaHost) => {
    if (env !== undefined) process.env.AWS_USE_FIPS_ENDPOINT = env;
    expect(await resolvedHost(createKmsClient(options), kms)).toBe(kmsHost);
    expect(await resolvedHost(createLambdaClient(options), lambda)).toBe(lambdaHost);
  });

  it("refuses FIPS together with a custom endpoint as an input error naming the setting", () => {
    expect(() => createKmsClient({ region: "us-east-1", fips: true, endpointUrl: "https://kms.example.com" })).toThrow(InputError);
    process.env.AWS_USE_FIPS_ENDPOINT = "true";
    process.env.AWS_ENDPOINT_URL = "https://lambda.example.com";
    expect(() => createLambdaClient({ region: "us-east-1" })).toThrow(/AWS_USE_FIPS_ENDPOINT.*custom endpoint/);
  });

  it("builds every client with the policy's request handler", () => {
    for (const client of [createKmsClient({ region: "us-east-1" }), createLambdaClient({ region: "us-east-1" })]) {
      expect(client.config.requestHandler).toBeInstanceOf(PolicyHttpHandler);
      client.destroy();
    }
  });
});

/** A Node socket error as Node 20 raises it for a refused handshake (code EPROTO, OpenSSL reason in the message). */
function eproto(reason: string, alert: number): Error {
  return Object.assign(new Error(`write EPROTO 80ECCBBF0A7F0000:error:0A00042E:SSL routines:ssl3_read_bytes:${reason}:../deps/openssl/openssl/ssl/record/rec_layer_s3.c:1601:SSL alert number ${alert}\n`), {
    code: "EPROTO",
    errno: -71,
    syscall: "write",
    $metadata: { attempts: 1, totalRetryDelay: 0 },
  });
}

function withOffer<T extends object>(err: T, protocol: string, cipher: string): T {
  Object.defineProperty(err, TLS_PEER_OFFER, { value: { protocol, cipher }, enumerable: false });
  return err;
}

describe("TLS error mapping", () => {
  it.each<[string, unknown, string]>([
    ["protocol_version alert, peer chose TLS 1.1", withOffer(eproto("tlsv1 alert protocol version", 70), "TLSv1.1", "ECDHE-ECDSA-AES256-SHA"), "the endpoint offered TLS 1.1; envseal requires 1.2+"],
    ["protocol_version alert, peer chose TLS 1.0", withOffer(eproto("tlsv1 alert protocol version", 70), "TLSv1", "AES256-SHA"), "the endpoint offered TLS 1.0; envseal requires 1.2+"],
    ["protocol_version alert, peer unreachable for the probe", eproto("tlsv1 alert protocol version", 70), "the endpoint refused TLS 1.2 and 1.3 (protocol_version alert); envseal requires 1.2+"],
    ["handshake_failure, peer chose a non-FS suite", withOffer(eproto("sslv3 alert handshake failure", 40), "TLSv1.2", "AES128-GCM-SHA256"), "the endpoint offered only AES128-GCM-SHA256 (TLS 1.2, no forward secrecy)"],
    ["handshake_failure, peer chose DHE", withOffer(eproto("sslv3 alert handshake failure", 40), "TLSv1.2", "DHE-RSA-AES128-GCM-SHA256"), "the endpoint offered only DHE-RSA-AES128-GCM-SHA256 (TLS 1.2, not an accepted suite)"],
    ["handshake_failure, no probe result", eproto("sslv3 alert handshake failure", 40), "the endpoint offered no cipher suite envseal accepts (handshake_failure alert)"],
    ["handshake_failure with an acceptable suite", withOffer(eproto("sslv3 alert handshake failure", 40), "TLSv1.3", "TLS_AES_128_GCM_SHA256"), "the endpoint refused the TLS handshake (handshake_failure alert) although it offers TLS 1.3 with TLS_AES_128_GCM_SHA256"],
    ["ServerHello below 1.2 (client-side unsupported protocol)", Object.assign(new Error("x"), { code: "ERR_SSL_UNSUPPORTED_PROTOCOL" }), "the endpoint offered a TLS version older than 1.2; envseal requires 1.2+"],
    ["plain HTTP on the TLS port", eproto("wrong version number", 0), "the endpoint did not answer in TLS (is it plain HTTP?)"],
    ["self-signed certificate", Object.assign(new Error("self-signed certificate"), { code: "DEPTH_ZERO_SELF_SIGNED_CERT" }), "the endpoint's certificate is self-signed and not trusted"],
    ["private CA not given", Object.assign(new Error("unable to verify the first certificate"), { code: "UNABLE_TO_VERIFY_LEAF_SIGNATURE" }), "the endpoint's certificate is not signed by a trusted CA"],
    ["wrapped by another error as cause", Object.assign(new Error("socket hang up"), { name: "RequestError", cause: withOffer(eproto("tlsv1 alert protocol version", 70), "TLSv1.1", "X") }), "the endpoint offered TLS 1.1; envseal requires 1.2+"],
  ])("%s", (_name, err, message) => {
    const mapped = mapCommonAwsError(err, "kms:Decrypt");
    expect(mapped).toBeInstanceOf(TransportError);
    expect(mapped.exitCode).toBe(3);
    expect(mapped.message).toContain(`kms:Decrypt: ${message}`);
    expect(mapped.oneLine).not.toContain("\n");
  });

  it("leaves non-TLS errors to the other rules", () => {
    expect(describeTlsFailure(Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" }))).toBeUndefined();
    expect(mapCommonAwsError(Object.assign(new Error("x"), { name: "ThrottlingException" }), "kms:Decrypt")).not.toBeInstanceOf(TransportError);
  });

  it("keeps the raw OpenSSL text (addresses, file paths) out of the message and cause", () => {
    const mapped = mapCommonAwsError(eproto("sslv3 alert handshake failure", 40), "lambda:GetFunctionConfiguration");
    expect(mapped.oneLine).not.toMatch(/80ECCBBF|rec_layer|deps\/openssl/);
    expect(JSON.stringify(mapped.cause)).toBe(JSON.stringify({ name: "EPROTO" }));
  });
});
