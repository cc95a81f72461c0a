import { Command } from "commander";
import type { CliContext } from "../context.js";

/** `envseal policy`. */
export function makePolicyCommand(ctx: CliContext): Command {
  return new Command("policy")
    .summary("print least-privilege IAM: execution role, key-policy statement, deployer")
    .requiredOption("-f, --function <name>", "function name or ARN")
    .requiredOption("-k, --key <key>", "the customer managed key the function's values are sealed with")
    .action(async (opts: { function: string; key: string }, cmd: Command) => {
      const g = ctx.globals(cmd);
      const { policy } = await import("../../ops/policy.js");
      const p = await policy(await ctx.deps(g), { functionName: opts.function, key: opts.key });
      const j = (x: unknown) => JSON.stringify(x, null, 2);
      ctx.print(g, p, () =>
        `# Execution role of ${p.functionName} (${p.roleArn}): let it unseal only values bound to this function\n${j(p.executionRolePolicy)}\n\n` +
        `# Statement for the key policy of ${p.keyArn}\n${j(p.keyPolicyStatement)}\n\n` +
        `# Whoever runs \`envseal push\` for ${p.functionName}\n${j(p.deployerPolicy)}\n`,
      );
    });
}
