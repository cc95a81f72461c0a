/**
 * One table of bad inputs across every command: each case asserts the exit code, a fragment of its one-line
 * message, no stack trace, and that the AWS state (every function's configuration, every key's state, every alias)
 * is exactly what it was before. Runs the built binary (`node dist/cli/main.js`, as users do: Node parses some flags
 * before envseal's code runs) against moto through the real SDK clients.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { DescribeKeyCommand, DisableKeyCommand, ListAliasesCommand, ListKeysCommand, ScheduleKeyDeletionCommand, type KMSClient } from "@aws-sdk/client-kms";
import { GetFunctionConfigurationCommand, ListFunctionsCommand, type LambdaClient } from "@aws-sdk/client-lambda";
import { createFunction, createKey, motoAvailable, motoClients, startMoto, type Moto } from "../support/moto.js";
import { runBuiltCli } from "../support/cli.js";
import { canary, tempDir } from "../support/canary.js";
import { awsEncrypt } from "../support/awscli.js";

interface Case {
  name: string;
  args: string[];
  code: 2 | 3;
  fragment: string | RegExp;
  stdin?: string;
  /** Text that must not appear anywhere in the output (a value typed where a name belongs). */
  absent?: string;
  /** Run without moto's environment, under this prepared one instead. */
  env?: "insecure-profile";
}

describe.skipIf(!motoAvailable())("bad-input corpus: one line, right exit code, no stack trace, AWS state unchanged", () => {
  let moto: Moto;
  let kms: KMSClient;
  let lambda: LambdaClient;
  const dir = tempDir("envseal-corpus-");
  /** An AWS config profile whose endpoint_url is plain http off loopback: the SDK reads it on its own. */
  const profileEnv = (): Record<string, string> => {
    writeFileSync(join(dir, "config"), "[profile insecure]\nregion = us-east-1\nendpoint_url = http://lambda.example.com\n");
    writeFileSync(join(dir, "credentials"), "[insecure]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = test\n");
    return { AWS_CONFIG_FILE: join(dir, "config"), AWS_SHARED_CREDENTIALS_FILE: join(dir, "credentials"), AWS_EC2_METADATA_DISABLED: "true" };
  };
  const saved: Record<string, string | undefined> = {};
  const pw = canary("corpus");
  let sealedForOther = "";
  let sealedForSealedFn = "";

  const snapshot = async () => {
    const fns = (await lambda.send(new ListFunctionsCommand({}))).Functions ?? [];
    const configs = await Promise.all(
      fns.map(async (f) => {
        const c = await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: f.FunctionName }));
        return [c.FunctionName, { vars: c.Environment?.Variables ?? {}, key: c.KMSKeyArn ?? "" }] as const;
      }),
    );
    const keys = (await kms.send(new ListKeysCommand({}))).Keys ?? [];
    const states = await Promise.all(keys.map(async (k) => [k.KeyId, (await kms.send(new DescribeKeyCommand({ KeyId: k.KeyId }))).KeyMetadata?.KeyState] as const));
    const aliases = ((await kms.send(new ListAliasesCommand({}))).Aliases ?? []).map((a) => `${a.AliasName}=${a.TargetKeyId ?? ""}`).sort();
    return JSON.stringify({ configs: Object.fromEntries(configs), states: Object.fromEntries(states), aliases });
  };

  beforeAll(async () => {
    moto = await startMoto();
    ({ kms, lambda } = motoClients(moto));
    for (const [k, v] of Object.entries(moto.env())) {
      saved[k] = process.env[k];
      process.env[k] = v;
    }
    const app = await createKey(kms, "alias/app");
    // KMS creates an AWS managed key the first time its alias is described (moto does too); make it exist now.
    await kms.send(new DescribeKeyCommand({ KeyId: "alias/aws/lambda" }));
    const disabled = await createKey(kms, "alias/disabled");
    await kms.send(new DisableKeyCommand({ KeyId: disabled.keyId }));
    const pending = await createKey(kms, "alias/pending");
    await kms.send(new ScheduleKeyDeletionCommand({ KeyId: pending.keyId, PendingWindowInDays: 7 }));
    await createFunction(lambda, "plain-fn", { LOG_LEVEL: "info", BIG_ONE: "x".repeat(3000) });
    // Wire format v2 (bound to the variable too), as envseal seals.
    sealedForSealedFn = awsEncrypt(moto, app.keyId, pw, "sealed-fn", "DB_PASSWORD");
    sealedForOther = awsEncrypt(moto, app.keyId, pw, "other-fn");
    await createFunction(lambda, "sealed-fn", { DB_PASSWORD: sealedForSealedFn, ENVSEAL_SEALED: "DB_PASSWORD:v2", CONSOLE_WRONG: sealedForOther, PLAIN_ONE: "p" });
    writeFileSync(join(dir, "bad.env"), `GOOD=1\nthis line is not an assignment\n`);
    writeFileSync(join(dir, "empty.env"), `# nothing here\n`);
    writeFileSync(join(dir, "dotted.env"), `my.var=1\n`);
    writeFileSync(join(dir, "hash.env"), `LOG_LEVEL=info # a comment is fine\nDB_PASSWORD=p#ssw0rd\n`);
    writeFileSync(join(dir, "dup.env"), `TOKEN=first-value\nOTHER=x\nTOKEN=second-value\n`);
    writeFileSync(join(dir, "latin1.env"), Buffer.concat([Buffer.from("GOOD=1\nPASSWORD=caf"), Buffer.from([0xe9]), Buffer.from("\n")]));
    writeFileSync(join(dir, "emptyval.env"), `GOOD=1\nEMPTY=\n`);
    writeFileSync(join(dir, "report.json"), `{ not json`);
  });
  afterAll(async () => {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    await moto?.stop();
  });

  const P = ["push", "-f", "plain-fn", "-k", "alias/app"];
  const cases = (): Case[] => [
    // names and values
    { name: "name starting with a digit", args: [...P, "1ABC=x"], code: 2, fragment: "invalid variable name (4 characters, not shown in case it is a value): it starts with a digit", absent: "1ABC" },
    { name: "name with a dash", args: [...P, "MY-VAR=x"], code: 2, fragment: "invalid variable name (6 characters, not shown in case it is a value): it holds a character other than letters, digits and _", absent: "MY-VAR" },
    { name: "one-letter name", args: [...P, "A=x"], code: 2, fragment: "invalid variable name (1 characters, not shown in case it is a value): it is one character long" },
    { name: "reserved AWS_REGION", args: [...P, "AWS_REGION=x"], code: 2, fragment: "AWS_REGION is reserved by Lambda" },
    { name: "reserved AWS_LAMBDA_*", args: [...P, "AWS_LAMBDA_FUNCTION_NAME=x"], code: 2, fragment: "AWS_LAMBDA_FUNCTION_NAME is reserved by Lambda" },
    { name: "reserved _HANDLER", args: [...P, "_HANDLER=x"], code: 2, fragment: "it starts with an underscore", absent: "_HANDLER" },
    { name: "reserved AWS_SECRET_ACCESS_KEY", args: [...P, "--plain", "AWS_SECRET_ACCESS_KEY=x"], code: 2, fragment: "AWS_SECRET_ACCESS_KEY is reserved by Lambda" },
    { name: "envseal's own manifest name", args: [...P, "ENVSEAL_SEALED=x"], code: 2, fragment: "ENVSEAL_SEALED is managed by envseal" },
    { name: "--plain without a value", args: [...P, "--plain", "LOG_LEVEL"], code: 2, fragment: "--plain LOG_LEVEL needs a value" },
    { name: "a name given twice", args: [...P, "TOKEN=a", "TOKEN=b"], code: 2, fragment: "TOKEN is given twice" },
    { name: "sealed and plain at once", args: [...P, "TOKEN=aaaaaa", "--plain", "TOKEN=b"], code: 2, fragment: "TOKEN is given both sealed and --plain" },
    { name: "nothing to push", args: P, code: 2, fragment: "nothing to push" },
    { name: "empty value on stdin", args: [...P, "TOKEN"], stdin: "", code: 2, fragment: "TOKEN is empty; there is nothing to seal" },
    { name: "value over KMS's 4096 bytes", args: [...P, "TOKEN"], stdin: "v".repeat(5000), code: 2, fragment: "TOKEN is 5000 bytes; KMS seals at most 4096" },
    { name: "environment over 4096 bytes", args: [...P, "--plain", `MORE=${"y".repeat(1200)}`], code: 2, fragment: /would be \d+ bytes, over Lambda's limit of 4096 \(largest: BIG_ONE 30\d\d B/ },
    { name: "stdin lines do not match names", args: ["encrypt", "-f", "plain-fn", "-k", "alias/app", "A1", "B1"], stdin: "one\n", code: 2, fragment: "stdin has 1 lines for 2 names" },
    // files
    { name: "missing --dotenv", args: [...P, "--dotenv", "/nonexistent/.env"], code: 2, fragment: "--dotenv /nonexistent/.env does not exist" },
    { name: "unparseable --dotenv", args: [...P, "--dotenv", join(dir, "bad.env")], code: 2, fragment: "line 2 is not NAME=VALUE" },
    { name: "--dotenv with no variables", args: [...P, "--dotenv", join(dir, "empty.env")], code: 2, fragment: "holds no variables" },
    { name: "--dotenv name Lambda refuses", args: [...P, "--dotenv", join(dir, "dotted.env")], code: 2, fragment: "dotted.env: line 1: invalid variable name (6 characters, not shown in case it is a value)", absent: "my.var" },
    { name: "a value typed where a name belongs", args: [...P, "Tr0ub4dor&3-horse"], code: 2, fragment: "invalid variable name (17 characters, not shown in case it is a value)", absent: "Tr0ub4dor" },
    { name: "--dotenv unquoted value with #", args: [...P, "--dotenv", join(dir, "hash.env")], code: 2, fragment: "hash.env: line 2: DB_PASSWORD's unquoted value holds #, which dotenv reads as the start of a comment", absent: "ssw0rd" },
    { name: "--dotenv name set twice", args: [...P, "--dotenv", join(dir, "dup.env")], code: 2, fragment: "dup.env: line 3 sets TOKEN again (first set on line 1)" },
    { name: "--dotenv not UTF-8", args: [...P, "--dotenv", join(dir, "latin1.env")], code: 2, fragment: "latin1.env: line 2 is not valid UTF-8" },
    { name: "--dotenv empty value", args: [...P, "--dotenv", join(dir, "emptyval.env")], code: 2, fragment: "emptyval.env: line 2: EMPTY is empty; there is nothing to seal" },
    { name: "--plain over a sealed value without --unseal", args: ["push", "-f", "sealed-fn", "--plain", "DB_PASSWORD=now-plain"], code: 2, fragment: "DB_PASSWORD is sealed now; this push would store it in plain text" },
    { name: "--ca-bundle that does not exist", args: ["--ca-bundle", "/nonexistent/ca.pem", "show", "-f", "plain-fn"], code: 2, fragment: "cannot read the CA bundle /nonexistent/ca.pem" },
    { name: "audit --input that does not exist", args: ["audit", "--input", "/nonexistent/functions.json"], code: 2, fragment: "/nonexistent/functions.json" },
    { name: "audit --baseline that is not JSON", args: ["audit", "--input", "samples/functions.json", "--baseline", join(dir, "report.json")], code: 2, fragment: "report.json" },
    // flags
    { name: "missing --function", args: ["push", "-k", "alias/app", "TOKEN=x"], code: 2, fragment: "required option '-f, --function <name>' not specified" },
    { name: "missing --key while sealing", args: ["push", "-f", "plain-fn", "TOKEN=xxxxxx"], code: 2, fragment: "push needs --key to seal: plain-fn has no customer managed at-rest key to seal with" },
    { name: "rotate without --to-key", args: ["rotate", "-f", "sealed-fn"], code: 2, fragment: "required option '--to-key <key>' not specified" },
    { name: "unknown command", args: ["frobnicate"], code: 2, fragment: "unknown command 'frobnicate'" },
    { name: "unknown option", args: ["show", "-f", "plain-fn", "--frob"], code: 2, fragment: "unknown option '--frob'" },
    { name: "bad --output", args: ["-o", "yaml", "show", "-f", "plain-fn"], code: 2, fragment: "argument 'yaml' is invalid" },
    { name: "bad --max-attempts", args: ["--max-attempts", "0", "show", "-f", "plain-fn"], code: 2, fragment: "--max-attempts must be a positive whole number" },
    { name: "bad --timeout", args: ["--timeout", "soon", "show", "-f", "plain-fn"], code: 2, fragment: "--timeout must be a positive whole number" },
    { name: "--at-rest-only with --bundle", args: [...P, "--at-rest-only", "--bundle", "TOKEN=xxxxxx"], code: 2, fragment: "--at-rest-only stores values unsealed, so it cannot go with --bundle" },
    { name: "bad audit --fail-on", args: ["audit", "--input", "samples/functions.json", "--fail-on", "urgent"], code: 2, fragment: "argument 'urgent' is invalid" },
    { name: "bad audit --format", args: ["audit", "--input", "samples/functions.json", "--format", "xml"], code: 2, fragment: "argument 'xml' is invalid" },
    // keys
    { name: "unknown alias", args: ["push", "-f", "plain-fn", "-k", "alias/nope", "TOKEN=xxxxxx"], code: 2, fragment: "KMS key alias/nope was not found" },
    { name: "unknown key id", args: ["encrypt", "-f", "plain-fn", "-k", "11111111-2222-3333-4444-555555555555", "TOKEN=xxxxxx"], code: 2, fragment: "KMS key 11111111-2222-3333-4444-555555555555 was not found" },
    { name: "malformed key reference", args: ["push", "-f", "plain-fn", "-k", "bad key!", "TOKEN=xxxxxx"], code: 2, fragment: 'invalid key reference "bad key!"' },
    { name: "aws/lambda without --at-rest-only", args: ["push", "-f", "plain-fn", "-k", "aws/lambda", "TOKEN=xxxxxx"], code: 2, fragment: "alias/aws/lambda is an AWS managed key" },
    { name: "disabled key", args: ["push", "-f", "plain-fn", "-k", "alias/disabled", "TOKEN=xxxxxx"], code: 2, fragment: "KMS key alias/disabled is disabled" },
    { name: "pending-deletion key", args: ["encrypt", "-f", "plain-fn", "-k", "alias/pending", "TOKEN=xxxxxx"], code: 2, fragment: "KMS key alias/pending is pending deletion" },
    { name: "rotate to the same key", args: ["rotate", "-f", "sealed-fn", "--to-key", "alias/app"], code: 2, fragment: "already under alias/app; nothing to rotate" },
    { name: "rotate to a disabled key", args: ["rotate", "-f", "sealed-fn", "--to-key", "alias/disabled"], code: 2, fragment: "KMS key alias/disabled is disabled" },
    { name: "rotate to aws/lambda", args: ["rotate", "-f", "sealed-fn", "--to-key", "aws/lambda"], code: 2, fragment: "is an AWS managed key; sealed values can only be re-encrypted to a customer managed key" },
    { name: "policy for aws/lambda", args: ["policy", "-f", "sealed-fn", "-k", "aws/lambda"], code: 2, fragment: "is an AWS managed key" },
    // functions
    { name: "unknown function (push)", args: ["push", "-f", "ghost-fn", "-k", "alias/app", "TOKEN=xxxxxx"], code: 2, fragment: "function ghost-fn was not found" },
    { name: "unknown function (show)", args: ["show", "-f", "ghost-fn"], code: 2, fragment: "function ghost-fn was not found" },
    { name: "malformed function name", args: ["show", "-f", "bad name!"], code: 2, fragment: 'invalid function name "bad name!"' },
    { name: "unset a name that is not set", args: ["unset", "-f", "plain-fn", "NOT_THERE"], code: 2, fragment: "NOT_THERE is not set on plain-fn" },
    { name: "unset envseal's manifest", args: ["unset", "-f", "sealed-fn", "ENVSEAL_SEALED"], code: 2, fragment: "ENVSEAL_SEALED is managed by envseal" },
    { name: "copy onto itself", args: ["copy", "--from", "sealed-fn", "--to", "sealed-fn", "-k", "alias/app"], code: 2, fragment: "--from and --to are the same function" },
    { name: "copy from a function with nothing sealed", args: ["copy", "--from", "plain-fn", "--to", "sealed-fn", "-k", "alias/app"], code: 2, fragment: "plain-fn has nothing sealed to copy" },
    { name: "copy a name that is not sealed there", args: ["copy", "--from", "sealed-fn", "--to", "plain-fn", "PLAIN_ONE", "-k", "alias/app"], code: 2, fragment: "PLAIN_ONE is not sealed on sealed-fn" },
    { name: "rotate a function with nothing sealed", args: ["rotate", "-f", "plain-fn", "--to-key", "alias/app"], code: 2, fragment: "plain-fn has no sealed values to rotate" },
    // ciphertext and contexts
    { name: "decrypt text that is not base64", args: ["decrypt", "-f", "sealed-fn", "not base64!"], code: 2, fragment: "the value is not standard base64" },
    { name: "decrypt base64 too short for KMS", args: ["decrypt", "-f", "sealed-fn", "QUJDRA=="], code: 2, fragment: "too short to be KMS ciphertext" },
    { name: "decrypt for the wrong function name", args: ["decrypt", "-f", "plain-fn"], stdin: "@sealedForSealedFn", code: 2, fragment: "sealed for another function name?" },
    { name: "adopt a value sealed for another function", args: ["adopt", "-f", "sealed-fn", "CONSOLE_WRONG"], code: 2, fragment: "CONSOLE_WRONG: the value does not open for function sealed-fn: sealed for another function name?" },
    { name: "adopt a plain value", args: ["adopt", "-f", "sealed-fn", "PLAIN_ONE"], code: 2, fragment: "PLAIN_ONE is not standard base64, so it is not a sealed value" },
    // regions and endpoints
    { name: "malformed region", args: ["--region", "moon-base!", "show", "-f", "plain-fn"], code: 2, fragment: 'invalid region "moon-base!"' },
    { name: "plain http off loopback", args: ["--endpoint-url", "http://kms.example.com", "show", "-f", "plain-fn"], code: 2, fragment: "--endpoint-url uses http to kms.example.com; envseal requires HTTPS" },
    { name: "endpoint that is not a URL", args: ["--endpoint-url", "::not a url::", "show", "-f", "plain-fn"], code: 2, fragment: "--endpoint-url is not a URL" },
    { name: "plain http endpoint from the AWS config profile", args: ["show", "-f", "plain-fn"], env: "insecure-profile", code: 2, fragment: "the request would go to http://lambda.example.com" },
    { name: "--profile that does not exist", args: ["--profile", "nope", "show", "-f", "plain-fn"], env: "insecure-profile", code: 2, fragment: 'AWS profile "nope" was not found in' },
    { name: "audit --regions all where the endpoint serves no Account API", args: ["--max-attempts", "1", "audit", "--regions", "all"], code: 3, fragment: "the endpoint does not serve the Account API's ListRegions (HTTP 404); pass the regions explicitly", absent: "grant account:ListRegions" },
    { name: "nothing listening at the endpoint", args: ["--endpoint-url", "http://127.0.0.1:9", "--max-attempts", "1", "show", "-f", "plain-fn"], code: 3, fragment: "network error (ECONNREFUSED)" },
  ];

  it("has at least 40 cases across the commands", () => {
    const list = cases();
    expect(list.length).toBeGreaterThanOrEqual(40);
    const commands = new Set(list.map((c) => c.args.find((a) => /^[a-z]+$/.test(a) && !["alias"].includes(a))));
    for (const cmd of ["push", "encrypt", "decrypt", "show", "unset", "rotate", "copy", "adopt", "policy", "audit"]) expect(commands).toContain(cmd);
  });

  it.each(cases().map((c) => [c.name, c] as const))("%s", async (_name, c) => {
    const before = await snapshot();
    const stdin = c.stdin === "@sealedForSealedFn" ? sealedForSealedFn : c.stdin;
    const args = c.args[0]?.startsWith("--endpoint-url") || c.args.includes("--endpoint-url") ? c.args : ["--endpoint-url", moto.url, ...c.args];
    // The SDK reads endpoint_url from the profile named by AWS_PROFILE (not from the client's profile option).
    const env = c.env === "insecure-profile" ? { ...profileEnv(), AWS_PROFILE: "insecure" } : moto.env();
    const r = await runBuiltCli(c.env === "insecure-profile" ? c.args : args, { env, ...(stdin !== undefined ? { stdin } : {}) });
    expect(r.code, `stdout: ${r.stdout}\nstderr: ${r.stderr}`).toBe(c.code);
    if (typeof c.fragment === "string") expect(r.stderr).toContain(c.fragment);
    else expect(r.stderr).toMatch(c.fragment);
    if (c.absent !== undefined) expect(r.stdout + r.stderr).not.toContain(c.absent);
    // A warning (a value on the command line) may come before the error; the error itself is one line.
    const lines = r.stderr.trim().split("\n").filter((l) => !l.startsWith("(run ") && !l.startsWith("warning: "));
    expect(lines, r.stderr).toHaveLength(1);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.stdout).toBe("");
    expect(await snapshot()).toBe(before);
  });
});
