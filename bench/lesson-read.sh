#!/usr/bin/env bash
# Reading a published lesson on the embedded default: requests/s and latency at 50
# connections (wrk), and the server's peak memory. Needs wrk (`apt-get install wrk`).
# Usage: bench/lesson-read.sh [seconds]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-15}
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install wrk" >&2; exit 1; }
cargo build --release --quiet
work=$(mktemp -d)
ln -s "$PWD/content" "$work/content"
port=18080
(cd "$work" && HOCVUSO_HTTP__BIND=127.0.0.1:$port HOCVUSO_LOG__FILTER=warn \
  exec "$OLDPWD/target/release/hocvuso" serve) &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null; rm -rf "$work"' EXIT
until curl -sf -o /dev/null "http://127.0.0.1:$port/readyz"; do sleep 0.05; done
url="http://127.0.0.1:$port/api/v1/courses/nhan-dien-lua-dao-truc-tuyen/lessons/01-gia-danh-cong-an-ngan-hang-dien-luc"
curl -sf -o /dev/null "$url"
wrk -t2 -c50 -d"${seconds}s" --latency "$url" | grep -E "Requests/sec|50%|99%|requests in"
grep VmHWM "/proc/$server/status"
