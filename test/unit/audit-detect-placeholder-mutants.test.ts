/**
 * Placeholder detection, one rule at a time: each fill-me-in word and template form on its own (with a random-looking
 * rest that no other check would flag), the length limits of the template forms, the example segments, and the exact
 * thresholds of the repeated-character, repeated-unit and counting-sequence checks.
 */
import { beforeAll, describe, expect, it } from "vitest";

// The word, template and example-segment patterns are module constants: placeholder.ts is loaded in beforeAll so the
// mutation run credits them to these tests.
let isPlaceholder: typeof import("../../src/audit/detect/placeholder.js").isPlaceholder;
let shannonEntropy: typeof import("../../src/audit/detect/placeholder.js").shannonEntropy;
beforeAll(async () => {
  ({ isPlaceholder, shannonEntropy } = await import("../../src/audit/detect/placeholder.js"));
});

/** 16 characters with no repeat, no repeated unit, no counting sequence and no example word. */
const R = "Q7pK2mR4tW9nLs3V";
const r = (n: number) => R.repeat(Math.ceil(n / R.length)).slice(0, n);

describe("fill-me-in words, as the whole value", () => {
  it.each([
    "change-me", "change_me", "change me", "change.me", "changeme", "changeit", "change_this", "CHANGE_ME",
    "replace-me", "replace this", "replaceme", "replacethis", "replace.this", "todo", "TBD", "fixme", "none", "null", "nil", "undefined", "empty",
    "example", "sample", "placeholder", "dummy", "redacted", "masked", "hidden", "secret", "password", "passwd", "pass",
    "pwd", "token", "apikey", "api-key", "api_key", "key", "test", "testing", "default", "n/a", "na", "N/A",
    "your", "your-api-key", "your_token_here", "your key here", "yourkey", "YOUR.TOKEN",
    "my-secret-key", "my_api_token", "mysecret", "my.db.password", "mypass",
    "insert-your-key", "insert_token_here", "enter your password", "enter-token",
    "put-your-key-here", "put_token_here", "put key here",
  ])("%s", (v) => expect(isPlaceholder(v)).toBe(true));

  it.each([
    // The word only counts as the whole value.
    `${r(10)}changeme`.replace("changeme", "todo"),
    `todo${r(10)}`,
    `${r(10)}todo`,
    `token${r(10)}`,
    `${r(10)}secret`,
    `secret-${r(12)}`,
    // Near misses.
    "changeus1Zq",
    "my-api-keyring9Q",
    "insertkey",
    "enterkey",
    "put-the-key-in",
    "n//a",
    // After your/my comes a separator or a word, not a digit.
    "your1key",
    "my1token",
  ])("not a placeholder: %s", (v) => expect(isPlaceholder(v)).toBe(false));
});

describe("template syntax", () => {
  it.each(["<db-password>", "<DB_PASSWORD>", "${DB_PASSWORD}", "{{ secrets.API_KEY }}", "%DB_PASSWORD%", "%db_password%", "%AB%", "$(cat /run/secrets/db)", "[MASKED]", "[SECRET]", "[TOKEN]", "[PASSWORD]", "[redacted]"])(
    "%s",
    (v) => expect(isPlaceholder(v)).toBe(true),
  );

  it("anywhere in the value", () => {
    expect(isPlaceholder(`postgres://app:<password>@db:5432/${r(8)}`)).toBe(true);
    expect(isPlaceholder(`Bearer \${TOKEN_${r(6)}}`)).toBe(true);
  });

  it("length limits of each form", () => {
    expect(isPlaceholder(`<${r(60)}>`)).toBe(true);
    expect(isPlaceholder(`<${r(61)}>`)).toBe(false);
    expect(isPlaceholder(`\${${r(80)}}`)).toBe(true);
    expect(isPlaceholder(`\${${r(81)}}`)).toBe(false);
    expect(isPlaceholder(`{{${r(80)}}}`)).toBe(true);
    expect(isPlaceholder(`{{${r(81)}}}`)).toBe(false);
    expect(isPlaceholder(`$(${r(80)})`)).toBe(true);
    expect(isPlaceholder(`$(${r(81)})`)).toBe(false);
    const upper = "QWERTZUIOPASDFGHJKLYXCVBNMQWERTZUIOPASDFGHJKL";
    expect(isPlaceholder(`%${upper.slice(0, 40)}%`)).toBe(true);
    expect(isPlaceholder(`%${upper.slice(0, 41)}%`)).toBe(false);
    expect(isPlaceholder("%A%")).toBe(false);
    expect(isPlaceholder("Z%A7%")).toBe(false);
  });

  it("brackets, braces and parentheses must close the way the form says", () => {
    expect(isPlaceholder(`<${r(10)}`)).toBe(false);
    expect(isPlaceholder(`<${r(5)}<${r(5)}`)).toBe(false);
    expect(isPlaceholder(`\${${r(10)}`)).toBe(false);
    expect(isPlaceholder(`{${r(10)}}`)).toBe(false);
    expect(isPlaceholder(`{{${r(10)}}`)).toBe(false);
    expect(isPlaceholder(`$(${r(10)}`)).toBe(false);
    expect(isPlaceholder(`(${r(10)})`)).toBe(false);
    expect(isPlaceholder(`%${r(10)}`)).toBe(false);
    expect(isPlaceholder(`[${r(10)}]`)).toBe(false);
    expect(isPlaceholder("[MASKED")).toBe(false);
  });
});

describe("documentation examples", () => {
  it("EXAMPLE in capitals anywhere, not in lower case inside a longer run", () => {
    expect(isPlaceholder("AKIAIOSFODNN7EXAMPLE")).toBe(true);
    expect(isPlaceholder(`${r(10)}EXAMPLE${r(4)}`)).toBe(true);
    expect(isPlaceholder(`${r(10)}example${r(4)}`)).toBe(false);
  });

  it.each(["example", "examples", "samplekey", "dummy", "placeholders", "redacted", "your", "yours", "changeme", "replaceme", "xxx", "XXXX", "insert", "fake", "FAKE"])(
    "a segment %s marks an example",
    (seg) => expect(isPlaceholder(`tok_${r(12)}_${seg}_${r(8)}`)).toBe(true),
  );

  it.each(["example1", "xx", "fakes", "yourself", "inserts", "redactedx", "sampl", "ychangeme"])("a segment %s does not", (seg) =>
    expect(isPlaceholder(`tok_${r(12)}_${seg}_${r(8)}`)).toBe(false),
  );
});

describe("quotes, blanks and what is left", () => {
  it("surrounding blanks and one pair of quotes are stripped first", () => {
    expect(isPlaceholder('"todo"')).toBe(true);
    expect(isPlaceholder("'todo'")).toBe(true);
    expect(isPlaceholder('  "todo"  ')).toBe(true);
    expect(isPlaceholder("\ttodo\n")).toBe(true);
    expect(isPlaceholder('"todo')).toBe(true);
    expect(isPlaceholder('todo"')).toBe(true);
    expect(isPlaceholder('x"todo"')).toBe(false);
    // Only one quote at each end, none in the middle.
    expect(isPlaceholder('""todo')).toBe(false);
    expect(isPlaceholder("todo''")).toBe(false);
    expect(isPlaceholder('to"do')).toBe(false);
    expect(isPlaceholder("to'do")).toBe(false);
  });

  it("empty, blank, only quotes or only punctuation: a placeholder", () => {
    expect(isPlaceholder("")).toBe(true);
    expect(isPlaceholder("   ")).toBe(true);
    expect(isPlaceholder('""')).toBe(true);
    expect(isPlaceholder("-._/:")).toBe(true);
  });

  it("fewer than 6 letters and digits is not judged by shape", () => {
    expect(isPlaceholder("Zq81m")).toBe(false);
    expect(isPlaceholder("aaaaa")).toBe(false);
    expect(isPlaceholder("abcde")).toBe(false);
    expect(isPlaceholder("-*-")).toBe(false);
    expect(isPlaceholder("aaaaaa")).toBe(true);
    expect(isPlaceholder("abcdef")).toBe(true);
    expect(isPlaceholder("******")).toBe(true);
  });
});

describe("repeated characters and units", () => {
  it("one character repeated: at least 6 and at least 40 % of the letters and digits", () => {
    // 6 + 6 = 12 letters and digits: threshold max(6, 4.8) = 6.
    expect(isPlaceholder(`${r(6)}zzzzzz`)).toBe(true);
    expect(isPlaceholder(`${r(6)}zzzzz`)).toBe(false);
    expect(isPlaceholder(`zzzzzz${r(6)}`)).toBe(true);
    expect(isPlaceholder(`zzzzz${r(6)}`)).toBe(false);
    // 12 + 8 = 20: threshold 8.
    expect(isPlaceholder(`${r(12)}zzzzzzzz`)).toBe(true);
    expect(isPlaceholder(`${r(13)}zzzzzzz`)).toBe(false);
    expect(isPlaceholder(`${r(18)}zzzzzzzzzzzz`)).toBe(true);
    expect(isPlaceholder(`${r(19)}zzzzzzzzzzz`)).toBe(false);
  });

  it("repeats in several places add up; runs shorter than 5 do not count", () => {
    expect(isPlaceholder(`zzzzz${r(5)}yyyyy`)).toBe(true);
    expect(isPlaceholder(`zzzz${r(4)}yyyy${r(4)}wwww`)).toBe(false);
  });

  it("x and X count as the same character; other letters in different case do not", () => {
    expect(isPlaceholder(`${r(6)}xXxXxX`)).toBe(true);
    expect(isPlaceholder(`${r(6)}XxXxXx`)).toBe(true);
    expect(isPlaceholder(`${r(6)}bBbBbB`)).toBe(false);
    expect(isPlaceholder(`${r(6)}xbxbxb`)).toBe(false);
    expect(isPlaceholder(`${r(6)}bxbxbx`)).toBe(false);
    // Five x then another letter: a run of five, not six.
    expect(isPlaceholder(`${r(6)}xxxxxZ`)).toBe(false);
    expect(isPlaceholder(`${r(6)}xxxxxx`)).toBe(true);
  });

  it("units of two and three characters repeated", () => {
    // A unit of u characters counts once it repeats for 3 + u characters after its first occurrence.
    expect(isPlaceholder(`${r(6)}k9k9k9k`)).toBe(true);
    expect(isPlaceholder(`${r(6)}k9k9k9`)).toBe(false);
    expect(isPlaceholder(`k9k9k9k${r(6)}`)).toBe(true);
    expect(isPlaceholder(`k9k9k9${r(6)}`)).toBe(false);
    expect(isPlaceholder(`${r(6)}k9Qk9Qk9Q`)).toBe(true);
    expect(isPlaceholder(`${r(6)}k9Qk9Qk9`)).toBe(false);
    expect(isPlaceholder("k9Qk9Qk9QZb5Hq8")).toBe(true);
    expect(isPlaceholder("k9Qk9Qk9Zb5Hq8")).toBe(false);
    expect(isPlaceholder(`k9Qk9Qk9Qk9Q${r(6)}`)).toBe(true);
    expect(isPlaceholder("abcabcabcabcabcabc")).toBe(true);
  });

  it("a unit of four is not a repetition", () => {
    expect(isPlaceholder(`${r(4)}k9QZk9QZk9QZ`)).toBe(false);
  });

  it("asterisks count as characters", () => {
    expect(isPlaceholder(`${r(6)}******`)).toBe(true);
    expect(isPlaceholder(`${r(6)}-*-*-*-*-*-*`)).toBe(true);
  });
});

describe("counting sequences", () => {
  it("ascending and descending runs of at least 5", () => {
    expect(isPlaceholder("abcdeedcba")).toBe(true);
    expect(isPlaceholder("abcddcba")).toBe(false);
    expect(isPlaceholder(`${r(6)}123456`)).toBe(true);
    expect(isPlaceholder(`${r(6)}12345`)).toBe(false);
    expect(isPlaceholder(`${r(6)}987654`)).toBe(true);
    expect(isPlaceholder(`123456${r(6)}`)).toBe(true);
    expect(isPlaceholder(`${r(3)}12345${r(3)}98765`)).toBe(true);
    expect(isPlaceholder(`${r(4)}1234${r(4)}9876`)).toBe(false);
  });

  it("a sequence at 40 % of a longer value", () => {
    expect(isPlaceholder(`${r(12)}ABCDEFGH`)).toBe(true);
    expect(isPlaceholder(`${r(13)}ABCDEFG`)).toBe(false);
  });

  it("format-valid tokens with a stretch of random characters are not placeholders", () => {
    expect(isPlaceholder(`sk_live_${r(24)}`)).toBe(false);
    expect(isPlaceholder(`ghp_${r(36)}`)).toBe(false);
  });
});

describe("Shannon entropy", () => {
  it("bits per character", () => {
    expect(shannonEntropy("")).toBe(0);
    expect(shannonEntropy("a")).toBe(0);
    expect(shannonEntropy("ab")).toBe(1);
    expect(shannonEntropy("aab")).toBeCloseTo(0.9183, 4);
    expect(shannonEntropy("abcd")).toBe(2);
    expect(shannonEntropy("aabbccdd")).toBe(2);
  });

  it("counts characters outside the BMP once (the probabilities used to sum to less than 1)", () => {
    expect(shannonEntropy("😀😀😀😀")).toBe(0);
    expect(shannonEntropy("a😀")).toBe(1);
    expect(shannonEntropy("😀🔑ab")).toBe(2);
  });
});
