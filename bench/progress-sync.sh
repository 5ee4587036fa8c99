#!/usr/bin/env bash
# Progress ingestion through the sync endpoint: batches of 100 events with fresh ids
# from 50 learners enrolled in one course, at 50 connections (wrk). Prints requests/s
# (× 100 = events/s), latency and the server's peak memory.
# Usage: bench/progress-sync.sh [seconds] [database-url]   (default: the embedded SQLite)
# Needs wrk and curl (`apt-get install wrk curl`).
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-15}
database=${2:-}
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install wrk" >&2; exit 1; }
cargo build --release --quiet
work=$(mktemp -d)
ln -s "$PWD/content" "$work/content"
port=18081
api="http://127.0.0.1:$port/api/v1"
(cd "$work" && exec env HOCVUSO_HTTP__BIND=127.0.0.1:$port HOCVUSO_LOG__FILTER=warn \
  HOCVUSO_RATE_LIMITS__REGISTER_PER_MINUTE=1000 ${database:+HOCVUSO_DATABASE__URL=$database} \
  "$OLDPWD/target/release/hocvuso" serve) &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null; rm -rf "$work"' EXIT
for _ in $(seq 1 600); do curl -sf -o /dev/null "http://127.0.0.1:$port/readyz" && break; sleep 0.05; done
curl -sf -o /dev/null "http://127.0.0.1:$port/readyz" || { echo "the server did not start" >&2; exit 1; }

course=nhan-dien-lua-dao-truc-tuyen
tokens=()
for i in $(seq 1 50); do
  phone=$(printf '09%08d' $((RANDOM * 1000 + i)))
  token=$(curl -sf "$api/auth/register" -H 'Content-Type: application/json' \
    -d "{\"phone\":\"$phone\",\"password\":\"Học vụ số 2025!\",\"full_name\":\"Người học $i\",\"target_group\":\"citizen\"}" |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])')
  curl -sf -o /dev/null -X PUT "$api/me/courses/$course" -H "Authorization: Bearer $token"
  tokens+=("$token")
done
lessons=$(curl -sf "$api/courses/$course" |
  python3 -c 'import json,sys; print(",".join(l["id"] for m in json.load(sys.stdin)["modules"] for l in m["lessons"]))')
export BENCH_TOKENS=$(IFS=,; echo "${tokens[*]}") BENCH_LESSONS=$lessons
wrk -t2 -c50 -d"${seconds}s" --latency -s bench/progress-sync.lua "http://127.0.0.1:$port" |
  grep -E "Requests/sec|50%|99%|requests in|Non-2xx"
grep VmHWM "/proc/$server/status"
