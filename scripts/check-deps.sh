#!/bin/sh
# One folder one library, and no cycle between them: every #include "..."
# of emu/, links/ and nodes/ is resolved as the compiler does (the
# including file's folder, then INCDIRS, the Makefile's -I list, in order)
# and the folder it lands in must be the file's own or one that the table
# of doc/design.md ("Which folder may include which") allows. A header
# from another folder must be named with its folder ("io/nio.h"). The
# table itself must have no cycle.
set -eu
cd "$(dirname "$0")/.."
tmp=$(mktemp /tmp/check-deps.XXXXXX)
trap 'rm -f "$tmp"' EXIT
: "${INCDIRS:=$(make -s --no-print-directory print-incdirs)}"
table=$(sed -n '/<!-- check-deps: the rows/,/<!-- check-deps: end -->/p' doc/design.md |
        grep -E '^\| [a-z]' | grep -v '^| folder |' |
        sed -E 's/^\| *([^ |]+) *\| *([^|]*)\|.*$/\1:\2/; s/,/ /g; s/  */ /g; s/ *$//')
if [ -z "$table" ]; then
  echo "check-deps: no folder table in doc/design.md" >&2
  exit 1
fi
allowed() {     # allowed FROM_FOLDER TARGET_FILE: 0 when the table allows it
  row=$(printf '%s\n' "$table" | awk -F: -v f="$1" '$1 == f { print $2 }')
  for a in $row; do
    case $2 in "$a"|"$a"/*) return 0 ;; esac
  done
  return 1
}
# Cycles: tsort on the folder edges (a file entry counts as its folder).
edges=$(printf '%s\n' "$table" | while IFS=: read -r from tos; do
  echo "$from $from"
  for t in $tos; do
    case $t in *.h) t=${t%/*} ;; esac
    echo "$t $from"
  done
done)
if ! printf '%s\n' "$edges" | tsort >/dev/null 2>"$tmp"; then
  echo "check-deps: the table of doc/design.md has a cycle:" >&2
  cat "$tmp" >&2
  exit 1
fi
bad=0
n=0
for f in $(find emu links nodes -name '*.[ch]' | sort); do
  dir=${f%/*}
  if ! printf '%s\n' "$table" | grep -q "^$dir:"; then
    echo "$f: folder $dir is not in the table of doc/design.md" >&2
    bad=1
    continue
  fi
  grep -nE '^[[:space:]]*#[[:space:]]*include[[:space:]]*"' "$f" |
    sed -E 's/^([0-9]+):.*"([^"]+)".*/\1 \2/' > "$tmp" || true
  while read -r line inc; do
    n=$((n + 1))
    hit=""
    if [ -f "$dir/$inc" ]; then
      hit="$dir/$inc"
    else
      for i in $INCDIRS; do
        if [ -f "$i/$inc" ]; then hit="$i/$inc"; break; fi
      done
    fi
    hit=${hit#./}
    if [ -z "$hit" ]; then
      echo "$f:$line: #include \"$inc\" is in no folder of the tree" >&2
      bad=1
      continue
    fi
    to=${hit%/*}
    [ "$to" = "$dir" ] && continue
    if ! allowed "$dir" "$hit"; then
      echo "$f:$line: $dir may not include $hit (doc/design.md, \"Which folder may include which\")" >&2
      bad=1
    elif [ "${inc#*/}" = "$inc" ]; then
      echo "$f:$line: #include \"$inc\" names no folder (write \"${to#*/}/$inc\" or the path from the top)" >&2
      bad=1
    fi
  done < "$tmp"
done
[ $bad = 0 ] || exit 1
echo "check-deps: $n includes of $(find emu links nodes -name '*.[ch]' | wc -l) files follow doc/design.md"
