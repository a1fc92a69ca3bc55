#!/usr/bin/env bash
# Renders `tenbolt detect` on the reference fixture as it looks in a terminal, to docs/screenshot.png.
# Needs Debian's aha (ANSI to HTML) and chromium.
set -euo pipefail
cd "$(dirname "$0")/.."
fixture=${1:-test/fixtures/amd-strix-qna-t310g1s-stock}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
COLUMNS=100 script -qc "node bin/tenbolt.js detect --root $fixture" /dev/null | tr -d '\r' |
  aha --black --title "tenbolt detect" |
  sed 's|<pre>|<pre style="font: 14px/1.35 DejaVu Sans Mono, monospace; padding: 16px; margin: 0">|' >"$tmp/detect.html"
lines=$(COLUMNS=100 node bin/tenbolt.js detect --root "$fixture" | wc -l)
chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking \
  --disable-component-update --disable-sync --user-data-dir="$tmp/profile" --hide-scrollbars \
  --window-size=920,$((lines * 19 + 40)) --screenshot="$PWD/docs/screenshot.png" "file://$tmp/detect.html" 2>/dev/null
echo "wrote docs/screenshot.png"
