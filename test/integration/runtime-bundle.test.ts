import { describe, expect, it } from "vitest";
import { build } from "esbuild";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));

const HANDLER = `
import { loadSecrets } from "envseal/runtime";
const secrets = await loadSecrets();
export const handler = async () => ({ statusCode: 200, body: String(Object.keys(secrets).length) });
`;

async function bundle(entry: "dist" | "src", minify: boolean) {
  const result = await build({
    stdin: { contents: HANDLER, resolveDir: ROOT, loader: "ts", sourcefile: "handler.ts" },
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    minify,
    write: false,
    metafile: true,
    external: ["@aws-sdk/*", "@smithy/*"],
    logLevel: "silent",
    // "dist": what a user gets from npm (the built entry); "src": the TypeScript sources, to catch stray imports.
    ...(entry === "src" ? { alias: { "envseal/runtime": `${ROOT}/src/runtime/index.ts` } } : { alias: { "envseal/runtime": `${ROOT}/dist/runtime/index.js` } }),
  });
  const file = result.outputFiles[0]!;
  return { text: file.text, bytes: file.contents.byteLength, inputs: Object.keys(result.metafile.inputs) };
}

describe("bundling a handler that uses envseal/runtime (esbuild, platform node, SDK external)", () => {
  it.each(["dist", "src"] as const)("from %s: contains the runtime and the TLS policy, no commander, CLI, auditor or Lambda client", async (entry) => {
    const { text, bytes, inputs } = await bundle(entry, false);
    const min = await bundle(entry, true);
    console.log(`envseal/runtime handler bundle (${entry}): ${bytes} bytes, ${min.bytes} bytes minified`);
    expect(text).toMatch(/LambdaFunctionName/);
    expect(text).toMatch(/ECDHE-RSA-AES128-GCM-SHA256/);
    for (const banned of ["commander", "cli-progress", "@aws-sdk/client-lambda", "@secretlint", "picomatch", "dotenv", "src/cli/", "src/audit/", "src/ops/", "src/lambda/", "src/kms/", "transport/clients"]) {
      expect(text.includes(banned), `bundle contains ${banned}`).toBe(false);
      expect(inputs.some((i) => i.includes(banned)), `bundle input from ${banned}`).toBe(false);
    }
    if (entry === "src") {
      // probe.ts and tls-errors.ts are loaded only when a TLS handshake is refused, to say what the peer offered.
      const allowed = /^(src\/runtime\/|src\/core\/(errors|format|manifest|limits)\.ts$|src\/transport\/(tls|probe|tls-errors)\.ts$|handler\.ts$)/;
      expect(inputs.filter((i) => !allowed.test(i))).toEqual([]);
    }
    // The SDK stays external (a peer dependency that Lambda's Node.js runtimes ship).
    expect(text).toMatch(/import\(["']@aws-sdk\/client-kms["']\)/);
    expect(min.bytes).toBeLessThan(40_000);
  });
});
