/**
 * Every command, run through the built CLI against moto behind the counting proxy, calls only AWS actions that
 * `src/ops/permissions.ts` lists for it — the table `envseal policy` derives its policies from. A command that starts
 * calling something new fails here until the table (and so the printed policy) says so.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EncryptCommand, type KMSClient } from "@aws-sdk/client-kms";
import type { LambdaClient } from "@aws-sdk/client-lambda";
import { createFunction, createKey, motoAvailable, motoClients, startMoto, type Moto } from "../support/moto.js";
import { startAwsProxy, type AwsProxy } from "../support/aws-proxy.js";
import { runBuiltCli } from "../support/cli.js";
import { canary } from "../support/canary.js";
import { COMMAND_PERMISSIONS, type CommandName } from "../../src/ops/permissions.js";

/** The IAM actions one proxied operation needs (ReEncrypt is authorized twice, on each side). */
function iamActions(op: string): string[] {
  if (op === "kms:ReEncrypt") return ["kms:ReEncryptFrom", "kms:ReEncryptTo"];
  if (/^(kms|lambda|iam):[A-Za-z]+$/.test(op)) return [op];
  return [`unclassified:${op}`];
}

describe.skipIf(!motoAvailable())("each command calls only the actions its policy grants", () => {
  let moto: Moto;
  let proxy: AwsProxy;
  let kms: KMSClient;
  let lambda: LambdaClient;
  let sealedForApi = "";

  beforeAll(async () => {
    moto = await startMoto();
    proxy = await startAwsProxy(moto.url);
    // moto 5.2 has no SimulatePrincipalPolicy: the proxy answers it (doctor, audit's ES014).
    proxy.simulate(() => "allowed");
    ({ kms, lambda } = motoClients(moto));
    const app = await createKey(kms, "alias/app");
    await createKey(kms, "alias/next");
    await createFunction(lambda, "perm-fn", { PLAIN: "p" });
    await createFunction(lambda, "perm-target", { OTHER: "o" });
    await createFunction(lambda, "perm-console", {});
    const out = await kms.send(new EncryptCommand({ KeyId: app.arn, Plaintext: Buffer.from(canary("console")), EncryptionContext: { LambdaFunctionName: "perm-console" } }));
    sealedForApi = Buffer.from(out.CiphertextBlob!).toString("base64");
    const seed = await runBuiltCli(["--endpoint-url", proxy.url, "push", "-f", "perm-console", "--plain", `CONSOLE_TOKEN=${sealedForApi}`], { env: moto.env() });
    expect(seed.code, seed.stderr).toBe(0);
  });
  afterAll(async () => {
    await proxy?.stop();
    await moto?.stop();
  });

  const runs: Array<[string, CommandName, string[], string?]> = [
    ["encrypt", "encrypt", ["encrypt", "-f", "perm-fn", "-k", "alias/app", "A_ONE"], "aaaaaaaa"],
    ["push per variable", "push", ["push", "-f", "perm-fn", "-k", "alias/app", "B_TWO"], "bbbbbbbb"],
    ["push into a new bundle", "push", ["push", "-f", "perm-fn", "-k", "alias/app", "--bundle", "C_THREE"], "cccccccc"],
    ["push into the existing bundle, key from the function", "push", ["push", "-f", "perm-fn", "D_FOUR"], "dddddddd"],
    ["show (opens the bundle to list its names)", "show", ["show", "-f", "perm-fn"]],
    ["unset a bundled name", "unset", ["unset", "-f", "perm-fn", "D_FOUR"]],
    ["rotate", "rotate", ["rotate", "-f", "perm-fn", "--to-key", "alias/next"]],
    ["copy", "copy", ["copy", "--from", "perm-fn", "--to", "perm-target"]],
    ["adopt", "adopt", ["adopt", "-f", "perm-console", "CONSOLE_TOKEN"]],
    ["policy", "policy", ["policy", "-f", "perm-fn", "-k", "alias/next"]],
    ["audit", "audit", ["audit", "--format", "json", "--fail-on", "none"]],
    ["doctor (at-rest key and sealing key)", "doctor", ["doctor", "-f", "perm-fn"]],
    ["doctor --all", "doctor", ["doctor", "--all"]],
  ];

  it.each(runs)("%s", async (_label, command, args, stdin) => {
    proxy.resetCounters();
    const r = await runBuiltCli(["--endpoint-url", proxy.url, ...args], { env: moto.env(), ...(stdin ? { stdin } : {}) });
    expect(r.code, r.stderr).toBe(0);
    const called = [...new Set(Object.entries(proxy.allCounters()).filter(([, c]) => c.requests > 0).flatMap(([op]) => iamActions(op)))].sort();
    const granted = new Set(COMMAND_PERMISSIONS[command].map((p) => p.action));
    expect(called.length).toBeGreaterThan(0);
    expect(called.filter((a) => !granted.has(a)), `${command} called ${called.join(", ")}`).toEqual([]);
  });

  it("decrypt calls kms:Decrypt only", async () => {
    proxy.resetCounters();
    const r = await runBuiltCli(["--endpoint-url", proxy.url, "decrypt", "-f", "perm-console", sealedForApi], { env: moto.env() });
    expect(r.code, r.stderr).toBe(0);
    expect(Object.keys(proxy.allCounters())).toEqual(["kms:Decrypt"]);
  });
});
