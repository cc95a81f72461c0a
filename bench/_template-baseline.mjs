// Baseline of the template bench: read every *.yaml under a folder and parse it with the yaml package's plain parse()
// (no positions, no checks). Run as a child: node bench/_template-baseline.mjs DIR.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";

const TAGS = ["Ref", "Sub", "GetAtt", "If", "Equals"].flatMap((n) => [
  { tag: `!${n}`, resolve: (v) => v },
  { tag: `!${n}`, collection: "seq", resolve: (v) => v },
]);
let files = 0;
const walk = (dir) => {
  for (const d of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, d.name);
    if (d.isDirectory()) walk(p);
    else if (d.name.endsWith(".yaml")) {
      parse(readFileSync(p, "utf8"), { customTags: TAGS });
      files++;
    }
  }
};
walk(process.argv[2]);
console.log(JSON.stringify({ files }));
