#!/usr/bin/env bash
# Prints the X-Twilio-Signature Twilio would send for a form webhook:
#   scripts/twilio-sign.sh URL [Name=value ...]
# base64 of HMAC-SHA1, keyed by the auth token, over the URL followed by
# each parameter's name and value, names in byte order. The token is
# TWILIO_AUTH_TOKEN, or the built-in sandbox's (cmd/leadagent/config.go)
# when unset. Sign the URL exactly as the server sees it: PUBLIC_URL plus
# the path when PUBLIC_URL is set, otherwise the URL curl posts to. Needs
# openssl. See the README's "Webhooks by hand".
set -euo pipefail
[ $# -ge 1 ] || { echo "usage: $0 URL [Name=value ...]" >&2; exit 2; }
token=${TWILIO_AUTH_TOKEN:-5a4db0c0ffee5a4db0c0ffee5a4db0c0}
url=$1
shift
data=$url
if [ $# -gt 0 ]; then
  # Sort by name alone (a stable sort on the text before the first "="),
  # NUL-separated so a value may hold newlines.
  while IFS= read -r -d '' param; do
    data+=${param%%=*}${param#*=}
  done < <(printf '%s\0' "$@" | LC_ALL=C sort -z -s -t= -k1,1)
fi
printf '%s' "$data" | openssl dgst -sha1 -hmac "$token" -binary | openssl base64 -A
echo
