#!/usr/bin/env bash
# Screenshots a dashboard page in headless Chromium at the 1,400 px width it is laid out for.
#
#   eng/screenshot-dashboard.sh [HTML] [PNG] [HEIGHT]
#
#   HTML    the page; default out/dashboard.html (what `csscoring portfolio` or `run` writes)
#   PNG     the screenshot; default the page's path with .png
#   HEIGHT  the window height in pixels; default 3600, enough for the whole page of a usual book
#
# Uses Debian's `chromium` (installed with apt-get when missing and running as root) with a throw-away profile.
set -euo pipefail

html=${1:-out/dashboard.html}
png=${2:-${html%.html}.png}
height=${3:-3600}

if [[ ! -f "$html" ]]; then
  echo "No page at $html: run 'csscoring portfolio ... --out out' first, or pass the page's path." >&2
  exit 2
fi

if [[ ! "$height" =~ ^[0-9]+$ ]] || (( height < 200 )); then
  echo "HEIGHT must be a number of pixels of at least 200, not '$height'." >&2
  exit 2
fi

browser=$(command -v chromium || command -v chromium-browser || true)
if [[ -z "$browser" ]]; then
  if [[ $(id -u) == 0 ]] && command -v apt-get > /dev/null; then
    echo "Installing chromium with apt-get..." >&2
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium > /dev/null
    browser=$(command -v chromium)
  else
    echo "chromium is not installed: 'sudo apt-get install -y chromium' (Debian, Ubuntu), then run this again." >&2
    exit 2
  fi
fi

page="$(cd "$(dirname "$html")" && pwd)/$(basename "$html")"
mkdir -p "$(dirname "$png")"
shot="$(cd "$(dirname "$png")" && pwd)/$(basename "$png")"
profile=$(mktemp -d)
trap 'rm -rf "$profile"' EXIT
rm -f "$shot"

"$browser" --headless --no-sandbox --disable-gpu --hide-scrollbars --no-first-run --user-data-dir="$profile" \
  --window-size=1400,"$height" --screenshot="$shot" "file://$page" > /dev/null 2>&1 || true

if [[ ! -s "$shot" ]]; then
  echo "chromium did not write $shot" >&2
  exit 1
fi

echo "$shot"
