// Preload for built-package tests (`node --require test/support/count-workers.cjs …`): every worker thread started
// is reported on stderr as `envseal-test: worker <URL or path>`, so a test can see that workers ran and on which file.
// Patches node:worker_threads for CommonJS and ESM importers alike (syncBuiltinESMExports).
const threads = require("node:worker_threads");
const { syncBuiltinESMExports } = require("node:module");

const Original = threads.Worker;
threads.Worker = class CountingWorker extends Original {
  constructor(file, options) {
    process.stderr.write(`envseal-test: worker ${String(file)}\n`);
    super(file, options);
  }
};
syncBuiltinESMExports();
