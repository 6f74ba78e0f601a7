#!/bin/bash
# A run started under umask 000 keeps its state folder private (issue 10,
# item 2): the folder 0700, every file and socket in it 0600, so another
# user can neither read bindings through ctl nor forge events nor add a pid
# for `pmipemu clean` to kill; and `pmipemu clean` run in a loop during the
# run's start-up, run and teardown never removes its folder.
. "$(dirname "$0")/lib.sh"
root=${PMIPEMU_STATE_ROOT:-/run/pmipemu}
out=$TMP/run
( umask 000; exec $PMIPEMU run topologies/pmip-basic.xml --out "$out" --duration 7s ) \
	> "$TMP/stdout" 2>&1 &
pid=$!
# clean in a loop from the first millisecond: it must leave this run alone.
( while kill -0 $pid 2>/dev/null; do $PMIPEMU clean >> "$TMP/clean" 2>&1; done ) &
cleaner=$!
trap 'kill $cleaner $pid 2>/dev/null; wait 2>/dev/null; cleanup_tmp' EXIT
# Our run's folder is the one whose `out` names our output folder (other
# runs may be active on this machine).
dir=
for _ in $(seq 100); do
  for d in "$root"/*/; do
    [ -f "$d/out" ] && grep -qF "$out" "$d/out" 2>/dev/null && dir=${d%/}
  done
  [ -n "$dir" ] && [ -n "$(find "$dir" -name '*.ctl' 2>/dev/null)" ] && break
  sleep 0.05
done
[ -n "$dir" ] || fail "no state folder for this run"
sleep 1
mode=$(stat -c %a "$dir")
[ "$mode" = 700 ] || fail "state folder $dir is $mode, expected 700"
n=0
while read -r m t f; do
  n=$((n+1))
  [ "$m" = 600 ] || fail "$f ($t) is $m under umask 000, expected 600"
done < <(find "$dir" -mindepth 1 -printf '%m %y %p\n')
[ "$n" -ge 5 ] || fail "only $n entries in $dir (owner, out, procs, sockets expected)"
find "$dir" -type s | grep -q events.sock || fail "no events.sock in $dir"
# Another user, for real: nobody can list the folder or connect to a socket.
setpriv --reuid=65534 --regid=65534 --clear-groups ls "$dir" >/dev/null 2>&1 \
	&& fail "user nobody can list $dir"
ctl=$(find "$dir" -name '*.ctl' | head -n1)
setpriv --reuid=65534 --regid=65534 --clear-groups \
	python3 -c "import socket,sys; s=socket.socket(socket.AF_UNIX); s.connect(sys.argv[1])" "$ctl" 2>/dev/null \
	&& fail "user nobody can connect to $ctl"
wait $pid; rc=$?
kill $cleaner 2>/dev/null; wait $cleaner 2>/dev/null
[ $rc = 0 ] || fail "run exit $rc with clean looping beside it: $(tail -n 5 "$TMP/stdout")"
grep -q "removed state" "$TMP/clean" && grep -F "$(basename "$dir")" "$TMP/clean" \
	&& fail "clean removed the live run's folder"
[ -s "$out/pmip-basic/report.json" ] || [ -s "$out/report.json" ] || fail "no report"
check_leftovers
echo ok
