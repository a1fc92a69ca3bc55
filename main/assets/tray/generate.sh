#!/bin/sh
# Regenerates the tray PNGs from one SVG shape per state: a bolt in a circle whose colour (or, in the
# symbolic variant, fill pattern) shows the state. Needs ImageMagick (`convert`) or rsvg-convert.
# The PNGs are committed; CI does not run this.
set -eu
cd "$(dirname "$0")"
svg() { # name fill stroke bolt dash
  cat <<SVG
<svg xmlns="http://www.w3.org/2000/svg" width="44" height="44" viewBox="0 0 22 22">
  <circle cx="11" cy="11" r="9.5" fill="$2" stroke="$3" stroke-width="1.5" stroke-dasharray="$5"/>
  <path d="M12.5 3.5 6.5 12h4l-1 6.5 6-8.5h-4z" fill="$4"/>
</svg>
SVG
}
render() { # name
  if command -v rsvg-convert >/dev/null; then rsvg-convert -w 44 -h 44 "$1.svg" -o "$1.png"
  else convert -background none -density 192 "$1.svg" -resize 44x44 "$1.png"; fi
  rm "$1.svg"
}
# colour: grey no adapter, amber slow, green fast, blue working
svg tenbolt-no-adapter "#9e9e9e" "#616161" "#ffffff" "none" > tenbolt-no-adapter.svg
svg tenbolt-slow "#f9a825" "#c17900" "#ffffff" "none" > tenbolt-slow.svg
svg tenbolt-fast "#2e7d32" "#1b5e20" "#ffffff" "none" > tenbolt-fast.svg
svg tenbolt-working "#1565c0" "#0d47a1" "#ffffff" "3 2" > tenbolt-working.svg
# symbolic (monochrome, light on a dark panel): outline only, filled, dashed, struck through bolt
svg tenbolt-no-adapter-symbolic "none" "#ffffff" "none" "2 2" > tenbolt-no-adapter-symbolic.svg
svg tenbolt-slow-symbolic "none" "#ffffff" "#ffffff" "none" > tenbolt-slow-symbolic.svg
svg tenbolt-fast-symbolic "#ffffff" "#ffffff" "#000000" "none" > tenbolt-fast-symbolic.svg
svg tenbolt-working-symbolic "none" "#ffffff" "#ffffff" "3 2" > tenbolt-working-symbolic.svg
for f in *.svg; do render "${f%.svg}"; done
