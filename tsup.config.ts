import { existsSync } from "node:fs";
import { defineConfig, type Options } from "tsup";

/** Entries that exist in this checkout (features land one by one). */
function present(entries: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(entries).filter(([, file]) => existsSync(file)));
}

const configs: Options[] = [
  {
    // CLI and library: ESM only.
    entry: present({
      "cli/main": "src/cli/main.ts",
      index: "src/index.ts",
      "core/errors": "src/core/errors.ts",
    }),
    format: ["esm"],
    target: "node20",
    platform: "node",
    dts: { entry: present({ index: "src/index.ts", "core/errors": "src/core/errors.ts" }) },
    sourcemap: true,
    clean: true,
    splitting: true,
  },
  {
    // Runtime entries: ESM and CJS, self-contained apart from peer dependencies, no code shared with the CLI.
    entry: present({
      "runtime/index": "src/runtime/index.ts",
      "runtime/middy": "src/runtime/middy.ts",
    }),
    format: ["esm", "cjs"],
    target: "node20",
    platform: "node",
    dts: true,
    sourcemap: true,
    splitting: false,
    external: [/^@aws-sdk\//, /^@smithy\//, "@middy/core"],
  },
  {
    // Deployable handlers (scheduled audit, reference handler), ESM. Everything but the AWS SDK (which Lambda's
    // Node.js runtimes ship) is bundled in, so dist/handlers/*.js deploy as they are.
    entry: present({
      "handlers/audit": "handlers/audit.ts",
      "handlers/reference": "handlers/reference.ts",
    }),
    format: ["esm"],
    target: "node20",
    platform: "node",
    sourcemap: true,
    splitting: false,
    noExternal: [/^(?!@aws-sdk\/|@smithy\/).*/],
    external: [/^@aws-sdk\//, /^@smithy\//],
  },
];

export default defineConfig(configs.filter((c) => Object.keys(c.entry as Record<string, string>).length > 0));
