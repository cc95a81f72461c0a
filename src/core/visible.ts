/**
 * Text from outside (function and variable names, template paths, ARNs and error codes read from an input file or an
 * API) made safe to print on a terminal or in a Markdown cell: every character that could move the cursor, recolour
 * the terminal, set its title, ring its bell, erase a line or reorder the text around it is shown as an escape instead.
 * @module
 */

/**
 * The characters {@link visible} escapes: C0 controls (NUL … US, which include ESC, CR, LF, TAB and BEL), DEL, C1
 * controls (U+0080–U+009F, among them CSI U+009B), the line and paragraph separators U+2028 / U+2029, the bidi marks
 * U+200E / U+200F / U+061C, and the bidi embeddings, overrides and isolates U+202A–U+202E and U+2066–U+2069.
 */
// eslint-disable-next-line no-control-regex
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/**
 * `text` with every control and bidi-override character replaced by a visible escape: `\xHH` below U+0100
 * (`\x1b` for ESC, `\x0d` for CR, `\x00` for NUL), `\uHHHH` above (`\u202e`). Everything else, backslashes included,
 * is kept as it is, so ordinary names print unchanged.
 *
 * @example
 * ```ts
 * visible("DB\u001b[31mPASS");   // "DB\\x1b[31mPASS"
 * visible("evil\u202etxt.yaml"); // "evil\\u202etxt.yaml"
 * visible("orders-api");         // "orders-api"
 * ```
 */
export function visible(text: string): string {
  return text.replace(UNSAFE, (c) => {
    const code = c.charCodeAt(0);
    return code < 0x100 ? `\\x${code.toString(16).padStart(2, "0")}` : `\\u${code.toString(16).padStart(4, "0")}`;
  });
}
