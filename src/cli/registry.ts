/**
 * Commands added by later features (audit, lifecycle), each a `makeXCommand(ctx)` in `commands/`.
 * Kept apart from `program.ts` so a new command is one import and one line here.
 * @module
 */
import type { Command } from "commander";
import type { CliContext } from "./context.js";
import { makeAuditCommand } from "./commands/audit.js";
import { makeAdoptCommand, makeCopyCommand, makeRotateCommand, makeUpgradeCommand } from "./commands/lifecycle.js";
import { makePolicyCommand } from "./commands/policy.js";
import { makeGetCommand, makeSealCommand } from "./commands/inplace.js";
import { makeDoctorCommand } from "./commands/doctor.js";

/** Extra command factories, in help order. */
export const extraCommands: Array<(ctx: CliContext) => Command> = [
  makeSealCommand,
  makeGetCommand,
  (ctx) => makeRotateCommand(ctx),
  makeUpgradeCommand,
  makeCopyCommand,
  makeAdoptCommand,
  makePolicyCommand,
  makeDoctorCommand,
  makeAuditCommand,
];
