#!/usr/bin/env bash
# Starts a private PostgreSQL for `make run` under .data/pg (port 54329 on
# 127.0.0.1, trust auth for local connections) and prints its DATABASE_URL.
# Idempotent: a running instance is reused. Needs PostgreSQL's server
# binaries; installs pgvector into them when missing (scripts/install-pgvector.sh).
# `scripts/dev-postgres.sh stop` (make stop) stops it; its data stays.
set -euo pipefail
cd "$(dirname "$0")/.."

port=${LEADAGENT_PG_PORT:-54329}
data="$PWD/.data/pg"
bindir=""
for d in /usr/lib/postgresql/*/bin /usr/local/pgsql/bin; do
  [ -x "$d/initdb" ] && bindir="$d"
done
if [ -z "$bindir" ] && command -v initdb >/dev/null; then bindir=$(dirname "$(command -v initdb)"); fi
[ -n "$bindir" ] || { echo "dev-postgres: PostgreSQL server binaries (initdb) not found; install postgresql or set DATABASE_URL" >&2; exit 1; }

sharedir=$("$bindir/pg_config" --sharedir 2>/dev/null || echo "")
if [ "${1:-}" != stop ] && [ -n "$sharedir" ] && [ ! -f "$sharedir/extension/vector.control" ]; then
  echo "dev-postgres: installing pgvector" >&2
  bash scripts/install-pgvector.sh >&2
fi

# initdb refuses to run as root: run the server as the postgres user then.
as() { "$@"; }
if [ "$(id -u)" -eq 0 ]; then
  id postgres >/dev/null 2>&1 || { echo "dev-postgres: running as root needs a postgres user" >&2; exit 1; }
  as() { runuser -u postgres -- "$@"; }
fi

if [ "${1:-}" = stop ]; then
  if [ -f "$data/PG_VERSION" ] && as "$bindir/pg_ctl" -D "$data" status >/dev/null 2>&1; then
    as "$bindir/pg_ctl" -D "$data" -m fast -w stop >/dev/null
    echo "dev-postgres: stopped the PostgreSQL under $data (port $port); its data stays" >&2
  else
    echo "dev-postgres: no PostgreSQL running under $data" >&2
  fi
  exit 0
fi

mkdir -p "$data"
[ "$(id -u)" -eq 0 ] && chown postgres "$PWD/.data" "$data"
if [ ! -f "$data/PG_VERSION" ]; then
  as "$bindir/initdb" -D "$data" -U postgres --auth=trust -E UTF8 >/dev/null
fi
if ! as "$bindir/pg_ctl" -D "$data" status >/dev/null 2>&1; then
  as "$bindir/pg_ctl" -D "$data" -l "$data/server.log" -w \
    -o "-p $port -k $data -c listen_addresses=127.0.0.1" start >/dev/null
fi
until as "$bindir/pg_isready" -h 127.0.0.1 -p "$port" -q; do sleep 0.2; done
as "$bindir/psql" -h 127.0.0.1 -p "$port" -U postgres -Atqc "SELECT 1 FROM pg_database WHERE datname='leadagent'" | grep -q 1 \
  || as "$bindir/createdb" -h 127.0.0.1 -p "$port" -U postgres leadagent
echo "postgres://postgres@127.0.0.1:$port/leadagent?sslmode=disable"
