#!/usr/bin/env bash
# The README's worked example: envseal against moto server, no AWS account needed.
# Usage: bash samples/demo-moto.sh [PORT]   (starts moto on 127.0.0.1:PORT, default 5050, and stops it at the end)
# Run `npm run build` first. The lines between "README:begin" and "README:end" are the README's example, word for word
# (test/e2e/readme-example.test.ts checks that, runs this script, and checks every "#>" line against what was printed).
set -euo pipefail
PORT="${1:-5050}"
cd "$(dirname "$0")/.."

python3 -m moto.server -H 127.0.0.1 -p "$PORT" >/dev/null 2>&1 &
MOTO_PID=$!
trap 'kill $MOTO_PID; rm -f /tmp/envseal-demo.zip /tmp/envseal-demo.blob /tmp/envseal-demo.txt' EXIT
until curl -s -o /dev/null "http://127.0.0.1:$PORT/moto-api/"; do sleep 0.2; done
export AWS_ENDPOINT_URL="http://127.0.0.1:$PORT"   # envseal and awscli both honour it

# README:begin
export AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_REGION=us-east-1 AWS_DEFAULT_REGION=us-east-1

# 1. A customer managed key with an alias, a value sealed the way the Lambda console's encryption helpers do it (bound
#    to the function's name only: wire format v1), and a function holding it, a plaintext token and a plain setting.
KEY_ID=$(aws kms create-key --query KeyMetadata.KeyId --output text)
aws kms create-alias --alias-name alias/app --target-key-id "$KEY_ID"
printf %s "https://public@sentry.example/42" > /tmp/envseal-demo.txt
CONSOLE_SEALED=$(aws kms encrypt --key-id alias/app --plaintext fileb:///tmp/envseal-demo.txt \
  --encryption-context LambdaFunctionName=orders-api --query CiphertextBlob --output text)
aws iam create-role --role-name demo --assume-role-policy-document '{}' >/dev/null
python3 -c "import zipfile; z = zipfile.ZipFile('/tmp/envseal-demo.zip', 'w'); z.writestr('index.js', 'exports.handler = async () => 1;'); z.close()"
aws lambda create-function --function-name orders-api --runtime nodejs22.x --handler index.handler \
  --role arn:aws:iam::123456789012:role/demo --zip-file fileb:///tmp/envseal-demo.zip \
  --environment "{\"Variables\": {\"FEATURE_FLAGS\": \"beta\", \"API_TOKEN\": \"tok-live-5f0c2e9a\", \"SENTRY_DSN\": \"$CONSOLE_SEALED\"}}" >/dev/null

# 2. push: seal a new secret (value from stdin, never on the command line) and set a plain value.
printf %s "correct-horse-battery-staple" | node dist/cli/main.js push --function orders-api --key alias/app DB_PASSWORD --plain LOG_LEVEL=info
#>   + DB_PASSWORD (sealed)
#>   + LOG_LEVEL (plain)

# 3. seal: API_TOKEN is already on the function in plain text; seal it where it is (the value is read from the
#    function, sealed for its name and written back — never printed).
node dist/cli/main.js seal --function orders-api --key alias/app API_TOKEN
#>   ~ API_TOKEN (plain → sealed)
#> rotate these secrets at their source: their plaintext was readable until now

# 4. adopt: SENTRY_DSN was sealed by the console; check that it opens for orders-api, re-encrypt it to wire format v2
#    (bound to its name too) and list it in ENVSEAL_SEALED.
node dist/cli/main.js adopt --function orders-api SENTRY_DSN
#>   + SENTRY_DSN (sealed with arn:aws:kms:us-east-1:123456789012:key/
#> orders-api: 1 adopted; written; the update is live

# 5. show: names, sealed or plain, wire format, bytes of 4096, at-rest key. No values.
node dist/cli/main.js show --function orders-api
#> API_TOKEN       sealed   v2
#> FEATURE_FLAGS   plain
#> SENTRY_DSN      sealed   v2

# 6. get: one variable's value, opened (sealed ones) or as it is (plain ones).
node dist/cli/main.js get --function orders-api API_TOKEN; echo "   <- envseal get"
#> tok-live-5f0c2e9a   <- envseal get

# 7. The stored value is KMS ciphertext bound to the function and the variable (wire format v2); awscli opens it with
#    that context, and envseal refuses it for another function name or another variable.
SEALED=$(aws lambda get-function-configuration --function-name orders-api --query Environment.Variables.DB_PASSWORD --output text)
printf %s "$SEALED" | base64 -d > /tmp/envseal-demo.blob
aws kms decrypt --ciphertext-blob fileb:///tmp/envseal-demo.blob \
  --encryption-context LambdaFunctionName=orders-api,EnvsealVariable=DB_PASSWORD \
  --query Plaintext --output text | base64 -d; echo "   <- opened by awscli"
#> correct-horse-battery-staple   <- opened by awscli
echo "$SEALED" | node dist/cli/main.js decrypt --function orders-api --variable DB_PASSWORD; echo "   <- opened by envseal"
#> correct-horse-battery-staple   <- opened by envseal
echo "$SEALED" | node dist/cli/main.js decrypt --function billing-api --variable DB_PASSWORD || echo "(exit $?: bound to orders-api)"
#> (exit 2: bound to orders-api)
echo "$SEALED" | node dist/cli/main.js decrypt --function orders-api --variable SENTRY_DSN || echo "(exit $?: bound to DB_PASSWORD)"
#> (exit 2: bound to DB_PASSWORD)

# 8. unset: remove it again; every other variable stays.
node dist/cli/main.js unset --function orders-api DB_PASSWORD
#>   - DB_PASSWORD (sealed)
# README:end
