#!/usr/bin/env bash
# Server benchmark on PGlite and on a throwaway PostgreSQL, side by side (see bench-server.js).
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$ENGINE_ROOT"
scripts/setup.sh
scripts/build-wasm.sh --target share_engine >/dev/null
url=$(scripts/pg-start.sh 55433)
trap 'scripts/pg-stop.sh 55433' EXIT
psql "$url" -qc 'DROP DATABASE IF EXISTS bench' -c 'CREATE DATABASE bench' >/dev/null
PG_BENCH_URL="${url%/*}/bench" node scripts/bench-server.js "${1:-10}"
