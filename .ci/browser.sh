#!/usr/bin/env bash
# Installs what the browser tests drive: Debian's Chromium and ChromeDriver, and
# axe-core (npm, pinned by tests/web's lock file). Each only when missing.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ]; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null
fi
if [ ! -f tests/web/node_modules/axe-core/axe.min.js ]; then
  npm ci --prefix tests/web --no-audit --no-fund --loglevel=error
fi
