import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GetFunctionConfigurationCommand, UpdateFunctionConfigurationCommand, type LambdaClient } from "@aws-sdk/client-lambda";
import { createFunction, createKey, motoAvailable, motoClients, startMoto, type Moto } from "../support/moto.js";
import { runBuiltCli, type CliRun } from "../support/cli.js";
import { awsDecrypt, awsEncrypt } from "../support/awscli.js";
import { canary, expectNoCanary } from "../support/canary.js";
import { loadInChild } from "../support/runtime-child.js";

describe.skipIf(!motoAvailable())("key lifecycle against moto: bundle, rotate, copy, adopt, policy", () => {
  let moto: Moto;
  let lambda: LambdaClient;
  let app: { arn: string };
  let next: { arn: string };
  const canaries: string[] = [];
  const runs: CliRun[] = [];
  const cli = async (args: string[], stdin?: string) => {
    const r = await runBuiltCli(["--endpoint-url", moto.url, ...args], { env: moto.env(), ...(stdin !== undefined ? { stdin } : {}) });
    runs.push(r);
    return r;
  };
  const vars = async (fn: string) => (await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: fn }))).Environment?.Variables ?? {};
  const secret = (label: string) => {
    const c = canary(label);
    canaries.push(c);
    return c;
  };

  beforeAll(async () => {
    moto = await startMoto();
    const clients = motoClients(moto);
    lambda = clients.lambda;
    app = await createKey(clients.kms, "alias/app");
    next = await createKey(clients.kms, "alias/next");
  });
  afterAll(async () => {
    runs.forEach((r, i) => expectNoCanary(canaries, { [`run ${i} stdout`]: r.stdout, [`run ${i} stderr`]: r.stderr }));
    await moto?.stop();
  });

  it("the runtime opens every bundle the CLI writes, and moving between bundle and variables loses nothing", async () => {
    await createFunction(lambda, "bundle-fn", { KEEP: "kept" });
    const [a, b, c] = [secret("a"), secret("b"), secret("c")];
    expect((await cli(["push", "-f", "bundle-fn", "-k", "alias/app", "--bundle", "A_ONE", "B_TWO"], `${a}\n${b}\n`)).code).toBe(0);
    let v = await vars("bundle-fn");
    expect(Object.keys(v).sort()).toEqual(["ENVSEAL_BUNDLE", "ENVSEAL_SEALED", "KEEP"]);
    expect(v.ENVSEAL_SEALED).toBe("ENVSEAL_BUNDLE:v2");
    const doc = JSON.parse(awsDecrypt(moto, v.ENVSEAL_BUNDLE!, "bundle-fn", "ENVSEAL_BUNDLE").plaintext);
    expect(doc).toEqual({ envseal: 2, generation: 1, sealedAt: expect.any(String), secrets: { A_ONE: a, B_TWO: b } });
    expect((await loadInChild(moto, "bundle-fn", v)).secrets).toEqual({ A_ONE: a, B_TWO: b });

    // Adding to the existing bundle (default storage follows the function).
    expect((await cli(["push", "-f", "bundle-fn", "-k", "alias/app", "C_THREE"], c)).code).toBe(0);
    v = await vars("bundle-fn");
    expect((await loadInChild(moto, "bundle-fn", v)).secrets).toEqual({ A_ONE: a, B_TWO: b, C_THREE: c });
    const shown = JSON.parse((await cli(["-o", "json", "show", "-f", "bundle-fn"])).stdout);
    expect(shown.variables.filter((x: { kind: string }) => x.kind === "bundled").map((x: { name: string }) => x.name)).toEqual(["A_ONE", "B_TWO", "C_THREE"]);

    // Out of the bundle, then back in.
    expect((await cli(["push", "-f", "bundle-fn", "-k", "alias/app", "--no-bundle"])).code).toBe(0);
    v = await vars("bundle-fn");
    expect(v.ENVSEAL_SEALED).toBe("A_ONE:v2,B_TWO:v2,C_THREE:v2");
    expect(v.ENVSEAL_BUNDLE).toBeUndefined();
    expect((await loadInChild(moto, "bundle-fn", v)).secrets).toEqual({ A_ONE: a, B_TWO: b, C_THREE: c });
    expect((await cli(["push", "-f", "bundle-fn", "-k", "alias/app", "--bundle"])).code).toBe(0);
    v = await vars("bundle-fn");
    expect(Object.keys(v).sort()).toEqual(["ENVSEAL_BUNDLE", "ENVSEAL_SEALED", "KEEP"]);
    expect((await loadInChild(moto, "bundle-fn", v)).secrets).toEqual({ A_ONE: a, B_TWO: b, C_THREE: c });

    // unset from the bundle.
    expect((await cli(["unset", "-f", "bundle-fn", "B_TWO"])).code).toBe(0);
    expect((await loadInChild(moto, "bundle-fn", await vars("bundle-fn"))).secrets).toEqual({ A_ONE: a, C_THREE: c });
  });

  it("rotate re-encrypts server-side: awscli's Decrypt of a rotated value reports the new KeyId", async () => {
    await createFunction(lambda, "rotate-fn", { PLAIN: "p" });
    const s = secret("rot");
    expect((await cli(["push", "-f", "rotate-fn", "-k", "alias/app", "DB_PASSWORD"], s)).code).toBe(0);
    const before = (await vars("rotate-fn")).DB_PASSWORD!;
    expect(awsDecrypt(moto, before, "rotate-fn", "DB_PASSWORD").keyId).toBe(app.arn);

    const dry = await cli(["rotate", "-f", "rotate-fn", "--to-key", "alias/next", "--dry-run"]);
    expect(dry.code, dry.stderr).toBe(0);
    expect((await vars("rotate-fn")).DB_PASSWORD).toBe(before);

    const r = await cli(["rotate", "-f", "rotate-fn", "--to-key", "alias/next"]);
    expect(r.code, r.stderr).toBe(0);
    const after = await vars("rotate-fn");
    expect(after.PLAIN).toBe("p");
    const opened = awsDecrypt(moto, after.DB_PASSWORD!, "rotate-fn", "DB_PASSWORD");
    expect(opened.keyId).toBe(next.arn);
    expect(opened.plaintext).toBe(s);

    const again = await cli(["rotate", "-f", "rotate-fn", "--to-key", "alias/next"]);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain("already under alias/next; nothing to rotate");
  });

  it("copy re-binds to the target: the copy opens with F2's context and not with F1's", async () => {
    await createFunction(lambda, "copy-from", {});
    await createFunction(lambda, "copy-to", { EXISTING: "e" });
    const s = secret("copy");
    expect((await cli(["push", "-f", "copy-from", "-k", "alias/app", "API_TOKEN"], s)).code).toBe(0);
    const r = await cli(["copy", "--from", "copy-from", "--to", "copy-to", "-k", "alias/app"]);
    expect(r.code, r.stderr).toBe(0);
    const v = await vars("copy-to");
    expect(v.EXISTING).toBe("e");
    expect(v.ENVSEAL_SEALED).toBe("API_TOKEN:v2");
    expect(awsDecrypt(moto, v.API_TOKEN!, "copy-to", "API_TOKEN").plaintext).toBe(s);
    expect(() => awsDecrypt(moto, v.API_TOKEN!, "copy-from", "API_TOKEN")).toThrow(/InvalidCiphertextException/);

    const conflict = await cli(["copy", "--from", "copy-from", "--to", "copy-to", "-k", "alias/app"]);
    expect(conflict.code).toBe(2);
    expect(conflict.stderr).toContain("API_TOKEN already exists on copy-to; pass --overwrite");
    const empty = await cli(["copy", "--from", "copy-to", "--to", "rotate-fn", "NOPE_NAME", "-k", "alias/app"]);
    expect(empty.code).toBe(2);
    expect(empty.stderr).toContain("NOPE_NAME is not sealed on copy-to");
  });

  it("copy without --key and no customer managed at-rest key on either side seals under the key the ciphertext names", async () => {
    await createFunction(lambda, "copy-nokey-from", {});
    await createFunction(lambda, "copy-nokey-to", {});
    const s = secret("copynokey");
    expect((await cli(["push", "-f", "copy-nokey-from", "-k", "alias/next", "DB_PASSWORD"], s)).code).toBe(0);
    const r = await cli(["copy", "--from", "copy-nokey-from", "--to", "copy-nokey-to"]);
    expect(r.code, r.stderr).toBe(0);
    const v = await vars("copy-nokey-to");
    const opened = awsDecrypt(moto, v.DB_PASSWORD!, "copy-nokey-to", "DB_PASSWORD");
    expect(opened.plaintext).toBe(s);
    // alias/next's key, which sealed the source value: not some other key.
    expect(opened.keyId).toBe(awsDecrypt(moto, (await vars("copy-nokey-from")).DB_PASSWORD!, "copy-nokey-from", "DB_PASSWORD").keyId);
  });

  it("adopt lists a console-sealed value after checking it opens; a value for another function is refused", async () => {
    await createFunction(lambda, "adopt-fn", {});
    const s = secret("console");
    const good = awsEncrypt(moto, "alias/app", s, "adopt-fn");
    const wrong = awsEncrypt(moto, "alias/app", s, "some-other-fn");
    await lambda.send(new UpdateFunctionConfigurationCommand({ FunctionName: "adopt-fn", Environment: { Variables: { CONSOLE_SECRET: good, WRONG_ONE: wrong } } }));

    const bad = await cli(["adopt", "-f", "adopt-fn", "WRONG_ONE"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("WRONG_ONE: the value does not open for function adopt-fn: sealed for another function name?");
    expect((await vars("adopt-fn")).ENVSEAL_SEALED).toBeUndefined();

    const r = await cli(["adopt", "-f", "adopt-fn", "CONSOLE_SECRET"]);
    expect(r.code, r.stderr).toBe(0);
    const v = await vars("adopt-fn");
    // Re-encrypted server-side to wire format v2 (bound to its name), under the key that had sealed it.
    expect(v.ENVSEAL_SEALED).toBe("CONSOLE_SECRET:v2");
    expect(v.CONSOLE_SECRET).not.toBe(good);
    expect(awsDecrypt(moto, v.CONSOLE_SECRET!, "adopt-fn", "CONSOLE_SECRET")).toEqual({ plaintext: s, keyId: app.arn });
    expect((await loadInChild(moto, "adopt-fn", v)).secrets).toEqual({ CONSOLE_SECRET: s });
  });

  it("policy output parses and names the key, the function's role and the context condition", async () => {
    const r = await cli(["-o", "json", "policy", "-f", "rotate-fn", "-k", "alias/next"]);
    expect(r.code, r.stderr).toBe(0);
    const p = JSON.parse(r.stdout);
    expect(p.keyArn).toBe(next.arn);
    expect(p.roleArn).toBe("arn:aws:iam::123456789012:role/envseal-test");
    expect(p.account).toBe("123456789012");
    expect(p.region).toBe("us-east-1");
    expect(p.executionRolePolicy.Statement[0]).toEqual({
      Sid: "EnvsealUnsealAtColdStart",
      Effect: "Allow",
      Action: "kms:Decrypt",
      Resource: next.arn,
      Condition: { StringEquals: { "kms:EncryptionContext:LambdaFunctionName": "rotate-fn" } },
    });
    expect(p.keyPolicyStatement.Principal).toEqual({ AWS: "arn:aws:iam::123456789012:role/envseal-test" });
  });
});
