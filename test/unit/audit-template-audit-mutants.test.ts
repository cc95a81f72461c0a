/**
 * template/audit.ts, the parts the merge tests do not reach: ES023 for each kind of faulty inline suppression (its
 * message, variable, fingerprint and place), and an error that is not envseal's own escaping a queue share instead of
 * being reported as the share's error. loadTemplate is wrapped so that one path fails like a bug would.
 */
import { describe, expect, it, vi } from "vitest";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { fingerprintOf } from "../../src/audit/check.js";
import type { Pending } from "../../src/audit/template/load.js";
import { tempDir } from "../support/canary.js";

vi.mock("../../src/audit/template/load.js", async (importOriginal) => {
  const actual = await importOriginal<typeof import("../../src/audit/template/load.js")>();
  return {
    ...actual,
    loadTemplate: async (item: Pending, cwd: string) => {
      if (item.path.endsWith("boom.yaml")) throw new TypeError("a bug, not an input error");
      return actual.loadTemplate(item, cwd);
    },
  };
});

const { auditTemplates, auditQueue } = await import("../../src/audit/template/audit.js");

describe("ES023: faulty inline suppressions", () => {
  const text = [
    "Resources:", // 1
    "  Fn:", // 2
    "    Type: AWS::Lambda::Function", // 3
    "    Metadata:", // 4
    "      envseal:", // 5
    "        ignore:", // 6
    "          - id: ES001", // 7
    "            variable: API_KEY", // 8
    "          - id: xes999", // 9
    "            reason: suffix-shaped", // 10
    "          - id: ES9990", // 11
    "            reason: prefix-shaped", // 12
    "          - reason: names nothing", // 13
    "          - id: ES001", // 14
    "            reason: a good one", // 15
    "    Properties:", // 16
    "      KmsKeyArn: arn:aws:kms:us-east-1:111122223333:key/k", // 17
    "      Environment:", // 18
    "        Variables:", // 19
    "          PLAIN: value", // 20
    "# envseal-ignore", // 21
    "# envseal-ignore just a reason", // 22
    "# envseal-ignore ES999 es998 two unknown ones", // 23
    "# envseal-ignore ES001 fine", // 24
    "",
  ].join("\n");

  it("message, variable, fingerprint (kind, ids and variable) and line of each", async () => {
    const dir = tempDir("envseal-template-es023-");
    writeFileSync(join(dir, "t.yaml"), text);
    const r = await auditTemplates(["t.yaml"], { cwd: dir, workers: 0 });
    const fnArn = "template:t.yaml#Fn";
    const templateArn = "template:t.yaml#(template)";
    expect(
      r.findings
        .filter((f) => f.ruleId === "ES023")
        .map((f) => ({ fn: f.functionName, arn: f.functionArn, variable: f.variable, message: f.message, fingerprint: f.fingerprint, line: f.location?.line })),
    ).toEqual([
      {
        fn: "Fn",
        arn: fnArn,
        variable: "API_KEY",
        message: "a Metadata envseal.ignore entry for API_KEY gives no reason",
        fingerprint: fingerprintOf("ES023", fnArn, "metadata:ES001:API_KEY"),
        line: 7,
      },
      {
        fn: "Fn",
        arn: fnArn,
        variable: null,
        message: "a Metadata envseal.ignore entry names unknown rule (not a rule id)",
        fingerprint: fingerprintOf("ES023", fnArn, "metadata:XES999:"),
        line: 9,
      },
      {
        fn: "Fn",
        arn: fnArn,
        variable: null,
        message: "a Metadata envseal.ignore entry names unknown rule (not a rule id)",
        fingerprint: fingerprintOf("ES023", fnArn, "metadata:ES9990:"),
        line: 11,
      },
      {
        fn: "Fn",
        arn: fnArn,
        variable: null,
        message: "a Metadata envseal.ignore entry names no rule id",
        fingerprint: fingerprintOf("ES023", fnArn, "metadata::"),
        line: 13,
      },
      {
        fn: "(template)",
        arn: templateArn,
        variable: null,
        message: "an envseal-ignore comment names no rule id and gives no reason",
        fingerprint: fingerprintOf("ES023", templateArn, "comment::"),
        line: 21,
      },
      {
        fn: "(template)",
        arn: templateArn,
        variable: null,
        message: "an envseal-ignore comment names no rule id",
        fingerprint: fingerprintOf("ES023", templateArn, "comment::"),
        line: 22,
      },
      {
        fn: "(template)",
        arn: templateArn,
        variable: null,
        message: "an envseal-ignore comment names unknown rule ES999, ES998",
        fingerprint: fingerprintOf("ES023", templateArn, "comment:ES999,ES998:"),
        line: 23,
      },
    ]);
  });
});

describe("auditQueue: errors", () => {
  it("an error that is not envseal's own is thrown, not reported as the share's error", async () => {
    const dir = tempDir("envseal-template-boom-");
    writeFileSync(join(dir, "boom.yaml"), "Resources: {}\n");
    const e = await auditQueue([{ path: join(dir, "boom.yaml"), explicit: true, prefix: "" }], 0, 1, { cwd: dir, requireCmk: false, emulator: undefined }).catch(
      (x: unknown) => x,
    );
    expect(e).toBeInstanceOf(TypeError);
    expect((e as Error).message).toBe("a bug, not an input error");
  });
});
