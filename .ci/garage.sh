#!/usr/bin/env bash
# Starts a single-node Garage S3 server for the S3 test suite and writes the test
# environment (HOCVUSO_TEST_S3_*) to target/garage/env. Installs Garage with cargo only
# when it is missing (a slow build, once per machine). Stop it with `.ci/garage.sh stop`.
set -euo pipefail
cd "$(dirname "$0")/.."

GARAGE_VERSION=2.5.0
dir=$PWD/target/garage
config=$dir/garage.toml
export PATH="$HOME/.cargo/bin:$PATH"

stop() {
  if [ -f "$dir/pid" ]; then
    kill "$(cat "$dir/pid")" 2>/dev/null || true
    rm -f "$dir/pid"
  fi
}
if [ "${1:-}" = stop ]; then stop; exit 0; fi

if ! command -v garage >/dev/null; then
  echo "installing Garage $GARAGE_VERSION (cargo install, once per machine)"
  cargo install garage --version "$GARAGE_VERSION" --locked --quiet
fi

stop
# A server left by an earlier run in another checkout would hold the ports.
pkill -x garage 2>/dev/null && sleep 1 || true
rm -rf "$dir" && mkdir -p "$dir/meta" "$dir/data"
cat >"$config" <<TOML
metadata_dir = "$dir/meta"
data_dir = "$dir/data"
db_engine = "sqlite"
replication_factor = 1
rpc_bind_addr = "127.0.0.1:3901"
rpc_public_addr = "127.0.0.1:3901"
rpc_secret = "$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')"

[s3_api]
s3_region = "garage"
api_bind_addr = "127.0.0.1:3900"
root_domain = ".s3.garage.localhost"
TOML

garage -c "$config" server >"$dir/server.log" 2>&1 &
echo $! >"$dir/pid"
for _ in $(seq 1 60); do
  garage -c "$config" status >/dev/null 2>&1 && break
  sleep 0.5
done

node=$(garage -c "$config" node id -q 2>/dev/null | cut -d@ -f1)
garage -c "$config" layout assign -z dc1 -c 1G "$node" >/dev/null
garage -c "$config" layout apply --version 1 >/dev/null
keys=$(garage -c "$config" key create hocvuso-test)
key_id=$(awk -F': *' '/Key ID/ {print $2; exit}' <<<"$keys" | tr -d ' ')
secret=$(awk -F': *' '/Secret key/ {print $2; exit}' <<<"$keys" | tr -d ' ')
[ -n "$key_id" ] && [ -n "$secret" ] || { echo "cannot read Garage's key:" >&2; echo "$keys" >&2; exit 1; }
garage -c "$config" bucket create hocvuso-test >/dev/null
garage -c "$config" bucket allow --read --write --owner hocvuso-test --key hocvuso-test >/dev/null

cat >"$dir/env" <<ENV
export HOCVUSO_TEST_S3_ENDPOINT=http://127.0.0.1:3900
export HOCVUSO_TEST_S3_REGION=garage
export HOCVUSO_TEST_S3_BUCKET=hocvuso-test
export HOCVUSO_TEST_S3_ACCESS_KEY_ID=$key_id
export HOCVUSO_TEST_S3_SECRET_ACCESS_KEY=$secret
export HOCVUSO_TEST_S3_REQUIRED=1
ENV
echo "Garage $(garage --version 2>/dev/null | head -n1) ready on 127.0.0.1:3900; environment in $dir/env"
