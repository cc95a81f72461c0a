/**
 * Lambda's variable-name rules, exactly: every anchor and character class of the name pattern, every reserved name and
 * prefix, envseal's own names, and the reason invalidNameMessage gives for each kind of bad name.
 *
 * The module is loaded with `await import()` in `beforeAll`: its pattern and name sets are built when it loads, and
 * the mutation run credits only code run in tests or hooks to this file's tests.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { InputError } from "../../src/core/errors.js";

let limits: typeof import("../../src/core/limits.js");

beforeAll(async () => {
  limits = await import("../../src/core/limits.js");
});

/** The error `fn` throws (fails the test when it throws nothing). */
function thrown(fn: () => void): InputError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(InputError);
    return e as InputError;
  }
  throw new Error("expected an InputError");
}

describe("NAME_PATTERN: a letter, then one or more letters, digits or underscores, nothing else", () => {
  it("accepts two-character and longer names of letters, digits and underscores", () => {
    for (const name of ["AB", "ab", "A1", "a_", "DB_PASSWORD", "x9_Y", `K${"_".repeat(200)}`]) {
      expect(limits.isValidName(name), name).toBe(true);
      expect(limits.NAME_PATTERN.test(name), name).toBe(true);
    }
  });

  it("refuses a first character that is a digit or an underscore, even with a valid tail", () => {
    for (const name of ["1AB", "9_a", "_AB", "__x", "-AB", ".AB", " AB"]) expect(limits.isValidName(name), name).toBe(false);
  });

  it("refuses one-character and empty names", () => {
    for (const name of ["A", "z", "_", "1", ""]) expect(limits.isValidName(name), name).toBe(false);
  });

  it("refuses '-', '.', spaces and non-ASCII anywhere after the first letter, including trailing garbage", () => {
    for (const name of ["A-B", "AB-", "A.B", "AB.", "AB ", "AB\n", "ABé", "A=B", "AB!", "AB$"]) {
      expect(limits.isValidName(name), JSON.stringify(name)).toBe(false);
    }
  });
});

describe("reserved names", () => {
  const exact = [
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
  ];

  it("holds each name Lambda sets itself", () => {
    for (const name of exact) expect(limits.isReservedName(name), name).toBe(true);
  });

  it("reserves the AWS_LAMBDA_ and AWS_ACCESS_KEY prefixes", () => {
    for (const name of ["AWS_LAMBDA_FUNCTION_NAME", "AWS_LAMBDA_RUNTIME_API", "AWS_LAMBDA_", "AWS_ACCESS_KEY_SECRET", "AWS_ACCESS_KEYS"]) {
      expect(limits.isReservedName(name), name).toBe(true);
    }
  });

  it("does not reserve ordinary names, nor near misses of the reserved ones", () => {
    for (const name of ["DB_PASSWORD", "API_KEY", "AWS_LAMBDA", "AWS_REGION_2", "MY_AWS_REGION", "HANDLER", "aws_region", "LAMBDA_TASK", "AWS_ACCESS"]) {
      expect(limits.isReservedName(name), name).toBe(false);
    }
  });

  it("assertSettableName refuses every reserved name with the reserved message and accepts ordinary names", () => {
    // _HANDLER and _X_AMZN_TRACE_ID fail the name pattern first.
    for (const name of [...exact.filter((n) => !n.startsWith("_")), "AWS_LAMBDA_FUNCTION_NAME"]) {
      const e = thrown(() => limits.assertSettableName(name));
      expect(e.message).toBe(`${name} is reserved by Lambda`);
      expect(e.hint).toBe("choose another name; Lambda sets this variable itself");
    }
    expect(() => limits.assertSettableName("DB_PASSWORD")).not.toThrow();
  });
});

describe("names envseal manages", () => {
  it("ENVSEAL_SEALED and ENVSEAL_BUNDLE cannot be set, nor named by unset/adopt", () => {
    for (const name of ["ENVSEAL_SEALED", "ENVSEAL_BUNDLE"]) {
      expect(limits.ENVSEAL_NAMES.has(name)).toBe(true);
      expect(limits.isReservedName(name)).toBe(false);
      const set = thrown(() => limits.assertSettableName(name));
      expect(set.message).toBe(`${name} is managed by envseal`);
      expect(set.hint).toBe("choose another name");
      const unset = thrown(() => limits.assertNamesToChange("unset", [name]));
      expect(unset.message).toBe(`${name} is managed by envseal`);
      expect(unset.hint).toBe("unset the secrets it lists instead");
    }
  });

  it("other ENVSEAL_ names are the user's", () => {
    expect(limits.ENVSEAL_NAMES.has("ENVSEAL_OTHER")).toBe(false);
    expect(() => limits.assertSettableName("ENVSEAL_OTHER")).not.toThrow();
    expect(() => limits.assertNamesToChange("unset", ["ENVSEAL_OTHER", "AWS_REGION"])).not.toThrow();
  });
});

describe("invalidNameMessage: the reason, without the name", () => {
  const reason = (name: string): string => {
    const message = limits.invalidNameMessage(name);
    const prefix = `invalid variable name (${name.length} characters, not shown in case it is a value): `;
    expect(message.startsWith(prefix), message).toBe(true);
    return message.slice(prefix.length);
  };

  it("an empty name is empty", () => {
    expect(reason("")).toBe("it is empty");
  });

  it("a leading digit, whatever follows", () => {
    expect(reason("1ABC")).toBe("it starts with a digit");
    expect(reason("9")).toBe("it starts with a digit");
    expect(reason("1-x")).toBe("it starts with a digit");
  });

  it("a digit after the first character is not a leading digit", () => {
    expect(reason("A1-")).toBe("it holds a character other than letters, digits and _");
  });

  it("a leading underscore, but not a trailing one", () => {
    expect(reason("_A")).toBe("it starts with an underscore");
    expect(reason("_")).toBe("it starts with an underscore");
    expect(reason("A_-")).toBe("it holds a character other than letters, digits and _");
  });

  it("a character outside letters, digits and _ anywhere", () => {
    expect(reason("--")).toBe("it holds a character other than letters, digits and _");
    expect(reason("A-B")).toBe("it holds a character other than letters, digits and _");
    expect(reason("AB.")).toBe("it holds a character other than letters, digits and _");
    expect(reason("é")).toBe("it holds a character other than letters, digits and _");
  });

  it("a single letter is one character long", () => {
    expect(reason("A")).toBe("it is one character long");
    expect(reason("z")).toBe("it is one character long");
  });

  it("two or more letters, digits and underscores fall through to the pattern itself", () => {
    expect(reason("AB")).toBe("it does not match [a-zA-Z][a-zA-Z0-9_]+");
    expect(reason("A_1")).toBe("it does not match [a-zA-Z][a-zA-Z0-9_]+");
  });

  it("assertSettableName and assertNamesToChange throw it with their hints", () => {
    const set = thrown(() => limits.assertSettableName("A"));
    expect(set.message).toBe(limits.invalidNameMessage("A"));
    expect(set.hint).toBe("names start with a letter and hold at least two letters, digits or underscores ([a-zA-Z][a-zA-Z0-9_]+)");
    const change = thrown(() => limits.assertNamesToChange("adopt", ["DB_PASSWORD", "1X"]));
    expect(change.message).toBe(limits.invalidNameMessage("1X"));
    expect(change.hint).toBe("names match [a-zA-Z][a-zA-Z0-9_]+");
  });
});

describe("the 4 KB limit in UTF-8 bytes", () => {
  it("is 4096 bytes of compact JSON, counted in UTF-8 bytes rather than characters", () => {
    expect(limits.ENV_LIMIT_BYTES).toBe(4096);
    // {"A":"…"} is 8 bytes of JSON around the value.
    expect(() => limits.assertWithinLimit({ A: "x".repeat(4088) })).not.toThrow();
    expect(() => limits.assertWithinLimit({ A: "x".repeat(4089) })).toThrow("the environment would be 4097 bytes, over Lambda's limit of 4096");
    // 2044 two-byte characters: 4088 bytes, 2044 characters.
    expect(() => limits.assertWithinLimit({ A: "é".repeat(2044) })).not.toThrow();
    expect(() => limits.assertWithinLimit({ A: `${"é".repeat(2044)}x` })).toThrow("would be 4097 bytes");
    // A four-byte character (two UTF-16 units) counts 4.
    expect(limits.envSize({ A: "\u{1F600}" })).toBe(12);
  });

  it("largestVariables measures each entry's UTF-8 bytes in the JSON map", () => {
    expect(limits.largestVariables({ AB: "é", CD: "xx", EF: "\u{1F600}" })).toEqual([
      { name: "EF", bytes: 4 + 4 + 1 + 2 },
      { name: "AB", bytes: 4 + 2 + 1 + 2 },
      { name: "CD", bytes: 4 + 2 + 1 + 2 },
    ]);
  });
});
