/**
 * Run `loadSecrets()` of the built runtime (`dist/runtime/index.js`) in a fresh Node process with a Lambda-like
 * environment, as at a cold start, and report what it gave: the secrets, or the error's class, code, variable, message.
 */
import { fileURLToPath } from "node:url";
import { lambdaEnv, runNode } from "./runtime-moto.js";
import { recordOutput } from "./canary.js";

const RUNTIME = fileURLToPath(new URL("../../dist/runtime/index.js", import.meta.url));

/** What `loadSecrets` gave in the child. */
export type Outcome = { ok: true; secrets: Record<string, string> } | { ok: false; name: string; code: string; variable: string; message: string };

/** `loadSecrets(options)` in a child with the function's variables and KMS at `kms.url` (moto, or a proxy in front of it). */
export async function unsealInChild(
  kms: { url: string },
  functionName: string,
  variables: Record<string, string>,
  options: Record<string, unknown> = {},
  node: string = process.execPath,
): Promise<{ outcome: Outcome; stderr: string }> {
  const script = `
    import { loadSecrets } from ${JSON.stringify(RUNTIME)};
    try {
      process.stdout.write(JSON.stringify({ ok: true, secrets: await loadSecrets(${JSON.stringify(options)}) }));
    } catch (e) {
      process.stdout.write(JSON.stringify({ ok: false, name: e.name, code: e.code, variable: e.variable, message: e.message }));
    }`;
  const run = await runNode(["--input-type=module", "-e", script], lambdaEnv(kms, functionName, variables), node);
  if (run.code !== 0 || !run.stdout) throw new Error(`runtime child exited ${run.code}: ${run.stderr}`);
  const outcome = JSON.parse(run.stdout) as Outcome;
  // A failed load's error goes to the leak scanner; a successful one's stdout is the secrets themselves.
  if (!outcome.ok) recordOutput(`runtime child for ${functionName} (error)`, JSON.stringify(outcome));
  return { outcome, stderr: run.stderr };
}

/** The secrets a cold start opens, or the error message; shorthand over {@link unsealInChild}. */
export async function loadInChild(
  kms: { url: string },
  functionName: string,
  variables: Record<string, string>,
  options: Record<string, unknown> = {},
): Promise<{ code: number; secrets?: Record<string, string>; stderr: string }> {
  const { outcome, stderr } = await unsealInChild(kms, functionName, variables, options);
  return outcome.ok ? { code: 0, secrets: outcome.secrets, stderr } : { code: 1, stderr: outcome.message };
}
