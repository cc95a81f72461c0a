import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { mkdtempSync, writeFileSync, rmSync, statSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { mockClient } from "aws-sdk-client-mock";
import { DecryptCommand, DescribeKeyCommand, EncryptCommand, KMSClient } from "@aws-sdk/client-kms";
import { GetFunctionConfigurationCommand, LambdaClient, UpdateFunctionConfigurationCommand } from "@aws-sdk/client-lambda";
import { runInProcess } from "../support/cli.js";
import { canary, expectNoCanary } from "../support/canary.js";
import { sdkError } from "../support/sdk-errors.js";
import type { AwsDeps } from "../../src/ops/deps.js";
import type { AwsOptions } from "../../src/transport/clients.js";

const kmsMock = mockClient(KMSClient);
const lambdaMock = mockClient(LambdaClient);
const KEY_ARN = "arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";
const FN_ARN = "arn:aws:lambda:eu-west-1:111122223333:function:orders-api";
const BLOB = new Uint8Array(200).fill(7);
const SEALED = Buffer.from(BLOB).toString("base64");

let seenOptions: AwsOptions[] = [];
const run = (args: string[], opts: { stdin?: string; tty?: boolean; answers?: string[] } = {}) =>
  runInProcess(args, {
    ...opts,
    run: {
      deps: (o): AwsDeps => {
        seenOptions.push(o);
        return { kms: () => new KMSClient({ region: "eu-west-1" }), lambda: () => new LambdaClient({ region: "eu-west-1" }) };
      },
    },
  });

let dir: string;
beforeEach(() => {
  seenOptions = [];
  dir = mkdtempSync(join(tmpdir(), "envseal-cli-"));
  kmsMock.reset();
  lambdaMock.reset();
  kmsMock.on(DescribeKeyCommand).resolves({ KeyMetadata: { KeyId: "k", Arn: KEY_ARN, KeyManager: "CUSTOMER", KeyState: "Enabled" } });
  kmsMock.on(EncryptCommand).resolves({ CiphertextBlob: BLOB, KeyId: KEY_ARN });
  lambdaMock.on(GetFunctionConfigurationCommand).resolves({
    FunctionName: "orders-api",
    FunctionArn: FN_ARN,
    Environment: { Variables: { KEEP: "1" } },
    RevisionId: "r1",
    LastUpdateStatus: "Successful",
  });
  lambdaMock.on(UpdateFunctionConfigurationCommand).resolves({ RevisionId: "r2" });
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const plaintextsSealed = () =>
  Object.fromEntries(
    kmsMock.commandCalls(EncryptCommand).map((c) => [c.args[0].input.EncryptionContext?.LambdaFunctionName, Buffer.from(c.args[0].input.Plaintext as Uint8Array).toString()]),
  );

describe("argv → options", () => {
  it.each([
    [["--region", "eu-west-1", "show", "-f", "orders-api"], { region: "eu-west-1" }],
    [["show", "-f", "orders-api", "--profile", "dev"], { profile: "dev" }],
    [["--endpoint-url", "http://127.0.0.1:4566", "show", "-f", "orders-api"], { endpointUrl: "http://127.0.0.1:4566" }],
    [["--max-attempts", "7", "--timeout", "3", "show", "-f", "orders-api"], { maxAttempts: 7, timeoutMs: 3000 }],
    [["--fips", "show", "-f", "orders-api"], { fips: true }],
    [["show", "-f", "orders-api"], {}],
  ])("%j gives AWS options %j", async (argv, expected) => {
    // --profile must name a profile of the shared config file.
    const saved = process.env.AWS_CONFIG_FILE;
    process.env.AWS_CONFIG_FILE = join(dir, "config");
    writeFileSync(process.env.AWS_CONFIG_FILE, "[profile dev]\nregion = eu-west-1\n");
    const r = await run(argv).finally(() => (saved === undefined ? delete process.env.AWS_CONFIG_FILE : (process.env.AWS_CONFIG_FILE = saved)));
    expect(r.code).toBe(0);
    expect(seenOptions[0]).toEqual(expected);
  });

  it("push reads NAME=VALUE, --plain, and the at-rest flags", async () => {
    const r = await run(["push", "-f", "orders-api", "-k", "alias/app", "DB_PASSWORD=s3cret-value", "--plain", "LOG_LEVEL=info", "--plain", "MODE=x", "--yes"]);
    expect(r.code).toBe(0);
    expect(plaintextsSealed()).toEqual({ "orders-api": "s3cret-value" });
    const vars = lambdaMock.commandCalls(UpdateFunctionConfigurationCommand)[0]!.args[0].input.Environment!.Variables;
    expect(vars).toEqual({ KEEP: "1", DB_PASSWORD: SEALED, LOG_LEVEL: "info", MODE: "x", ENVSEAL_SEALED: "DB_PASSWORD:v2" });
    expect(r.stdout).toContain("+ DB_PASSWORD (sealed)");
    expect(r.stdout).toContain("+ LOG_LEVEL (plain)");
  });

  it("NAME alone reads the value from piped stdin, less one trailing newline", async () => {
    const r = await run(["push", "-f", "orders-api", "-k", "alias/app", "DB_PASSWORD"], { stdin: "from-stdin-value\n" });
    expect(r.code).toBe(0);
    expect(plaintextsSealed()["orders-api"]).toBe("from-stdin-value");
  });

  it("several bare NAMEs read one stdin line each, and a count mismatch is a usage error", async () => {
    const ok = await run(["encrypt", "-f", "orders-api", "-k", "alias/app", "A1", "B1"], { stdin: "one-value\ntwo-value\n" });
    expect(ok.code).toBe(0);
    // The manifest line goes with the values: pasted without it, the runtime would open nothing.
    expect(ok.stdout).toBe(`A1=${SEALED}\nB1=${SEALED}\nENVSEAL_SEALED=A1:v2,B1:v2\n`);
    const bad = await run(["encrypt", "-f", "orders-api", "-k", "alias/app", "A1", "B1"], { stdin: "only-one\n" });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("stdin has 1 lines for 2 names (A1, B1)");
  });

  it("NAME alone on a TTY asks with a hidden prompt, then asks before writing", async () => {
    const r = await run(["push", "-f", "orders-api", "-k", "alias/app", "DB_PASSWORD"], { tty: true, answers: ["typed-secret", "y"] });
    expect(r.code).toBe(0);
    expect(r.prompts).toEqual(["Value for DB_PASSWORD (hidden): ", "Write these changes to orders-api?"]);
    expect(plaintextsSealed()["orders-api"]).toBe("typed-secret");
    expect(lambdaMock.commandCalls(UpdateFunctionConfigurationCommand)).toHaveLength(1);
  });

  it("answering no at the TTY prompt writes nothing and exits 0: an answer, not an error", async () => {
    const r = await run(["push", "-f", "orders-api", "-k", "alias/app", "DB_PASSWORD=v4lue-here"], { tty: true, answers: ["n"] });
    expect(r.code).toBe(0);
    expect(r.stderr).toContain("envseal: declined at the prompt; nothing was written\n");
    expect(r.stderr).not.toContain("error");
    expect(lambdaMock.commandCalls(UpdateFunctionConfigurationCommand)).toHaveLength(0);
  });

  it("unset on a TTY asks with the names, then prints its summary line; its JSON says written and bytes", async () => {
    const r = await run(["unset", "-f", "orders-api", "KEEP"], { tty: true, answers: ["y"] });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain("- KEEP (plain)");
    expect(r.stdout).toMatch(/^orders-api: 0 added, 0 changed, 1 removed, \d+ unchanged; \d+ of 4096 bytes\nwritten/);
    const j = await run(["-o", "json", "unset", "-f", "orders-api", "KEEP", "--yes"]);
    const parsed = JSON.parse(j.stdout) as { written: boolean; bytes: number };
    expect(typeof parsed.written).toBe("boolean");
    expect(typeof parsed.bytes).toBe("number");
  });

  it("--yes on a TTY does not ask", async () => {
    const r = await run(["push", "-f", "orders-api", "-k", "alias/app", "DB_PASSWORD=v4lue-here", "--yes"], { tty: true });
    expect(r.code).toBe(0);
    expect(r.prompts).toEqual([]);
  });

  it("--env-file is parsed with dotenv (quotes, comments, export, multi-line)", async () => {
    const file = join(dir, ".env.secrets");
    writeFileSync(file, '# comment\nexport API_KEY="abc def"\nDB_PASSWORD=p@ss=word # trailing\nCERT="line1\nline2"\n');
    const r = await run(["encrypt", "-f", "orders-api", "-k", "alias/app", "--env-file", file, "-o", "json"]);
    expect(r.code).toBe(0);
    const sealedPlain = kmsMock.commandCalls(EncryptCommand).map((c) => Buffer.from(c.args[0].input.Plaintext as Uint8Array).toString()).sort();
    expect(sealedPlain).toEqual(["abc def", "line1\nline2", "p@ss=word"]);
    expect(Object.keys(JSON.parse(r.stdout).sealed)).toEqual(["API_KEY", "CERT", "DB_PASSWORD"]);
  });

  it("push --dry-run prints the diff and calls no write API", async () => {
    const r = await run(["push", "-f", "orders-api", "-k", "alias/app", "NEW_ONE=v4lue-here", "--plain", "KEEP=2", "--dry-run"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("+ NEW_ONE (sealed)");
    expect(r.stdout).toContain("~ KEEP (plain)");
    expect(r.stdout).toContain("dry run: nothing was written");
    expect(lambdaMock.commandCalls(UpdateFunctionConfigurationCommand)).toHaveLength(0);
  });

  it("--output json gives machine-readable output for push, show, unset, encrypt, decrypt", async () => {
    kmsMock.on(DecryptCommand).resolves({ Plaintext: new TextEncoder().encode("opened"), KeyId: KEY_ARN });
    for (const argv of [
      ["push", "-f", "orders-api", "-k", "alias/app", "A1=v4lue-here"],
      ["show", "-f", "orders-api"],
      ["unset", "-f", "orders-api", "KEEP"],
      ["encrypt", "-f", "orders-api", "-k", "alias/app", "A1=v4lue-here"],
      ["decrypt", "-f", "orders-api", SEALED],
    ]) {
      const r = await run(["-o", "json", ...argv]);
      expect(r.code, `${argv.join(" ")}: ${r.stderr}`).toBe(0);
      expect(() => JSON.parse(r.stdout), argv[0]).not.toThrow();
    }
  });
});

describe("bad input: one line, right exit code, no stack trace, nothing written", () => {
  const cases: Array<[string, string[], number, RegExp, { stdin?: string; setup?: () => void }?]> = [
    ["missing --function", ["push", "-k", "alias/app", "A1=x"], 2, /required option '-f, --function <name>' not specified/],
    ["missing --key, no at-rest key to default to", ["push", "-f", "orders-api", "A1=xxxxxx"], 2, /push needs --key to seal: orders-api has no customer managed at-rest key to seal with/],
    ["invalid name", ["push", "-f", "orders-api", "-k", "alias/app", "1BAD=x"], 2, /invalid variable name \(4 characters, not shown in case it is a value\): it starts with a digit/],
    ["reserved name", ["push", "-f", "orders-api", "-k", "alias/app", "AWS_SESSION_TOKEN=x"], 2, /AWS_SESSION_TOKEN is reserved by Lambda/],
    ["missing dotenv file", ["push", "-f", "orders-api", "-k", "alias/app", "--dotenv", "/nonexistent/.env"], 2, /--dotenv \/nonexistent\/.env does not exist/],
    ["missing env file (older spelling)", ["push", "-f", "orders-api", "-k", "alias/app", "--env-file", "/nonexistent/.env"], 2, /--env-file \/nonexistent\/.env does not exist/],
    ["bad output format", ["-o", "yaml", "show", "-f", "orders-api"], 2, /argument 'yaml' is invalid/],
    ["bad max-attempts", ["--max-attempts", "zero", "show", "-f", "orders-api"], 2, /--max-attempts must be a positive whole number/],
    ["invalid function name", ["show", "-f", "bad name!"], 2, /function .* was not found|invalid function name/],
    ["plain without value", ["push", "-f", "orders-api", "-k", "alias/app", "--plain", "LOG_LEVEL"], 2, /--plain LOG_LEVEL needs a value/],
    ["name twice", ["push", "-f", "orders-api", "-k", "alias/app", "A1=x", "A1=y"], 2, /A1 is given twice/],
    ["sealed and plain", ["push", "-f", "orders-api", "-k", "alias/app", "A1=xxxxxx", "--plain", "A1=y"], 2, /A1 is given both sealed and --plain/],
    ["nothing to push", ["push", "-f", "orders-api", "-k", "alias/app"], 2, /nothing to push/],
    ["empty value", ["push", "-f", "orders-api", "-k", "alias/app", "A1"], 2, /A1 is empty; there is nothing to seal/, { stdin: "" }],
    ["decrypt not base64", ["decrypt", "-f", "orders-api", "not base64 at all!"], 2, /the value is not standard base64/],
    ["decrypt too short", ["decrypt", "-f", "orders-api", "QUJD"], 2, /too short to be KMS ciphertext/],
    ["unset unknown name", ["unset", "-f", "orders-api", "NOT_THERE"], 2, /NOT_THERE is not set on orders-api/],
    ["invalid key ref", ["push", "-f", "orders-api", "-k", "bad key!", "A1=xxxxxx"], 2, /invalid key reference/],
    ["plain http endpoint off loopback", ["--endpoint-url", "http://kms.example.com", "show", "-f", "orders-api"], 2, /uses http to kms.example.com; envseal requires HTTPS/],
    ["endpoint that is not a URL", ["--endpoint-url", "not a url", "show", "-f", "orders-api"], 2, /--endpoint-url is not a URL/],
  ];
  it.each(cases)("%s", async (_label, argv, code, message, extra) => {
    const r = await run(argv, extra?.stdin !== undefined ? { stdin: extra.stdin } : {});
    expect(r.code).toBe(code);
    expect(r.stderr).toMatch(message);
    expect(r.stderr.trim().split("\n").filter((l) => !l.startsWith("(run ") && !l.startsWith("warning: ")).length).toBe(1);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(lambdaMock.commandCalls(UpdateFunctionConfigurationCommand)).toHaveLength(0);
  });

  it("an unparseable --env-file names the line, never its content", async () => {
    const secret = canary("envfile");
    const file = join(dir, ".env");
    writeFileSync(file, `GOOD=1\n${secret}\n`);
    const r = await run(["push", "-f", "orders-api", "-k", "alias/app", "--env-file", file]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`--env-file ${file}: line 2 is not NAME=VALUE`);
    expectNoCanary([secret], { stderr: r.stderr, stdout: r.stdout });
  });

  it("AccessDenied from AWS exits 3 and names the permission", async () => {
    lambdaMock.on(UpdateFunctionConfigurationCommand).rejects(sdkError("AccessDeniedException", 403));
    const r = await run(["push", "-f", "orders-api", "-k", "alias/app", "A1=xxxxxx"]);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain("the caller lacks lambda:UpdateFunctionConfiguration on function orders-api");
  });

  it("--verbose adds the stack trace", async () => {
    const r = await run(["--verbose", "push", "-f", "orders-api", "-k", "alias/app", "AWS_REGION=x"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/\n\s+at /);
  });
});

describe("secrets stay out of output", () => {
  it("push, encrypt, show and errors never print a planted value; decrypt and show --reveal do", async () => {
    const s1 = canary("push");
    const s2 = canary("encrypt");
    kmsMock.on(DecryptCommand).resolves({ Plaintext: new TextEncoder().encode(s1), KeyId: KEY_ARN });
    lambdaMock.on(GetFunctionConfigurationCommand).resolves({
      FunctionName: "orders-api",
      FunctionArn: FN_ARN,
      Environment: { Variables: { DB_PASSWORD: SEALED, ENVSEAL_SEALED: "DB_PASSWORD" } },
      LastUpdateStatus: "Successful",
    });
    const runs = [
      await run(["push", "-f", "orders-api", "-k", "alias/app", "DB_PASSWORD"], { stdin: s1 }),
      await run(["-o", "json", "push", "-f", "orders-api", "-k", "alias/app", "DB_PASSWORD", "--dry-run"], { stdin: s1 }),
      await run(["encrypt", "-f", "orders-api", "-k", "alias/app", "X_TOKEN"], { stdin: s2 }),
      await run(["show", "-f", "orders-api"]),
      await run(["-o", "json", "show", "-f", "orders-api"]),
      await run(["push", "-f", "orders-api", "-k", "alias/app", "AWS_REGION"], { stdin: s2 }),
    ];
    runs.forEach((r, i) => expectNoCanary([s1, s2], { [`run ${i} stdout`]: r.stdout, [`run ${i} stderr`]: r.stderr }));

    const revealed = await run(["show", "-f", "orders-api", "--reveal"]);
    expect(revealed.stdout).toContain(s1);
    const opened = await run(["decrypt", "-f", "orders-api", SEALED]);
    expect(opened.stdout).toBe(s1);
    expect(kmsMock.commandCalls(DecryptCommand).at(-1)!.args[0].input.EncryptionContext).toEqual({ LambdaFunctionName: "orders-api" });
  });

  it("a value that an AWS error message echoes is redacted before printing", async () => {
    const secret = canary("echo");
    kmsMock.on(EncryptCommand).rejects(sdkError("WeirdServiceError", 500, `weird ${secret}`));
    const r = await run(["--verbose", "push", "-f", "orders-api", "-k", "alias/app", "A1"], { stdin: secret });
    expect(r.code).toBe(3);
    expectNoCanary([secret], { stderr: r.stderr, stdout: r.stdout });
  });

  it("decrypt --out writes a new file with mode 0600 and prints no value", async () => {
    const secret = canary("out");
    kmsMock.on(DecryptCommand).resolves({ Plaintext: new TextEncoder().encode(secret), KeyId: KEY_ARN });
    const out = join(dir, "plain.txt");
    const r = await run(["decrypt", "-f", "orders-api", "--out", out, SEALED]);
    expect(r.code).toBe(0);
    expect(statSync(out).mode & 0o777).toBe(0o600);
    expect(readFileSync(out, "utf8")).toBe(secret);
    expectNoCanary([secret], { stdout: r.stdout, stderr: r.stderr });
    const again = await run(["decrypt", "-f", "orders-api", "--out", out, SEALED]);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain("choose a path that does not exist yet");
  });
});
