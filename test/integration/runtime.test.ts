import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EncryptCommand } from "@aws-sdk/client-kms";
import { GetFunctionConfigurationCommand, UpdateFunctionConfigurationCommand } from "@aws-sdk/client-lambda";
import { encodeBundle, encodeSealed, encryptionContext } from "../../src/core/format.js";
import { canary, expectNoCanary } from "../support/canary.js";
import { runBuiltCli } from "../support/cli.js";
import { createFunction, createKey, motoAvailable, motoClients, startMoto, type Moto } from "../support/moto.js";
import { CJS_DRIVER, DIST, ESM_DRIVER, lambdaEnv as motoLambdaEnv, runNode as runUnder, sha256 } from "../support/runtime-moto.js";
import { NODES } from "../support/nodes.js";
import { awscliAvailable, awsEncrypt } from "../support/awscli.js";

const FN = "orders-api";

describe.skipIf(!motoAvailable())("envseal/runtime against moto", () => {
  let moto: Moto;
  let variables: Record<string, string>;
  const values = { DB_PASSWORD: canary("db"), API_KEY: canary("api"), CONSOLE_TOKEN: canary("console"), STRIPE_KEY: canary("stripe"), SMTP_PASS: canary("smtp") };
  const planted = Object.values(values);
  const expectAll = JSON.stringify(Object.fromEntries(Object.entries(values).map(([k, v]) => [k, sha256(v)])));

  beforeAll(async () => {
    moto = await startMoto();
    const { kms, lambda } = motoClients(moto);
    const key = await createKey(kms, "alias/app");
    await createFunction(lambda, FN, { LOG_LEVEL: "debug" });
    // Two pushes with the built CLI, each value on stdin.
    for (const name of ["DB_PASSWORD", "API_KEY"] as const) {
      const run = await runBuiltCli(["--endpoint-url", moto.url, "push", "--function", FN, "--key", "alias/app", name, "--plain", "LOG_LEVEL=info", "--yes"], {
        env: moto.env(),
        stdin: values[name],
      });
      expect(run.code, run.stderr).toBe(0);
      expectNoCanary(planted, { "push stdout": run.stdout, "push stderr": run.stderr });
    }
    // A console-style value (awscli, no manifest entry) and a bundle built here with KMS Encrypt.
    const current = (await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: FN }))).Environment?.Variables ?? {};
    const consoleToken = awscliAvailable()
      ? awsEncrypt(moto, "alias/app", values.CONSOLE_TOKEN, FN)
      : encodeSealed((await kms.send(new EncryptCommand({ KeyId: "alias/app", Plaintext: Buffer.from(values.CONSOLE_TOKEN), EncryptionContext: encryptionContext(FN) }))).CiphertextBlob!);
    const bundle = await kms.send(
      new EncryptCommand({ KeyId: key.arn, Plaintext: encodeBundle({ STRIPE_KEY: values.STRIPE_KEY, SMTP_PASS: values.SMTP_PASS }), EncryptionContext: encryptionContext(FN) }),
    );
    await lambda.send(
      new UpdateFunctionConfigurationCommand({
        FunctionName: FN,
        Environment: { Variables: { ...current, CONSOLE_TOKEN: consoleToken, ENVSEAL_BUNDLE: encodeSealed(bundle.CiphertextBlob!) } },
      }),
    );
    variables = (await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: FN }))).Environment?.Variables ?? {};
  });
  afterAll(async () => {
    await moto?.stop();
  });

  it("the CLI wrote sealed values and a manifest, not plaintext", () => {
    expect(variables.ENVSEAL_SEALED).toBe("API_KEY,DB_PASSWORD");
    expect(variables.LOG_LEVEL).toBe("info");
    expectNoCanary(planted, { "function configuration": JSON.stringify(variables) });
  });

  describe.each(NODES.flatMap(([label, node]) => (["lean", "sdk"] as const).map((t) => [label, node, t] as const)))("%s, %s KMS path", (_label, node, transport) => {
  const runNode = (args: readonly string[], env: Record<string, string>) => runUnder(args, env, node);
  const lambdaEnv = (m: Moto, fn: string, vars: Record<string, string>): Record<string, string> => ({ ...motoLambdaEnv(m, fn, vars), ENVSEAL_KMS_TRANSPORT: transport });
  it("ESM: the reference handler (top-level await) opens the manifest and the bundle; names opens the awscli-sealed value", async () => {
    const run = await runNode([ESM_DRIVER], { ...lambdaEnv(moto, FN, variables), DRIVER_DIST: DIST, DRIVER_NAMES: "CONSOLE_TOKEN", DRIVER_EXPECT: expectAll });
    expect(run.code, run.stderr).toBe(0);
    const lines = run.stdout.trim().split("\n");
    const log = JSON.parse(lines[0]!);
    expect(log).toMatchObject({ msg: "envseal: secrets opened", count: 4, names: ["API_KEY", "DB_PASSWORD", "SMTP_PASS", "STRIPE_KEY"] });
    const out = JSON.parse(lines.at(-1)!);
    expect(out.handler).toEqual({ opened: ["API_KEY", "DB_PASSWORD", "SMTP_PASS", "STRIPE_KEY"], coldStart: true });
    expect(out.opened).toEqual(["API_KEY", "CONSOLE_TOKEN", "DB_PASSWORD", "SMTP_PASS", "STRIPE_KEY"]);
    expect(out.frozen).toBe(true);
    expect(out.matches).toEqual({ DB_PASSWORD: true, API_KEY: true, CONSOLE_TOKEN: true, STRIPE_KEY: true, SMTP_PASS: true });
    expectNoCanary(planted, { stdout: run.stdout, stderr: run.stderr });
  });

  it("CJS: require() of the built runtime with withSecrets opens every value", async () => {
    const run = await runNode([CJS_DRIVER], { ...lambdaEnv(moto, FN, variables), DRIVER_DIST: DIST, DRIVER_NAMES: "CONSOLE_TOKEN", DRIVER_EXPECT: expectAll });
    expect(run.code, run.stderr).toBe(0);
    const out = JSON.parse(run.stdout.trim());
    expect(out.opened).toEqual(["API_KEY", "CONSOLE_TOKEN", "DB_PASSWORD", "SMTP_PASS", "STRIPE_KEY"]);
    expect(out.matches).toEqual({ DB_PASSWORD: true, API_KEY: true, CONSOLE_TOKEN: true, STRIPE_KEY: true, SMTP_PASS: true });
    expectNoCanary(planted, { stdout: run.stdout, stderr: run.stderr });
  });

  it("the wrong function name fails the init with an error naming the variable and `envseal copy`", async () => {
    const run = await runNode([`${DIST}/handlers/reference.js`], lambdaEnv(moto, "billing-api", variables));
    expect(run.code).not.toBe(0);
    expect(run.stderr).toContain("UnsealError");
    expect(run.stderr).toContain("API_KEY: does not open with encryption context LambdaFunctionName=billing-api");
    expect(run.stderr).toContain("sealed for another function name? see `envseal copy`");
    expect(run.stderr).toContain("InvalidCiphertextException");
    expectNoCanary(planted, { stdout: run.stdout, stderr: run.stderr });
  });

  it("CJS: the wrong function name rejects with UnsealError for the variable", async () => {
    const run = await runNode([CJS_DRIVER], { ...lambdaEnv(moto, "billing-api", { CONSOLE_TOKEN: variables.CONSOLE_TOKEN! }), DRIVER_DIST: DIST, DRIVER_NAMES: "CONSOLE_TOKEN" });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^UnsealError CONSOLE_TOKEN InvalidCiphertextException: CONSOLE_TOKEN: .*sealed for another function name\?/);
    expectNoCanary(planted, { stdout: run.stdout, stderr: run.stderr });
  });

  it("without AWS_LAMBDA_FUNCTION_NAME the init fails before any decrypt", async () => {
    const env = lambdaEnv(moto, FN, variables);
    delete env.AWS_LAMBDA_FUNCTION_NAME;
    const run = await runNode([`${DIST}/handlers/reference.js`], env);
    expect(run.code).not.toBe(0);
    expect(run.stderr).toContain("no function name for the encryption context");
  });
});
});
