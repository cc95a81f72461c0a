/**
 * The shared set-up of the ops unit tests: KMS and Lambda mocked with aws-sdk-client-mock (each test file resets them
 * in its own `beforeEach`), the `AwsDeps` that reach them, and the function configuration and key metadata the ops
 * read.
 */
import { mockClient } from "aws-sdk-client-mock";
import { KMSClient, type KeyState } from "@aws-sdk/client-kms";
import { LambdaClient, type FunctionConfiguration } from "@aws-sdk/client-lambda";
import type { AwsDeps } from "../../src/ops/deps.js";

export const kmsMock = mockClient(KMSClient);
export const lambdaMock = mockClient(LambdaClient);
export const deps: AwsDeps = { kms: () => new KMSClient({ region: "eu-west-1" }), lambda: () => new LambdaClient({ region: "eu-west-1" }) };

/** The ARN of `orders-api`, the function most ops tests read and write. */
export const FN_ARN = "arn:aws:lambda:eu-west-1:111122223333:function:orders-api";

/** `orders-api`'s configuration with `vars`, at revision `rev-1`, its last update done. */
export const config = (vars: Record<string, string>, extra: Partial<FunctionConfiguration> = {}): FunctionConfiguration => ({
  FunctionName: "orders-api",
  FunctionArn: FN_ARN,
  Environment: { Variables: vars },
  RevisionId: "rev-1",
  LastUpdateStatus: "Successful",
  ...extra,
});

/** DescribeKey's answer for a symmetric encryption key. */
export const meta = (arn: string, manager: "AWS" | "CUSTOMER" = "CUSTOMER", state: KeyState = "Enabled") => ({
  KeyMetadata: { KeyId: "k", Arn: arn, KeyManager: manager, KeyState: state, KeySpec: "SYMMETRIC_DEFAULT" as const, KeyUsage: "ENCRYPT_DECRYPT" as const },
});
