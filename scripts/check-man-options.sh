#!/bin/sh
# Every program answers --help (usage on stdout, exit 0) and --version
# ("PROG VERSION", exit 0), and every option its --help names appears in its
# man page: short options as "Fl x" (or in a "Fl xyz" group), long ones as
# "Fl \-name"; for pmipemu every command as "Cm name". Prints each one
# missing; exit 1 if any is. Needs the programs built (build/bin).
set -u
cd "$(dirname "$0")/.."
B=${B:-build}
bad=0
for prog in pmipemu:1 trafgen:1 lmad:8 magd:8 mnd:8 radd:8; do
  p=${prog%:*}; man=doc/man/$p.${prog#*:}
  [ -x "$B/bin/$p" ] || { echo "check-man-options: $B/bin/$p is not built" >&2; exit 1; }
  help=$("$B/bin/$p" --help 2>/dev/null) || { echo "$p --help: exit $?, not 0 (or nothing on stdout)"; bad=1; }
  [ -n "$help" ] || help=$("$B/bin/$p" --help 2>&1)
  "$B/bin/$p" --version 2>/dev/null | grep -qx "$p [^ ]*" ||
    { echo "$p --version: not one line \"$p VERSION\""; bad=1; }
  page=$(sed 's/\\-/-/g' "$man")      # "\-" is how mdoc writes a hyphen
  for o in $(printf '%s\n' "$help" | grep -o -- '--[a-z][a-z-]*' | sort -u); do
    n=${o#--}
    printf '%s\n' "$page" | grep -q -- "Fl -$n\\b" || { echo "$man: --help names $o, the man page does not"; bad=1; }
  done
  for o in $(printf '%s\n' "$help" | grep -oE -- '(^|[[ ])-[a-zA-Z]\b' | tr -d '[ ' | sort -u); do
    c=${o#-}
    printf '%s\n' "$page" | grep -qE "Fl [a-zA-Z]*$c[a-zA-Z]*( |$)" || { echo "$man: --help names $o, the man page does not"; bad=1; }
  done
done
for c in $("$B/bin/pmipemu" --help | sed -n 's/^  \([a-z][a-z]*\).*/\1/p'); do
  grep -q "Cm $c\\b" doc/man/pmipemu.1 || { echo "doc/man/pmipemu.1: command $c is not described"; bad=1; }
done
[ $bad = 0 ] && echo "check-man-options: every --help option is in its man page"
exit $bad
