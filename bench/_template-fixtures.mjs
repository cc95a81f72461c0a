// Synthetic SAM templates for the template bench: realistic functions (Globals, intrinsics, a few findings per file).
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/** One SAM template of `functions` functions; about 1 in 10 carries a plaintext secret, 1 in 10 a dynamic reference. */
export function samTemplate(index, functions) {
  let y = `AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Description: bench template ${index}
Parameters:
  Stage:
    Type: String
    AllowedValues: [dev, prod]
  DbPassword:
    Type: String
    NoEcho: true
Conditions:
  IsProd: !Equals [!Ref Stage, prod]
Globals:
  Function:
    Runtime: nodejs20.x
    MemorySize: 256
    Timeout: 10
    Environment:
      Variables:
        STAGE: !Ref Stage
        LOG_LEVEL: !If [IsProd, warn, debug]
Resources:
  Table:
    Type: AWS::DynamoDB::Table
    Properties:
      BillingMode: PAY_PER_REQUEST
      AttributeDefinitions: [{ AttributeName: pk, AttributeType: S }]
      KeySchema: [{ AttributeName: pk, KeyType: HASH }]
`;
  for (let i = 0; i < functions; i++) {
    const extra =
      i % 10 === 3
        ? `          PAYMENT_API_TOKEN: bench-not-a-secret-${index}-${i}-x9f2k\n`
        : i % 10 === 7
          ? `          DB_PASSWORD: "{{resolve:secretsmanager:bench/db-${i}:SecretString:password}}"\n`
          : i % 10 === 9
            ? `          DB_PASSWORD: !Ref DbPassword  # envseal-ignore ES021 bench: accepted for this function\n`
            : "";
    y += `  Fn${i}:
    Type: AWS::Serverless::Function
    Properties:
      Handler: src/fn${i}.handler
      CodeUri: .
      Role: !GetAtt Role${i % 5}.Arn
      KmsKeyArn: ${i % 4 === 0 ? "!GetAtt Key.Arn" : "!Ref AWS::NoValue"}
      Environment:
        Variables:
          TABLE_NAME: !Ref Table
          QUEUE_URL: !Sub "https://sqs.\${AWS::Region}.amazonaws.com/\${AWS::AccountId}/q-${i}"
          FEATURE_FLAGS: '{"beta":false,"limit":${i}}'
${extra}      Events:
        Api:
          Type: Api
          Properties:
            Path: /fn${i}
            Method: get
`;
  }
  return y;
}

/** Write `files` templates of `functions` functions each under `dir`, in folders of 100. */
export function writeTemplates(dir, files, functions) {
  for (let f = 0; f < files; f++) {
    const sub = join(dir, `svc-${String(Math.floor(f / 100)).padStart(2, "0")}`);
    if (f % 100 === 0) mkdirSync(sub, { recursive: true });
    writeFileSync(join(sub, `template-${String(f).padStart(4, "0")}.yaml`), samTemplate(f, functions));
  }
}
