#!/usr/bin/env bash
# Installs pgvector into the machine's PostgreSQL when it is missing.
#
# Order of preference: the distribution's postgresql-$V-pgvector package; on
# Debian 12, which has none, the pgvector source package of Debian's next
# release, built with PGXS against postgresql-server-dev-$V. OPTFLAGS="" keeps
# the build free of -march=native so the result runs on any x86-64.
set -euo pipefail

pg_config_bin=$(command -v pg_config || true)
if [ -z "$pg_config_bin" ]; then
  for d in /usr/lib/postgresql/*/bin; do [ -x "$d/pg_config" ] && pg_config_bin="$d/pg_config"; done
fi
if [ -n "${PG_VERSION:-}" ]; then
  V=$PG_VERSION
elif [ -n "$pg_config_bin" ]; then
  V=$("$pg_config_bin" --version | sed -E 's/^PostgreSQL ([0-9]+).*/\1/')
else
  V=$(ls /usr/lib/postgresql | sort -n | tail -1)
fi
sharedir=/usr/share/postgresql/$V/extension
if [ -f "$sharedir/vector.control" ]; then
  echo "pgvector: already installed for PostgreSQL $V"
  exit 0
fi

SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive

$SUDO apt-get update -qq
if apt-cache show "postgresql-$V-pgvector" >/dev/null 2>&1; then
  echo "pgvector: installing postgresql-$V-pgvector"
  $SUDO apt-get install -y -qq "postgresql-$V-pgvector"
  exit 0
fi

echo "pgvector: no package for PostgreSQL $V; building Debian's next-release source package"
$SUDO apt-get install -y -qq "postgresql-server-dev-$V" build-essential dpkg-dev >/dev/null
src_list=/etc/apt/sources.list.d/pgvector-src.sources
if [ ! -f "$src_list" ]; then
  $SUDO tee "$src_list" >/dev/null <<SRC
Types: deb-src
URIs: http://deb.debian.org/debian
Suites: trixie
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
  $SUDO apt-get update -qq
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$work" && apt-get source --download-only pgvector >/dev/null && dpkg-source -x --skip-patches ./*.dsc src >/dev/null)
make -C "$work/src" PG_CONFIG="/usr/lib/postgresql/$V/bin/pg_config" OPTFLAGS="" -j2 >/dev/null
$SUDO make -C "$work/src" PG_CONFIG="/usr/lib/postgresql/$V/bin/pg_config" OPTFLAGS="" install >/dev/null
echo "pgvector: built and installed for PostgreSQL $V"
