/**
 * The variable-name classifier (src/audit/detect/names.ts), word by word: every keyword and every alternative of its
 * name patterns gets a name that matches only because of that word, and where a pattern is anchored (`(^|_)PASS($|_)`)
 * a near miss that must not match. The value side of the name + entropy rule (references and settings, phrases,
 * password hashes, connection strings, plain URLs, webhook tokens, the thresholds of each kind) is pinned the same
 * way, through `nameHint`, and the auditor's two users of the classifier (`detectSecrets`, the template rule
 * `namedSecret`) are checked on a few names.
 *
 * The module is loaded in `beforeAll` (not by a static import) so its module-level patterns count as covered by these
 * tests in the mutation run (test/support/mutation-hook-coverage.ts).
 */
import { beforeAll, describe, expect, it } from "vitest";

type Names = typeof import("../../src/audit/detect/names.js");
type Secrets = typeof import("../../src/audit/secrets.js");
type TemplateRules = typeof import("../../src/audit/template/rules.js");

let names: Names;
let secrets: Secrets;
let templateRules: TemplateRules;

beforeAll(async () => {
  names = await import("../../src/audit/detect/names.js");
  secrets = await import("../../src/audit/secrets.js");
  templateRules = await import("../../src/audit/template/rules.js");
});

const kind = (name: string) => names.nameKind(name);
const hint = (name: string, value: string) => names.nameHint(name, value);

describe("nameKind: password words", () => {
  it.each([
    // Unanchored words: anywhere in the name, even glued to other letters.
    ["DB_PASSWORD", "PASSWORD"],
    ["DBPASSWORDX", "PASSWORD"],
    ["SMTP_PASSWD", "PASSWD"],
    ["GPG_PASSPHRASE", "PASSPHRASE"],
    ["MYSQL_PWD", "PWD"],
    ["MYSQLPWDX", "PWD"],
    // PASS and PW only as a word of their own: at the start, at the end, between underscores, or alone.
    ["PASS", "PASS alone"],
    ["PASS_PHRASE", "PASS at the start"],
    ["DB_PASS", "PASS at the end"],
    ["SMTP_PASS_VALUE", "PASS between underscores"],
    ["PW", "PW alone"],
    ["PW_HASH", "PW at the start"],
    ["DB_PW", "PW at the end"],
    ["LDAP_PW_VALUE", "PW between underscores"],
    ["db_pass", "lower case"],
  ])("%s is a password name (%s)", (name) => expect(kind(name)).toBe("password"));

  it.each(["BYPASS", "PASSENGERS", "COMPASS_HEADING", "SURPASSED", "PWR_LEVEL", "SPW", "NPWX", "UPWARD"])(
    "%s is no password name (PASS and PW are words of their own)",
    (name) => expect(kind(name)).toBeUndefined(),
  );
});

describe("nameKind: secret and token words", () => {
  it.each([
    ["JWT_SECRET", "SECRET"],
    ["GITHUB_TOKEN", "TOKEN"],
    ["STRIPE_API_KEY", "API_KEY"],
    ["STRIPE_APIKEY", "APIKEY"],
    ["GPG_PRIVATE_KEY", "PRIVATE_KEY"],
    ["GPG_PRIVATEKEY", "PRIVATEKEY"],
    ["S3_ACCESS_KEY", "ACCESS_KEY"],
    ["S3_ACCESSKEY", "ACCESSKEY"],
    ["SVC_AUTH_KEY", "AUTH_KEY"],
    ["SVC_AUTHKEY", "AUTHKEY"],
    ["JWT_SIGNING_KEY", "SIGNING_KEY"],
    ["JWT_SIGNINGKEY", "SIGNINGKEY"],
    ["DATA_ENCRYPTION_KEY", "ENCRYPTION_KEY"],
    ["DATA_ENCRYPTIONKEY", "ENCRYPTIONKEY"],
    ["VAULT_MASTER_KEY", "MASTER_KEY"],
    ["VAULT_MASTERKEY", "MASTERKEY"],
    ["APP_KEY", "APP_KEY at the start"],
    ["LARAVEL_APP_KEY", "APP_KEY after an underscore"],
    ["APPKEY", "APPKEY"],
    ["LARAVEL_APPKEY", "APPKEY after an underscore"],
    ["PRODUCT_LICENSE_KEY", "LICENSE_KEY"],
    ["PRODUCT_LICENCE_KEY", "LICENCE_KEY"],
    ["PRODUCT_LICENSEKEY", "LICENSEKEY"],
    ["GCP_CREDENTIALS", "CREDENTIALS"],
    ["GCP_CREDENTIAL", "CREDENTIAL"],
    ["DB_CONNECTION_STRING", "CONNECTION_STRING"],
    ["DB_CONNSTR", "CONNSTR"],
    ["DB_CONN_STR", "CONN_STR"],
    ["DB_CONNECTIONSTR", "CONNECTIONSTR"],
    ["DB_CONNSTRING", "CONNSTRING"],
    ["DSN", "DSN alone"],
    ["SENTRY_DSN", "DSN at the end"],
    ["DSN_PRIMARY", "DSN at the start"],
    ["SENTRY_DSN_PRIMARY", "DSN between underscores"],
    ["SALT", "SALT alone"],
    ["HASH_SALT", "SALT at the end"],
    ["SALT_VALUE", "SALT at the start"],
    ["PEPPER", "PEPPER alone"],
    ["HASH_PEPPER", "PEPPER at the end"],
    ["PEPPER_VALUE", "PEPPER at the start"],
    ["HMACSHA256", "HMAC"],
    ["EXPRESS_COOKIE_KEY", "COOKIE_KEY"],
    ["EXPRESS_COOKIEKEY", "COOKIEKEY"],
    ["FLASK_SESSION_KEY", "SESSION_KEY"],
    ["FLASK_SESSIONKEY", "SESSIONKEY"],
    ["API_BEARER", "BEARER"],
    ["jwt_secret", "lower case"],
  ])("%s is a secret name (%s)", (name) => expect(kind(name)).toBe("secret"));

  // Near misses: the anchored words inside a longer word, and the *_KEY words without their qualifier, say "key" at
  // most (a long random value is needed then), or nothing.
  it.each([
    ["WHATSAPPKEY", "key"],
    ["XAPP_KEY", "key"],
    ["LICENXE_KEY", "key"],
    ["DSNX", undefined],
    ["XDSN", undefined],
    ["BASALT", undefined],
    ["SALTY", undefined],
    ["PEPPERONI", undefined],
    ["CAYENNE_PEPPERS", undefined],
    ["CONNECTION_POOL", undefined],
  ] as const)("%s is not a secret name: %s", (name, expected) => expect(kind(name)).toBe(expected));
});

describe("nameKind: webhook and key words", () => {
  it.each(["SLACK_WEBHOOK", "DEPLOY_HOOK_URL", "slack_webhook_url"])("%s is a webhook name", (name) => expect(kind(name)).toBe("webhook"));

  it.each([
    ["KEY", "alone"],
    ["KEY_MATERIAL", "at the start"],
    ["STRIPE_KEY", "at the end"],
    ["MY_KEY_VALUE", "between underscores"],
    ["MONKEY", "glued at the end"],
  ])("%s is a key name (KEY %s)", (name) => expect(kind(name)).toBe("key"));

  it.each(["MONKEYS", "KEYBOARD_LAYOUT", "KEYNOTE_SPEAKER", "TURKEYS"])("%s is no key name", (name) => expect(kind(name)).toBeUndefined());

  it("a name that says nothing about secrets is undefined", () => {
    expect(kind("LOG_LEVEL")).toBeUndefined();
    expect(kind("")).toBeUndefined();
  });
});

describe("nameKind: reference and setting suffixes", () => {
  const suffixes = [
    "ARN", "NAME", "ID", "IDS", "PATH", "PARAM", "PARAMETER", "SSM", "FILE", "URL_PATH", "TTL", "EXPIRY", "EXPIRES",
    "EXPIRATION", "LENGTH", "HEADER", "ENABLED", "DISABLED", "REGION", "KEY_ID", "VERSION", "TYPE", "FIELD", "POLICY",
    "ROTATION", "LOCATION", "PREFIX", "SUFFIX", "USER", "USERNAME", "HOST", "PORT", "ISSUER", "AUDIENCE", "ALGORITHM",
    "ALG", "TIMEOUT", "LIMIT", "ALIAS", "BUCKET", "TABLE", "QUEUE", "TOPIC", "DIR", "MODE", "SPEC", "SIZE", "COUNT",
    "FORMAT", "SOURCE", "PROVIDER", "ENDPOINT", "SCOPE", "SCOPES",
  ];

  it.each(suffixes)("DB_PASSWORD_%s names a reference or a setting, not the secret", (suffix) => {
    expect(kind("DB_PASSWORD")).toBe("password");
    expect(kind(`DB_PASSWORD_${suffix}`)).toBeUndefined();
    expect(kind(`JWT_SECRET_${suffix.toLowerCase()}`)).toBeUndefined();
  });

  it.each([
    ["ADMIN_PASSWORD_PORTAL", "password"],
    ["DB_PASS_IDX", "password"],
    ["GITHUB_TOKEN_USERS", "secret"],
    ["JWT_SECRET_PATHS", "secret"],
    ["DB_PASSWORD_ARNX", "password"],
  ] as const)("%s: a suffix word counts only at the very end of the name (%s)", (name, expected) => expect(kind(name)).toBe(expected));

  it("a suffix needs its underscore", () => {
    expect(kind("DB_PASSWORDARN")).toBe("password");
    expect(kind("GITHUB_TOKENNAME")).toBe("secret");
  });
});

describe("nameHint: values that are settings, not secrets", () => {
  it.each(["true", "false", "TRUE", "False", "enabled", "disabled", "none", "null", "undefined"])("DB_PASS=%s is a setting", (v) => {
    expect(hint("DB_PASS", v)).toBe(false);
  });

  it.each(["yes-please", "offshore9", "truelove", "falsehood", "enabled-x", "nullable1"])("DB_PASS=%s only starts with a setting word: it counts", (v) => {
    expect(hint("DB_PASS", v)).toBe(true);
  });

  it.each(["3600", "-1", "-15", "1.25", "-0.75", "300s", "15m", "24H", "7d", "1.5h", "-2.5d"])("DB_PASS=%s is a number or a duration", (v) => {
    expect(hint("DB_PASS", v)).toBe(false);
  });

  it.each(["300x", "1.2.3", "12ms", "1.x5", "--50", "1.5hd"])("DB_PASS=%s is not a number or a duration: it counts", (v) => {
    expect(hint("DB_PASS", v)).toBe(true);
  });

  it("the value is trimmed before it is judged", () => {
    expect(hint("DB_PASS", "  3600  ")).toBe(false);
    expect(hint("DB_PASS", "\ttrue\n")).toBe(false);
    expect(hint("DB_PASS", "  hunter2  ")).toBe(true);
  });

  it.each([
    "arn:aws:secretsmanager:eu-west-1:111122223333:secret:db",
    "arn:aws-cn:secretsmanager:cn-north-1:111122223333:secret:db",
    "arn:aws-us-gov:kms:us-gov-west-1:111122223333:key/1",
    "alias/app-prod",
  ])("DB_PASS=%s is an ARN or a KMS alias", (v) => expect(hint("DB_PASS", v)).toBe(false));

  it.each(["see arn:aws:secretsmanager:x", "the alias/app-prod", "arn:aws9:x:y", "aliases/app"])(
    "DB_PASS=%s only mentions an ARN or an alias: it counts",
    (v) => expect(hint("DB_PASS", v)).toBe(true),
  );

  it.each(["/prod/app/db", "/etc/secrets/db.pass", "/a", "/prod/app-v2/db_password"])("DB_PASS=%s is a path", (v) => {
    expect(hint("DB_PASS", v)).toBe(false);
  });

  it.each(["/prod/app db pass", "//:x", "/prod/app?x"])("DB_PASS=%s is no path: it counts", (v) => expect(hint("DB_PASS", v)).toBe(true));

  // Longer than the placeholder detector's template limits (80 characters), so only the reference rule excludes them.
  const longRef = "resolve:secretsmanager:arn:aws:secretsmanager:eu-west-1:111122223333:secret:prod/app/db-credentials:SecretString:password";
  it.each([
    ["${…} over 80 characters", `\${${longRef}}`],
    ["{{resolve:…}} over 80 characters", `{{${longRef}}}`],
    ["$(…) over 80 characters", "$(aws secretsmanager get-secret-value --secret-id prod/app/db --query SecretString --output text --region eu-west-1)"],
    ["ssm:", "ssm:/prod/app/db"],
    ["ssm: with dots and dashes", "ssm:prod.app/db-pass"],
    ["secretsmanager:", "secretsmanager:prod/app/db:password"],
  ])("DB_PASS=%s is a dynamic reference", (_what, v) => expect(hint("DB_PASS", v)).toBe(false));

  it.each(["prefix ssm:/prod/app/db", "ssm:/prod/app db pass", "ssm:", "secretsmanager:prod db"])(
    "DB_PASS=%s is not a whole reference: it counts",
    (v) => expect(hint("DB_PASS", v)).toBe(true),
  );

  it.each(["mysql.internal.corp", "db.internal", "Cache-01.internal", "api-gw.eu-west-1.amazonaws.com", "db1.rack2.corp"])(
    "DB_PASS=%s is a host name or a dotted identifier",
    (v) => expect(hint("DB_PASS", v)).toBe(false),
  );

  it.each([
    ["starts with a digit", "9db.internal"],
    ["has a port", "db.internal:80"],
    ["a label starts with a digit", "mysql.9internal"],
    ["no dot", "mysqlinternal"],
    ["three digits or more", "node1.rack2.zone3"],
    ["three digits together", "db.build123"],
  ])("DB_PASS: a dotted value that %s counts (%s)", (_what, v) => expect(hint("DB_PASS", v)).toBe(true));

  it.each(["ops@acme.io", "ops.team+alerts@mail.acme-corp.io", "a_b-c@x-y.co"])("DB_PASS=%s is an e-mail address", (v) => {
    expect(hint("DB_PASS", v)).toBe(false);
  });

  it.each(["ops team@acme.io", "ops@acme.io extra", "ops@acme", "ops@acme.", "@acme.io", "ops@.io"])("DB_PASS=%s is no e-mail address: it counts", (v) => {
    expect(hint("DB_PASS", v)).toBe(true);
  });

  it.each(["zzzz", "!!!!!!", "00"])("DB_PASS=%s repeats one character", (v) => expect(hint("DB_PASS", v)).toBe(false));
  it.each(["zzzy", "zyzy"])("DB_PASS=%s repeats more than one character: it counts", (v) => expect(hint("DB_PASS", v)).toBe(true));
});

describe("nameHint: shapes the value rules decide alone", () => {
  it.each([
    ["bcrypt", "$2b$12$R9h/cIPz0gi.URNNX3kh2OPST9/PgBkqquzi.Ss7KIUgO2t0jWMUW"],
    ["bcrypt $2$", "$2$10$R9h/cIPz0gi.URNNX3kh2O"],
    ["bcrypt $2y$", "$2y$10$R9h/cIPz0gi.URNNX3kh2O"],
    ["argon2id", "$argon2id$v=19$m=65536,t=3,p=4$c29tZXNhbHQ$RdescudvJCsgt3ub+b+dWRWJTmaaJObG"],
    ["argon2i", "$argon2i$v=19$m=4096,t=3,p=1$Zm9vYmFy$Qk9XTjRq"],
    ["md5-crypt", "$1$saltsalt$qjXMvOEhcWeHrEVyBfJXJ0"],
    ["sha512-crypt", "$6$rounds=5000$q9Zr$Lk2mVx0"],
    ["yescrypt", "$y$j9T$F5Jx5fExrKuPp53xLKQ..1$X3DX6M94c7o"],
    ["apr1", "$apr1$q9Zr2mVx$Lk2mVx0Tq3rZ8mW"],
  ])("DB_PASS holding a password hash (%s) is left to the value rules", (_what, v) => expect(hint("DB_PASS", v)).toBe(false));

  it.each(["pw$1$abc", "$3$q9Zr2m", "$2c$10$R9h/cIPz0gi"])("DB_PASS=%s is no password hash: it counts", (v) => expect(hint("DB_PASS", v)).toBe(true));

  it("PEM blocks and base64 of PEM are left to the value rules; base64 of PEM only as a prefix", () => {
    expect(hint("DB_PASS", "-----BEGIN PRIVATE KEY-----\nMIIEvQ")).toBe(false);
    const pem64 = Buffer.from("-----BEGIN PRIVATE KEY-----").toString("base64");
    expect(pem64.startsWith("LS0tLS1CRUdJTi")).toBe(true);
    expect(hint("DB_PASS", pem64)).toBe(false);
    expect(hint("DB_PASS", `q9Zr${pem64}`)).toBe(true);
  });

  it.each([
    "Server=db;Password=hunter2",
    "Server=db;Password=hunter2;",
    "Server=db",
    "Data Source=db.local;User ID=sa;Password=p@ss;",
    "AccountName=acme;AccountKey=",
  ])("DB_PASS=%s is a key=value connection string", (v) => expect(hint("DB_PASS", v)).toBe(false));

  it.each(["9Server=db;Password=hunter2", "Server=db;;", "Server=db;9x=y", "Server=;Password=x", "=db;Password=hunter2", "Server=db;Password"])(
    "DB_PASS=%s is no connection string: it counts",
    (v) => expect(hint("DB_PASS", v)).toBe(true),
  );
});

describe("nameHint: password names", () => {
  it("four characters are enough, three are not", () => {
    expect(hint("DB_PASS", "x9k2")).toBe(true);
    expect(hint("DB_PASS", "a1b")).toBe(false);
  });

  it.each(["https://acme.io/status", "http://acme.io/status"])("DB_PASS=%s is a plain URL", (v) => {
    expect(hint("DB_PASS", v)).toBe(false);
  });

  it.each([
    "see https://acme.io/x",
    "https://acme.io/login please",
    "https://user:pw@acme.io",
    "https://acme.io/cb?token=abc123",
    "https://acme.io/cb?x=1&key=q9",
    "https://acme.io/cb?sig=q9",
    "https://acme.io/cb?AUTH=q9",
    "ftp://acme.io/x",
  ])("DB_PASS=%s is not a plain URL: it counts", (v) => expect(hint("DB_PASS", v)).toBe(true));

  // Regression: the scheme of a URL is case-insensitive (RFC 3986); `HTTP://…` was flagged as a password or secret
  // while `http://…` was not.
  it("a plain URL with an upper-case scheme is plain too", () => {
    expect(hint("DB_PASS", "HTTP://acme.io/status")).toBe(false);
    expect(hint("DB_PASS", "Https://acme.io/status")).toBe(false);
    expect(hint("OAUTH_TOKEN_ISSUER_URI", "HTTPS://auth.acme.io/oauth/token")).toBe(false);
    expect(hint("DB_PASS", "HTTPS://acme.io/cb?TOKEN=q9Zr")).toBe(true);
  });

  it("a token-like word in the path, not the query, leaves the URL plain", () => {
    expect(hint("DB_PASS", "https://acme.io/token=abc")).toBe(false);
  });
});

describe("nameHint: secret names", () => {
  it("eight characters with some randomness, not seven", () => {
    expect(hint("JWT_SECRET", "Zq81mVx0")).toBe(true);
    expect(hint("JWT_SECRET", "Zq81mVx")).toBe(false);
  });

  it("entropy 2.5 bits per character is enough, 1.75 is not", () => {
    expect(hint("JWT_SECRET", "k9k9Qz7w")).toBe(true);
    expect(hint("JWT_SECRET", "aab1aab2")).toBe(false);
  });

  it("a plain URL is no secret, a URL with a credential is", () => {
    expect(hint("TOKEN_URL_VALUE", "https://auth.acme.io/oauth/token")).toBe(false);
    expect(hint("JWT_SECRET", "https://auth.acme.io/cb?token=Zq81mVx0")).toBe(true);
  });

  it.each([
    ["two words", "keyboard cat"],
    ["three words", "correct horse battery"],
    ["five words", "alpha bravo charlie delta echo"],
    ["CamelCase", "SomeRandomString"],
    ["three-letter CamelCase", "TheRedFox"],
    ["upper case words", "CORRECT HORSE BATTERY"],
    ["snake case", "super_secret_value"],
    ["kebab case", "super-secret-value"],
    ["a twelve-letter word", "keyboard incompatible"],
    ["y as the vowel", "rhythm crypt"],
    ["all vowels", "keyboard eye"],
  ])("JWT_SECRET holding a phrase (%s) is a documentation default", (_what, v) => expect(hint("JWT_SECRET", v)).toBe(false));

  it.each([
    ["one word", "Watermelon"],
    ["six words", "alpha bravo charlie delta echo foxtrot"],
    ["a two-letter word", "keyboard ox"],
    ["a word without vowels", "keyboard brr"],
    ["a thirteen-letter word", "keyboard incompatibles"],
    ["digits", "keyboard cat 42"],
    ["digits first", "42 keyboard cat"],
    ["a plus between words", "keyboard+cat"],
    ["two separators", "keyboard--cat"],
    ["a one-letter tail", "keyboard cat x"],
  ])("JWT_SECRET holding no phrase (%s) counts", (_what, v) => expect(hint("JWT_SECRET", v)).toBe(true));
});

describe("nameHint: webhook names", () => {
  const token = "Tq3rZ8mW0xK2pL9sV4nB";

  it.each([
    ["https, token in the path", `https://hooks.acme-corp.net/in/${token}`],
    ["http, token in the path", `http://hooks.acme-corp.net/in/${token}`],
    ["upper-case scheme", `HTTPS://hooks.acme-corp.net/in/${token}`],
    ["token in the query", `https://hooks.acme-corp.net/in?key=${token}&x=1`],
    ["token in the fragment", `https://hooks.acme-corp.net/in#${token}`],
    ["exactly 16 characters", "https://hooks.acme-corp.net/in/Tq3rZ8mW0xK2pL9s"],
  ])("SLACK_WEBHOOK_URL: %s", (_what, v) => expect(hint("SLACK_WEBHOOK_URL", v)).toBe(true));

  it.each([
    ["not a URL", token],
    ["a URL later in the text", `see https://hooks.acme-corp.net/in/${token}`],
    ["a short random segment", "https://hooks.acme-corp.net/in/Tq3rZ8mW0x"],
    ["15 characters", "https://hooks.acme-corp.net/in/Tq3rZ8mW0xK2pL9"],
    ["a long segment of low entropy", "https://hooks.acme-corp.net/in/notificationshook"],
    ["a random host, no token", "http://k7fq2zp9xw4tm3rb.ngrok-free.app/deploy"],
    ["a random https host, no token", "https://k7fq2zp9xw4tm3rb.ngrok-free.app/deploy"],
    ["a placeholder segment", "https://hooks.acme-corp.net/in/xxxxxxxxxxxxxxxxxxxx"],
  ])("SLACK_WEBHOOK_URL: %s does not count", (_what, v) => expect(hint("SLACK_WEBHOOK_URL", v)).toBe(false));
});

describe("nameHint: other key names", () => {
  it.each([
    ["16 characters", "Fq2Lz8Xw3Rt7Pv9K"],
    ["17 characters", "sk9Fq2Lz8Xw3Rt7Pv"],
    ["a slash with a plus", "Fq2Lz8Xw/Rt7+Pv9K"],
    ["a slash with padding", "Fq2Lz8Xw/Rt7Pv9K=="],
    ["an URL later in the value", "Fq2Lz8Xw+https://Rt7Pv9K"],
  ])("STRIPE_KEY holding a long random value counts (%s)", (_what, v) => expect(hint("STRIPE_KEY", v)).toBe(true));

  it.each([
    ["15 characters", "Fq2Lz8Xw3Rt7Pv9"],
    ["whitespace", "Fq2Lz8Xw 3Rt7Pv9K"],
    ["an http URL", "http://Fq2Lz8Xw3Rt7+Pv9K"],
    ["an https URL", "https://Fq2Lz8Xw3Rt7+Pv9K"],
    ["no digit", "FqLzXwRtPvKmNbQs"],
    ["no letter", "83+02749+16502+8374"],
    ["a path", "Fq2Lz8Xw/Rt7Pv9Kq"],
    ["low entropy", "aab1aab2aab3aab4"],
  ])("STRIPE_KEY holding %s does not count", (_what, v) => expect(hint("STRIPE_KEY", v)).toBe(false));
});

describe("the auditor's users of the classifier", () => {
  it("detectSecrets reports a name + entropy hit with the kind the name says", async () => {
    const hits = await secrets.detectSecrets({
      DB_PASS: "x9k2",
      SALT: "Zq81mVx0",
      LOG_LEVEL: "Zq81mVx0",
      DB_PASSWORD_ARN: "Zq81mVx0",
      TIMEOUT_PASS: "3600",
    });
    expect([...hits.keys()].sort()).toEqual(["DB_PASS", "SALT"]);
    expect(hits.get("DB_PASS")).toMatchObject({ detector: "name+entropy", confidence: "medium", critical: false });
    expect(hits.get("DB_PASS")?.reason).toContain("holds a password");
    expect(hits.get("SALT")?.reason).toContain("holds a secret");
  });

  it.each([
    ["DbPass", true],
    ["DbPassword", true],
    ["LaravelAppKey", true],
    ["SentryDsn", true],
    ["SlackWebhookUrl", true],
    ["CacheKey", false],
    ["DbPasswordArn", false],
    ["Bypass", false],
  ] as const)("namedSecret(%s) = %s", (name, expected) => expect(templateRules.namedSecret(name)).toBe(expected));
});
