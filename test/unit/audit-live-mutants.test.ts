/**
 * Live input, exact behaviour: `parseRegions` (the region-name pattern, `all`, errors and hints), `enabledRegions`
 * (ListRegions input, skipped entries, sorting, each failure's message, code and hint), `resolveRegions`, and
 * `listRegion` (page input, pages handed over in order and never overlapping, errors passed through or mapped).
 *
 * The module is loaded in `beforeAll` (not by a static import), so its module-level region pattern counts for these
 * tests in a mutation run.
 */
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { mockClient } from "aws-sdk-client-mock";
import { AccountClient, ListRegionsCommand } from "@aws-sdk/client-account";
import { LambdaClient, ListFunctionsCommand, type FunctionConfiguration } from "@aws-sdk/client-lambda";
import { KMSClient } from "@aws-sdk/client-kms";
import type { AuditClients } from "../../src/audit/clients.js";
import { AwsError, EnvsealError, InputError } from "../../src/core/errors.js";
import { sdkError } from "../support/sdk-errors.js";

let live: typeof import("../../src/audit/live.js");
beforeAll(async () => {
  live = await import("../../src/audit/live.js");
});

const lambdaMock = mockClient(LambdaClient);
const accountMock = mockClient(AccountClient);
beforeEach(() => {
  lambdaMock.reset();
  accountMock.reset();
});

const creds = { accessKeyId: "AKIDTEST", secretAccessKey: "test" };
function testClients(defaultRegion: string | null = "us-east-1"): AuditClients {
  return {
    lambda: (region) => new LambdaClient({ region, credentials: creds }),
    kms: (region) => new KMSClient({ region, credentials: creds }),
    account: () => new AccountClient({ region: "us-east-1", credentials: creds }),
    defaultRegion: async () => defaultRegion ?? undefined,
  };
}

/** What a rejected promise rejected with. */
const failure = (p: Promise<unknown>) => p.then(() => undefined, (e: unknown) => e);

const ALL_HINT = "pass the regions explicitly (--regions us-east-1,eu-west-1)";
const GRANT_HINT = "grant account:ListRegions, or pass the regions explicitly (--regions us-east-1,eu-west-1)";

describe("parseRegions", () => {
  it.each([
    ["us-east-1", ["us-east-1"]],
    ["eu-central-2", ["eu-central-2"]],
    ["us-gov-west-1", ["us-gov-west-1"]],
    ["cn-northwest-1", ["cn-northwest-1"]],
    ["ap-southeast-10", ["ap-southeast-10"]],
    ["il-central-1,me-south-1", ["il-central-1", "me-south-1"]],
  ])("%s is accepted", (value, expected) => {
    expect(live.parseRegions(value)).toEqual(expected);
  });

  it.each([" all ", "all", "\tall\n"])("%j is all", (value) => {
    expect(live.parseRegions(value)).toBe("all");
  });

  it.each(["1us-east-1", "xus-east-1", "u-east-1", "us-east-1x", "us-east-", "us-east-x", "useast-1", "us-1", "US-EAST-1", "us-east1", "us--1", "us-e4st-1", "all,us-east-1"])(
    "%s is not a region name",
    (value) => {
      const err = (() => {
        try {
          live.parseRegions(value);
        } catch (e) {
          return e;
        }
        return undefined;
      })();
      expect(err).toBeInstanceOf(InputError);
      expect(err).toMatchObject({ message: `--regions: "${value.split(",")[0]}" is not a region name`, hint: "e.g. us-east-1,eu-west-1, or all" });
    },
  );

  it("a long bad name is cut to its first 40 characters in the message", () => {
    const long = `us-east-1-${"x".repeat(60)}`;
    expect(() => live.parseRegions(long)).toThrow(`--regions: "${long.slice(0, 40)}" is not a region name`);
    expect(() => live.parseRegions(long)).not.toThrow(long.slice(0, 41));
  });

  it.each(["", ",", " , ,"])("%j is empty", (value) => {
    expect(() => live.parseRegions(value)).toThrow(InputError);
    try {
      live.parseRegions(value);
    } catch (e) {
      expect(e).toMatchObject({ message: "--regions is empty", hint: "pass all or a comma-separated list such as us-east-1,eu-west-1" });
    }
  });
});

describe("enabledRegions", () => {
  it("asks ListRegions for enabled regions (50 a page), skips nameless entries, follows NextToken, sorts", async () => {
    // The paginator reuses one input object (it sets NextToken on it): copy each as it is sent.
    const inputs: unknown[] = [];
    accountMock.on(ListRegionsCommand).callsFake((input: { NextToken?: string }) => {
      inputs.push(structuredClone(input));
      return input.NextToken
        ? { Regions: [{ RegionName: "eu-west-1" }] }
        : { Regions: [{ RegionName: "us-east-1" }, { RegionOptStatus: "ENABLED" }, { RegionName: "ap-east-1" }], NextToken: "t" };
    });
    expect(await live.enabledRegions(testClients())).toEqual(["ap-east-1", "eu-west-1", "us-east-1"]);
    expect(inputs).toEqual([
      { RegionOptStatusContains: ["ENABLED", "ENABLED_BY_DEFAULT"], MaxResults: 50 },
      { RegionOptStatusContains: ["ENABLED", "ENABLED_BY_DEFAULT"], MaxResults: 50, NextToken: "t" },
    ]);
  });

  it("a page without Regions adds nothing", async () => {
    accountMock.on(ListRegionsCommand).resolvesOnce({ NextToken: "t" }).resolvesOnce({ Regions: [{ RegionName: "eu-west-1" }] });
    expect(await live.enabledRegions(testClients())).toEqual(["eu-west-1"]);
  });

  it("no enabled region at all is a NoRegions AwsError", async () => {
    accountMock.on(ListRegionsCommand).resolves({ Regions: [] });
    const err = await failure(live.enabledRegions(testClients()));
    expect(err).toBeInstanceOf(AwsError);
    expect(err).toMatchObject({ message: "--regions all: account:ListRegions returned no enabled region", code: "NoRegions", operation: "account:ListRegions" });
  });

  it("no Regions field and only nameless entries are no region either", async () => {
    accountMock.on(ListRegionsCommand).resolves({ Regions: [{ RegionOptStatus: "ENABLED" }] });
    await expect(live.enabledRegions(testClients())).rejects.toMatchObject({ code: "NoRegions" });
    accountMock.reset();
    accountMock.on(ListRegionsCommand).resolves({});
    await expect(live.enabledRegions(testClients())).rejects.toMatchObject({ code: "NoRegions" });
  });

  it.each([404, 501])("HTTP %i: the endpoint does not serve the Account API (AccountApiUnavailable)", async (status) => {
    const cause = sdkError("UnknownError", status);
    accountMock.on(ListRegionsCommand).rejects(cause);
    const err = await failure(live.enabledRegions(testClients()));
    expect(err).toBeInstanceOf(AwsError);
    expect(err).toMatchObject({
      message: `--regions all: the endpoint does not serve the Account API's ListRegions (HTTP ${status})`,
      code: "AccountApiUnavailable",
      operation: "account:ListRegions",
      hint: ALL_HINT,
    });
    expect((err as EnvsealError).cause).toBeDefined();
  });

  it.each([
    ["AccessDeniedException", 403],
    ["UnauthorizedOperation", 400],
  ])("%s: denied, the hint says which permission to grant", async (name, status) => {
    accountMock.on(ListRegionsCommand).rejects(sdkError(name, status));
    const err = await failure(live.enabledRegions(testClients()));
    expect(err).toBeInstanceOf(AwsError);
    expect(err).toMatchObject({ code: name, operation: "account:ListRegions", hint: GRANT_HINT });
    if (status === 403) expect((err as Error).message).toBe("--regions all: access denied: the caller lacks account:ListRegions");
    else expect((err as Error).message).toBe("--regions all: account:ListRegions failed: UnauthorizedOperation (HTTP 400)");
  });

  it("another AWS failure (throttling, HTTP 500): the mapped message, its code, the plain hint", async () => {
    accountMock.on(ListRegionsCommand).rejects(sdkError("ThrottlingException", 400));
    const err = await failure(live.enabledRegions(testClients()));
    expect(err).toMatchObject({
      message: "--regions all: account:ListRegions: AWS throttled the request and retries ran out (ThrottlingException)",
      code: "ThrottlingException",
      operation: "account:ListRegions",
      hint: ALL_HINT,
    });
    accountMock.reset();
    accountMock.on(ListRegionsCommand).rejects(sdkError("InternalFailure", 500));
    expect(await failure(live.enabledRegions(testClients()))).toMatchObject({
      message: "--regions all: account:ListRegions failed: InternalFailure (HTTP 500)",
      code: "InternalFailure",
      hint: ALL_HINT,
    });
  });

  it("an error without $metadata (a socket error) is mapped, not a TypeError", async () => {
    accountMock.on(ListRegionsCommand).rejects(Object.assign(new Error("getaddrinfo ENOTFOUND account.us-east-1.amazonaws.com"), { code: "ENOTFOUND" }));
    const err = await failure(live.enabledRegions(testClients()));
    expect(err).toBeInstanceOf(AwsError);
    expect(err).toMatchObject({ message: "--regions all: account:ListRegions: network error (ENOTFOUND)", code: "ENOTFOUND", operation: "account:ListRegions", hint: ALL_HINT });
  });

  it("a failure mapped to a non-AWS error (no region) keeps its message under code Error", async () => {
    accountMock.on(ListRegionsCommand).rejects(new Error("Region is missing"));
    const err = await failure(live.enabledRegions(testClients()));
    expect(err).toBeInstanceOf(AwsError);
    expect(err).toMatchObject({ message: "--regions all: no AWS region is set", code: "Error", operation: "account:ListRegions", hint: ALL_HINT });
  });
});

describe("resolveRegions", () => {
  it("a list is used as given; all asks the Account API", async () => {
    expect(await live.resolveRegions(testClients(), ["eu-west-1", "us-east-1"])).toEqual(["eu-west-1", "us-east-1"]);
    accountMock.on(ListRegionsCommand).resolves({ Regions: [{ RegionName: "sa-east-1" }] });
    expect(await live.resolveRegions(testClients(), "all")).toEqual(["sa-east-1"]);
  });

  it("no list, or an empty one: the configured region", async () => {
    expect(await live.resolveRegions(testClients("ca-central-1"), undefined)).toEqual(["ca-central-1"]);
    expect(await live.resolveRegions(testClients("ca-central-1"), [])).toEqual(["ca-central-1"]);
  });

  it("no region configured is an InputError with a hint", async () => {
    const err = await failure(live.resolveRegions(testClients(null), []));
    expect(err).toBeInstanceOf(InputError);
    expect(err).toMatchObject({ message: "no AWS region is set", hint: "pass --regions (or --region), or set AWS_REGION" });
  });
});

describe("listRegion", () => {
  const fn = (name: string): FunctionConfiguration => ({ FunctionName: name });

  /** ListFunctions answering `pages` in turn, following Marker/NextMarker. */
  function serve(pages: (FunctionConfiguration[] | undefined)[]): unknown[] {
    // The paginator reuses one input object (it sets Marker on it): copy each as it is sent.
    const inputs: unknown[] = [];
    lambdaMock.on(ListFunctionsCommand).callsFake(async (input: { Marker?: string }) => {
      inputs.push(structuredClone(input));
      const i = input.Marker ? Number(input.Marker) : 0;
      const functions = pages[i];
      return { ...(functions ? { Functions: functions } : {}), ...(i + 1 < pages.length ? { NextMarker: String(i + 1) } : {}) };
    });
    return inputs;
  }

  it("pages of 50 (FunctionVersion ALL only with allVersions), handed over in order", async () => {
    let inputs = serve([[fn("a"), fn("b")], [fn("c")]]);
    const seen: string[][] = [];
    await live.listRegion(testClients(), "eu-west-1", false, async (fns) => void seen.push(fns.map((f) => f.FunctionName!)));
    expect(seen).toEqual([["a", "b"], ["c"]]);
    expect(inputs).toEqual([{ MaxItems: 50 }, { MaxItems: 50, Marker: "1" }]);
    lambdaMock.reset();
    inputs = serve([[fn("a"), fn("b")], [fn("c")]]);
    await live.listRegion(testClients(), "eu-west-1", true, async () => undefined);
    expect(inputs).toEqual([
      { MaxItems: 50, FunctionVersion: "ALL" },
      { MaxItems: 50, FunctionVersion: "ALL", Marker: "1" },
    ]);
  });

  it("a page without Functions is handed over as an empty list", async () => {
    serve([undefined, [fn("x")]]);
    const seen: FunctionConfiguration[][] = [];
    await live.listRegion(testClients(), "eu-west-1", false, async (fns) => void seen.push(fns));
    expect(seen).toEqual([[], [fn("x")]]);
  });

  it("onPage calls never overlap, and listRegion returns only after the last one has finished", async () => {
    serve([[fn("a")], [fn("b")], [fn("c")]]);
    let active = 0;
    let most = 0;
    const done: string[] = [];
    await live.listRegion(testClients(), "eu-west-1", false, async (fns) => {
      active++;
      most = Math.max(most, active);
      for (let i = 0; i < 5; i++) await new Promise((r) => setTimeout(r, 1));
      done.push(fns[0]!.FunctionName!);
      active--;
    });
    expect(most).toBe(1);
    expect(done).toEqual(["a", "b", "c"]);
  });

  it("an AwsError or InputError thrown by onPage comes out unchanged", async () => {
    serve([[fn("a")], [fn("b")]]);
    const aws = new AwsError("kms:DescribeKey failed", { code: "X", operation: "kms:DescribeKey" });
    expect(await failure(live.listRegion(testClients(), "eu-west-1", false, async () => Promise.reject(aws)))).toBe(aws);
    const input = new InputError("bad input");
    expect(await failure(live.listRegion(testClients(), "eu-west-1", false, async () => Promise.reject(input)))).toBe(input);
  });

  it("a failing first page's onPage is seen even when later pages succeed", async () => {
    serve([[fn("a")], [fn("b")], [fn("c")]]);
    const input = new InputError("page one");
    const err = await failure(
      live.listRegion(testClients(), "eu-west-1", false, async (fns) => {
        if (fns[0]!.FunctionName === "a") {
          await new Promise((r) => setTimeout(r, 5));
          throw input;
        }
      }),
    );
    expect(err).toBe(input);
  });

  it("a ListFunctions failure: an AwsError naming the region, its code, the operation and the mapped hint", async () => {
    lambdaMock.on(ListFunctionsCommand).rejects(sdkError("AccessDeniedException", 403));
    const err = await failure(live.listRegion(testClients(), "eu-central-1", false, async () => undefined));
    expect(err).toBeInstanceOf(AwsError);
    expect(err).toMatchObject({
      message: "eu-central-1: access denied: the caller lacks lambda:ListFunctions",
      code: "AccessDeniedException",
      operation: "lambda:ListFunctions",
      hint: "grant lambda:ListFunctions to your identity (see `envseal policy`)",
    });
  });

  it("a failure mapped to a non-AWS error keeps its message under code Error", async () => {
    lambdaMock.on(ListFunctionsCommand).rejects(new Error("Region is missing"));
    const err = await failure(live.listRegion(testClients(), "eu-central-1", false, async () => undefined));
    expect(err).toBeInstanceOf(AwsError);
    expect(err).toMatchObject({ message: "eu-central-1: no AWS region is set", code: "Error", operation: "lambda:ListFunctions", hint: "pass --region or set AWS_REGION" });
  });

  it("an envseal error without a hint gets the default hint", async () => {
    lambdaMock.on(ListFunctionsCommand).rejects(new EnvsealError("something odd"));
    const err = await failure(live.listRegion(testClients(), "eu-central-1", false, async () => undefined));
    expect(err).toBeInstanceOf(AwsError);
    expect(err).toMatchObject({ message: "eu-central-1: something odd", code: "Error", operation: "lambda:ListFunctions", hint: "check the region and your permissions" });
  });
});
