/**
 * The lexer pass (src/audit/template/scan.ts) line by line: exactly which lines the skeleton keeps, where each
 * `# envseal-ignore` comment is and what it says, which lines hold only a comment, and each layout that makes it give
 * up on a skeleton. scan.ts is loaded in `beforeAll` (no static import here reaches it), so its module-level tables
 * (the marker pattern, the kept section and key names) are exercised by these tests.
 */
import { beforeAll, describe, expect, it } from "vitest";

let scanYaml: typeof import("../../src/audit/template/scan.js").scanYaml;

beforeAll(async () => {
  ({ scanYaml } = await import("../../src/audit/template/scan.js"));
});

/** The scan with the set as a sorted array. */
function scan(text: string) {
  const { comments, commentOnlyLines, skeleton } = scanYaml(text);
  return { comments, commentOnlyLines: [...commentOnlyLines].sort((a, b) => a - b), skeleton };
}

/** `text` with only the given 1-based lines kept, the others emptied (what a skeleton looks like). */
function kept(text: string, lines: readonly number[]): string {
  return text
    .split("\n")
    .map((l, i) => (lines.includes(i + 1) ? l : ""))
    .join("\n");
}

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

describe("skeleton: which lines are kept", () => {
  it("Parameters and Globals whole; in Resources each Type, Metadata, Properties.Environment and Properties.KmsKeyArn; nothing else", () => {
    const text = [
      'AWSTemplateFormatVersion: "2010-09-09"', // 1
      "Parameters:", // 2
      "  Stage:", // 3
      "    Type: String", // 4
      "Globals:", // 5
      "  Function:", // 6
      "    Timeout: 3", // 7
      "Resources:", // 8
      "  Fn:", // 9
      "    Type: AWS::Lambda::Function", // 10
      "    DependsOn: Table", // 11
      "    Metadata:", // 12
      "      envseal: {}", // 13
      "    Properties:", // 14
      "      Handler: index.handler", // 15
      "      Environment:", // 16
      "        Variables:", // 17
      "          A: b", // 18
      "      KmsKeyArn: arn:aws:kms:us-east-1:111122223333:key/k", // 19
      "      Parameters:", // 20
      "        Globals: x", // 21
      "      Timeout: 3", // 22
      "  Table:", // 23
      "    Type: AWS::DynamoDB::Table", // 24
      "    Properties:", // 25
      "Outputs:", // 26
      "  Out:", // 27
      "    Value: x", // 28
      "",
    ].join("\n");
    expect(scan(text).skeleton).toBe(kept(text, [...range(2, 10), ...range(12, 14), ...range(16, 19), ...range(23, 25)]));
  });

  it("quoted keys are read without their quotes; a key that merely starts and ends with the same letter is not", () => {
    const text = [
      "Resources:", // 1
      "  Fn:", // 2
      "    'Type': AWS::Lambda::Function", // 3
      "    Properties:", // 4
      '      "Environment":', // 5
      "        Variables: {}", // 6
      "      'KmsKeyArn': k", // 7
      "      xEnvironmentx: 1", // 8
      "      KKmsKeyArnK: 2", // 9
      "    aMetadataa: 3", // 10
      "",
    ].join("\n");
    expect(scan(text).skeleton).toBe(kept(text, range(1, 7)));
  });

  it("a map header with a value on its own line (a flow map over several lines) is kept whole", () => {
    const text = [
      "Resources:", // 1
      "  Fn:", // 2
      "    Type: X", // 3
      "    Properties: {", // 4
      "      Handler: h,", // 5
      "      Environment: {Variables: {A: b}} }", // 6
      "  Other:", // 7
      "    Type: Y", // 8
      "    Condition: C", // 9
      "",
    ].join("\n");
    expect(scan(text).skeleton).toBe(kept(text, range(1, 8)));
  });

  it("a header followed by a comment has no value: only its audited entries are kept", () => {
    const text = [
      "Resources:", // 1
      "  Fn:", // 2
      "    Type: X", // 3
      "    Properties:   # the function's properties", // 4
      "      Handler: h", // 5
      "      Environment: {}", // 6
      "",
    ].join("\n");
    expect(scan(text).skeleton).toBe(kept(text, [1, 2, 3, 4, 6, 7]));
  });

  it("a flow collection continued on further lines, one of them starting with a nested collection, still gives a skeleton", () => {
    const braces = [
      "Resources:", // 1
      "  Fn:", // 2
      "    Type: X", // 3
      "    Properties:", // 4
      "      Environment: {Variables: {A: b},", // 5
      "        B: [{c: 1}, {d: 2},", // 6
      "        [3]]}", // 7
      "      Handler: h", // 8
      "",
    ].join("\n");
    expect(scan(braces).skeleton).toBe(kept(braces, range(1, 7)));
    const brackets = [
      "Resources:", // 1
      "  Fn:", // 2
      "    Type: X", // 3
      "    Properties:", // 4
      "      KmsKeyArn: [a,", // 5
      "        [b]]", // 6
      "      Handler: h", // 7
      "",
    ].join("\n");
    expect(scan(brackets).skeleton).toBe(kept(brackets, range(1, 6)));
  });

  it("only a key at the start of a line counts: a key after a sequence dash does not", () => {
    const text = [
      "Resources:", // 1
      "  Fn:", // 2
      "    Type: X", // 3
      "    Properties:", // 4
      "      Policies:", // 5
      "      - Environment: x", // 6
      "      - KmsKeyArn: y", // 7
      "",
    ].join("\n");
    expect(scan(text).skeleton).toBe(kept(text, [1, 2, 3, 4, 8]));
  });

  it("a plain key that starts with a dash, or a quoted key over two lines, is not a key: the block above it goes on", () => {
    const dash = [
      "Resources:", // 1
      "  Fn:", // 2
      "    Type: X", // 3
      "    Properties:", // 4
      "      Environment:", // 5
      "        Variables: {}", // 6
      "      -x: 1", // 7
      "",
    ].join("\n");
    expect(scan(dash).skeleton).toBe(kept(dash, range(1, 8)));
    const quoted = [
      "Resources:", // 1
      "  Fn:", // 2
      "    Type: X", // 3
      "    Properties:", // 4
      "      Environment:", // 5
      "        Variables: {}", // 6
      '      "a', // 7
      '       b": 1', // 8
      "",
    ].join("\n");
    expect(scan(quoted).skeleton).toBe(kept(quoted, range(1, 9)));
  });

  it("a map header with neither value nor entries keeps its line (also as the very last key)", () => {
    const middle = ["Resources:", "  Fn:", "    Type: X", "    Properties:", "  Other:", "    Type: Y", "    Condition: C", ""].join("\n");
    expect(scan(middle).skeleton).toBe(kept(middle, [...range(1, 6), 8]));
    const last = ["Resources:", "  Fn:", "    Type: X", "    Properties:", ""].join("\n");
    expect(scan(last).skeleton).toBe(last);
    const emptyResources = ["Description: x", "Resources:", ""].join("\n");
    expect(scan(emptyResources).skeleton).toBe(kept(emptyResources, [2, 3]));
  });

  it("a document start marker before the first key is fine", () => {
    const text = ["---", "Resources:", "  Fn:", "    Type: X", "    DependsOn: Y", ""].join("\n");
    expect(scan(text).skeleton).toBe(kept(text, [2, 3, 4, 6]));
  });

  it("a tab inside a line (not in its indentation) still gives a skeleton", () => {
    const text = ["Resources:", "  Fn:", "    Type: a\tb", "    DependsOn: Y", ""].join("\n");
    expect(scan(text).skeleton).toBe(kept(text, [1, 2, 3, 5]));
  });

  it("a byte order mark before the first key", () => {
    const text = ["\ufeffResources:", "  Fn:", "    Type: X", "    DependsOn: Y", ""].join("\n");
    expect(scan(text).skeleton).toBe(kept(text, [1, 2, 3, 5]));
  });

  it("CRLF line ends: lines and columns as with LF, and a header before CRLF has no value", () => {
    const text = ["Resources:", "  Fn: # envseal-ignore ES001 on Fn", "    Type: X", "    DependsOn: Y", "# envseal-ignore ES002", ""].join("\r\n");
    expect(scan(text)).toEqual({
      comments: [
        { kind: "comment", ids: ["ES001"], reason: "on Fn", pos: { line: 2, column: 7 } },
        { kind: "comment", ids: ["ES002"], reason: "", pos: { line: 5, column: 1 } },
      ],
      commentOnlyLines: [5],
      skeleton: "Resources:\r\n  Fn: # envseal-ignore ES001 on Fn\r\n    Type: X\r\n\n\n",
    });
  });
});

describe("skeleton: when the whole template is parsed instead", () => {
  it.each([
    ["an anchor (no alias)", "Resources:\n  Fn: &fn\n    Type: X\n"],
    ["an alias (no anchor)", "Resources:\n  Fn:\n    Type: *t\n"],
    ["two documents", "Resources: {}\n---\nResources: {}\n"],
    ["a document end marker", "Resources:\n  Fn:\n    Type: X\n...\n"],
    ["a document end marker before any key", "...\nResources:\n  Fn:\n    Type: X\n"],
    ["no key at all", "- a\n- b\n"],
    ["a later key less indented than the first", "  Resources:\n    Fn:\n      Type: X\nOutputs: {}\n"],
    ["a tab after spaces at the start of a line", "Resources:\n  Fn:\n  \tType: X\n"],
    ["a flow map on the line after its key", "Resources:\n  Fn:\n    {Type: X}\n"],
    ["a flow sequence on the line after its key", "Resources:\n  Fn:\n    Type: X\n    Properties:\n      [a, b]\n"],
  ])("%s", (_, text) => {
    expect(scan(text).skeleton).toBeUndefined();
  });
});

describe("comments", () => {
  it("each marker comment with its ids, reason, line and column; comment-only lines", () => {
    const text = [
      "#envseal-ignore ES001 no space", // 1
      "# note: # envseal-ignore ES002 not at the start", // 2
      "Resources:  # envseal-ignore :ES003 colon after a space", // 3
      "  Fn: # ENVSEAL-IGNORE: es004 - after a colon", // 4
      "    # envseal-ignore,ES005", // 5
      "    Type: X # envseal-ignore::ES006 two colons", // 6
      "    #   envseal-ignore   ES007", // 7
      "    # envseal-ignored ES008", // 8
      "",
    ].join("\n");
    expect(scan(text)).toEqual({
      comments: [
        { kind: "comment", ids: ["ES001"], reason: "no space", pos: { line: 1, column: 1 } },
        { kind: "comment", ids: ["ES003"], reason: "colon after a space", pos: { line: 3, column: 13 } },
        { kind: "comment", ids: ["ES004"], reason: "after a colon", pos: { line: 4, column: 7 } },
        { kind: "comment", ids: [], reason: ",ES005", pos: { line: 5, column: 5 } },
        { kind: "comment", ids: ["ES006"], reason: "two colons", pos: { line: 6, column: 13 } },
        { kind: "comment", ids: ["ES007"], reason: "", pos: { line: 7, column: 5 } },
      ],
      commentOnlyLines: [1, 2, 5, 7, 8],
      skeleton: kept(text, [3, 4, 6, 7, 8, 9]),
    });
  });

  it("lines inside a block scalar that starts with an empty line are counted", () => {
    const text = ["Description: |", "", "  text", "# envseal-ignore ES001 after the scalar", "Resources: {}", ""].join("\n");
    expect(scan(text).comments).toEqual([{ kind: "comment", ids: ["ES001"], reason: "after the scalar", pos: { line: 4, column: 1 } }]);
    expect(scan(text).commentOnlyLines).toEqual([4]);
  });

  it("after an unclosed flow map, columns on the next line are still counted from its start", () => {
    const text = ["Resources: {Fn: 1", "Other: 2 # envseal-ignore ES001 x", ""].join("\n");
    expect(scan(text).comments).toEqual([{ kind: "comment", ids: ["ES001"], reason: "x", pos: { line: 2, column: 10 } }]);
  });

  it("a comment after spaces in the middle of a line: its column counts the spaces", () => {
    const text = ["Resources:", "  Fn:", "    Type:    X     # envseal-ignore ES001", ""].join("\n");
    expect(scan(text)).toEqual({
      comments: [{ kind: "comment", ids: ["ES001"], reason: "", pos: { line: 3, column: 20 } }],
      commentOnlyLines: [],
      skeleton: text,
    });
  });
});
