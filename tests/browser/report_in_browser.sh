#!/usr/bin/env bash
# Loads a `drsim run --report` page in headless Chromium and fails on any console message or
# script error, or a drawing that renders with no size; a screenshot whose PNG is too small to
# hold more than one colour fails too. Skipped (exit 77, ctest's SKIP_RETURN_CODE) when Chromium
# is not installed: scripts/setup installs it.
#
# Usage: report_in_browser.sh DRSIM OUT_DIR NAME SCENARIO.yaml [MIN_DRAWINGS]
#   The page is opened as file://OUT_DIR/NAME.html#check: with #check its one script writes the
#   rendered size of each drawing (data-svg-sizes) and any script error (data-errors) into <body>,
#   which --dump-dom shows.
set -euo pipefail

drsim=$1 out=$2 name=$3 scenario=$4 min_drawings=${5:-3}
chromium=${CHROMIUM:-}
if [[ -z $chromium ]]; then
    chromium=$(command -v chromium || command -v chromium-browser || true)
fi
if [[ -z $chromium || ! -x $chromium ]]; then
    echo "SKIPPED: Chromium is not installed (scripts/setup installs the Debian package chromium)"
    exit 77
fi

mkdir -p "$out"
report="$out/$name.html"
"$drsim" run --quiet --report "$report" "$scenario" >/dev/null

fail() {
    echo "FAILED: $name: $*" >&2
    exit 1
}

flags=(--headless --no-sandbox --disable-gpu --hide-scrollbars --no-first-run --disable-extensions
       --user-data-dir="$out/$name.profile" --enable-logging=stderr --v=0 --virtual-time-budget=10000)
dom=$(timeout 180 "$chromium" "${flags[@]}" --dump-dom "file://$report#check" 2>"$out/$name.log") ||
    fail "chromium could not load the page (log: $out/$name.log)"

# Console messages (errors, warnings, logs): the page writes none.
if grep -n 'CONSOLE' "$out/$name.log" >&2; then
    fail "console messages while loading the page (above)"
fi
[[ $dom == *'data-errors=""'* ]] || fail "script errors: $(grep -o 'data-errors="[^"]*"' <<<"$dom" || echo 'the check did not run')"
sizes=$(grep -o 'data-svg-sizes="[^"]*"' <<<"$dom" | sed 's/^data-svg-sizes="//; s/"$//') ||
    fail "no data-svg-sizes: the check script did not run"
count=0
for size in $sizes; do
    width=${size%x*} height=${size#*x}
    ((width > 0 && height > 0)) || fail "a drawing rendered as ${size}"
    count=$((count + 1))
done
((count >= min_drawings)) || fail "$count drawings rendered, expected at least $min_drawings"

# The screenshot: a page of one colour compresses to a few kilobytes.
rm -f "$out/$name.png"
timeout 180 "$chromium" "${flags[@]}" --window-size=1280,2400 --screenshot="$out/$name.png" "file://$report" \
    2>>"$out/$name.log" >/dev/null || fail "chromium could not take a screenshot"
bytes=$(stat -c %s "$out/$name.png")
((bytes > 30000)) || fail "the screenshot ($out/$name.png, $bytes bytes) is almost one colour"
echo "OK: $name: $count drawings rendered ($sizes); no console message; screenshot $out/$name.png ($bytes bytes)"
