#!/usr/bin/env bash
# The generated man page renders without a single groff warning (-ww: all of them), has the sections
# a man page is expected to have, and names every command and option of the program's help.
# Usage: tests/man_page.sh DRSIM MAN_PAGE
set -uo pipefail
drsim=$1 page=$2
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }

warnings=$(groff -k -man -Tutf8 -ww -z "$page" 2>&1)
[[ -z $warnings ]] || fail "groff warns:"$'\n'"$warnings"
# Plain text, no overstriking, lines as long as they come, so names are not hyphenated or split.
text=$(groff -k -man -Tascii -P-cbou -rLL=500n "$page" 2>/dev/null)

for section in NAME SYNOPSIS DESCRIPTION COMMANDS OPTIONS "EXIT STATUS" FILES "SEE ALSO"; do
    grep -qx "$section" <<<"$text" || fail "no section $section"
done
commands=$("$drsim" --help | awk '/^[^ ].*:/ { section = $0 } section == "commands:" && /^  [a-z]/ { print $1 }')
checked=0
for command in $commands; do
    grep -qE "drsim $command( |$)" <<<"$text" || fail "command $command is not in the man page"
    for option in $("$drsim" "$command" --help | grep -E '^ +-' | grep -oE '(^|[ [,])--?[a-zA-Z][-a-zA-Z0-9]*' | tr -d ' [,'); do
        # Under the command's own subsection "drsim COMMAND" of OPTIONS.
        awk -v head="   drsim $command" -v option="$option" '
            $0 == head { on = 1; next } on && /^   [^ ]/ { on = 0 }
            on && index(" " $0 " ", " " option) { found = 1 } END { exit !found }' <<<"$text" ||
            fail "option $option of $command is not under 'drsim $command'"
        checked=$((checked + 1))
    done
done
for status in 0 1 2 3 4; do
    grep -qE "^ +$status +[a-z]" <<<"$text" || fail "exit status $status is not described"
done

if ((failures > 0)); then
    echo "$failures man page check(s) failed"
    exit 1
fi
echo "man page: no groff warnings, every section, $(wc -w <<<"$commands") commands and $checked options"
