/** lazyDeps: real clients made on first use and kept, and close() destroys exactly the ones made. */
import { describe, expect, it, vi } from "vitest";
import { KMSClient } from "@aws-sdk/client-kms";
import { LambdaClient } from "@aws-sdk/client-lambda";
import { IAMClient } from "@aws-sdk/client-iam";
import { lazyDeps } from "../../src/ops/deps.js";

describe("lazyDeps", () => {
  it("each getter returns one client of its kind, the same on every call", () => {
    const deps = lazyDeps({ region: "eu-west-1" });
    const kms = deps.kms();
    const lambda = deps.lambda();
    const iam = deps.iam!();
    expect(kms).toBeInstanceOf(KMSClient);
    expect(lambda).toBeInstanceOf(LambdaClient);
    expect(iam).toBeInstanceOf(IAMClient);
    expect([deps.kms(), deps.lambda(), deps.iam!()]).toEqual([kms, lambda, iam]);
    expect(deps.kms()).toBe(kms);
    expect(deps.lambda()).toBe(lambda);
    expect(deps.iam!()).toBe(iam);
    deps.close!();
  });

  it("close destroys every client made so far", () => {
    const deps = lazyDeps({ region: "eu-west-1" });
    const spies = [vi.spyOn(deps.kms(), "destroy"), vi.spyOn(deps.lambda(), "destroy"), vi.spyOn(deps.iam!(), "destroy")];
    deps.close!();
    expect(spies.map((s) => s.mock.calls.length)).toEqual([1, 1, 1]);
  });

  it("close before any client was made, or with only some made, does not throw and destroys only those", () => {
    expect(() => lazyDeps({ region: "eu-west-1" }).close!()).not.toThrow();
    const onlyIam = lazyDeps({ region: "eu-west-1" });
    const iamSpy = vi.spyOn(onlyIam.iam!(), "destroy");
    expect(() => onlyIam.close!()).not.toThrow();
    expect(iamSpy).toHaveBeenCalledTimes(1);
    const onlyKms = lazyDeps({ region: "eu-west-1" });
    const kmsSpy = vi.spyOn(onlyKms.kms(), "destroy");
    expect(() => onlyKms.close!()).not.toThrow();
    expect(kmsSpy).toHaveBeenCalledTimes(1);
  });
});
