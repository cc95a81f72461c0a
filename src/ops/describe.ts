/**
 * The diff of a write, by name: variables, plus the entries inside the bundle (kind `bundled`).
 * @module
 */
import { diffEnv, type EnvDiff, type NameChange, type VariableKind } from "../core/diff.js";
import { BUNDLE_VAR, MANIFEST_VAR, parseManifest } from "../core/manifest.js";

/** How a name is stored in a map with this manifest. */
export function kindIn(variables: Readonly<Record<string, string>>, name: string): VariableKind {
  if (name === MANIFEST_VAR || name === BUNDLE_VAR) return "envseal";
  return parseManifest(variables[MANIFEST_VAR]).includes(name) ? "sealed" : "plain";
}

/** Diff of variables and, when known, of the bundle's entries. */
export function describeChange(
  before: Readonly<Record<string, string>>,
  after: Readonly<Record<string, string>>,
  bundleBefore: Readonly<Record<string, string>> | undefined,
  bundleAfter: Readonly<Record<string, string>> | undefined,
): EnvDiff {
  const vars = diffEnv(before, after, (n, side) => kindIn(side === "after" ? after : before, n));
  if (!bundleBefore && !bundleAfter) return vars;
  const inner = diffEnv(bundleBefore ?? {}, bundleAfter ?? {}, () => "bundled");
  const sort = (xs: NameChange[]) => xs.sort((a, b) => a.name.localeCompare(b.name) || a.kind.localeCompare(b.kind));
  // A name that leaves the variables and enters the bundle (or the other way) moved: one change, `sealed → bundled`.
  const added = [...vars.added, ...inner.added];
  const removed = [...vars.removed, ...inner.removed];
  const moved: NameChange[] = [];
  for (const r of [...removed]) {
    const a = added.find((x) => x.name === r.name && x.kind !== r.kind && (x.kind === "bundled" || r.kind === "bundled"));
    if (!a) continue;
    added.splice(added.indexOf(a), 1);
    removed.splice(removed.indexOf(r), 1);
    moved.push({ name: r.name, kind: a.kind, from: r.kind });
  }
  return {
    added: sort(added),
    changed: sort([...vars.changed, ...inner.changed, ...moved]),
    removed: sort(removed),
    unchanged: vars.unchanged + inner.unchanged,
  };
}
