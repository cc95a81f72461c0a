/**
 * The difference between two environments, by name only: what `push --dry-run` and `push` print.
 * Values are compared but never returned.
 * @module
 */

/** How a variable is stored. */
export type VariableKind = "sealed" | "bundled" | "plain" | "envseal";

/** One changed name. */
export interface NameChange {
  readonly name: string;
  readonly kind: VariableKind;
  /** For a changed name stored differently before (`sealed` → `plain`): how it was stored. */
  readonly from?: VariableKind;
}

/** What a write changes, names only. */
export interface EnvDiff {
  readonly added: readonly NameChange[];
  readonly changed: readonly NameChange[];
  readonly removed: readonly NameChange[];
  /** Count of variables left as they were. */
  readonly unchanged: number;
}

/**
 * Compare two variable maps. `kindOf` tells how each name is stored in `after` (or in `before` for removed names).
 *
 * @example
 * ```ts
 * diffEnv({ A: "1" }, { A: "1", B: "x" }, () => "plain"); // added: [{ name: "B", kind: "plain" }]
 * ```
 */
export function diffEnv(
  before: Readonly<Record<string, string>>,
  after: Readonly<Record<string, string>>,
  kindOf: (name: string, side: "before" | "after") => VariableKind,
): EnvDiff {
  const added: NameChange[] = [];
  const changed: NameChange[] = [];
  const removed: NameChange[] = [];
  let unchanged = 0;
  for (const name of Object.keys(after).sort()) {
    if (!(name in before)) added.push({ name, kind: kindOf(name, "after") });
    else if (before[name] !== after[name]) {
      const kind = kindOf(name, "after");
      const from = kindOf(name, "before");
      changed.push(from === kind ? { name, kind } : { name, kind, from });
    }
    else unchanged++;
  }
  for (const name of Object.keys(before).sort()) {
    if (!(name in after)) removed.push({ name, kind: kindOf(name, "before") });
  }
  return { added, changed, removed, unchanged };
}

/** True when the diff changes nothing. */
export function isEmptyDiff(diff: EnvDiff): boolean {
  return diff.added.length === 0 && diff.changed.length === 0 && diff.removed.length === 0;
}
