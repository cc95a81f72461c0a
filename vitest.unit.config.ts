/** Vitest config for the unit tests only: used by the mutation run (stryker.config.mjs), which must not start moto or child processes. */
import { defineConfig } from "vitest/config";
import base from "./vitest.config.js";

export default defineConfig({ ...base, test: { ...base.test, include: ["test/unit/**/*.test.ts"] } });
