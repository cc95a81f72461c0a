/**
 * Vitest config for the unit tests only: used by the mutation run (stryker.config.mjs), which must not start moto or
 * child processes. Its extra setup file credits coverage recorded in `beforeAll` hooks to the file's tests
 * (test/support/mutation-hook-coverage.ts).
 */
import { defineConfig } from "vitest/config";
import base from "./vitest.config.js";

export default defineConfig({
  ...base,
  test: {
    ...base.test,
    include: ["test/unit/**/*.test.ts"],
    setupFiles: [...(base.test?.setupFiles as string[]), "test/support/mutation-hook-coverage.ts"],
  },
});
