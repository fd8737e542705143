#!/usr/bin/env bash
# The pandas example of docs/output-format.md runs as written, on a bundled drill, and prints what
# it promises. Skipped (77) where pandas is not installed (scripts/setup installs python3-pandas).
# Usage: docs_pandas_example.sh DRSIM SOURCE_DIR WORK_DIR
set -euo pipefail
drsim=$1 source=$2 work=$3
# Debian's python3 (where python3-pandas installs), before any other python3 on the PATH.
python=python3
[[ -x /usr/bin/python3 ]] && python=/usr/bin/python3
"$python" -c 'import pandas' 2>/dev/null || { echo "pandas is not installed: skipped"; exit 77; }
rm -rf "$work" && mkdir -p "$work" && cd "$work"
cp "$source/scenarios/studies/retain-ip-vs-change-ip.yaml" drill.yaml
sed -n '/^```python/,/^```/p' "$source/docs/output-format.md" | sed '1d;$d' > example.py
[[ -s example.py ]] || { echo "no python example in docs/output-format.md"; exit 1; }
PATH="$(dirname "$drsim"):$PATH" "$python" example.py > out.txt
cat out.txt
# The downtime pivot (12 minutes for boston-users -> erp) and where each replica came back.
grep -Eq '^boston-users +12\.0$' out.txt
grep -Eq '^erp-1 +7200 +Chicago +VMNet-CH +erp +192\.168\.20\.50$' out.txt
