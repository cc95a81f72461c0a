// Mutation testing (npm run test:mutation): see docs/testing.md, "Mutation testing".
// Only the unit tests run against mutants; integration and e2e suites start moto, TLS servers and child processes
// (which load dist/, not the mutated src/) and would only slow the run down.
const FOLDERS = ["core", "ops", "runtime", "audit"];
// MUTATE_FOLDER=core npm run test:mutation: one folder, with its own report files (a whole run takes long).
const only = process.env.MUTATE_FOLDER;
if (only !== undefined && !FOLDERS.includes(only)) throw new Error(`MUTATE_FOLDER must be one of ${FOLDERS.join(", ")}`);
const folders = only ? [only] : FOLDERS;
const name = only ?? "all";

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  packageManager: "npm",
  testRunner: "vitest",
  vitest: { configFile: "vitest.unit.config.ts", related: true },
  plugins: ["@stryker-mutator/vitest-runner"],
  coverageAnalysis: "perTest",
  mutate: [...folders.map((f) => `src/${f}/**/*.ts`), "!src/**/index.ts"],
  // The machine is shared: one or two test processes at a time.
  concurrency: 2,
  // Static mutants (module-level constants) would run every unit test each; they are reported as "ignored".
  ignoreStatic: true,
  timeoutMS: 3000,
  timeoutFactor: 1.5,
  reporters: ["clear-text", "progress-append-only", "html", "json"],
  htmlReporter: { fileName: `reports/mutation/${name}.html` },
  jsonReporter: { fileName: `reports/mutation/${name}.json` },
  tempDirName: `.stryker-tmp/${name}`,
  cleanTempDir: "always",
  thresholds: { high: 90, low: 80, break: null },
};
