/**
 * The confirmation prompt on a real terminal: the built binary under a pseudo-terminal (util-linux `script`) against
 * moto. Answering "n" writes nothing and exits 0; "y" writes. In-process tests script the answers through a memory Io;
 * this one goes through Node's TTY streams and readline as a person's terminal does.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { GetFunctionConfigurationCommand, type LambdaClient } from "@aws-sdk/client-lambda";
import { createFunction, createKey, motoAvailable, motoClients, startMoto, type Moto } from "../support/moto.js";
import { runBuiltCliInPty, scriptAvailable } from "../support/pty.js";
import { DecryptCommand } from "@aws-sdk/client-kms";

describe.skipIf(!scriptAvailable() || !motoAvailable())("confirmation prompt on a real terminal (script)", () => {
  let moto: Moto;
  let lambda: LambdaClient;
  // Not a canary: the dotenv file holding it lives outside the leak scanner's temp folders. The test asserts it is never printed.
  const value = "pty-prompt-value-7f3a9c";
  const dir = mkdtempSync(join(tmpdir(), "envseal-pty-"));
  const dotenv = join(dir, "app.env");
  const config = async () => lambda.send(new GetFunctionConfigurationCommand({ FunctionName: "prompted" }));

  beforeAll(async () => {
    moto = await startMoto();
    ({ lambda } = motoClients(moto));
    await createKey(motoClients(moto).kms, "alias/app");
    await createFunction(lambda, "prompted", { FEATURE_FLAGS: "beta" });
    writeFileSync(dotenv, `DB_PASSWORD=${value}\n`, { mode: 0o600 });
  });
  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    await moto?.stop();
  });

  const push = (input: string) =>
    runBuiltCliInPty(["--endpoint-url", moto.url, "push", "--function", "prompted", "--key", "alias/app", "--dotenv", dotenv], { env: moto.env(), input });

  it('"n" at the prompt: the change is shown, nothing is written, exit 0', async () => {
    const before = await config();
    const r = await push("n\n");
    expect(r.code, r.output).toBe(0);
    expect(r.output).toContain("+ DB_PASSWORD (sealed)");
    expect(r.output).toContain("Write these changes to prompted? [y/N] ");
    expect(r.output).toContain("envseal: declined at the prompt; nothing was written");
    expect(r.output).not.toContain("error");
    expect(r.output).not.toContain(value);
    const after = await config();
    expect(after.Environment?.Variables).toEqual({ FEATURE_FLAGS: "beta" });
    expect(after.LastModified).toBe(before.LastModified);
    expect(after.CodeSha256).toBe(before.CodeSha256);
  });

  it('"y" at the prompt writes: the value is sealed for its name, the other variable kept', async () => {
    const r = await push("y\n");
    expect(r.code, r.output).toBe(0);
    expect(r.output).toContain("Write these changes to prompted? [y/N] ");
    expect(r.output).toMatch(/written.*; the update is live/);
    expect(r.output).not.toContain(value);
    const vars = (await config()).Environment?.Variables ?? {};
    expect(vars.FEATURE_FLAGS).toBe("beta");
    expect(vars.ENVSEAL_SEALED).toBe("DB_PASSWORD:v2");
    const opened = await motoClients(moto).kms.send(
      new DecryptCommand({ CiphertextBlob: Buffer.from(vars.DB_PASSWORD!, "base64"), EncryptionContext: { LambdaFunctionName: "prompted", EnvsealVariable: "DB_PASSWORD" } }),
    );
    expect(Buffer.from(opened.Plaintext!).toString("utf8")).toBe(value);
  });
});
