#!/usr/bin/env bash
# Every bundled scenario's outputs are the bytes recorded in tests/golden/outputs.sha256: the text
# timeline, the CSV event log, the metrics CSV, the indented and the compact JSON, the HTML report
# and the DOT graph after the run. A change that alters any of them fails here until the record is rewritten on
# purpose (`tests/golden_outputs.sh DRSIM SOURCE --update`), so a refactoring that must not change
# what is written (how records hold their decisions, how outputs are streamed) is proved not to.
# Usage: golden_outputs.sh DRSIM SOURCE_DIR [--update]
set -euo pipefail
drsim=$(realpath "$1") source=$2 update=${3:-}
record=$source/tests/golden/outputs.sha256
work=$(mktemp -d "${TMPDIR:-/tmp}/drsim-golden.XXXXXX")
trap 'rm -rf "$work"' EXIT
cd "$source"  # scenario paths relative to the source tree: they appear in the outputs
sums=$work/sums
: >"$sums"
while IFS= read -r file; do
    out=$work/out
    rm -rf "$out" && mkdir -p "$out"
    "$drsim" run "$file" >"$out/text" 2>&1 || true
    "$drsim" run --quiet "$file" --csv "$out/csv" --metrics-csv "$out/metrics.csv" --json "$out/json" --pretty \
        --report "$out/report.html" >/dev/null 2>&1 || true
    "$drsim" run --quiet "$file" --json "$out/json-compact" >/dev/null 2>&1 || true
    "$drsim" graph --after "$file" >"$out/dot" 2>&1 || true
    for kind in text csv metrics.csv json json-compact report.html dot; do
        [[ -f $out/$kind ]] || { echo "missing output $kind of $file"; exit 1; }
        printf '%s  %s %s\n' "$(sha256sum <"$out/$kind" | cut -d' ' -f1)" "$file" "$kind" >>"$sums"
    done
done < <(find scenarios -name '*.yaml' | LC_ALL=C sort)
if [[ $update == --update ]]; then
    cp "$sums" "$record"
    echo "golden: recorded $(wc -l <"$sums") outputs in tests/golden/outputs.sha256"
    exit 0
fi
if ! diff -u "$record" "$sums" >"$work/diff"; then
    echo "golden: outputs differ from tests/golden/outputs.sha256 (sha256  scenario output):"
    grep '^[-+][0-9a-f]' "$work/diff" | head -40
    echo "If the change is meant, rewrite the record: tests/golden_outputs.sh DRSIM SOURCE_DIR --update"
    exit 1
fi
echo "golden: $(wc -l <"$sums") outputs as recorded"
