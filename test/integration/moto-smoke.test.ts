import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GetFunctionConfigurationCommand } from "@aws-sdk/client-lambda";
import { createFunction, createKey, motoAvailable, motoClients, startMoto, type Moto } from "../support/moto.js";

describe.skipIf(!motoAvailable())("moto test support", () => {
  let moto: Moto;
  beforeAll(async () => {
    moto = await startMoto();
  });
  afterAll(async () => {
    await moto?.stop();
  });

  it("starts on a free loopback port and serves KMS and Lambda", async () => {
    expect(moto.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const { kms, lambda } = motoClients(moto);
    const key = await createKey(kms, "alias/smoke");
    expect(key.arn).toMatch(/^arn:aws:kms:us-east-1:\d{12}:key\//);
    await createFunction(lambda, "smoke-fn", { A: "1" });
    const cfg = await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: "smoke-fn" }));
    expect(cfg.Environment?.Variables).toEqual({ A: "1" });
  });
});
