#!/usr/bin/env bash
# API fuzzing from the OpenAPI document: schemathesis (PyPI, pinned, in a virtualenv
# under target/) runs against the real server binary on a fresh embedded database,
# once signed in as each role (a learner, a trainer, an administrator, in that order,
# against the same server), with a bounded number of examples per operation and a fixed
# seed, one worker (with two, CPython 3.11's ast.parse, which hypothesis calls to describe
# filters, fails now and then with "AST constructor recursion depth mismatch" — a bug of
# the interpreter in threads, not of the server); each run takes under a minute on 2 cores.
# Fails on any 5xx, undocumented status
# code or content type, or a response that does not match its schema, in any run.
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
# The administrator is created on the same data folder before the server starts.
admin_email=canbo@fuzz.vn admin_password='Quản trị 2025!'
printf '%s\n' "$admin_password" |
  HOCVUSO_DATA_DIR="$work" HOCVUSO_CONTENT__DIR="$PWD/content" HOCVUSO_LOG__FILTER=error \
    target/debug/hocvuso admin create --email "$admin_email" --name 'Cán bộ' --unit-name 'Phường Thử' \
    >"$work/admin.log" 2>&1 || { cat "$work/admin.log"; echo "the administrator was not created" >&2; exit 1; }
HOCVUSO_DATA_DIR="$work" HOCVUSO_HTTP__BIND="127.0.0.1:$port" HOCVUSO_CONTENT__DIR="$PWD/content" \
  HOCVUSO_LOG__FILTER=error HOCVUSO_RATE_LIMITS__REGISTER_PER_MINUTE=100000 \
  HOCVUSO_RATE_LIMITS__LOGIN_PER_MINUTE=100000 HOCVUSO_RATE_LIMITS__REFRESH_PER_MINUTE=100000 \
  HOCVUSO_RATE_LIMITS__ASK_PER_MINUTE=100000 HOCVUSO_RATE_LIMITS__VERIFY_CODE_PER_MINUTE=100000 \
  target/debug/hocvuso serve >"$work/server.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null; rm -rf "$work"' EXIT
for _ in $(seq 1 600); do curl -sf -o /dev/null "$base/readyz" && break; sleep 0.1; done
curl -sf -o /dev/null "$base/readyz" || { cat "$work/server.log"; echo "the server did not start" >&2; exit 1; }
# The value at a path of keys and indexes in the JSON on standard input.
json_at() { python3 -c 'import functools,json,sys; print(functools.reduce(lambda v, k: v[int(k)] if isinstance(v, list) else v[k], sys.argv[1:], json.load(sys.stdin)))' "$@"; }
login() {
  curl -sf "$base/api/v1/auth/login" -H 'Content-Type: application/json' \
    -d "{\"identifier\":\"$1\",\"password\":\"$2\"}" | json_at access_token
}
# The learner registers; the administrator creates the trainer in their unit.
curl -sf -o /dev/null "$base/api/v1/auth/register" -H 'Content-Type: application/json' \
  -d '{"phone":"0919999999","password":"Học vụ số 2025!","full_name":"Người kiểm thử","target_group":"citizen"}'
admin_token=$(login "$admin_email" "$admin_password")
unit_id=$(curl -sf "$base/api/v1/units" -H "Authorization: Bearer $admin_token" | json_at 0 id)
curl -sf -o /dev/null "$base/api/v1/users" -H "Authorization: Bearer $admin_token" \
  -H 'Content-Type: application/json' \
  -d "{\"full_name\":\"Giảng viên\",\"role\":\"trainer\",\"email\":\"gv@fuzz.vn\",\"password\":\"Giảng dạy 2025!\",\"unit_id\":\"$unit_id\"}"

# One run per role against the same server, each with a token fresh from login (a
# run must not outlive its access token), the next role's run after the previous one.
# Every run goes to the end; the script fails if any did.
failed=() timings=()
fuzz() {
  local role=$1 token start rc=0
  token=$(login "$2" "$3")
  echo "--- schemathesis as $role" >&2
  start=$SECONDS
  time "$venv/bin/st" run "$base/api-docs/openapi.json" \
    --header "Authorization: Bearer $token" \
    --checks not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance \
    --phases examples,coverage,fuzzing --max-examples 10 --seed 1 --workers 1 \
    --report-dir "$work/report-$role" || rc=$?
  timings+=("$role: $((SECONDS - start)) s, $([ "$rc" = 0 ] && echo passed || echo "failed ($rc)")")
  [ "$rc" = 0 ] || failed+=("$role")
}
fuzz learner 0919999999 'Học vụ số 2025!'
fuzz trainer gv@fuzz.vn 'Giảng dạy 2025!'
fuzz administrator "$admin_email" "$admin_password"
printf 'schemathesis %s\n' "${timings[@]}"
if [ ${#failed[@]} -gt 0 ]; then
  echo "schemathesis failed as: ${failed[*]}" >&2
  exit 1
fi
