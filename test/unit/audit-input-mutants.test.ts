/**
 * Offline input, the parts the shape tests leave open: the ARN pattern (a module constant, so input.ts is loaded in
 * beforeAll), the hints of every error, and a read error without a code.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";

// A read that fails with no error code (as a virtual filesystem may): only this path, the rest is the real fs.
const NO_CODE = "/envseal-test/no-code.json";
vi.mock("node:fs/promises", async (importOriginal) => {
  const real = await importOriginal<typeof import("node:fs/promises")>();
  return {
    ...real,
    readFile: (async (path: string, ...rest: unknown[]) => {
      if (path === NO_CODE) throw new Error("broken pipe");
      return (real.readFile as (...a: unknown[]) => Promise<unknown>)(path, ...rest);
    }) as typeof real.readFile,
  };
});

type Input = typeof import("../../src/audit/input.js");
let toAudited: Input["toAudited"];
let parseFunctionList: Input["parseFunctionList"];
let loadInputFile: Input["loadInputFile"];
beforeAll(async () => {
  ({ toAudited, parseFunctionList, loadInputFile } = await import("../../src/audit/input.js"));
});

const ACCOUNT = "111122223333";
const where = (arn: string, version?: string) => {
  const a = toAudited(version === undefined ? { FunctionArn: arn } : { FunctionArn: arn, Version: version }, "fallback-1");
  return `${a.region} ${a.name} ${a.version} ${a.arn}`;
};

describe("the function ARN pattern", () => {
  it("reads region, name and qualifier from an aws ARN", () => {
    const arn = `arn:aws:lambda:eu-west-1:${ACCOUNT}:function:My_Func-2`;
    expect(where(arn)).toBe(`eu-west-1 My_Func-2 $LATEST ${arn}`);
    expect(where(`${arn}:12`)).toBe(`eu-west-1 My_Func-2 12 ${arn}:12`);
    expect(where(`${arn}:live`)).toBe(`eu-west-1 My_Func-2 live ${arn}:live`);
    expect(where(`${arn}:$LATEST`)).toBe(`eu-west-1 My_Func-2 $LATEST ${arn}`);
  });

  it("accepts the other partitions (aws-cn, aws-us-gov)", () => {
    expect(where(`arn:aws-cn:lambda:cn-north-1:${ACCOUNT}:function:api`)).toBe(`cn-north-1 api $LATEST arn:aws-cn:lambda:cn-north-1:${ACCOUNT}:function:api`);
    expect(where(`arn:aws-us-gov:lambda:us-gov-west-1:${ACCOUNT}:function:api:3`)).toBe(
      `us-gov-west-1 api 3 arn:aws-us-gov:lambda:us-gov-west-1:${ACCOUNT}:function:api:3`,
    );
  });

  it("does not parse anything else: the name, version and region then come from the fields and the fallback", () => {
    const odd = [
      `xarn:aws:lambda:eu-west-1:${ACCOUNT}:function:api`, // not at the start
      `arn:aws:lambda:eu-west-1:${ACCOUNT}:function:api:1:2`, // trailing garbage
      `arn:aws:lambda:eu-west-1:12345678901:function:api`, // 11-digit account
      `arn:aws:lambda:eu-west-1:1111222233334:function:api`, // 13-digit account
      `arn:aws:lambda:EU-WEST-1:${ACCOUNT}:function:api`, // region in capitals
      `arn:aws:lambda:eu-west-1:${ACCOUNT}:function:api.v2`, // dot in the name
      `arn:aws:lambda:eu-west-1:${ACCOUNT}:function:`, // no name
      `arn:aws:lambda::${ACCOUNT}:function:api`, // no region
      `arn:aws:lambda:eu-west-1:${ACCOUNT}:function:api:`, // empty qualifier
      `arn:aws2:lambda:eu-west-1:${ACCOUNT}:function:api`, // digit in the partition
    ];
    for (const arn of odd) expect(toAudited({ FunctionArn: arn }, "fallback-1"), arn).toMatchObject({ region: "fallback-1", name: "(unnamed)", version: "$LATEST", arn });
  });

  it("a version field that disagrees with a :$LATEST ARN keeps the ARN as given", () => {
    const arn = `arn:aws:lambda:eu-west-1:${ACCOUNT}:function:api:$LATEST`;
    expect(where(arn, "5")).toBe(`eu-west-1 api 5 ${arn}`);
  });
});

describe("error hints", () => {
  const dir = mkdtempSync(join(tmpdir(), "envseal-input-mutants-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const file = (name: string, text: string) => (writeFileSync(join(dir, name), text), join(dir, name));
  const EXPORT = "export it with: aws lambda list-functions --output json > functions.json";

  it("a wrongly typed field: the type hint", () => {
    expect(() => parseFunctionList([{ FunctionName: "a", Environment: { Variables: { N: 1 } } }])).toThrow(
      expect.objectContaining({
        message: "the input is not list-functions output (a: variable N is number, not a string)",
        hint: "pass the output of `aws lambda list-functions` unchanged: every variable value is a string",
      }),
    );
  });

  it("a missing file, an unreadable one and bad JSON: the export hint", async () => {
    const none = join(dir, "none.json");
    await expect(loadInputFile(none, "x")).rejects.toThrow(expect.objectContaining({ message: `cannot read --input ${none}: no such file`, hint: EXPORT }));
    await expect(loadInputFile(NO_CODE, "x")).rejects.toThrow(expect.objectContaining({ message: `cannot read --input ${NO_CODE}`, hint: EXPORT }));
    const bad = file("bad.json", "{");
    await expect(loadInputFile(bad, "x")).rejects.toThrow(expect.objectContaining({ message: `--input ${bad} is not valid JSON`, hint: EXPORT }));
  });

  it("a wrongly typed field in a file: the file named, the type hint kept", async () => {
    const typed = file("typed.json", JSON.stringify({ Functions: [{ FunctionName: "a", KMSKeyArn: 7 }] }));
    await expect(loadInputFile(typed, "x")).rejects.toThrow(
      expect.objectContaining({
        message: `--input ${typed}: the input is not list-functions output (a: KMSKeyArn is not a string)`,
        hint: "pass the output of `aws lambda list-functions` unchanged: every variable value is a string",
      }),
    );
  });

  it("reads UTF-8: a non-ASCII variable value arrives intact", async () => {
    const p = file("utf8.json", JSON.stringify([{ FunctionName: "a", Environment: { Variables: { GREETING: "grüße ✓" } } }]));
    expect((await loadInputFile(p, "x"))[0]!.variables).toEqual({ GREETING: "grüße ✓" });
  });
});
