#!/usr/bin/env bash
# The whole suite: domain and HTTP tests on the real database (PGlite, or PostgreSQL when DATABASE_URL is set),
# then the browser journeys in Debian's Chromium. `--no-e2e` skips the browser journeys.
set -euo pipefail
cd "$(dirname "$0")/.."

e2e=1
if [ "${1:-}" = "--no-e2e" ]; then e2e=0; shift; fi

if [ "$e2e" = 1 ]; then
  chromium_bin="${CHROMIUM_PATH:-/usr/bin/chromium}"
  if [ ! -x "$chromium_bin" ]; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
      echo "Chromium not found: installing Debian's chromium package for the browser journeys"
      apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
    else
      echo "The browser journeys need Chromium at $chromium_bin." >&2
      echo "Install it (sudo apt-get install chromium), point CHROMIUM_PATH at a Chromium binary," >&2
      echo "or run 'npm run test:unit' to run everything but the browser journeys." >&2
      exit 1
    fi
  fi
fi

node --import tsx scripts/prepare-test-db.ts

files=$(find src -name '*.test.ts' -o -name '*.test.tsx' | sort)
if [ "$e2e" = 1 ] && [ -d e2e ]; then files="$files $(find e2e -name '*.test.ts' | sort)"; fi

exec node --import tsx --test --test-concurrency=2 --test-timeout=180000 --test-reporter=spec $files "$@"
