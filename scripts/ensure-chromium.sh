#!/usr/bin/env bash
# `npm test` runs this first (pretest): the end-to-end test drives Debian's Chromium through
# playwright-core, and a browser cannot come from npm here. Where it is missing and this is a
# Debian machine where we are root (CI, the project's machines), it is installed; elsewhere the
# message says what to do. The same goes for Debian's colour emoji font, so that the screenshots
# show the alerts' ❌ ✅ (without it they are blank boxes; the tests pass either way).
set -u
browser="${CHROMIUM_PATH:-/usr/bin/chromium}"
emoji_font=fonts-noto-color-emoji

can_install() {
  [[ "$(id -u)" == 0 ]] && command -v apt-get >/dev/null 2>&1
}

# Checked with dpkg first, so that a second run costs no apt-get.
if ! dpkg -s "$emoji_font" >/dev/null 2>&1; then
  if can_install; then
    echo "pretest: installing Debian's $emoji_font for the screenshots…" >&2
    apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$emoji_font" >&2 ||
      echo "pretest: could not install $emoji_font; screenshots will show boxes instead of emoji." >&2
    updated=1
  elif command -v dpkg >/dev/null 2>&1; then
    echo "pretest: $emoji_font is missing (apt-get install $emoji_font); screenshots will show boxes instead of emoji." >&2
  fi
fi

[[ -x "$browser" ]] && exit 0
if can_install; then
  echo "pretest: installing Debian's chromium for the end-to-end test…" >&2
  { [[ -n "${updated:-}" ]] || apt-get update -qq >&2; } &&
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >&2 && exit 0
fi
echo "pretest: the end-to-end test needs Chromium at $browser: install Debian's chromium (apt-get install chromium) or set CHROMIUM_PATH." >&2
exit 1
