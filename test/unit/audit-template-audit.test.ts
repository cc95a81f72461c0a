/**
 * template/audit.ts: how a template run is put together — the default folder, when worker threads are used, how the
 * workers' shares are merged (order, duplicates, the first error), the "no template" error, and a queue share
 * (offset/stride, nested stacks right after their parent, stop at the first error).
 * Worker threads cannot start from TypeScript sources, so `runInWorkers` is replaced by a fake returning what workers
 * would; `auditQueue` itself runs for real.
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { EnvsealError, InputError } from "../../src/core/errors.js";
import type { FileOutcome, QueueResult, QueueSettings } from "../../src/audit/template/audit.js";
import type { Pending } from "../../src/audit/template/load.js";
import { tempDir } from "../support/canary.js";

const fake = vi.hoisted(() => ({
  workers: undefined as number | undefined,
  results: [] as unknown[],
  defaultCalls: [] as unknown[][],
  runCalls: [] as unknown[][],
}));

vi.mock("../../src/audit/template/workers.js", async (importOriginal) => {
  const actual = await importOriginal<typeof import("../../src/audit/template/workers.js")>();
  return {
    ...actual,
    defaultWorkers: (...args: Parameters<typeof actual.defaultWorkers>) => {
      fake.defaultCalls.push(args);
      return fake.workers ?? actual.defaultWorkers(...args);
    },
    runInWorkers: async (...args: unknown[]) => {
      fake.runCalls.push(args);
      return fake.results;
    },
  };
});

const { auditTemplates, auditQueue } = await import("../../src/audit/template/audit.js");

afterEach(() => {
  fake.workers = undefined;
  fake.results = [];
  fake.defaultCalls.length = 0;
  fake.runCalls.length = 0;
  vi.restoreAllMocks();
});

const FN = (name: string, extra = "") =>
  `  ${name}:\n    Type: AWS::Lambda::Function\n    Properties:\n      Runtime: nodejs22.x\n      Environment:\n        Variables:\n          DB_PASSWORD: ${extra || "hunter2-not-a-real-one"}\n`;
const template = (...fns: string[]) => `Resources:\n${fns.join("")}`;

function folder(files: Record<string, string>): string {
  const dir = tempDir("envseal-template-audit-");
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir, name, ".."), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

const summary = (file: string, functions: number) => ({ file, format: "cloudformation" as const, functions });
const unknown = (file: string, line: number, column: number) => ({ location: { file, line, column }, function: "Fn", what: "value", reason: "a parameter" });
function outcome(path: string, order: number[], functions = 1, extra: Partial<FileOutcome> = {}): FileOutcome {
  return { path, order, summary: summary(path, functions), findings: [], suppressed: [], unknown: [], ...extra };
}
const finding = (file: string) => ({ ruleId: "ES001", severity: "high", functionName: file, variable: "X", message: file }) as unknown as FileOutcome["findings"][number];

describe("auditTemplates: settings and threads", () => {
  it("paths are relative to the process's folder when no cwd is given", async () => {
    const dir = folder({ "infra/t.yaml": template(FN("Api")) });
    vi.spyOn(process, "cwd").mockReturnValue(dir);
    const r = await auditTemplates(["infra"], { workers: 0 });
    expect(r.files).toEqual([summary("infra/t.yaml", 1)]);
    expect(new Set(r.findings.map((f) => f.location?.file))).toEqual(new Set(["infra/t.yaml"]));
  });

  it("one worker (or none) audits in-process; more go to worker threads with the run's settings", async () => {
    const dir = folder({ "t.yaml": template(FN("Api")) });
    for (const workers of [0, 1]) {
      const r = await auditTemplates(["t.yaml"], { cwd: dir, workers });
      expect(r.functions).toBe(1);
    }
    expect(fake.runCalls).toEqual([]);
    fake.results = [{ outcomes: [outcome("t.yaml", [0])] }];
    const r = await auditTemplates(["t.yaml"], { cwd: dir, workers: 2, requireCmk: true });
    expect(fake.runCalls).toHaveLength(1);
    const [queue, url, settings, workers] = fake.runCalls[0]!;
    expect(queue).toEqual([{ path: join(dir, "t.yaml"), explicit: true, prefix: "" }]);
    expect(String(url)).toMatch(/\/src\/audit\/template\/audit\.ts$/);
    expect(settings).toEqual({ cwd: dir, requireCmk: true, emulator: undefined });
    expect(workers).toBe(2);
    expect(r.files).toEqual([summary("t.yaml", 1)]);
    expect(fake.defaultCalls).toEqual([]);
  });

  it("without `workers` the count comes from defaultWorkers(queue length, this module)", async () => {
    const dir = folder({ "a.yaml": template(FN("A")), "b.yaml": template(FN("B")) });
    fake.workers = 3;
    fake.results = [{ outcomes: [outcome("a.yaml", [0])] }, { outcomes: [outcome("b.yaml", [1])] }, { outcomes: [] }];
    const r = await auditTemplates(["."], { cwd: dir });
    expect(fake.defaultCalls).toHaveLength(1);
    expect(fake.defaultCalls[0]![0]).toBe(2);
    expect(String(fake.defaultCalls[0]![1])).toMatch(/\/src\/audit\/template\/audit\.ts$/);
    expect(fake.runCalls[0]![3]).toBe(3);
    expect(r.files.map((f) => f.file)).toEqual(["a.yaml", "b.yaml"]);
  });
});

describe("auditTemplates: merging the workers' shares", () => {
  const dir = () => folder({ "t.yaml": template(FN("Api")) });

  it("outcomes in queue order (nested right after their parent), each file once, functions summed", async () => {
    fake.results = [
      { outcomes: [outcome("c.yaml", [2], 3, { findings: [finding("c")] }), outcome("a.yaml", [0], 1, { findings: [finding("a")] })] },
      {
        outcomes: [
          outcome("n.yaml", [0, 1], 2, { findings: [finding("n")] }),
          outcome("m.yaml", [0, 0], 4),
          outcome("a.yaml", [5], 9, { findings: [finding("late duplicate")] }),
          outcome("b.yaml", [1], 5),
        ],
      },
    ];
    const r = await auditTemplates(["t.yaml"], { cwd: dir(), workers: 2 });
    expect(r.files.map((f) => f.file)).toEqual(["a.yaml", "m.yaml", "n.yaml", "b.yaml", "c.yaml"]);
    expect(r.functions).toBe(1 + 4 + 2 + 5 + 3);
    expect(r.findings.map((f) => f.message)).toEqual(["a", "n", "c"]);
  });

  it("a shorter order sorts before its own nested ones; suppressed findings keep the same order", async () => {
    const sup = (m: string) => ({ ...finding(m), suppressedBy: "inline:comment" }) as FileOutcome["suppressed"][number];
    fake.results = [{ outcomes: [outcome("p/n.yaml", [0, 0], 1, { suppressed: [sup("nested")] }), outcome("p.yaml", [0], 1, { suppressed: [sup("parent")] })] }];
    const r = await auditTemplates(["t.yaml"], { cwd: dir(), workers: 2 });
    expect(r.files.map((f) => f.file)).toEqual(["p.yaml", "p/n.yaml"]);
    expect(r.suppressed.map((f) => f.message)).toEqual(["parent", "nested"]);
  });

  it("unknown values are sorted by file, then line, then column", async () => {
    fake.results = [
      { outcomes: [outcome("b.yaml", [1], 1, { unknown: [unknown("b.yaml", 1, 1)] })] },
      { outcomes: [outcome("a.yaml", [0], 1, { unknown: [unknown("a.yaml", 7, 9), unknown("a.yaml", 7, 3), unknown("a.yaml", 2, 40)] })] },
    ];
    const r = await auditTemplates(["t.yaml"], { cwd: dir(), workers: 2 });
    expect(r.unknown.map((u) => `${u.location.file}:${u.location.line}:${u.location.column}`)).toEqual(["a.yaml:2:40", "a.yaml:7:3", "a.yaml:7:9", "b.yaml:1:1"]);
  });

  it("the error of the earliest template in queue order is thrown, as an InputError when it was one", async () => {
    const err = (order: number[], message: string, name = "InputError", hint?: string) => ({ order, name, message, hint });
    fake.results = [
      { outcomes: [], error: err([3], "third") },
      { outcomes: [outcome("a.yaml", [0])], error: err([1, 0], "nested of the second", "InputError", "fix the nested one") },
      { outcomes: [], error: err([2], "second") },
    ] satisfies QueueResult[];
    const e = await auditTemplates(["t.yaml"], { cwd: dir(), workers: 3 }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(InputError);
    expect((e as InputError).message).toBe("nested of the second");
    expect((e as InputError).hint).toBe("fix the nested one");
  });

  it("an InputError without a hint is thrown with an empty hint", async () => {
    fake.results = [{ outcomes: [], error: { order: [0], name: "InputError", message: "bad template", hint: undefined } }] satisfies QueueResult[];
    const e = await auditTemplates(["t.yaml"], { cwd: dir(), workers: 2 }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(InputError);
    expect((e as InputError).message).toBe("bad template");
    expect((e as InputError).hint).toBe("");
  });

  it("any other error name becomes an EnvsealError (not an input error); a missing hint becomes empty", async () => {
    fake.results = [{ outcomes: [], error: { order: [0], name: "EnvsealError", message: "cannot read", hint: undefined } }] satisfies QueueResult[];
    const e = await auditTemplates(["t.yaml"], { cwd: dir(), workers: 2 }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(EnvsealError);
    expect(e).not.toBeInstanceOf(InputError);
    expect((e as EnvsealError).message).toBe("cannot read");
    expect((e as EnvsealError).hint).toBe("");
  });
});

describe("auditTemplates: nothing to audit", () => {
  it("a folder without templates is an input error naming what was given", async () => {
    const dir = folder({ "notes.yaml": "just: notes\n", "sub/readme.json": "{}" });
    const e = await auditTemplates(["sub", "."], { cwd: dir, workers: 0 }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(InputError);
    expect((e as InputError).message).toBe("no CloudFormation, SAM, CDK or Terraform plan template found in --template sub .");
    expect((e as InputError).hint).toBe("pass template files (.yaml, .yml, .json, .template), a folder holding them, or cdk.out");
  });

  it("the paths in that message stop after 200 characters", async () => {
    const long = "d".repeat(150);
    const dir = folder({ [`${long}/x.txt`]: "x", [`${long}2/x.txt`]: "x" });
    const e = (await auditTemplates([long, `${long}2`], { cwd: dir, workers: 0 }).catch((x: unknown) => x)) as InputError;
    expect(e.message).toBe(`no CloudFormation, SAM, CDK or Terraform plan template found in --template ${`${long} ${long}2`.slice(0, 200)}`);
  });
});

describe("auditQueue: one share of the queue", () => {
  const settings = (cwd: string): QueueSettings => ({ cwd, requireCmk: false, emulator: undefined });
  const item = (path: string): Pending => ({ path, explicit: true, prefix: "" });

  it("takes the templates whose index modulo stride is offset, with their queue index as order", async () => {
    const dir = folder({ "a.yaml": template(FN("A")), "b.yaml": template(FN("B")), "c.yaml": template(FN("C")), "d.yaml": template(FN("D")) });
    const queue = ["a", "b", "c", "d"].map((n) => item(join(dir, `${n}.yaml`)));
    const odd = await auditQueue(queue, 1, 2, settings(dir));
    expect(odd.outcomes.map((o) => [o.summary.file, o.order])).toEqual([
      ["b.yaml", [1]],
      ["d.yaml", [3]],
    ]);
    expect(odd.outcomes.map((o) => o.path)).toEqual([join(dir, "b.yaml"), join(dir, "d.yaml")]);
    expect(odd.error).toBeUndefined();
    const all = await auditQueue(queue, 0, 1, settings(dir));
    expect(all.outcomes.map((o) => o.order)).toEqual([[0], [1], [2], [3]]);
  });

  it("a template listed twice is audited once", async () => {
    const dir = folder({ "a.yaml": template(FN("A")) });
    const r = await auditQueue([item(join(dir, "a.yaml")), item(join(dir, "a.yaml"))], 0, 1, settings(dir));
    expect(r.outcomes.map((o) => o.summary.file)).toEqual(["a.yaml"]);
  });

  it("nested stack templates come right after their parent, ordered [parent, k]", async () => {
    const nestedStack = (id: string, file: string) =>
      `  ${id}:\n    Type: AWS::CloudFormation::Stack\n    Metadata:\n      aws:asset:path: ${file}\n    Properties:\n      TemplateURL: https://example.com/${file}\n`;
    const dir = folder({
      "p.yaml": template(nestedStack("One", "n1.yaml"), nestedStack("Two", "n2.yaml")),
      "n1.yaml": template(FN("N1")),
      "n2.yaml": template(FN("N2")),
      "z.yaml": template(FN("Z")),
    });
    const r = await auditQueue([item(join(dir, "p.yaml")), item(join(dir, "z.yaml"))], 0, 1, settings(dir));
    expect(r.outcomes.map((o) => [o.summary.file, o.order])).toEqual([
      ["p.yaml", [0]],
      ["n1.yaml", [0, 0]],
      ["n2.yaml", [0, 1]],
      ["z.yaml", [1]],
    ]);
    expect(new Set(r.outcomes[1]!.findings.map((f) => f.functionName))).toEqual(new Set(["One/N1"]));
  });

  it("stops at the first template that fails, reporting it with its place; what came before is kept", async () => {
    const dir = folder({ "a.yaml": template(FN("A")), "bad.yaml": "Resources:\n  X: [\n", "c.yaml": template(FN("C")) });
    const r = await auditQueue(["a", "bad", "c"].map((n) => item(join(dir, `${n}.yaml`))), 0, 1, settings(dir));
    expect(r.outcomes.map((o) => o.summary.file)).toEqual(["a.yaml"]);
    expect(r.error?.order).toEqual([1]);
    expect(r.error?.name).toBe("InputError");
    expect(r.error?.message).toMatch(/^template bad\.yaml:\d+:\d+ is not valid YAML/);
    expect(r.error?.hint).toEqual(expect.any(String));
  });
});
