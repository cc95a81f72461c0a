/**
 * Vitest setup file for the mutation run only (vitest.unit.config.ts, loaded after Stryker's own setup file).
 *
 * Stryker's vitest runner records which tests cover a mutant by setting a "current test" id in `beforeEach` and
 * clearing it in `afterEach`. Code a test file runs in `beforeAll` (an audit computed once and checked by twenty
 * tests) therefore counts as covered by no test: with `ignoreStatic` such a mutant is either ignored or run only
 * against some unrelated test that happens to touch the same line, and survives although the file's assertions
 * would catch it. (In mutant runs Stryker activates the mutant before any `beforeAll`, so only the dry run's
 * bookkeeping is wrong.)
 *
 * Here, during the dry run, coverage recorded while a file's hooks run (after collection, outside any test) is
 * credited to every test of that file that ran. Module-level code stays "static": it runs while the file is
 * collected, before the first hook.
 */
import { afterAll, beforeAll, inject } from "vitest";

type Coverage = { static: Record<string, number>; perTest: Record<string, Record<string, number>> };
type Namespace = { currentTestId?: string; mutantCoverage?: Coverage };
type TaskLike = { type: string; name: string; suite?: TaskLike; file?: { filepath: string }; tasks?: TaskLike[]; result?: { state?: string } };

// Provided by Stryker's runner; undefined when this config runs outside Stryker, and then nothing happens here.
const namespaceName = inject("globalNamespace" as never) as string | undefined;
const mode = inject("mode" as never) as string | undefined;

/** The id Stryker's setup gives a test: `<file path>#<suite names and test name, space-separated>`. */
function strykerTestId(test: TaskLike): string {
  const parts = [test.name];
  for (let s = test.suite; s; s = s.suite) parts.unshift(s.name);
  return `${test.file?.filepath ?? "unknown.js"}#${parts.join(" ").trim()}`;
}

function testsOf(task: TaskLike): TaskLike[] {
  if (task.type === "test") return [task];
  return (task.tasks ?? []).flatMap(testsOf);
}

if (namespaceName !== undefined && mode === "dry-run") {
  const g = globalThis as unknown as Record<string, Namespace>;
  const ns = (g[namespaceName] ??= {});
  let current: string | undefined;
  let hooks: string | undefined;
  Object.defineProperty(ns, "currentTestId", {
    configurable: true,
    enumerable: true,
    get: () => current ?? hooks,
    set: (id: string | undefined) => {
      current = id;
    },
  });

  // Vitest reads the first parameter as a fixture list: it must be a destructuring pattern.
  // eslint-disable-next-line no-empty-pattern
  beforeAll(({}, file) => {
    hooks = `${(file as unknown as { filepath: string }).filepath}#<hooks>`;
  });

  // Registered after Stryker's afterAll, so it runs before it (hooks run in stack order) and before Stryker copies
  // the coverage into the file's metadata.
  // eslint-disable-next-line no-empty-pattern
  afterAll(({}, file) => {
    const key = hooks;
    hooks = undefined;
    const perTest = ns.mutantCoverage?.perTest;
    if (key === undefined || perTest === undefined) return;
    const covered = perTest[key];
    delete perTest[key];
    if (covered === undefined) return;
    const ran = testsOf(file as unknown as TaskLike).filter((t) => t.result?.state === "pass" || t.result?.state === "fail");
    for (const test of ran) {
      const into = (perTest[strykerTestId(test)] ??= {});
      for (const [mutant, hits] of Object.entries(covered)) into[mutant] = (into[mutant] ?? 0) + hits;
    }
  });
}
