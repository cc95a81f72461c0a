/**
 * How Node reads `NODE_OPTIONS`, for the checks that look for options loading code before the handler (the auditor's
 * ES010 and `envseal doctor`): one tokeniser, so both see the same options.
 * @module
 */

/**
 * The `NODE_OPTIONS` options that load code or open a debugger before the handler runs, in report order.
 *
 * @example
 * ```ts
 * NODE_CODE_FLAGS.includes("--import"); // true
 * ```
 */
export const NODE_CODE_FLAGS: readonly string[] = [
  "--require",
  "-r",
  "--import",
  "--loader",
  "--experimental-loader",
  "--inspect",
  "--inspect-brk",
  "--inspect-port",
  "--inspect-wait",
  "--debug-port",
  "--experimental-policy",
];

/**
 * The option names in a NODE_OPTIONS value, as Node reads them: double quotes are removed wherever they stand and
 * whitespace inside them does not split (a backslash inside quotes escapes the next character), so `"--require" x` and
 * `--re""quire x` are `--require`, and `--title="a --require b"` holds none; an option's value after `=` is dropped, and
 * `_` in a `--` option's name is `-` (Node accepts `--inspect_brk` for `--inspect-brk`). Any whitespace splits (Node
 * splits on spaces only), so a tab-separated flag still counts.
 *
 * @example
 * ```ts
 * nodeOptionNames('--max-old-space-size=512 "--require" ./x.js'); // ["--max-old-space-size", "--require", "./x.js"]
 * ```
 */
export function nodeOptionNames(value: string): string[] {
  const tokens: string[] = [];
  let token: string | undefined;
  let quoted = false;
  for (let i = 0; i < value.length; i++) {
    let c = value[i] as string;
    if (c === "\\" && quoted && i + 1 < value.length) c = value[++i] as string;
    else if (c === '"') {
      quoted = !quoted;
      continue;
    } else if (/\s/.test(c) && !quoted) {
      if (token !== undefined) tokens.push(token);
      token = undefined;
      continue;
    }
    token = (token ?? "") + c;
  }
  if (token !== undefined) tokens.push(token);
  return tokens.map((t) => {
    const name = t.split("=")[0] as string;
    return name.startsWith("--") ? `--${name.slice(2).replaceAll("_", "-")}` : name;
  });
}
