/**
 * Throttling through the real SDK stack (no aws-sdk-client-mock here: it would bypass the retry middleware).
 * A fake request handler answers 429 TooManyRequestsException, then the page.
 */
import { describe, expect, it } from "vitest";
import { Readable } from "node:stream";
import { KMSClient } from "@aws-sdk/client-kms";
import { LambdaClient } from "@aws-sdk/client-lambda";
import { AccountClient } from "@aws-sdk/client-account";
import { audit } from "../../src/audit/run.js";
import type { AuditClients } from "../../src/audit/clients.js";
import { RateLimiter, rateLimited } from "../../src/audit/ratelimit.js";
import { runScheduledAudit, configFrom } from "../../handlers/audit.js";

const creds = { accessKeyId: "AKIDTEST", secretAccessKey: "test" };

/** An HTTP response as the SDK's deserializers expect it (smithy checks the shape, not the class). */
function response(status: number, body: unknown, headers: Record<string, string> = {}) {
  return {
    response: {
      statusCode: status,
      reason: status === 200 ? "OK" : "Too Many Requests",
      headers: { "content-type": "application/json", ...headers },
      body: Readable.from([Buffer.from(JSON.stringify(body))]),
    },
  };
}

type HttpRequest = { method: string; path: string };

/** A handler that throttles the first `throttles` requests, then serves one page of functions. */
function throttlingHandler(throttles: number, functions: unknown[]) {
  const requests: HttpRequest[] = [];
  return {
    requests,
    handler: {
      handle: async (req: HttpRequest) => {
        requests.push(req);
        if (requests.length <= throttles) {
          return response(429, { Type: "User", message: "Rate exceeded" }, { "x-amzn-errortype": "TooManyRequestsException:" });
        }
        return response(200, { Functions: functions });
      },
      updateHttpClientConfig: () => undefined,
      httpHandlerConfigs: () => ({}),
    },
  };
}

function clientsWith(handler: ReturnType<typeof throttlingHandler>["handler"], limiter: RateLimiter): AuditClients {
  return {
    lambda: (region) =>
      rateLimited(new LambdaClient({ region, credentials: creds, requestHandler: handler, retryMode: "adaptive", maxAttempts: 6 }), limiter),
    kms: (region) => new KMSClient({ region, credentials: creds }),
    account: () => new AccountClient({ region: "us-east-1", credentials: creds }),
    defaultRegion: async () => "us-east-1",
  };
}

const FN = {
  FunctionName: "api",
  FunctionArn: "arn:aws:lambda:us-east-1:111122223333:function:api",
  Version: "$LATEST",
  Environment: { Variables: { DB_PASSWORD: "plaintext-password-here" } },
};

describe("throttling", () => {
  it("a throttled ListFunctions is retried (each attempt paced) and never becomes a finding or a failure", async () => {
    const { handler, requests } = throttlingHandler(2, [FN]);
    let acquired = 0;
    const limiter = new RateLimiter(1000);
    const acquire = limiter.acquire.bind(limiter);
    limiter.acquire = async () => {
      acquired++;
      return acquire();
    };
    const report = await audit({ regions: ["us-east-1"], ignore: ["ES004"] }, clientsWith(handler, limiter));
    expect(requests).toHaveLength(3);
    expect(acquired).toBe(3);
    expect(report.findings.map((f) => f.ruleId)).toEqual(["ES001"]);
    expect(JSON.stringify(report)).not.toMatch(/Throttl|TooManyRequests/);
  }, 30_000);

  it("the scheduled handler logs one JSON line per finding and a summary line", async () => {
    const { handler } = throttlingHandler(1, [FN]);
    const lines: string[] = [];
    const config = configFrom({ ENVSEAL_AUDIT_REGIONS: "us-east-1", ENVSEAL_AUDIT_IGNORE: "ES004" });
    const summary = await runScheduledAudit(config, { clients: clientsWith(handler, new RateLimiter(1000)), log: (l) => lines.push(l) });
    const parsed = lines.map((l) => JSON.parse(l));
    expect(parsed.map((p) => p.type)).toEqual(["envseal.audit.finding", "envseal.audit.summary"]);
    expect(parsed[0]).toMatchObject({ ruleId: "ES001", variable: "DB_PASSWORD", functionArn: FN.FunctionArn });
    expect(parsed[1]).toMatchObject({ regions: ["us-east-1"], functionsScanned: 1, findingsTotal: 1, failed: false });
    expect(summary.findingsTotal).toBe(1);
    expect(lines.join("\n")).not.toContain("plaintext-password-here");
  }, 30_000);

  it("the handler fails the invocation when ENVSEAL_AUDIT_FAIL_ON is reached, after logging", async () => {
    const { handler } = throttlingHandler(0, [FN]);
    const lines: string[] = [];
    // DB_PASSWORD is found by name + entropy: medium confidence, medium severity.
    const config = configFrom({ ENVSEAL_AUDIT_REGIONS: "us-east-1", ENVSEAL_AUDIT_FAIL_ON: "medium" });
    await expect(runScheduledAudit(config, { clients: clientsWith(handler, new RateLimiter(1000)), log: (l) => lines.push(l) })).rejects.toThrow(
      /findings at or above medium remain/,
    );
    expect(lines.at(-1)).toContain('"type":"envseal.audit.summary"');
  });

  it("handler configuration: ENVSEAL_EMULATOR is read and checked", () => {
    expect(configFrom({ AWS_REGION: "eu-west-1", ENVSEAL_EMULATOR: "moto" }).emulator).toBe("moto");
    expect(configFrom({ AWS_REGION: "eu-west-1" }).emulator).toBeUndefined();
    expect(() => configFrom({ AWS_REGION: "eu-west-1", ENVSEAL_EMULATOR: "kms-local" })).toThrow(/ENVSEAL_EMULATOR/);
  });

  it("handler configuration: defaults, all, and bad values", () => {
    expect(configFrom({ AWS_REGION: "eu-west-1" })).toEqual({ regions: ["eu-west-1"], allVersions: false, requireCmk: false, ignore: [], failOn: "none", securityHub: false });
    expect(configFrom({ ENVSEAL_AUDIT_REGIONS: "all", ENVSEAL_AUDIT_ALL_VERSIONS: "true", ENVSEAL_AUDIT_REQUIRE_CMK: "1" })).toMatchObject({
      regions: "all",
      allVersions: true,
      requireCmk: true,
    });
    expect(() => configFrom({})).toThrow(/ENVSEAL_AUDIT_REGIONS/);
    expect(() => configFrom({ AWS_REGION: "eu-west-1", ENVSEAL_AUDIT_FAIL_ON: "severe" })).toThrow(/FAIL_ON/);
  });
});
