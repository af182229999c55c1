#!/usr/bin/env bash
# Installs Debian's chromium for the console's browser test
# (cmd/leadagent/console_browser_test.go) when it is missing; CI runs it
# before make test. Run it again and it does nothing.
#
# The package lists are refreshed only when apt knows no chromium to
# install. fonts-dejavu-core gives the headless browser a font, so pages
# and screenshots render the same on every machine.
set -euo pipefail

if [ -x /usr/bin/chromium ]; then
  echo "chromium: already installed ($(/usr/bin/chromium --version 2>/dev/null || echo "version unknown"))"
  exit 0
fi

SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive

candidate=$(apt-cache policy chromium 2>/dev/null | awk '/Candidate:/ {print $2}')
if [ -z "$candidate" ] || [ "$candidate" = "(none)" ]; then
  $SUDO apt-get update -qq
fi
echo "chromium: installing"
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core
/usr/bin/chromium --version 2>/dev/null
