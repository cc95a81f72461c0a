/**
 * Typed errors shared by the CLI, the runtime and the auditor.
 *
 * Every error carries a one-line `message` for people and, where useful, a `hint` saying what to do.
 * No message, hint or `cause` ever holds the value of a secret: causes are reduced to
 * {@link ErrorCause} (name, code, HTTP status) before they are attached.
 *
 * @example
 * ```ts
 * import { EnvsealError, exitCodeOf } from "envseal/errors";
 * try { await run(); } catch (e) { process.exitCode = exitCodeOf(e); }
 * ```
 * @module
 */

/** Named exit codes of the CLI (DESIGN.md). */
export const ExitCode = {
  /** Success. */
  Ok: 0,
  /** `audit` only: findings at or above `--fail-on` remain. */
  Findings: 1,
  /** Usage or input error: what the user typed or named is wrong. */
  Usage: 2,
  /** AWS or network error: permissions, throttling, service or transport failure. */
  Aws: 3,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/** What survives of an underlying error: never its message body, which could echo input. */
export interface ErrorCause {
  /** Error name or AWS error code, e.g. `AccessDeniedException`. */
  readonly name: string;
  /** HTTP status when the error came from an AWS response. */
  readonly httpStatus?: number;
  /** The AWS request id, for support cases. */
  readonly requestId?: string;
}

/** Options accepted by every envseal error. */
export interface EnvsealErrorOptions {
  /** What to do about it, one short sentence. */
  hint?: string;
  /** The underlying error; it is reduced to an {@link ErrorCause} so no value can leak through it. */
  cause?: unknown;
}

/**
 * Reduce any thrown thing to a value-free {@link ErrorCause}: its name (or code), HTTP status and request id. A message,
 * whatever object carries it, is never kept.
 *
 * @example
 * ```ts
 * toCause({ name: "AccessDeniedException", message: "…", $metadata: { httpStatusCode: 400 } }); // { name, httpStatus: 400 }
 * ```
 */
export function toCause(err: unknown): ErrorCause | undefined {
  if (err === undefined || err === null) return undefined;
  if (typeof err !== "object") return { name: typeof err };
  const e = err as {
    name?: unknown;
    code?: unknown;
    httpStatus?: unknown;
    requestId?: unknown;
    $metadata?: { httpStatusCode?: unknown; requestId?: unknown };
  };
  const name = typeof e.name === "string" && e.name !== "Error" ? e.name : typeof e.code === "string" ? e.code : "Error";
  const cause: { name: string; httpStatus?: number; requestId?: string } = { name: clipName(name) };
  const status = e.$metadata?.httpStatusCode ?? e.httpStatus;
  if (typeof status === "number") cause.httpStatus = status;
  const requestId = e.$metadata?.requestId ?? e.requestId;
  if (typeof requestId === "string" && /^[A-Za-z0-9-]{1,128}$/.test(requestId)) cause.requestId = requestId;
  return cause;
}

/** Error names are identifiers; anything else (a name field holding text) is cut to its identifier part. */
function clipName(name: string): string {
  const m = /^[A-Za-z_$][\w$.:-]{0,99}/.exec(name);
  return m ? m[0] : "Error";
}

/** Where an envseal error lists the classes it is an instance of (see {@link EnvsealError}'s `Symbol.hasInstance`). */
const KINDS = Symbol.for("envseal.error.kinds/1");

/**
 * Base class of every error envseal throws on purpose.
 *
 * `instanceof` works across copies of envseal in one process — the ESM and CommonJS builds, and every entry point
 * (`envseal`, `envseal/runtime`, `envseal/middy`, `envseal/errors`): each envseal class has a stable `kind`, every
 * instance carries the kinds of its class chain under a registered symbol, and `instanceof` compares those. A class
 * without its own `kind` (a caller's subclass) falls back to the ordinary prototype check.
 *
 * @example
 * ```ts
 * import { UnsealError } from "envseal/errors";          // CommonJS or ESM
 * try { await loadSecrets(); } catch (e) { e instanceof UnsealError; } // true, whichever build threw it
 * ```
 */
export class EnvsealError extends Error {
  /** Stable identity of this class across builds and entry points. */
  static readonly kind: string = "EnvsealError";

  static override [Symbol.hasInstance](this: { kind?: string; prototype: unknown }, value: unknown): boolean {
    if (!Object.hasOwn(this, "kind")) return Function.prototype[Symbol.hasInstance].call(this, value);
    const kinds = typeof value === "object" && value !== null ? (value as Record<symbol, unknown>)[KINDS] : undefined;
    return Array.isArray(kinds) && kinds.includes(this.kind);
  }

  override name = "EnvsealError";
  /** What to do about it. */
  readonly hint: string | undefined;
  /** Exit code the CLI uses for this error. */
  readonly exitCode: ExitCode = ExitCode.Usage;
  declare readonly cause: ErrorCause | undefined;

  constructor(message: string, options: EnvsealErrorOptions = {}) {
    super(message);
    const kinds: string[] = [];
    for (let c: unknown = new.target; typeof c === "function"; c = Object.getPrototypeOf(c)) {
      if (Object.hasOwn(c, "kind")) kinds.push((c as unknown as { kind: string }).kind);
    }
    Object.defineProperty(this, KINDS, { value: Object.freeze(kinds), enumerable: false });
    this.hint = options.hint;
    Object.defineProperty(this, "cause", { value: toCause(options.cause), enumerable: false, writable: false });
  }

  /** Message and hint on one line, as the CLI prints it. */
  get oneLine(): string {
    return this.hint ? `${this.message}; ${this.hint}` : this.message;
  }
}

/** The user's input is wrong: a name, a value, a flag, a file, or a resource that does not exist. Exit 2. */
export class InputError extends EnvsealError {
  static override readonly kind: string = "InputError";
  override name = "InputError";
  override readonly exitCode: ExitCode = ExitCode.Usage;
}

/**
 * The user answered "no" at a write's confirmation prompt: nothing was written, and nothing went wrong. Exit 0.
 *
 * @example
 * ```ts
 * throw new Declined("declined at the prompt; nothing was written");
 * ```
 */
export class Declined extends EnvsealError {
  static override readonly kind: string = "Declined";
  override name = "Declined";
  override readonly exitCode: ExitCode = ExitCode.Ok;
}

/**
 * A setting — a flag, an environment variable, an AWS config profile entry — breaks a rule envseal enforces (an
 * endpoint that is not a URL, plain HTTP off loopback). Exit 2.
 *
 * @example
 * ```ts
 * throw new ConfigError("--endpoint-url uses http to kms.example.com; envseal requires HTTPS", { code: "InsecureEndpoint" });
 * ```
 */
export class ConfigError extends InputError {
  static override readonly kind: string = "ConfigError";
  override name = "ConfigError";
  /** Stable code, e.g. `InsecureEndpoint`. */
  readonly code: string;

  constructor(message: string, details: { code: string } & EnvsealErrorOptions) {
    super(message, details);
    this.code = details.code;
  }
}

/** AWS refused or failed: permissions, throttling, service or network errors. Exit 3. */
export class AwsError extends EnvsealError {
  static override readonly kind: string = "AwsError";
  override name = "AwsError";
  override readonly exitCode: ExitCode = ExitCode.Aws;
  /** The AWS error code, e.g. `AccessDeniedException`. */
  readonly code: string;
  /** The API operation that failed, e.g. `kms:Encrypt`. */
  readonly operation: string;

  constructor(message: string, details: { code: string; operation: string } & EnvsealErrorOptions) {
    super(message, details);
    this.code = details.code;
    this.operation = details.operation;
  }
}

/** The transport policy refused a connection (TLS version, cipher, plain HTTP). Exit 3. */
export class TransportError extends AwsError {
  static override readonly kind: string = "TransportError";
  override name = "TransportError";
}

/**
 * A sealed value could not be opened at run time. Names the variable and the KMS error, never the value.
 *
 * @example
 * ```ts
 * try { await loadSecrets(); } catch (e) { if (e instanceof UnsealError) console.error(e.variable, e.code); }
 * ```
 */
export class UnsealError extends EnvsealError {
  static override readonly kind: string = "UnsealError";
  override name = "UnsealError";
  override readonly exitCode: ExitCode = ExitCode.Aws;
  /** The variable that failed to open (`ENVSEAL_BUNDLE` for the bundle). */
  readonly variable: string;
  /** The KMS error code (e.g. `InvalidCiphertextException`) or `Timeout`. */
  readonly code: string;

  constructor(message: string, details: { variable: string; code: string } & EnvsealErrorOptions) {
    super(message, details);
    this.variable = details.variable;
    this.code = details.code;
  }
}

/**
 * `audit` found problems at or above `--fail-on`. Not a failure of the tool: the report was produced and printed;
 * this only carries the one-line summary and exit code 1 to the CLI's single error handler.
 *
 * @example
 * ```ts
 * if (report.summary.failed) throw new FindingsError("3 findings at or above high remain");
 * ```
 */
export class FindingsError extends EnvsealError {
  static override readonly kind: string = "FindingsError";
  override name = "FindingsError";
  override readonly exitCode: ExitCode = ExitCode.Findings;
}

/** Exit code for anything thrown: envseal errors carry theirs, anything else is an unexpected failure (3). */
export function exitCodeOf(err: unknown): ExitCode {
  if (err instanceof EnvsealError) return err.exitCode;
  return ExitCode.Aws;
}
