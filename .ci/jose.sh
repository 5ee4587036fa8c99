#!/usr/bin/env bash
# Installs the independent JOSE verifier (npm package jose, pinned by its lock file)
# that checks issued completion records in the API tests.
set -euo pipefail
cd "$(dirname "$0")/../tests/jose"
if ! command -v node >/dev/null; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >/dev/null
fi
if [ ! -d node_modules/jose ]; then
  npm ci --no-audit --no-fund --loglevel=error
fi
