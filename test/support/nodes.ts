/**
 * The Node.js versions runtime suites run under: this process's (20, the development and CI version) and Lambda's
 * nodejs22.x / nodejs24.x lines, fetched from the npm registry by `test/support/tools.mjs` (missing → skipped with a
 * message, or a failure under CI=true).
 */
// @ts-expect-error -- a plain .mjs helper without types
import { toolPaths } from "./tools.mjs";

const tools = toolPaths() as { node22: string; node24: string } | undefined;

/** `[label, path to the node binary]` for each version available here. */
export const NODES: ReadonlyArray<readonly [string, string]> = [
  [`Node ${process.versions.node.split(".")[0]}`, process.execPath],
  ...(tools ? ([["Node 22", tools.node22], ["Node 24", tools.node24]] as const) : []),
];
