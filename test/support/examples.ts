/**
 * The code examples of README.md and docs/*.md: every fenced block tagged ts, typescript, js, javascript, mjs or cjs.
 * CommonJS examples (require / exports.) have their `const { a } = require("m")` lines turned into `import { a } from "m"`
 * so that, compiled as .cts, TypeScript resolves them through the package's `require` condition and its .d.cts types —
 * where a wrong exports map shows (TS1479, "masquerading as ESM").
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

/** One example. */
export interface Example {
  /** File and index, safe as a file name: `README-1`, `docs_runtime-2`. */
  readonly id: string;
  readonly file: string;
  readonly module: "esm" | "cjs";
  readonly code: string;
}

const FENCE = /^```(ts|typescript|js|javascript|mjs|cjs)\s*$([\s\S]*?)^```\s*$/gm;

/** Every example of `README.md` and `docs/*.md` under `root`. */
export function extractExamples(root: string): Example[] {
  const files = ["README.md", ...readdirSync(join(root, "docs")).filter((f) => f.endsWith(".md")).map((f) => `docs/${f}`)];
  const out: Example[] = [];
  for (const file of files) {
    const text = readFileSync(join(root, file), "utf8");
    let i = 0;
    for (const m of text.matchAll(FENCE)) {
      const body = m[2]!;
      const cjs = /\brequire\(|^\s*exports\.|module\.exports/m.test(body);
      const code = cjs ? body.replace(/^const (\{[^}]*\}) = require\(("[^"]+")\);$/gm, "import $1 from $2;") : body;
      out.push({ id: `${file.replace(/\.md$/, "").replace(/\//g, "_")}-${++i}`, file, module: cjs ? "cjs" : "esm", code });
    }
  }
  return out;
}
