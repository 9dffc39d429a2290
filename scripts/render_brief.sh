#!/usr/bin/env bash
# Render a brief the way a reader sees it: the HTML in headless Chromium (a
# screenshot 1280 pixels wide and up to 24,000 tall, enough for a four-arm
# sweep brief) and the PDF's pages as PNG images, to look at both.
#
#   scripts/render_brief.sh out/compare/brief        # writes out/compare/brief/render/
#
# Needs Debian's chromium and poppler-utils (pdftoppm); .ci/run installs them.
set -euo pipefail
brief_dir=${1:?usage: scripts/render_brief.sh BRIEF_DIR}
out="$brief_dir/render"
mkdir -p "$out"
profile=$(mktemp -d)
trap 'rm -rf "$profile"' EXIT
# Flags as for a sandboxed root user with no network: no background traffic, no GPU.
chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
  --disable-background-networking --disable-component-update --disable-sync \
  --user-data-dir="$profile" --hide-scrollbars --window-size=1280,24000 \
  --screenshot="$out/brief_html.png" "file://$(realpath "$brief_dir/brief.html")" >/dev/null 2>&1
pdftoppm -r 60 -png "$brief_dir/brief.pdf" "$out/brief_pdf_page"
ls "$out"
