#!/usr/bin/env bash
# Starts a throwaway PostgreSQL 15 server on 127.0.0.1 for the tests and benchmarks, and prints its
# URL. PostgreSQL refuses to run as root, so the cluster belongs to the `postgres` system user that
# Debian's package creates.
#   scripts/pg-start.sh [port]     -> prints postgres://postgres@127.0.0.1:<port>/postgres
#   scripts/pg-stop.sh  [port]
set -euo pipefail
port=${1:-55432}
bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
dir=/tmp/engine-pg-$port
if [ -f "$dir/postmaster.pid" ] && su postgres -c "$bin/pg_ctl -D $dir status" >/dev/null 2>&1; then
  echo "postgres://postgres@127.0.0.1:$port/postgres"
  exit 0
fi
rm -rf "$dir"
mkdir -p "$dir"
chown postgres "$dir"
su postgres -c "$bin/initdb -D $dir -A trust -U postgres" >/dev/null
# fsync off: a test server, thrown away after the run; the crash test kills the app, not Postgres.
su postgres -c "$bin/pg_ctl -D $dir -l $dir/log -w start -o '-p $port -k /tmp -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200'" >/dev/null
echo "postgres://postgres@127.0.0.1:$port/postgres"
