#!/usr/bin/env bash
# Starts MailDev for `make run`'s demo: an SMTP server on 127.0.0.1:1025 that
# keeps every email the demo sends, and its web inbox on
# http://127.0.0.1:1080 (the console's Sandbox page links it). Installs it
# first (scripts/install-maildev.sh, which needs npm). Idempotent: a running
# MailDev is reused. Exits non-zero, saying why, when it cannot start one;
# make run then goes on without email. `scripts/dev-maildev.sh stop` (make
# stop) stops it.
set -euo pipefail
cd "$(dirname "$0")/.."

smtp=${LEADAGENT_MAILDEV_SMTP_PORT:-1025}
web=${LEADAGENT_MAILDEV_WEB_PORT:-1080}
pidfile=".data/maildev.pid"
up() { (exec 3<>"/dev/tcp/127.0.0.1/$smtp") 2>/dev/null; }

if [ "${1:-}" = stop ]; then
  if [ -f "$pidfile" ] && kill "$(cat "$pidfile")" 2>/dev/null; then
    echo "dev-maildev: stopped MailDev" >&2
  fi
  rm -f "$pidfile"
  exit 0
fi

if up; then
  exit 0
fi
bin=".data/maildev/node_modules/.bin/maildev"
if [ ! -x "$bin" ]; then
  bash scripts/install-maildev.sh >&2 || { echo "dev-maildev: MailDev could not be installed" >&2; exit 1; }
fi
mkdir -p .data
nohup "$bin" --ip 127.0.0.1 --smtp "$smtp" --web "$web" --silent >.data/maildev.log 2>&1 &
echo $! >"$pidfile"
for _ in $(seq 50); do
  up && exit 0
  sleep 0.1
done
echo "dev-maildev: MailDev did not start; see .data/maildev.log" >&2
exit 1
