// Child-process driver for runtime integration tests (CommonJS): require() of the built runtime and withSecrets.
const { createHash } = require("node:crypto");

const { DRIVER_DIST, DRIVER_NAMES = "", DRIVER_EXPECT = "{}" } = process.env;
const { withSecrets } = require(`${DRIVER_DIST}/runtime/index.cjs`);
const expected = JSON.parse(DRIVER_EXPECT);
const handler = withSecrets(
  async (_event, _context, secrets) => ({
    opened: Object.keys(secrets).sort(),
    matches: Object.fromEntries(
      Object.entries(expected).map(([name, sha]) => [name, secrets[name] !== undefined && createHash("sha256").update(secrets[name]).digest("hex") === sha]),
    ),
  }),
  { names: DRIVER_NAMES ? DRIVER_NAMES.split(",") : [] },
);
handler({}, { getRemainingTimeInMillis: () => 30000 }).then(
  (out) => console.log(JSON.stringify(out)),
  (err) => {
    console.error(`${err.name} ${err.variable} ${err.code}: ${err.message}`);
    process.exitCode = 1;
  },
);
