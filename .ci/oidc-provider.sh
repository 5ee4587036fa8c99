#!/usr/bin/env bash
# Installs the test OpenID Provider (npm package oidc-provider, pinned by its lock file).
set -euo pipefail
cd "$(dirname "$0")/../tests/oidc-provider"
if ! command -v node >/dev/null; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >/dev/null
fi
if [ ! -d node_modules/oidc-provider ]; then
  npm ci --no-audit --no-fund --loglevel=error
fi
