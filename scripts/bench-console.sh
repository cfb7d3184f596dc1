#!/usr/bin/env bash
# Console benchmark on a throwaway PostgreSQL: list and detail endpoints, empty and at a big
# merchant's size, side by side (see bench-console.js).
#   scripts/bench-console.sh [seconds per endpoint]
#   BENCH_PG_PORT (55434)  the throwaway PostgreSQL's port; BENCH_ORDERS (1000000)
set -euo pipefail
given_dist=${ENGINE_DIST:-}
source "$(dirname "$0")/env.sh"
cd "$ENGINE_ROOT"
if [ -z "$given_dist" ]; then
  scripts/setup.sh
  scripts/build-wasm.sh --target share_engine >/dev/null
fi
port=${BENCH_PG_PORT:-55434}
url=$(scripts/pg-start.sh "$port")
trap 'scripts/pg-stop.sh '"$port" EXIT
PG_BENCH_URL="$url" node scripts/bench-console.js "${1:-5}"
