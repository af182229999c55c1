#!/usr/bin/env bash
# Installs MailDev (npm maildev: an SMTP server plus a REST API to read what
# arrived) into .data/maildev for the email tests (internal/maildevtest) and
# the demo; CI runs it before make test. Run it again and it does nothing.
#
# Pinned to MailDev 2: maildev 3.0.0 wants Node 22 for some dependencies and
# no longer serves the GET /email API the tests read.
# Prints the path of the maildev executable.
set -euo pipefail
cd "$(dirname "$0")/.."

VERSION="2.2.1"
PREFIX=".data/maildev"
BIN="$PREFIX/node_modules/.bin/maildev"

if [ -x "$BIN" ] && [ "$("$BIN" --version 2>/dev/null)" = "$VERSION" ]; then
  echo "maildev: already installed ($VERSION) at $(pwd)/$BIN"
  exit 0
fi
command -v npm >/dev/null || { echo "maildev: npm is needed (Node 20 or newer)" >&2; exit 1; }
mkdir -p "$PREFIX"
echo "maildev: installing $VERSION into $PREFIX"
npm install --prefix "$PREFIX" --no-audit --no-fund --loglevel=error "maildev@$VERSION"
"$BIN" --version >/dev/null
echo "maildev: installed ($VERSION) at $(pwd)/$BIN"
