/** Small template-audit helpers with exact answers: display paths, template ARNs, secret names and ids, intrinsic names, worker counts. */
import { availableParallelism } from "node:os";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { displayPath } from "../../src/audit/template/load.js";
import { namedSecret, templateArn } from "../../src/audit/template/rules.js";
import { isIntrinsicKey, longName } from "../../src/audit/template/intrinsics.js";
import { secretishId } from "../../src/audit/template/values.js";
import { defaultWorkers, WORKER_THRESHOLD } from "../../src/audit/template/workers.js";

describe("template helpers", () => {
  it("displayPath: relative to cwd with forward slashes, '.' for cwd itself", () => {
    expect(displayPath("/repo/infra/template.yaml", "/repo")).toBe("infra/template.yaml");
    expect(displayPath("/repo", "/repo")).toBe(".");
    expect(displayPath("/other/t.yaml", "/repo")).toBe("../other/t.yaml");
  });

  it("templateArn names file and logical id", () => {
    expect(templateArn("infra/api.yaml", "OrdersFunction")).toBe("template:infra/api.yaml#OrdersFunction");
  });

  it.each([
    ["DbPassword", true],
    ["DB_PASSWORD", true],
    ["ApiSecret", true],
    ["DB_PASSWORD_ARN", false],
    ["CacheKey", false],
    ["TableName", false],
  ])("namedSecret(%s) → %s", (name, expected) => {
    expect(namedSecret(name)).toBe(expected);
  });

  it.each([
    ["/app/db/password", true],
    ["/app/DB_PASSPHRASE", true],
    ["prod/api-key", true],
    ["prod/api_key", true],
    ["prod/apikey", true],
    ["svc/private-key", true],
    ["svc/signing_key", true],
    ["svc/auth-key", true],
    ["svc/credentials", true],
    ["svc/token", true],
    ["/app/table-name", false],
    ["/app/api key", false],
  ])("secretishId(%s) → %s", (id, expected) => {
    expect(secretishId(id)).toBe(expected);
  });

  it("longName: short tags to long names, unknown ones as Fn::, YAML's own tags not at all", () => {
    expect(longName("!Ref")).toBe("Ref");
    expect(longName("!Condition")).toBe("Condition");
    expect(longName("!Sub")).toBe("Fn::Sub");
    expect(longName("!GetAtt")).toBe("Fn::GetAtt");
    expect(longName("!NewThing")).toBe("Fn::NewThing");
    expect(longName("!!str")).toBeUndefined();
    expect(longName("!<tag:yaml.org,2002:str>")).toBeUndefined();
    expect(longName("Ref")).toBeUndefined();
    expect(longName("")).toBeUndefined();
    expect(longName(undefined)).toBeUndefined();
  });

  it("isIntrinsicKey: Ref, Condition and Fn::…", () => {
    expect(isIntrinsicKey("Ref")).toBe(true);
    expect(isIntrinsicKey("Condition")).toBe(true);
    expect(isIntrinsicKey("Fn::Sub")).toBe(true);
    expect(isIntrinsicKey("Variables")).toBe(false);
    expect(isIntrinsicKey("MyFn::Sub")).toBe(false);
  });

  it("defaultWorkers: one per CPU (at most 4) from the threshold on, for a startable .js/.mjs/.cjs module only", () => {
    const cpus = availableParallelism();
    const expected = cpus > 1 ? Math.min(cpus, 4) : 0;
    const url = pathToFileURL("/opt/envseal/dist/audit/index.js").href;
    expect(WORKER_THRESHOLD).toBe(100);
    expect(defaultWorkers(WORKER_THRESHOLD, url)).toBe(expected);
    expect(defaultWorkers(WORKER_THRESHOLD - 1, url)).toBe(0);
    expect(defaultWorkers(5000, pathToFileURL("/opt/envseal/dist/audit/index.mjs").href)).toBe(expected);
    expect(defaultWorkers(5000, pathToFileURL("/opt/envseal/dist/audit/index.cjs").href)).toBe(expected);
    expect(defaultWorkers(5000, pathToFileURL("/opt/envseal/src/audit/index.ts").href)).toBe(0);
    expect(defaultWorkers(5000, "https://example.com/audit.js")).toBe(0);
    expect(defaultWorkers(5000, pathToFileURL(process.argv[1]!).href)).toBe(0);
  });
});
