/**
 * CloudFormation intrinsic functions: the YAML short-form tags (`!Ref`, `!Sub`, `!GetAtt`, …) as custom tags for the
 * `yaml` parser, so templates parse instead of failing on unknown tags, and the long-form names they stand for.
 * @module
 */
import type { CollectionTag, ScalarTag } from "yaml";

/**
 * Short-form tag name → long-form key. `!Ref` and `!Condition` keep their name; every other `!X` is `Fn::X`.
 *
 * @example
 * ```ts
 * INTRINSICS.GetAtt; // "Fn::GetAtt"
 * ```
 */
export const INTRINSICS: Readonly<Record<string, string>> = Object.fromEntries(
  [
    "Ref",
    "Condition",
    "Base64",
    "Cidr",
    "FindInMap",
    "GetAtt",
    "GetAZs",
    "ImportValue",
    "Join",
    "Select",
    "Split",
    "Sub",
    "Transform",
    "And",
    "Equals",
    "If",
    "Not",
    "Or",
    "Length",
    "ToJsonString",
  ].map((n) => [n, n === "Ref" || n === "Condition" ? n : `Fn::${n}`]),
);

/**
 * The long-form name of a YAML tag (`!Sub` → `Fn::Sub`), or `undefined` for tags that are not intrinsics
 * (`!!str`, a verbatim `!<tag:…>`). An unknown `!Name` (a newer intrinsic, a tool's own) is taken as `Fn::Name`,
 * so it counts as deploy-time, never as a literal.
 *
 * @example
 * ```ts
 * longName("!Ref");  // "Ref"
 * longName("!!str"); // undefined
 * ```
 */
export function longName(tag: string | undefined): string | undefined {
  if (!tag || !tag.startsWith("!") || tag.startsWith("!!") || tag.startsWith("!<")) return undefined;
  const short = tag.slice(1);
  return INTRINSICS[short] ?? `Fn::${short}`;
}

/**
 * True for a mapping key that is an intrinsic function in long form (`Ref`, `Condition`, `Fn::…`).
 *
 * @example
 * ```ts
 * isIntrinsicKey("Fn::Sub"); // true
 * isIntrinsicKey("Variables"); // false
 * ```
 */
export function isIntrinsicKey(key: string): boolean {
  return key === "Ref" || key === "Condition" || key.startsWith("Fn::");
}

/**
 * Custom tags for `yaml`'s `customTags`: every short form in scalar, sequence and mapping shape. They keep the node
 * as parsed; the tag stays on the node, and {@link longName} reads it.
 *
 * @example
 * ```ts
 * parseDocument(text, { customTags: CFN_TAGS, lineCounter });
 * ```
 */
export const CFN_TAGS: ReadonlyArray<ScalarTag | CollectionTag> = Object.keys(INTRINSICS).flatMap((name) => [
  { tag: `!${name}`, resolve: (value: string) => value } satisfies ScalarTag,
  { tag: `!${name}`, collection: "seq", resolve: (seq) => seq } satisfies CollectionTag,
  { tag: `!${name}`, collection: "map", resolve: (map) => map } satisfies CollectionTag,
]);
