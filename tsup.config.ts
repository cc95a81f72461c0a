import { defineConfig } from "tsup";

export default defineConfig([
  {
    entry: {
      "cli/main": "src/cli/main.ts",
      index: "src/index.ts",
      "core/errors": "src/core/errors.ts",
    },
    format: ["esm"],
    target: "node20",
    platform: "node",
    dts: { entry: { index: "src/index.ts", "core/errors": "src/core/errors.ts" } },
    sourcemap: true,
    clean: true,
    splitting: true,
  },
]);
