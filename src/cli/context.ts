/**
 * What every command action gets: the global options parsed into a typed object, AWS clients built from them,
 * the redacting output, and the TTY rules for asking questions.
 * @module
 */
import { Option, type Command } from "commander";
import { InputError } from "../core/errors.js";
import type { AwsOptions } from "../transport/clients.js";
import { checkEndpoint } from "../transport/tls.js";
import { assertProfileExists } from "./profiles.js";
import type { AwsDeps } from "../ops/deps.js";
import { Output, type Io } from "./io.js";

/** AWS region codes: us-east-1, eu-central-2, us-gov-west-1, cn-north-1, ap-southeast-4, ... */
const REGION = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;

/** Global options (DESIGN.md), typed. */
export interface GlobalOptions {
  region?: string | undefined;
  profile?: string | undefined;
  endpointUrl?: string | undefined;
  output: "text" | "json";
  color: boolean;
  quiet: boolean;
  verbose: boolean;
  maxAttempts?: number | undefined;
  timeout?: number | undefined;
  fips: boolean;
  caBundle?: string | undefined;
}

/** Factory of AWS clients; tests replace it. */
export type DepsFactory = (options: AwsOptions) => AwsDeps;

/** Per-run state shared by the commands. */
export class CliContext {
  readonly output: Output;
  /** True once a confirm prompt has shown the change, so the result need not list it again. */
  shownBeforeWrite = false;
  /** Every AwsDeps made for this run, closed when the run ends. */
  private readonly opened: AwsDeps[] = [];
  constructor(
    readonly io: Io,
    private readonly depsFactory?: DepsFactory,
  ) {
    this.output = new Output(io);
  }

  /** Global options of the command being run. */
  globals(cmd: Command): GlobalOptions {
    const o = cmd.optsWithGlobals() as Record<string, unknown>;
    const output = (o.output as string | undefined) ?? "text";
    return {
      region: o.region as string | undefined,
      profile: o.profile as string | undefined,
      endpointUrl: o.endpointUrl as string | undefined,
      output: output === "json" ? "json" : "text",
      color: o.color !== false && !this.io.env.NO_COLOR && Boolean(this.io.stdout.isTTY),
      quiet: Boolean(o.quiet),
      verbose: Boolean(o.verbose),
      maxAttempts: o.maxAttempts as number | undefined,
      timeout: o.timeout as number | undefined,
      fips: Boolean(o.fips),
      caBundle: o.caBundle as string | undefined,
    };
  }

  /** AWS options from the globals. */
  awsOptions(g: GlobalOptions, extra: Partial<AwsOptions> = {}): AwsOptions {
    if (g.endpointUrl) checkEndpoint(g.endpointUrl, "--endpoint-url");
    if (g.region !== undefined && !REGION.test(g.region)) {
      throw new InputError(`invalid region "${g.region.slice(0, 40)}"`, { hint: "pass a region code such as us-east-1 or eu-west-1" });
    }
    const profile = g.profile ?? process.env.AWS_PROFILE;
    if (profile) assertProfileExists(profile);
    return {
      ...(g.region ? { region: g.region } : {}),
      ...(g.profile ? { profile: g.profile } : {}),
      ...(g.endpointUrl ? { endpointUrl: g.endpointUrl } : {}),
      ...(g.maxAttempts ? { maxAttempts: g.maxAttempts } : {}),
      ...(g.timeout ? { timeoutMs: g.timeout * 1000 } : {}),
      ...(g.fips ? { fips: true } : {}),
      ...(g.caBundle ? { caBundle: g.caBundle } : {}),
      ...extra,
    };
  }

  /** AWS clients for this run; the SDK is loaded only now, so `--help` and bad flags stay fast. */
  async deps(g: GlobalOptions, extra: Partial<AwsOptions> = {}): Promise<AwsDeps> {
    const options = this.awsOptions(g, extra);
    const factory = this.depsFactory ?? (await import("../ops/deps.js")).lazyDeps;
    const deps = factory(options);
    this.opened.push(deps);
    return deps;
  }

  /** Close the AWS clients of this run (their keep-alive sockets and any request still in flight). */
  close(): void {
    for (const deps of this.opened.splice(0)) deps.close?.();
  }

  /**
   * A confirm callback for a write: asks on a TTY unless `--yes`; proceeds without asking when stdin is not a TTY.
   * `describe` renders what will change (names only).
   */
  confirmer<T>(yes: boolean | undefined, question: (preview: T) => string, describe: (preview: T) => string): ((p: T) => Promise<boolean>) | undefined {
    if (yes || !this.io.stdinIsTTY) return undefined;
    return async (preview: T) => {
      this.shownBeforeWrite = true;
      this.output.err(describe(preview));
      return this.io.confirm(question(preview));
    };
  }

  /** Print a result: JSON on `--output json`, otherwise the text. `--quiet` drops the text. */
  print(g: GlobalOptions, json: unknown, text: () => string): void {
    if (g.output === "json") this.output.out(`${JSON.stringify(json, null, 2)}\n`);
    else if (!g.quiet) this.output.out(text());
  }
}

/** Parse a positive integer option value for commander. */
export function positiveInt(label: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n <= 0) throw new InputError(`${label} must be a positive whole number, not "${value.slice(0, 20)}"`);
    return n;
  };
}

/**
 * `--wire-format v1|v2` of the commands that seal: v2 (default) binds each value to its variable's name; v1 to the
 * function only, as the Lambda console's decrypt snippet expects.
 */
export function wireFormatOption(): Option {
  return new Option("--wire-format <v1|v2>", "v2 binds each value to its variable's name; v1 to the function only (the console's decrypt snippet)")
    .choices(["v1", "v2"])
    .default("v2");
}

/** Collect a repeatable option's values. */
export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}
