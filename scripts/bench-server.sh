#!/usr/bin/env bash
# Server benchmark on PGlite and on a throwaway PostgreSQL, side by side (see bench-server.js).
#   scripts/bench-server.sh [seconds]
#   BENCH_PG_PORT (55433)  the throwaway PostgreSQL's port
#   ENGINE_DIST            a built module to use; when the caller sets it, nothing is built
#   BENCH_BASELINE         another checkout's web/server.js, measured in the same run for a before/after
set -euo pipefail
given_dist=${ENGINE_DIST:-}
source "$(dirname "$0")/env.sh"
cd "$ENGINE_ROOT"
if [ -z "$given_dist" ]; then
  scripts/setup.sh
  scripts/build-wasm.sh --target share_engine >/dev/null
fi
port=${BENCH_PG_PORT:-55433}
url=$(scripts/pg-start.sh "$port")
trap 'scripts/pg-stop.sh '"$port" EXIT
PG_BENCH_URL="$url" node scripts/bench-server.js "${1:-10}"
