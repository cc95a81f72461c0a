/** `--accounts`, `--role-name`, `--external-id` and the organisation's account list (src/audit/org/accounts.ts), with exact messages. */
import { beforeEach, describe, expect, it } from "vitest";
import { ListAccountsCommand, OrganizationsClient } from "@aws-sdk/client-organizations";
import { mockClient } from "aws-sdk-client-mock";
import { listOrgAccounts, parseAccounts, parseExternalId, parseRoleName, roleArn } from "../../src/audit/org/accounts.js";

const orgs = mockClient(OrganizationsClient);
beforeEach(() => orgs.reset());

describe("account options", () => {
  it("--accounts: trimmed, de-duplicated, in the order given; each message exact", () => {
    expect(parseAccounts(" 444455556666 ,111122223333,444455556666,, ")).toEqual(["444455556666", "111122223333"]);
    expect(() => parseAccounts(" , ")).toThrow(
      expect.objectContaining({ message: "--accounts is empty", hint: "pass comma-separated 12-digit account ids, or use --org alone to list them from Organizations" }),
    );
    expect(() => parseAccounts("111122223333,12345678901234567890123")).toThrow(
      expect.objectContaining({ message: '--accounts: "12345678901234567890…" is not a 12-digit account id', hint: "e.g. --accounts 111122223333,444455556666" }),
    );
    expect(() => parseAccounts("x111122223333")).toThrow('--accounts: "x111122223333" is not a 12-digit account id');
    expect(() => parseAccounts("1111222233334")).toThrow(/is not a 12-digit account id/);
  });

  it("--role-name: a name or path/name, role/ and outer slashes dropped, each part an IAM name, 512 characters at most", () => {
    expect(parseRoleName("  /security/EnvsealAudit/ ")).toBe("security/EnvsealAudit");
    expect(parseRoleName("role/a/b/EnvsealAudit")).toBe("a/b/EnvsealAudit");
    expect(parseRoleName("Name+=,.@-_1")).toBe("Name+=,.@-_1");
    expect(parseRoleName("x".repeat(64))).toBe("x".repeat(64));
    const hint = "pass the name of the role to assume in each account, e.g. EnvsealAudit (or path/EnvsealAudit)";
    expect(() => parseRoleName("bad path/EnvsealAudit")).toThrow(expect.objectContaining({ message: '--role-name "bad path/EnvsealAudit" is not an IAM role name', hint }));
    expect(() => parseRoleName("a//b")).toThrow(/is not an IAM role name/);
    expect(() => parseRoleName(`${"p".repeat(64)}/`.repeat(8) + "Role")).toThrow(/is not an IAM role name/);
    expect(parseRoleName(`${"p".repeat(60)}/`.repeat(7) + "Role")).toHaveLength(7 * 61 + 4);
    expect(() => parseRoleName("")).toThrow(/is not an IAM role name/);
    expect(() => parseRoleName("x".repeat(50))).not.toThrow();
    expect(() => parseRoleName(`${"x".repeat(45)} y`)).toThrow(`--role-name "${"x".repeat(40)}…" is not an IAM role name`);
  });

  it("--external-id: 2 to 1224 characters of the allowed set", () => {
    expect(parseExternalId("ab")).toBe("ab");
    expect(parseExternalId("x".repeat(1224))).toHaveLength(1224);
    for (const bad of ["a", "x".repeat(1225), "has space", "semi;colon"]) {
      expect(() => parseExternalId(bad)).toThrow(
        expect.objectContaining({
          message: "--external-id must be 2 to 1224 characters of letters, digits and +=,.@:/_-",
          hint: "pass the external id the member roles' trust policy requires",
        }),
      );
    }
  });

  it("roleArn", () => {
    expect(roleArn("aws-cn", "111122223333", "path/EnvsealAudit")).toBe("arn:aws-cn:iam::111122223333:role/path/EnvsealAudit");
  });
});

describe("listOrgAccounts", () => {
  it("every page; ACTIVE accounts sorted, the others with their state (State before Status), accounts without an id skipped", async () => {
    orgs
      .on(ListAccountsCommand)
      .resolvesOnce({ Accounts: [{ Id: "444455556666", Status: "ACTIVE" }, { Id: "999988887777", Status: "SUSPENDED" }, { Name: "no id" }], NextToken: "p2" })
      .resolvesOnce({ Accounts: [{ Id: "111122223333", State: "ACTIVE", Status: "SUSPENDED" } as never, { Id: "555566667777", State: "PENDING_CLOSURE" } as never, { Id: "222233334444" }] });
    expect(await listOrgAccounts(new OrganizationsClient({ region: "us-east-1" }))).toEqual({
      active: ["111122223333", "444455556666"],
      inactive: [
        { account: "222233334444", reason: "account is UNKNOWN, not ACTIVE" },
        { account: "555566667777", reason: "account is PENDING_CLOSURE, not ACTIVE" },
        { account: "999988887777", reason: "account is SUSPENDED, not ACTIVE" },
      ],
    });
    expect(orgs.commandCalls(ListAccountsCommand)).toHaveLength(2);
  });

  it("a refusal names the operation and what to do", async () => {
    orgs.on(ListAccountsCommand).rejects(Object.assign(new Error("not the management account"), { name: "AccessDeniedException", $metadata: { httpStatusCode: 400 } }));
    await expect(listOrgAccounts(new OrganizationsClient({ region: "us-east-1" }))).rejects.toMatchObject({
      name: "AwsError",
      operation: "organizations:ListAccounts",
      code: "AccessDeniedException",
      message: expect.stringMatching(/^--org: /),
      hint: "run from the management account or a delegated administrator with organizations:ListAccounts, or name the accounts with --accounts",
    });
  });
});

describe("account options: edges", () => {
  it("--role-name: only a leading role/ is dropped; every leading and trailing slash goes", () => {
    expect(parseRoleName("ops/role/EnvsealAudit")).toBe("ops/role/EnvsealAudit");
    expect(parseRoleName("//EnvsealAudit")).toBe("EnvsealAudit");
    expect(parseRoleName("EnvsealAudit//")).toBe("EnvsealAudit");
    expect(parseRoleName("///ops/EnvsealAudit///")).toBe("ops/EnvsealAudit");
  });

  it("--role-name: 512 characters is the longest accepted", () => {
    const at512 = `${"p".repeat(64)}/`.repeat(7) + "n".repeat(57);
    expect(at512).toHaveLength(512);
    expect(parseRoleName(at512)).toBe(at512);
    expect(() => parseRoleName(`${at512}n`)).toThrow(/is not an IAM role name/);
  });

  it("listOrgAccounts: a failure that is not an AWS error keeps the code Error", async () => {
    orgs.on(ListAccountsCommand).rejects(new Error("Region is missing"));
    await expect(listOrgAccounts(new OrganizationsClient({ region: "us-east-1" }))).rejects.toMatchObject({
      name: "AwsError",
      operation: "organizations:ListAccounts",
      code: "Error",
      message: "--org: no AWS region is set",
    });
  });
});
