#!/usr/bin/env bash
# The browser suite in the production shape: MariaDB, Reflex's Redis state manager with 2 backend
# workers, rate limits and jobs on Redis, files on S3 (a moto_server started here).
# Usage: scripts/browser_production_shape.sh [pytest args, default tests/browser]   (after scripts/ensure_services.sh)
#
# Honours the same per-run directories as the embedded run, so two people can run it in one work
# tree at once: REFLEX_WEB_WORKDIR, REFLEX_STATES_WORKDIR (defaults .tools/web-production-shape,
# .tools/states-production-shape) and AAE_TEST_ARTIFACTS (screenshots and logs go to its
# production-shape/ subfolder; default test-artifacts/production-shape). The run uses Redis
# database AAE_PRODUCTION_SHAPE_REDIS_DB (default 14) of the test Redis and empties it first.
set -euo pipefail
cd "$(dirname "$0")/.."
set -a; . .tools/services.env; set +a

ARTIFACTS="${AAE_TEST_ARTIFACTS:-$PWD/test-artifacts}/production-shape"
mkdir -p "$ARTIFACTS"
PORT=$(.venv/bin/python -c "import socket; s=socket.socket(); s.bind(('127.0.0.1',0)); print(s.getsockname()[1])")
setsid .venv/bin/moto_server -H 127.0.0.1 -p "$PORT" > "$ARTIFACTS/moto.log" 2>&1 &
MOTO=$!
trap 'kill $MOTO 2>/dev/null || true' EXIT
for _ in $(seq 1 150); do curl -s -o /dev/null "http://127.0.0.1:$PORT/moto-api/" && break; sleep 0.2; done
curl -s -o /dev/null "http://127.0.0.1:$PORT/moto-api/" || { echo "moto_server did not start:" >&2; cat "$ARTIFACTS/moto.log" >&2; exit 1; }
.venv/bin/python - "$PORT" <<'PY'
import json, sys
import boto3
from botocore.config import Config
s3 = boto3.client("s3", endpoint_url=f"http://127.0.0.1:{sys.argv[1]}", region_name="us-east-1",
                  aws_access_key_id="test", aws_secret_access_key="test",
                  config=Config(signature_version="s3v4", s3={"addressing_style": "path"}))
for bucket in ("aae-creatives", "aae-landing-pages", "aae-exports"):
    s3.create_bucket(Bucket=bucket)
s3.put_bucket_policy(Bucket="aae-landing-pages", Policy=json.dumps({"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::aae-landing-pages/*"}]}))
PY
REDIS_BASE=${AAE_TEST_REDIS_URL%/*}
REDIS_DB=${AAE_PRODUCTION_SHAPE_REDIS_DB:-14}
redis-cli -u "$REDIS_BASE/$REDIS_DB" flushdb > /dev/null
export REFLEX_REDIS_URL="$REDIS_BASE/$REDIS_DB" AAE_REDIS_URL="$REDIS_BASE/$REDIS_DB" GRANIAN_WORKERS=2 \
  AAE_STORAGE_BACKEND=s3 AAE_S3_ENDPOINT_URL="http://127.0.0.1:$PORT" AAE_S3_ACCESS_KEY_ID=test \
  AAE_S3_SECRET_ACCESS_KEY=test AAE_RATE_LIMIT_API=100000/minute \
  REFLEX_WEB_WORKDIR="${REFLEX_WEB_WORKDIR:-$PWD/.tools/web-production-shape}" \
  REFLEX_STATES_WORKDIR="${REFLEX_STATES_WORKDIR:-$PWD/.tools/states-production-shape}" \
  AAE_TEST_ARTIFACTS="$ARTIFACTS"
# Arguments (test files, -k ...) replace the default of the whole tests/browser folder.
.venv/bin/pytest -q -p no:asyncio -m browser "${@:-tests/browser}"
