/** Offline input: every accepted shape, each rejected shape's message, and toAudited's ARN and version rules. */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { loadInputFile, parseFunctionList, toAudited } from "../../src/audit/input.js";

const ARN = "arn:aws:lambda:eu-west-1:111122223333:function:orders-api";

describe("toAudited", () => {
  it("takes region, name and version from the ARN; qualifies versions, unqualifies $LATEST", () => {
    expect(toAudited({ FunctionArn: ARN, Environment: { Variables: { A1: "1" } }, KMSKeyArn: "k" }, "xx-1")).toEqual({
      region: "eu-west-1",
      name: "orders-api",
      arn: ARN,
      version: "$LATEST",
      variables: { A1: "1" },
      kmsKeyArn: "k",
      environmentError: undefined,
    });
    expect(toAudited({ FunctionArn: ARN, Version: "3" }, "xx-1")).toMatchObject({ arn: `${ARN}:3`, version: "3" });
    expect(toAudited({ FunctionArn: `${ARN}:4` }, "xx-1")).toMatchObject({ arn: `${ARN}:4`, version: "4" });
    expect(toAudited({ FunctionArn: `${ARN}:$LATEST` }, "xx-1")).toMatchObject({ arn: ARN, version: "$LATEST" });
    expect(toAudited({ FunctionName: "bare" }, "xx-1")).toMatchObject({ region: "xx-1", name: "bare", arn: "bare", version: "$LATEST", variables: {}, kmsKeyArn: undefined });
    expect(toAudited({}, "xx-1").name).toBe("(unnamed)");
    expect(toAudited({ FunctionArn: ARN, KMSKeyArn: "" }, "xx-1").kmsKeyArn).toBeUndefined();
  });

  it("keeps Environment.Error when it says something", () => {
    expect(toAudited({ FunctionArn: ARN, Environment: { Error: { ErrorCode: "AccessDeniedException", Message: "m" } } }, "x").environmentError).toEqual({ code: "AccessDeniedException", message: "m" });
    expect(toAudited({ FunctionArn: ARN, Environment: { Error: { Message: "only a message" } } }, "x").environmentError).toEqual({ code: "Unknown", message: "only a message" });
    expect(toAudited({ FunctionArn: ARN, Environment: { Error: { ErrorCode: "C" } } }, "x").environmentError).toEqual({ code: "C", message: "" });
    expect(toAudited({ FunctionArn: ARN, Environment: { Error: {} } }, "x").environmentError).toBeUndefined();
  });
});

describe("parseFunctionList", () => {
  const fn = { FunctionName: "a", Environment: { Variables: { X1: "1" } } };
  it("one page, pages, a bare array of configurations", () => {
    expect(parseFunctionList({ Functions: [fn] })).toEqual([fn]);
    expect(parseFunctionList([{ Functions: [fn] }, { Functions: [fn, { FunctionArn: ARN }] }])).toHaveLength(3);
    expect(parseFunctionList([fn, { FunctionArn: ARN }])).toHaveLength(2);
    expect(parseFunctionList([])).toEqual([]);
  });

  it.each([
    ["string", "top level is neither an object nor an array"],
    [{ Functions: "x" }, "top level"],
    [{ Functions: [{ Other: 1 }] }, "top level, function 1"],
    [[{ Functions: [fn, 3] }], "page 1, function 2"],
    [[fn, null], "item 2"],
    [[fn, []], "item 2"],
  ])("rejects %j naming where", (data, where) => {
    expect(() => parseFunctionList(data)).toThrow(`the input is not list-functions output (${where})`);
  });

  it.each([
    [{ FunctionName: "a", Environment: "x" }, "a: Environment is not an object"],
    [{ FunctionName: "a", Environment: { Variables: [] } }, "a: Environment.Variables is not an object"],
    [{ FunctionName: "a", Environment: { Variables: { X1: 1 } } }, "a: variable X1 is number, not a string"],
    [{ FunctionName: "a", Environment: { Variables: { X1: null } } }, "a: variable X1 is null, not a string"],
    [{ FunctionArn: ARN, KMSKeyArn: 5 }, "function 1: KMSKeyArn is not a string"],
    [{ FunctionName: "a", Version: 1 }, "a: Version is not a string"],
    [{ FunctionName: 7, FunctionArn: 1 }, "item 1"],
  ])("rejects wrong types: %j", (cfg, what) => {
    expect(() => parseFunctionList([cfg])).toThrow(`the input is not list-functions output (${what})`);
  });

  it("accepts null Environment and Variables", () => {
    expect(parseFunctionList([{ FunctionName: "a", Environment: null, KMSKeyArn: null }, { FunctionName: "b", Environment: { Variables: null } }])).toHaveLength(2);
  });
});

describe("loadInputFile", () => {
  const dir = mkdtempSync(join(tmpdir(), "envseal-input-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const file = (name: string, text: string) => (writeFileSync(join(dir, name), text), join(dir, name));

  it("reads, parses and converts; names the file in every error", async () => {
    const ok = file("ok.json", JSON.stringify({ Functions: [{ FunctionArn: ARN }] }));
    expect((await loadInputFile(ok, "xx-1")).map((f) => f.region)).toEqual(["eu-west-1"]);
    await expect(loadInputFile(join(dir, "none.json"), "x")).rejects.toThrow(`cannot read --input ${join(dir, "none.json")}: no such file`);
    await expect(loadInputFile(dir, "x")).rejects.toThrow(`cannot read --input ${dir} (EISDIR)`);
    await expect(loadInputFile(file("bad.json", "{"), "x")).rejects.toThrow(`--input ${join(dir, "bad.json")} is not valid JSON`);
    await expect(loadInputFile(file("shape.json", "3"), "x")).rejects.toThrow(
      expect.objectContaining({
        message: `--input ${join(dir, "shape.json")}: the input is not list-functions output (top level is neither an object nor an array)`,
        hint: "pass the output of `aws lambda list-functions` (one page, an array of pages, or an array of function configurations)",
      }),
    );
  });
});
