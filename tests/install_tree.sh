#!/usr/bin/env bash
# `cmake --install` puts every piece where README "Install" says, and the installed program runs an
# installed drill. scripts/package checks the same list in the .deb (scripts/installed-files).
# Usage: tests/install_tree.sh BUILD_DIR SOURCE_DIR PREFIX
set -euo pipefail
build=$1 source_dir=$2 prefix=$3

rm -rf "$prefix"
cmake --install "$build" --prefix "$prefix" >/dev/null
cd "$prefix"
missing=0
while read -r path; do
    [[ -e $path ]] || { echo "FAIL: $path is not installed"; missing=$((missing + 1)); }
done < <("$source_dir/scripts/installed-files" "$source_dir")
((missing == 0)) || exit 1

# Every installed drill's $schema comment names a file that is there, relative to the drill; and
# some drill has one (else the comment's form changed and this checks nothing).
schemas=0
while IFS= read -r -d '' drill; do
    schema=$(sed -n '1s/^# yaml-language-server: \$schema=//p' "$drill")
    [[ -n $schema ]] || continue
    schemas=$((schemas + 1))
    [[ -f $(dirname "$drill")/$schema ]] || { echo "FAIL: $drill: \$schema=$schema is not installed"; missing=$((missing + 1)); }
done < <(find share/drsim/scenarios -name '*.yaml' -print0)
((schemas > 0)) || { echo "FAIL: no installed drill names its \$schema"; exit 1; }
((missing == 0)) || exit 1

bin/drsim --version
bin/drsim validate share/doc/drsim/examples/demo/east-asia-drill.yaml
bash -n share/bash-completion/completions/drsim
gzip -t share/man/man1/drsim.1.gz
echo "install: $(find . -type f -o -type l | wc -l) files and links under $prefix"
