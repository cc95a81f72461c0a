/**
 * Lambda's rules for environment variables, enforced before any API call. Pure: no AWS imports.
 * @module
 */
import { InputError } from "./errors.js";

/** Lambda's limit on the environment: the whole map as compact JSON, in bytes. */
export const ENV_LIMIT_BYTES = 4096;
/** Lambda's name pattern: a letter, then at least one letter, digit or underscore. */
export const NAME_PATTERN = /^[a-zA-Z][a-zA-Z0-9_]+$/;

/** Names Lambda sets itself and refuses in a function's configuration. */
export const RESERVED_NAMES: ReadonlySet<string> = new Set([
  "_HANDLER",
  "_X_AMZN_TRACE_ID",
  "AWS_DEFAULT_REGION",
  "AWS_REGION",
  "AWS_EXECUTION_ENV",
  "AWS_ACCESS_KEY",
  "AWS_ACCESS_KEY_ID",
  "AWS_SECRET_ACCESS_KEY",
  "AWS_SESSION_TOKEN",
  "LAMBDA_TASK_ROOT",
  "LAMBDA_RUNTIME_DIR",
]);
/** Prefixes Lambda reserves (`AWS_LAMBDA_FUNCTION_NAME`, `AWS_LAMBDA_RUNTIME_API`, ...). */
export const RESERVED_PREFIXES: readonly string[] = ["AWS_LAMBDA_", "AWS_ACCESS_KEY"];
/** Names envseal itself manages; users cannot set them directly. */
export const ENVSEAL_NAMES: ReadonlySet<string> = new Set(["ENVSEAL_SEALED", "ENVSEAL_BUNDLE"]);

/** True when `name` matches Lambda's pattern. */
export function isValidName(name: string): boolean {
  return NAME_PATTERN.test(name);
}

/**
 * Why `name` is not a valid variable name, in words that do not repeat it: a value typed where a name belongs must not
 * reach the terminal, the CI log or the shell history's neighbours.
 *
 * @example
 * ```ts
 * invalidNameMessage("1ABC"); // 'invalid variable name (4 characters): it starts with a digit'
 * ```
 */
export function invalidNameMessage(name: string): string {
  const why =
    name.length === 0
      ? "it is empty"
      : /^[0-9]/.test(name)
        ? "it starts with a digit"
        : name.startsWith("_")
          ? "it starts with an underscore"
          : /[^a-zA-Z0-9_]/.test(name)
            ? "it holds a character other than letters, digits and _"
            : name.length < 2
              ? "it is one character long"
              : "it does not match [a-zA-Z][a-zA-Z0-9_]+";
  return `invalid variable name (${name.length} characters, not shown in case it is a value): ${why}`;
}

/** True when Lambda reserves `name`. */
export function isReservedName(name: string): boolean {
  return RESERVED_NAMES.has(name) || RESERVED_PREFIXES.some((p) => name.startsWith(p));
}

/**
 * Check a name a user wants to set. Throws {@link InputError} naming the problem and the fix.
 *
 * @example
 * ```ts
 * assertSettableName("DB_PASSWORD"); // ok
 * assertSettableName("AWS_REGION");  // throws: reserved by Lambda
 * ```
 */
export function assertSettableName(name: string): void {
  if (!isValidName(name)) {
    throw new InputError(invalidNameMessage(name), {
      hint: "names start with a letter and hold at least two letters, digits or underscores ([a-zA-Z][a-zA-Z0-9_]+)",
    });
  }
  if (isReservedName(name)) {
    throw new InputError(`${name} is reserved by Lambda`, { hint: "choose another name; Lambda sets this variable itself" });
  }
  if (ENVSEAL_NAMES.has(name)) {
    throw new InputError(`${name} is managed by envseal`, { hint: "choose another name" });
  }
}

/**
 * Check the names a command acts on (`unset`, `adopt`): at least one, each a valid name and not one envseal manages.
 * Unlike {@link assertSettableName}, reserved names pass: they may exist from before and can be removed.
 */
export function assertNamesToChange(command: string, names: readonly string[]): void {
  if (names.length === 0) throw new InputError(`${command} needs at least one NAME`, { hint: `envseal ${command} --function F NAME ...` });
  for (const name of names) {
    if (!isValidName(name)) throw new InputError(invalidNameMessage(name), { hint: "names match [a-zA-Z][a-zA-Z0-9_]+" });
    if (ENVSEAL_NAMES.has(name)) throw new InputError(`${name} is managed by envseal`, { hint: `${command} the secrets it lists instead` });
  }
}

/** Bytes the map takes against Lambda's limit: compact JSON, UTF-8. */
export function envSize(variables: Readonly<Record<string, string>>): number {
  // Stryker disable next-line StringLiteral: Buffer.byteLength measures UTF-8 for any string encoding it does not know.
  return Buffer.byteLength(JSON.stringify(variables), "utf8");
}

/** The `count` largest variables by the bytes they add to the JSON map, largest first. */
export function largestVariables(
  variables: Readonly<Record<string, string>>,
  count = 3,
): Array<{ name: string; bytes: number }> {
  return Object.entries(variables)
    // Stryker disable next-line StringLiteral: Buffer.byteLength measures UTF-8 for any string encoding it does not know.
    .map(([name, value]) => ({ name, bytes: Buffer.byteLength(JSON.stringify({ [name]: value }), "utf8") - 2 }))
    .sort((a, b) => b.bytes - a.bytes || a.name.localeCompare(b.name))
    .slice(0, count);
}

/**
 * Throw {@link InputError} when the map is over Lambda's 4096-byte limit, saying the measured size and the
 * largest variables (names and sizes only).
 */
export function assertWithinLimit(variables: Readonly<Record<string, string>>, extraHint?: string): void {
  const size = envSize(variables);
  if (size <= ENV_LIMIT_BYTES) return;
  const top = largestVariables(variables)
    .map((v) => `${v.name} ${v.bytes} B`)
    .join(", ");
  throw new InputError(`the environment would be ${size} bytes, over Lambda's limit of ${ENV_LIMIT_BYTES} (largest: ${top})`, {
    hint: extraHint ?? "remove or shorten variables, or keep large secrets in Secrets Manager",
  });
}
