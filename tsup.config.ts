import { existsSync } from "node:fs";
import { defineConfig, type Options } from "tsup";

/** Entries that exist in this checkout (features land one by one). */
function present(entries: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(entries).filter(([, file]) => existsSync(file)));
}

/** The package's entry points (package.json `exports`), built as ESM and as CommonJS. */
const LIBRARY = present({
  index: "src/index.ts",
  errors: "src/core/errors.ts",
  "runtime/index": "src/runtime/index.ts",
  "runtime/middy": "src/runtime/middy.ts",
});

/**
 * Everything is bundled in but the peers: `@aws-sdk/client-kms` (loaded by the runtime only on its SDK path; Lambda's
 * Node.js runtimes ship it) and `@middy/core` (the caller's). So the package has no dependencies of its own: a
 * runtime-only install pulls in nothing else.
 */
const PEERS = ["@aws-sdk/client-kms", "@middy/core"];
const BUNDLED = [/^(?!@aws-sdk\/client-kms$|@middy\/core$).*/];

/** Bundled CommonJS dependencies (secretlint, commander, the AWS SDK) call require(): ESM output gets a real one. */
const ESM_REQUIRE = 'import { createRequire as __envsealCreateRequire } from "node:module"; const require = __envsealCreateRequire(import.meta.url);';

/**
 * CommonJS has no `import.meta`: in the CommonJS build `import.meta.url` is each file's own URL, from its own
 * `__filename` (a banner, so every chunk has one — tsup's injected shim would land in a shared chunk and give that
 * chunk's URL). The template auditor starts its worker threads on the URL of the module it is in
 * (src/audit/template/workers.ts), so that URL must be its own chunk's.
 */
const CJS_MODULE_URL = 'const __envsealModuleUrl = require("node:url").pathToFileURL(__filename).href;';

/** Shared chunks go to dist/chunks/, apart from the entry points. */
const chunksApart: Options["esbuildOptions"] = (options) => {
  options.chunkNames = "chunks/[name]-[hash]";
};

/** The CLI's shared chunks apart from the library's: dist/chunks/cli-*. */
const cliChunksApart: Options["esbuildOptions"] = (options) => {
  options.chunkNames = "chunks/cli-[name]-[hash]";
};

const configs: Options[] = [
  {
    // The CLI binary (ESM, top-level await), self-contained: every dependency bundled in, the AWS SDK clients too, so
    // `npx envseal` works with nothing else installed. dist/audit/index.js is not a package export (and not
    // published): the detection benchmark (bench/detect.mjs) imports the built auditor from it.
    entry: present({ "cli/main": "src/cli/main.ts", "audit/index": "src/audit/index.ts" }),
    format: ["esm"],
    target: "node20",
    platform: "node",
    splitting: true,
    clean: true,
    noExternal: [/.*/],
    banner: { js: ESM_REQUIRE },
    esbuildOptions: cliChunksApart,
  },
  {
    // The ESM library entries: everything bundled but the peers.
    entry: LIBRARY,
    format: ["esm"],
    target: "node20",
    platform: "node",
    splitting: true,
    dts: { entry: LIBRARY },
    external: PEERS,
    noExternal: BUNDLED,
    banner: { js: ESM_REQUIRE },
    esbuildOptions: chunksApart,
  },
  {
    // The CommonJS library entries. Every copy of the runtime shares one cache (runtime/state.ts) and every copy of the
    // error classes one identity (core/errors.ts), whichever build a caller imports or requires.
    entry: LIBRARY,
    format: ["cjs"],
    target: "node20",
    platform: "node",
    splitting: true,
    dts: { entry: LIBRARY },
    external: PEERS,
    noExternal: BUNDLED,
    banner: { js: CJS_MODULE_URL },
    define: { "import.meta.url": "__envsealModuleUrl" },
    esbuildOptions: chunksApart,
  },
  {
    // Deployable handlers (scheduled audit, AWS Config rule, reference handler), ESM, built for the repository and not published.
    // Everything but the AWS SDK (which Lambda's Node.js runtimes ship) is bundled in, so dist/handlers/*.js deploy as
    // they are.
    entry: present({
      "handlers/audit": "handlers/audit.ts",
      "handlers/config-rule": "handlers/config-rule.ts",
      "handlers/reference": "handlers/reference.ts",
    }),
    format: ["esm"],
    target: "node20",
    platform: "node",
    splitting: false,
    noExternal: [/^(?!@aws-sdk\/|@smithy\/).*/],
    external: [/^@aws-sdk\//, /^@smithy\//],
    banner: { js: ESM_REQUIRE },
  },
];

export default defineConfig(configs.filter((c) => Object.keys(c.entry as Record<string, string>).length > 0));
