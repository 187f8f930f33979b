#!/usr/bin/env bash
# `npm test` runs this first (pretest): the end-to-end test drives Debian's Chromium through
# playwright-core, and a browser cannot come from npm here. Where it is missing and this is a
# Debian machine where we are root (CI, the project's machines), it is installed; elsewhere the
# message says what to do.
set -u
browser="${CHROMIUM_PATH:-/usr/bin/chromium}"
[[ -x "$browser" ]] && exit 0
if [[ "$(id -u)" == 0 ]] && command -v apt-get >/dev/null 2>&1; then
  echo "pretest: installing Debian's chromium for the end-to-end test…" >&2
  apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >&2 && exit 0
fi
echo "pretest: the end-to-end test needs Chromium at $browser: install Debian's chromium (apt-get install chromium) or set CHROMIUM_PATH." >&2
exit 1
