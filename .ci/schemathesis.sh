#!/usr/bin/env bash
# API fuzzing from the OpenAPI document: schemathesis (PyPI, pinned, in a virtualenv
# under target/) runs against the real server binary on a fresh embedded database,
# signed in as a learner, with a bounded number of examples per operation and a fixed
# seed. Fails on any 5xx, undocumented status code or content type, or a response that
# does not match its schema.
set -euo pipefail
cd "$(dirname "$0")/.."
venv=target/schemathesis-venv
if [ ! -x "$venv/bin/st" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check schemathesis==4.32.5
fi
cargo build --workspace --quiet --bin hocvuso
work=$(mktemp -d)
port=18181
base="http://127.0.0.1:$port"
HOCVUSO_DATA_DIR="$work" HOCVUSO_HTTP__BIND="127.0.0.1:$port" HOCVUSO_CONTENT__DIR="$PWD/content" \
  HOCVUSO_LOG__FILTER=error HOCVUSO_RATE_LIMITS__REGISTER_PER_MINUTE=100000 \
  HOCVUSO_RATE_LIMITS__LOGIN_PER_MINUTE=100000 HOCVUSO_RATE_LIMITS__REFRESH_PER_MINUTE=100000 \
  HOCVUSO_RATE_LIMITS__ASK_PER_MINUTE=100000 HOCVUSO_RATE_LIMITS__VERIFY_CODE_PER_MINUTE=100000 \
  target/debug/hocvuso serve >"$work/server.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null; rm -rf "$work"' EXIT
for _ in $(seq 1 600); do curl -sf -o /dev/null "$base/readyz" && break; sleep 0.1; done
curl -sf -o /dev/null "$base/readyz" || { cat "$work/server.log"; echo "the server did not start" >&2; exit 1; }
token=$(curl -sf "$base/api/v1/auth/register" -H 'Content-Type: application/json' \
  -d '{"phone":"0919999999","password":"Học vụ số 2025!","full_name":"Người kiểm thử","target_group":"citizen"}' |
  python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])')
"$venv/bin/st" run "$base/api-docs/openapi.json" \
  --header "Authorization: Bearer $token" \
  --checks not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance \
  --phases examples,coverage,fuzzing --max-examples 10 --seed 1 --workers 2 \
  --report-dir "$work/report"
