// Mutation testing (npm run test:mutation): see docs/testing.md, "Mutation testing".
// Only the unit tests run against mutants; integration and e2e suites start moto, TLS servers and child processes
// (which load dist/, not the mutated src/) and would only slow the run down.
const FOLDERS = ["core", "ops", "runtime", "audit"];
// MUTATE_FOLDER=core npm run test:mutation: one folder, with its own report files (a whole run takes long).
const only = process.env.MUTATE_FOLDER;
if (only !== undefined && !FOLDERS.includes(only)) throw new Error(`MUTATE_FOLDER must be one of ${FOLDERS.join(", ")}`);
const folders = only ? [only] : FOLDERS;
// MUTATE_PART=template (with MUTATE_FOLDER=audit): one sub-folder, "." for the folder's own files, or one file
// (detect/scan.ts). A large folder is measured in parts that each finish and keep their own incremental file; the
// folder's score is the sum of its parts.
const part = process.env.MUTATE_PART;
if (part !== undefined && (only === undefined || !/^(\.|[a-z]+|([a-z]+\/)?[a-z-]+\.ts)$/.test(part))) {
  throw new Error('MUTATE_PART needs MUTATE_FOLDER and is a sub-folder, "." or a file such as detect/scan.ts');
}
const globs =
  part === undefined ? folders.map((f) => `src/${f}/**/*.ts`) : [part === "." ? `src/${only}/*.ts` : part.endsWith(".ts") ? `src/${only}/${part}` : `src/${only}/${part}/**/*.ts`];
const name = part === undefined ? (only ?? "all") : `${only}-${part === "." ? "top" : part.replace(/\.ts$/, "").replace("/", "-")}`;

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  packageManager: "npm",
  testRunner: "vitest",
  vitest: { configFile: "vitest.unit.config.ts", related: true },
  plugins: ["@stryker-mutator/vitest-runner"],
  coverageAnalysis: "perTest",
  // index.ts files that only re-export are left out; src/audit/format/index.ts holds code (writeReportFile) and stays.
  mutate: [...globs, ...["src/index.ts", "src/core/index.ts", "src/runtime/index.ts", "src/audit/index.ts"].map((f) => `!${f}`)],
  // The machine is shared: one or two test processes at a time.
  concurrency: 2,
  // Static mutants (module-level constants) would run every unit test each; they are reported as "ignored".
  ignoreStatic: true,
  // Generous: on a shared 2-core machine a test run slowed by other work must not be taken for a hanging mutant
  // (a timeout counts as killed).
  timeoutMS: 10000,
  timeoutFactor: 1.5,
  reporters: ["clear-text", "progress-append-only", "html", "json"],
  htmlReporter: { fileName: `reports/mutation/${name}.html` },
  jsonReporter: { fileName: `reports/mutation/${name}.json` },
  tempDirName: `.stryker-tmp/${name}`,
  cleanTempDir: "always",
  thresholds: { high: 90, low: 80, break: null },
};
