// Child-process driver for runtime integration tests (ESM): runs the built reference handler (top-level await), then
// opens the secrets again with `names` through the built runtime, and prints only names and sha256 comparisons.
import { createHash } from "node:crypto";

const { DRIVER_DIST, DRIVER_NAMES = "", DRIVER_EXPECT = "{}" } = process.env;
const { handler } = await import(`${DRIVER_DIST}/handlers/reference.js`);
const response = await handler({});
const { loadSecrets } = await import(`${DRIVER_DIST}/runtime/index.js`);
const names = DRIVER_NAMES ? DRIVER_NAMES.split(",") : [];
const secrets = await loadSecrets({ names });
const expected = JSON.parse(DRIVER_EXPECT);
const matches = Object.fromEntries(
  Object.entries(expected).map(([name, sha]) => [name, secrets[name] !== undefined && createHash("sha256").update(secrets[name]).digest("hex") === sha]),
);
console.log(JSON.stringify({ handler: JSON.parse(response.body), opened: Object.keys(secrets).sort(), frozen: Object.isFrozen(secrets), matches }));
