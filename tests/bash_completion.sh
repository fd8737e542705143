#!/usr/bin/env bash
# The bash completion offers every command of `drsim --help` and every option of each `drsim COMMAND
# --help` (read here independently of scripts/gen-help-docs), the VM and variant names of a scenario
# after --vm and --variant, and .yaml files and directories for a scenario argument.
# Usage: tests/bash_completion.sh DRSIM COMPLETION_FILE SOURCE_DIR WORK_DIR
set -uo pipefail
drsim=$1 completion=$2 source_dir=$3 work=$4

# shellcheck source=/dev/null
source "$completion" || { echo "cannot load $completion"; exit 1; }
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }

# The completions offered for a command line, completing its last word (may be ""), or word CWORD
# when that is set (the cursor in the middle of the line).
complete_words() {
    COMP_WORDS=("$@")
    COMP_CWORD=${CWORD:-$((${#COMP_WORDS[@]} - 1))}
    COMP_LINE="$*"
    COMP_POINT=${#COMP_LINE}
    COMPREPLY=()
    _drsim drsim "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}"
    printf '%s\n' "${COMPREPLY[@]}"
}
# expect_offered WORD LINE...: WORD is among the completions of LINE.
expect_offered() {
    local word=$1 offered; shift
    offered=$(complete_words "$@")
    grep -qxF -- "$word" <<<"$offered" || fail "'$*' does not offer '$word' (offers: $(tr '\n' ' ' <<<"$offered"))"
}
expect_not_offered() {
    local word=$1; shift
    ! grep -qxF -- "$word" <<<"$(complete_words "$@")" || fail "'$*' offers '$word'"
}

commands=$("$drsim" --help | awk '/^[^ ].*:/ { section = $0 } section == "commands:" && /^  [a-z]/ { print $1 }')
[[ -n $commands ]] || fail "no commands in drsim --help"
checked=0
for command in $commands; do
    expect_offered "$command" drsim ""
    # Options: every -x and --name in the option column of the command's help (what comes before
    # the description, which may quote other programs' options).
    for option in $("$drsim" "$command" --help | grep -E '^ +-' | sed -E 's/^ +//; s/   .*//' | grep -oE '(^|[ [,])--?[a-zA-Z][-a-zA-Z0-9]*' | tr -d ' [,'); do
        expect_offered "$option" drsim "$command" -
        checked=$((checked + 1))
    done
done
for option in $("$drsim" --help | awk '/^options:/ { on = 1; next } /^[^ ]/ { on = 0 } on' | grep -oE '(^|[ [,])--?[a-zA-Z][-a-zA-Z0-9]*' | tr -d ' [,'); do
    expect_offered "$option" drsim -
    checked=$((checked + 1))
done
((checked >= 10)) || fail "only $checked options found in the help texts"

# Names from the scenario: brace ranges expanded, only the top-level lists' items.
drill=$source_dir/scenarios/demo/east-asia-drill.yaml
study=$source_dir/scenarios/studies/retain-ip-vs-change-ip.yaml
for vm in web-1 web-2 app1 sql1 build1; do expect_offered "$vm" drsim explain "$drill" --vm ""; done
expect_not_offered vnet-shop drsim explain "$drill" --vm ""
expect_offered retain-ip-subnet-failover drsim run "$study" --variant ""
CWORD=3 expect_offered retain-ip-subnet-failover drsim run --variant "" "$study"
expect_offered change-ip-ttl-1h drsim compare "$study" --variant ch
expect_offered base drsim compare "$study" --variant ""
expect_not_offered VMNet-CH drsim compare "$study" --variant ""
expect_offered - drsim run "$drill" --json ""
expect_not_offered --json drsim run "$drill" --runs ""

# A scenario argument: .yaml files and directories, not other files; a second one is not offered.
rm -rf "$work" && mkdir -p "$work/dir" && touch "$work/drill.yaml" "$work/notes.txt"
cd "$work" || exit 1
expect_offered drill.yaml drsim run ""
expect_offered dir drsim validate ""
expect_not_offered notes.txt drsim run ""
expect_not_offered drill.yaml drsim run drill.yaml ""

if ((failures > 0)); then
    echo "$failures completion check(s) failed"
    exit 1
fi
echo "completion offers all $(wc -w <<<"$commands") commands and $checked options, names and files"
