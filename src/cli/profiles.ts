/**
 * Whether a named AWS profile exists, read from the shared config files the way the SDK reads them, so
 * `--profile nope` says so in one line (as the AWS CLI does) instead of a region or credential error later.
 * @module
 */
import { readFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { InputError } from "../core/errors.js";

/** The profile names one shared file defines: `[profile NAME]` and `[NAME]` (config), `[NAME]` (credentials). */
function sectionsOf(path: string, config: boolean): Set<string> {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch {
    return new Set();
  }
  const names = new Set<string>();
  for (const line of text.split(/\r?\n/)) {
    const m = /^\s*\[\s*([^\]]+?)\s*\]\s*(?:[#;].*)?$/.exec(line);
    if (!m?.[1]) continue;
    const section = m[1];
    if (config) {
      const p = /^profile\s+(.+)$/.exec(section);
      if (p?.[1]) names.add(p[1].trim());
      else if (!/^(sso-session|services)\s/.test(section)) names.add(section);
    } else names.add(section);
  }
  return names;
}

/**
 * Throw {@link InputError} when `profile` is defined in neither shared file (`AWS_CONFIG_FILE`, default
 * `~/.aws/config`; `AWS_SHARED_CREDENTIALS_FILE`, default `~/.aws/credentials`). `default` is not checked: the SDK
 * falls back to its other sources for it.
 *
 * @example
 * ```ts
 * assertProfileExists("nope"); // throws: AWS profile "nope" was not found in ~/.aws/config or ~/.aws/credentials
 * ```
 */
export function assertProfileExists(profile: string, env: NodeJS.ProcessEnv = process.env): void {
  if (profile === "default") return;
  const config = env.AWS_CONFIG_FILE || join(homedir(), ".aws", "config");
  const credentials = env.AWS_SHARED_CREDENTIALS_FILE || join(homedir(), ".aws", "credentials");
  if (sectionsOf(config, true).has(profile) || sectionsOf(credentials, false).has(profile)) return;
  throw new InputError(`AWS profile "${profile.slice(0, 64)}" was not found in ${config} or ${credentials}`, {
    hint: "check the name (aws configure list-profiles) or create it (aws configure --profile NAME)",
  });
}
