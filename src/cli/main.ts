#!/usr/bin/env node
/**
 * The `envseal` binary: run the CLI and set the exit code.
 * @module
 */
import { processIo } from "./io.js";
import { runCli } from "./program.js";

// The SDK warns on every Node 20 run that its 2027 releases will need Node 22; envseal states its own support
// policy in the README, so the CLI keeps stderr for envseal's own messages.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

process.exitCode = await runCli(process.argv.slice(2), processIo());
