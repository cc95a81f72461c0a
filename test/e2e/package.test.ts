/**
 * What users install is what the tests run: the output of `npm pack`, installed into throwaway consumer projects, used
 * as documented — ESM import and CJS require of every entry, under Node 20, 22 and 24; envseal/runtime and envseal/middy
 * together opening the secrets once; `instanceof` across entries; `audit({ templates })` from the main entry with its
 * worker threads (ESM and CJS); every code example of the README and docs under
 * `tsc --strict` (middy 6 and 7); the installed `envseal` binary; publint and @arethetypeswrong/cli; and what a
 * runtime-only install costs.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cpSync, readdirSync, readFileSync, statSync } from "node:fs";
import { availableParallelism } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { EncryptCommand, type KMSClient } from "@aws-sdk/client-kms";
import { createKey, motoAvailable, motoClients, startMoto, type Moto } from "../support/moto.js";
import { startAwsProxy, type AwsProxy } from "../support/aws-proxy.js";
import { canary, recordOutput } from "../support/canary.js";
import { installConsumer, packRepo, REPO, repoVersion, runIn, writeFiles } from "../support/consumer.js";
import { lambdaEnv, sha256 } from "../support/runtime-moto.js";
import { extractExamples } from "../support/examples.js";
import { plantFixtures, type PlantedFixtures } from "../support/templates.js";
import { audit as auditFromSource } from "../../src/audit/run.js";
import type { AuditReport } from "../../src/audit/report.js";
import { WORKER_THRESHOLD } from "../../src/audit/template/workers.js";
// @ts-expect-error -- a plain .mjs helper without types
import { toolPaths } from "../support/tools.mjs";

const tools = toolPaths() as { node22: string; node24: string; ric: string } | undefined;
const NODES: Array<[string, string]> = [["20", process.execPath], ...(tools ? ([["22", tools.node22], ["24", tools.node24]] as Array<[string, string]>) : [])];
const TSC = join(REPO, "node_modules/typescript/bin/tsc");
const TYPES = [`@types/node@${repoVersion("@types/node")}`, "@types/aws-lambda@8.10.164"];

function duBytes(dir: string): number {
  let total = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    total += entry.isDirectory() ? duBytes(p) : statSync(p).size;
  }
  return total;
}

describe.skipIf(!motoAvailable())("the installed package (npm pack → throwaway consumers)", () => {
  let pack: ReturnType<typeof packRepo>;
  let consumer: string;
  let consumer7: string;
  let moto: Moto;
  let proxy: AwsProxy;
  let kms: KMSClient;
  const values = { A_ONE: canary("pkg-a"), B_TWO: canary("pkg-b") };
  let perVariable: Record<string, string> = {};
  let bundled: Record<string, string> = {};
  let templates: PlantedFixtures;
  let templateReport: AuditReport;

  beforeAll(async () => {
    pack = packRepo();
    // A library user of the main entry installs the SDK clients its types name (optional peers); a runtime user needs none.
    const sdk = ["@aws-sdk/client-kms", "@aws-sdk/client-lambda", "@aws-sdk/client-account", "@aws-sdk/client-iam"].map((p) => `${p}@${repoVersion(p)}`);
    consumer = installConsumer(pack.tarball, [...sdk, `@middy/core@${repoVersion("@middy/core")}`, ...TYPES]);
    // middy 7's own types name its optional peer @aws/durable-execution-sdk-js: its users install it.
    consumer7 = installConsumer(pack.tarball, [...sdk, "@middy/core@7", "@aws/durable-execution-sdk-js@2", ...TYPES]);
    moto = await startMoto();
    proxy = await startAwsProxy(moto.url);
    ({ kms } = motoClients(moto));
    const key = await createKey(kms, "alias/pkg");
    const seal = async (fn: string, plaintext: string) =>
      Buffer.from((await kms.send(new EncryptCommand({ KeyId: key.arn, Plaintext: Buffer.from(plaintext), EncryptionContext: { LambdaFunctionName: fn } }))).CiphertextBlob!).toString("base64");
    perVariable = { A_ONE: await seal("pkg-fn", values.A_ONE), B_TWO: await seal("pkg-fn", values.B_TWO), ENVSEAL_SEALED: "A_ONE,B_TWO" };
    bundled = { ENVSEAL_BUNDLE: await seal("pkg-fn", JSON.stringify(values)) };
    // Enough templates for the template auditor's worker threads, and the report the sources give in one thread.
    templates = plantFixtures("cfn", "sam", "terraform");
    for (let i = 0; i < WORKER_THRESHOLD / 5; i++) {
      for (const sub of ["cfn", "sam", "terraform"]) cpSync(join(templates.dir, sub), join(templates.dir, "copies", `set-${i}`, sub), { recursive: true });
    }
    templateReport = await auditFromSource({ templates: ["copies"], cwd: templates.dir, failOn: "none", templateWorkers: 0 });
  }, 300_000);
  afterAll(async () => {
    await proxy?.stop();
    await moto?.stop();
  });

  it("ships what a consumer needs: entry points, types, docs — no source maps, no handler bundles, no dependencies", () => {
    expect(pack.files.filter((f) => f.endsWith(".map"))).toEqual([]);
    expect(pack.files.filter((f) => f.startsWith("dist/handlers/") || f.startsWith("dist/audit/"))).toEqual([]);
    for (const f of ["dist/cli/main.js", "dist/index.js", "dist/index.cjs", "dist/index.d.ts", "dist/index.d.cts", "dist/errors.js", "dist/errors.cjs",
      "dist/runtime/index.js", "dist/runtime/index.cjs", "dist/runtime/index.d.ts", "dist/runtime/index.d.cts", "dist/runtime/middy.js", "dist/runtime/middy.cjs",
      "docs/runtime.md", "docs/audit.md", "README.md", "package.json"]) {
      expect(pack.files, f).toContain(f);
    }
    const manifest = JSON.parse(readFileSync(join(consumer, "node_modules/envseal/package.json"), "utf8")) as { dependencies?: object };
    expect(manifest.dependencies ?? {}).toEqual({});
    console.info(`npm pack: ${pack.files.length} files, ${(pack.size / 1024).toFixed(0)} kB packed, ${(pack.unpackedSize / 1024 / 1024).toFixed(2)} MB unpacked`);
  });

  it("a runtime-only install (--omit=dev) pulls in nothing but envseal, and its binary works on its own (AWS SDK bundled in)", async () => {
    const dir = installConsumer(pack.tarball, [], { omitDev: true });
    const installed = readdirSync(join(dir, "node_modules")).filter((n) => !n.startsWith("."));
    expect(installed).toEqual(["envseal"]);
    console.info(`runtime-only install: node_modules ${(duBytes(join(dir, "node_modules")) / 1024 / 1024).toFixed(2)} MB, 1 package`);
    const bin = join(dir, "node_modules/envseal/dist/cli/main.js");
    const offline = await runIn(process.execPath, [bin, "audit", "--input", join(REPO, "samples/functions.json"), "--format", "json", "--fail-on", "none"], dir);
    expect(offline.code, offline.stderr).toBe(0);
    const template = await runIn(process.execPath, [bin, "audit", "--template", join(REPO, "samples/template-sealed.yaml"), "--format", "json", "--fail-on", "none"], dir);
    expect(template.code, template.stderr).toBe(0);
    // A live command: the bundled KMS client signs and sends to moto.
    const sealed = await runIn(process.execPath, [bin, "--endpoint-url", moto.url, "encrypt", "-f", "pkg-fn", "-k", "alias/pkg", "A_ONE=standalone-value"], dir, moto.env());
    expect(sealed.code, sealed.stderr).toBe(0);
    expect(sealed.stdout).toMatch(/^A_ONE=[A-Za-z0-9+/]+=*$/m);
    expect(sealed.stdout).toContain("ENVSEAL_SEALED=A_ONE:v2");
  });

  const EXPORTS = {
    envseal: ["push", "show", "unset", "encrypt", "decrypt", "audit", "auditClients", "renderReport", "runCli", "UnsealError", "EnvsealError", "InputError", "encryptionContext", "lazyDeps"],
    "envseal/runtime": ["loadSecrets", "getSecret", "resetSecrets", "withSecrets", "UnsealError", "EnvsealError", "DEFAULT_TIMEOUT_MS", "DEFAULT_RESERVE_MS"],
    "envseal/middy": ["envsealMiddleware", "default"],
    "envseal/errors": ["EnvsealError", "InputError", "ConfigError", "AwsError", "TransportError", "UnsealError", "FindingsError", "ExitCode", "exitCodeOf", "toCause"],
  };

  describe.each(NODES)("under Node %s", (_major, node) => {
    it("ESM import and CJS require of every entry give the same named exports", async () => {
      const esm = `const out = {}; for (const s of ${JSON.stringify(Object.keys(EXPORTS))}) out[s] = Object.keys(await import(s)).sort(); console.log(JSON.stringify(out));`;
      const cjs = `const out = {}; for (const s of ${JSON.stringify(Object.keys(EXPORTS))}) out[s] = Object.keys(require(s)).sort(); console.log(JSON.stringify(out));`;
      writeFiles(consumer, { "probe-exports.mjs": esm, "probe-exports.cjs": cjs });
      const [e, c] = await Promise.all([runIn(node, ["probe-exports.mjs"], consumer), runIn(node, ["probe-exports.cjs"], consumer)]);
      expect(e.code, e.stderr).toBe(0);
      expect(c.code, c.stderr).toBe(0);
      const fromEsm = JSON.parse(e.stdout) as Record<string, string[]>;
      const fromCjs = JSON.parse(c.stdout) as Record<string, string[]>;
      for (const [spec, names] of Object.entries(EXPORTS)) {
        for (const n of names) expect(fromEsm[spec], `${spec} (ESM) exports ${n}`).toContain(n);
        expect(fromCjs[spec]!.filter((n) => n !== "__esModule"), spec).toEqual(fromEsm[spec]);
      }
      const pj = await runIn(node, ["-e", 'console.log(require("envseal/package.json").name)'], consumer);
      expect(pj.stdout.trim()).toBe("envseal");
    });

    it("envseal/runtime and envseal/middy, ESM and CJS mixed, open the secrets with one Decrypt per process; resetSecrets resets both", async () => {
      const script = `
        import { createRequire } from "node:module";
        import { loadSecrets, resetSecrets } from "envseal/runtime";
        import { envsealMiddleware } from "envseal/middy";
        const require = createRequire(import.meta.url);
        const cjsRuntime = require("envseal/runtime");
        const cjsMiddy = require("envseal/middy");
        const digest = (s) => require("node:crypto").createHash("sha256").update(JSON.stringify(s)).digest("hex");
        const a = await loadSecrets();
        const request = { context: { getRemainingTimeInMillis: () => 5000 }, internal: {} };
        await envsealMiddleware().before(request);
        await cjsMiddy.envsealMiddleware().before(request);
        const b = await cjsRuntime.loadSecrets();
        console.log(JSON.stringify({ same: a === request.context.secrets && a === b, digest: digest(a) }));
        cjsRuntime.resetSecrets();
        await loadSecrets();
        console.log("reloaded");`;
      writeFiles(consumer, { "probe-once.mjs": script });
      for (const variables of [perVariable, bundled]) {
        proxy.resetCounters();
        const r = await runIn(node, ["probe-once.mjs"], consumer, lambdaEnv(proxy, "pkg-fn", variables));
        recordOutput("probe-once (stderr)", r.stderr);
        expect(r.code, r.stderr).toBe(0);
        const [first] = r.stdout.trim().split("\n");
        expect(JSON.parse(first!)).toEqual({ same: true, digest: sha256(JSON.stringify(variables === bundled ? values : values)) });
        const perLoad = variables === bundled ? 1 : 2;
        // One load for runtime + middy, ESM + CJS; one more after resetSecrets().
        expect(proxy.counters("kms:Decrypt").requests).toBe(2 * perLoad);
      }
    });

    it("instanceof holds across entries and module formats", async () => {
      const script = `
        import { createRequire } from "node:module";
        import { loadSecrets } from "envseal/runtime";
        import * as main from "envseal";
        import * as errorsEsm from "envseal/errors";
        const require = createRequire(import.meta.url);
        const errorsCjs = require("envseal/errors");
        const runtimeCjs = require("envseal/runtime");
        const e = await loadSecrets().catch((x) => x);
        const checks = {
          code: e.code,
          main: e instanceof main.UnsealError && e instanceof main.EnvsealError,
          errorsEsm: e instanceof errorsEsm.UnsealError,
          errorsCjs: e instanceof errorsCjs.UnsealError && e instanceof errorsCjs.EnvsealError,
          runtimeCjs: e instanceof runtimeCjs.UnsealError,
          notInput: !(e instanceof errorsCjs.InputError),
          plainError: !(new Error("x") instanceof errorsCjs.EnvsealError),
          exitCode: errorsCjs.exitCodeOf(e),
        };
        console.log(JSON.stringify(checks));`;
      writeFiles(consumer, { "probe-instanceof.mjs": script });
      // No AWS_LAMBDA_FUNCTION_NAME: loadSecrets fails with UnsealError NoFunctionName before any KMS call.
      const r = await runIn(node, ["probe-instanceof.mjs"], consumer, { ENVSEAL_SEALED: "A_ONE", A_ONE: perVariable.A_ONE! });
      expect(r.code, r.stderr).toBe(0);
      expect(JSON.parse(r.stdout)).toEqual({ code: "NoFunctionName", main: true, errorsEsm: true, errorsCjs: true, runtimeCjs: true, notInput: true, plainError: true, exitCode: 3 });
    });

    it("audit({ templates }) from the main entry, imported and required, runs its worker threads on its own chunk", async () => {
      const probe = (load: string) => `
        const { audit } = ${load};
        const [paths, cwd] = process.argv.slice(2);
        audit({ templates: [paths], cwd, failOn: "none" }).then((r) => console.log(JSON.stringify({
          files: r.summary.templates.filesScanned, fingerprints: r.findings.map((f) => f.fingerprint).sort(),
          suppressed: r.suppressed.length, unknown: r.summary.templates.unknown.length })));`;
      writeFiles(consumer, { "probe-templates.mjs": probe('await import("envseal")'), "probe-templates.cjs": probe('require("envseal")') });
      const expected = {
        files: templateReport.summary.templates?.filesScanned,
        fingerprints: templateReport.findings.map((f) => f.fingerprint).sort(),
        suppressed: templateReport.suppressed.length,
        unknown: templateReport.summary.templates?.unknown.length,
      };
      for (const [file, chunk] of [["probe-templates.mjs", /\/envseal\/dist\/chunks\/[\w-]+\.js$/], ["probe-templates.cjs", /\/envseal\/dist\/chunks\/[\w-]+\.cjs$/]] as const) {
        const r = await runIn(node, ["--require", join(REPO, "test/support/count-workers.cjs"), file, "copies", templates.dir], consumer);
        recordOutput(`${file} (stderr)`, r.stderr);
        expect(r.code, r.stderr).toBe(0);
        expect(JSON.parse(r.stdout), file).toEqual(expected);
        const started = r.stderr.split("\n").flatMap((l) => (l.startsWith("envseal-test: worker ") ? [l.slice("envseal-test: worker ".length)] : []));
        expect(started, file).toHaveLength(availableParallelism() > 1 ? Math.min(availableParallelism(), 4) : 0);
        for (const url of started) expect(fileURLToPath(url), file).toMatch(chunk);
      }
    });

    it("the installed envseal binary runs: --help, and an offline audit with its bundled detectors", async () => {
      const bin = join(consumer, "node_modules/envseal/dist/cli/main.js");
      const help = await runIn(node, [bin, "--help"], consumer);
      expect(help.code, help.stderr).toBe(0);
      expect(help.stdout).toMatch(/^Usage: envseal \[options\] \[command\]/);
      const sample = join(REPO, "samples/functions.json");
      const audit = await runIn(node, [bin, "audit", "--input", sample, "--format", "json", "--fail-on", "none"], consumer);
      expect(audit.code, audit.stderr).toBe(0);
      expect((JSON.parse(audit.stdout) as { findings: Array<{ ruleId: string }> }).findings.some((f) => f.ruleId === "ES001")).toBe(true);
    });
  });

  it("npx envseal --help works from the installed package", async () => {
    const r = await runIn("npx", ["--no-install", "envseal", "--help"], consumer);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain("Usage: envseal");
  });

  it("every TypeScript and JavaScript example of README.md and docs/ compiles with tsc --strict (middy 6 and 7)", async () => {
    const examples = extractExamples(REPO);
    expect(examples.length).toBeGreaterThanOrEqual(5);
    for (const dir of [consumer, consumer7]) {
      const files: Record<string, string> = {
        "examples/tsconfig.json": JSON.stringify({
          compilerOptions: { strict: true, noEmit: true, module: "nodenext", moduleResolution: "nodenext", target: "es2022", lib: ["es2023"], types: ["node", "aws-lambda"], allowJs: true, checkJs: true, skipLibCheck: false },
          include: ["*.mts", "*.cts", "*.d.ts"],
        }),
        // The helpers the examples call (a database query, a connection) are the reader's own.
        "examples/helpers.d.ts": "declare function query(...args: unknown[]): Promise<unknown>;\ndeclare function connect(...args: unknown[]): Promise<unknown>;\ndeclare const pw: string;\n",
      };
      for (const e of examples) files[`examples/${e.id}.${e.module === "cjs" ? "cts" : "mts"}`] = e.module === "cjs" ? `${e.code}\nexport {};\n` : `${e.code}\nexport {};\n`;
      writeFiles(dir, files);
      const r = await runIn(process.execPath, [TSC, "-p", "examples/tsconfig.json"], dir);
      expect(r.stdout + r.stderr, `tsc in ${dir === consumer ? "middy 6" : "middy 7"} consumer`).toBe("");
      expect(r.code).toBe(0);
    }
  });

  it("publint and @arethetypeswrong/cli find no problem in the packed tarball", async () => {
    const attw = await runIn(process.execPath, [join(REPO, "node_modules/@arethetypeswrong/cli/dist/index.js"), pack.tarball, "--format", "json"], REPO);
    const report = JSON.parse(attw.stdout) as { analysis: { problems: unknown[] } };
    expect(report.analysis.problems).toEqual([]);
    const publint = await runIn(process.execPath, [join(REPO, "node_modules/publint/src/cli.js"), "run", "--pack", "npm", REPO], REPO);
    expect(publint.code, publint.stdout + publint.stderr).toBe(0);
    expect(publint.stdout).toContain("All good!");
  });
});
