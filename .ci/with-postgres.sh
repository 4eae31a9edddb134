#!/usr/bin/env bash
# Run a command against a throwaway PostgreSQL cluster:
#   .ci/with-postgres.sh COMMAND...
# Installs PostgreSQL from the distribution's packages when missing, starts a
# cluster in a temporary directory on a local port, exports
# TEST_DATABASE_URL for the command, and stops and removes the cluster after.
set -euo pipefail

PORT="${PGTEST_PORT:-54329}"

pg_bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1; }

if [ -z "$(pg_bin)" ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "PostgreSQL is not installed; install the 'postgresql' package (as root: apt-get install -y postgresql)." >&2
    exit 1
  fi
  echo "Installing PostgreSQL from the distribution's packages..."
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
fi
BIN="$(pg_bin)"

DIR="$(mktemp -d /tmp/eventsapp-pg.XXXXXX)"
# PostgreSQL refuses to run as root; use the account its package created.
if [ "$(id -u)" -eq 0 ]; then
  chown postgres "$DIR"
  as_pg() { runuser -u postgres -- "$@"; }
else
  as_pg() { "$@"; }
fi

cleanup() {
  as_pg "$BIN/pg_ctl" -D "$DIR/data" -m fast -w stop >/dev/null 2>&1 || true
  rm -rf "$DIR"
}
trap cleanup EXIT

as_pg "$BIN/initdb" -D "$DIR/data" -U postgres -A trust --no-sync -E UTF8 >/dev/null
# fsync off: a test cluster that dies is thrown away anyway.
as_pg "$BIN/pg_ctl" -D "$DIR/data" -l "$DIR/server.log" -w \
  -o "-p $PORT -k $DIR -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200" start >/dev/null
echo "PostgreSQL $("$BIN/postgres" --version | awk '{print $3}') running on 127.0.0.1:$PORT"

export TEST_DATABASE_URL="postgresql+psycopg://postgres@127.0.0.1:$PORT/eventsapp_test"
# For the fault test, which stops and restarts this cluster.
export PGTEST_CTL="$BIN/pg_ctl" PGTEST_DATA="$DIR/data" PGTEST_LOG="$DIR/server.log"
export PGTEST_OPTIONS="-p $PORT -k $DIR -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200"
[ "$(id -u)" -eq 0 ] && export PGTEST_AS=postgres
"$@"
