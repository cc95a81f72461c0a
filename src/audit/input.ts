/**
 * Offline input: `aws lambda list-functions` output in a file — one page (`{"Functions": [...]}`), several pages as an
 * array, or a bare array of function configurations — and the conversion of a configuration to an
 * {@link AuditedFunction}.
 * @module
 */
import { readFile } from "node:fs/promises";
import type { FunctionConfiguration } from "@aws-sdk/client-lambda";
import { InputError } from "../core/errors.js";
import { clip } from "../core/format.js";
import type { AuditedFunction } from "./types.js";

const ARN = /^arn:aws[a-zA-Z-]*:lambda:([a-z0-9-]+):\d{12}:function:([A-Za-z0-9_-]+)(?::([^:]+))?$/;

/**
 * Turn a configuration from ListFunctions into what the rules look at. The region comes from the ARN, else `fallbackRegion`.
 *
 * @example
 * ```ts
 * toAudited({ FunctionName: "api", FunctionArn: "arn:aws:lambda:eu-west-1:123456789012:function:api" }, "us-east-1").region; // "eu-west-1"
 * ```
 */
export function toAudited(cfg: FunctionConfiguration, fallbackRegion: string): AuditedFunction {
  const m = ARN.exec(cfg.FunctionArn ?? "");
  const name = cfg.FunctionName ?? m?.[2] ?? "(unnamed)";
  const version = cfg.Version ?? m?.[3] ?? "$LATEST";
  let arn = cfg.FunctionArn ?? name;
  // ListFunctions returns $LATEST unqualified and published versions qualified; keep that, but qualify a version
  // whose ARN came without its number so every version has its own identity.
  if (version !== "$LATEST" && m && !m[3]) arn = `${arn}:${version}`;
  if (version === "$LATEST" && m?.[3] === "$LATEST") arn = arn.slice(0, -":$LATEST".length);
  const err = cfg.Environment?.Error;
  return {
    region: m?.[1] ?? fallbackRegion,
    name,
    arn,
    version,
    variables: { ...(cfg.Environment?.Variables ?? {}) },
    kmsKeyArn: cfg.KMSKeyArn ? cfg.KMSKeyArn : undefined,
    ...(cfg.Role ? { role: cfg.Role } : {}),
    environmentError: err && (err.ErrorCode || err.Message) ? { code: err.ErrorCode ?? "Unknown", message: err.Message ?? "" } : undefined,
  };
}

function isObject(x: unknown): x is Record<string, unknown> {
  return typeof x === "object" && x !== null && !Array.isArray(x);
}

function isConfiguration(x: unknown): x is FunctionConfiguration {
  return isObject(x) && (typeof x.FunctionName === "string" || typeof x.FunctionArn === "string");
}

function fromPage(page: Record<string, unknown>, where: string): FunctionConfiguration[] {
  if (!Array.isArray(page.Functions)) throw shapeError(where);
  return page.Functions.map((f, i) => {
    if (!isConfiguration(f)) throw shapeError(`${where}, function ${i + 1}`);
    return f;
  });
}

function shapeError(where: string): InputError {
  return new InputError(`the input is not list-functions output (${where})`, {
    hint: "pass the output of `aws lambda list-functions` (one page, an array of pages, or an array of function configurations)",
  });
}

/**
 * Parse list-functions output in any of the three accepted shapes.
 * Throws {@link InputError} for anything else; the message never quotes the content.
 *
 * @example
 * ```ts
 * parseFunctionList({ Functions: [{ FunctionName: "api" }] }).length; // 1
 * ```
 */
export function parseFunctionList(data: unknown): FunctionConfiguration[] {
  let out: FunctionConfiguration[] = [];
  if (isObject(data)) out = fromPage(data, "top level");
  else if (!Array.isArray(data)) throw shapeError("top level is neither an object nor an array");
  else {
    data.forEach((item, i) => {
      if (isObject(item) && "Functions" in item) out.push(...fromPage(item, `page ${i + 1}`));
      else if (isConfiguration(item)) out.push(item);
      else throw shapeError(`item ${i + 1}`);
    });
  }
  out.forEach(checkTypes);
  return out;
}

/** Throw a one-line {@link InputError} when a field the rules read has the wrong type (names only, never values). */
function checkTypes(cfg: FunctionConfiguration, i: number): void {
  const label = typeof cfg.FunctionName === "string" ? clip(cfg.FunctionName, 64) : `function ${i + 1}`;
  const env = (cfg as { Environment?: unknown }).Environment;
  if (env !== undefined && env !== null && !isObject(env)) throw typeError(`${label}: Environment is not an object`);
  const vars = isObject(env) ? env.Variables : undefined;
  if (vars !== undefined && vars !== null) {
    if (!isObject(vars)) throw typeError(`${label}: Environment.Variables is not an object`);
    for (const [name, value] of Object.entries(vars)) {
      if (typeof value !== "string") throw typeError(`${label}: variable ${clip(name, 64)} is ${value === null ? "null" : typeof value}, not a string`);
    }
  }
  for (const field of ["KMSKeyArn", "FunctionArn", "Version"] as const) {
    const v = (cfg as Record<string, unknown>)[field];
    if (v !== undefined && v !== null && typeof v !== "string") throw typeError(`${label}: ${field} is not a string`);
  }
}

function typeError(what: string): InputError {
  return new InputError(`the input is not list-functions output (${what})`, {
    hint: "pass the output of `aws lambda list-functions` unchanged: every variable value is a string",
  });
}

/**
 * Read and parse an offline input file. Errors are one-line {@link InputError}s naming the file.
 *
 * @example
 * ```ts
 * const functions = await loadInputFile("samples/functions.json", "us-east-1");
 * ```
 */
export async function loadInputFile(path: string, fallbackRegion: string): Promise<AuditedFunction[]> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (err) {
    const code = (err as { code?: string }).code;
    throw new InputError(`cannot read --input ${path}${code === "ENOENT" ? ": no such file" : code ? ` (${code})` : ""}`, {
      hint: "export it with: aws lambda list-functions --output json > functions.json",
    });
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw new InputError(`--input ${path} is not valid JSON`, {
      hint: "export it with: aws lambda list-functions --output json > functions.json",
    });
  }
  try {
    return parseFunctionList(data).map((cfg) => toAudited(cfg, fallbackRegion));
  } catch (err) {
    if (err instanceof InputError) throw new InputError(`--input ${path}: ${err.message}`, { hint: err.hint ?? "" });
    throw err;
  }
}
