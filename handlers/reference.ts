/**
 * Reference handler for `envseal/runtime` (ESM, top-level await): the secrets open in Lambda's init phase, once per
 * execution environment; invocations only read them. It logs and returns names only — never a value.
 *
 * Deploy with `samples/template-runtime.yaml` (see `samples/README-runtime.md`).
 *
 * @example
 * ```sh
 * aws lambda invoke --function-name envseal-reference out.json && cat out.json
 * # {"statusCode":200,"body":"{\"opened\":[\"DB_PASSWORD\"],\"coldStart\":true}"}
 * ```
 * @module
 */
import { loadSecrets } from "../src/runtime/index.js";

const initStarted = performance.now();
const secrets = await loadSecrets();
const initMs = Math.round(performance.now() - initStarted);
const opened = Object.keys(secrets).sort();
console.log(JSON.stringify({ msg: "envseal: secrets opened", count: opened.length, names: opened, ms: initMs }));

let coldStart = true;

/**
 * Answers with the names of the opened secrets (a stand-in for real work such as connecting to a database with
 * `secrets.DB_PASSWORD`).
 *
 * @example
 * ```ts
 * const res = await handler({});
 * JSON.parse(res.body).opened; // ["DB_PASSWORD", ...]
 * ```
 */
export const handler = async (): Promise<{ statusCode: number; body: string }> => {
  const body = { opened, coldStart };
  coldStart = false;
  // Real code would use the values here, e.g. `await connect({ password: secrets.DB_PASSWORD })`.
  return { statusCode: 200, body: JSON.stringify(body) };
};
