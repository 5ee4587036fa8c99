#!/usr/bin/env bash
# Makes sure a PostgreSQL server answers on 127.0.0.1:5432 for user postgres without a
# password (trust), installing and starting Debian's package when needed.
set -euo pipefail

ready() { pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; }

if ! command -v pg_ctlcluster >/dev/null; then
  echo "installing PostgreSQL"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
fi
if ! ready; then
  cluster=$(pg_lsclusters --no-header | awk 'NR==1 {print $1" "$2}')
  if [ -z "$cluster" ]; then
    version=$(ls /usr/lib/postgresql | sort -V | tail -n1)
    pg_createcluster "$version" main
    cluster="$version main"
  fi
  read -r version name <<<"$cluster"
  conf=/etc/postgresql/$version/$name
  # Trust local TCP connections: this server exists only for the tests.
  if ! grep -q "hocvuso-ci" "$conf/pg_hba.conf"; then
    sed -i '1i host all all 127.0.0.1/32 trust # hocvuso-ci\nhost all all ::1/128 trust # hocvuso-ci' "$conf/pg_hba.conf"
  fi
  pg_ctlcluster "$version" "$name" start || pg_ctlcluster "$version" "$name" restart
  for _ in $(seq 1 30); do ready && break; sleep 1; done
fi
ready || { echo "PostgreSQL did not start" >&2; exit 1; }
psql -h 127.0.0.1 -U postgres -d postgres -tAc 'select version()'
