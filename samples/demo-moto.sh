#!/usr/bin/env bash
# The README's worked example: envseal against moto server, no AWS account needed.
# Usage: bash samples/demo-moto.sh [PORT]   (starts moto on 127.0.0.1:PORT, default 5050, and stops it at the end)
set -euo pipefail
PORT="${1:-5050}"
cd "$(dirname "$0")/.."
ENVSEAL="node dist/cli/main.js"          # after `npm run build`; `npx envseal` once installed

python3 -m moto.server -H 127.0.0.1 -p "$PORT" >/dev/null 2>&1 &
MOTO_PID=$!
trap 'kill $MOTO_PID' EXIT
until curl -s -o /dev/null "http://127.0.0.1:$PORT/moto-api/"; do sleep 0.2; done

export AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test
export AWS_REGION=us-east-1 AWS_DEFAULT_REGION=us-east-1
export AWS_ENDPOINT_URL="http://127.0.0.1:$PORT"   # envseal and awscli both honour it

# 1. A customer managed key with an alias, and a function that already has a variable.
KEY_ID=$(aws kms create-key --query KeyMetadata.KeyId --output text)
aws kms create-alias --alias-name alias/app --target-key-id "$KEY_ID"
aws iam create-role --role-name demo --assume-role-policy-document '{}' >/dev/null
python3 -c "import zipfile; z = zipfile.ZipFile('/tmp/envseal-demo.zip', 'w'); z.writestr('index.js', 'exports.handler = async () => 1;'); z.close()"
aws lambda create-function --function-name orders-api --runtime nodejs22.x --handler index.handler \
  --role arn:aws:iam::123456789012:role/demo --zip-file fileb:///tmp/envseal-demo.zip \
  --environment 'Variables={FEATURE_FLAGS=beta}' >/dev/null

# 2. Seal a secret (value from stdin, never on the command line) and set a plain value.
printf %s "correct-horse-battery-staple" | $ENVSEAL push --function orders-api --key alias/app DB_PASSWORD --plain LOG_LEVEL=info

# 3. What is set: names, sealed or plain, bytes of 4096, at-rest key. No values.
$ENVSEAL show --function orders-api

# 4. The stored value is KMS ciphertext bound to the function and the variable (wire format v2); awscli opens it with
#    that context.
SEALED=$(aws lambda get-function-configuration --function-name orders-api --query Environment.Variables.DB_PASSWORD --output text)
printf %s "$SEALED" | base64 -d > /tmp/envseal-demo.blob
aws kms decrypt --ciphertext-blob fileb:///tmp/envseal-demo.blob \
  --encryption-context LambdaFunctionName=orders-api,EnvsealVariable=DB_PASSWORD \
  --query Plaintext --output text | base64 -d; echo "   <- opened by awscli"

# 5. envseal opens it too, and refuses it for another function name or another variable.
echo "$SEALED" | $ENVSEAL decrypt --function orders-api --variable DB_PASSWORD; echo "   <- opened by envseal"
echo "$SEALED" | $ENVSEAL decrypt --function billing-api --variable DB_PASSWORD || echo "(exit $?: bound to orders-api, as it should be)"
echo "$SEALED" | $ENVSEAL decrypt --function orders-api --variable SENTRY_DSN || echo "(exit $?: bound to DB_PASSWORD, as it should be)"

# 6. Remove it again; FEATURE_FLAGS and LOG_LEVEL stay.
$ENVSEAL unset --function orders-api DB_PASSWORD
$ENVSEAL show --function orders-api
rm -f /tmp/envseal-demo.zip /tmp/envseal-demo.blob
