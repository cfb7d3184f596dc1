#!/usr/bin/env bash
# Stops the throwaway server of scripts/pg-start.sh.
set -euo pipefail
port=${1:-55432}
bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
dir=/tmp/engine-pg-$port
[ -d "$dir" ] && su postgres -c "$bin/pg_ctl -D $dir -w stop -m fast" >/dev/null 2>&1 || true
rm -rf "$dir"
