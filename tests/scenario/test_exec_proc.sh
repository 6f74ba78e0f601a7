#!/bin/bash
# `pmipemu exec NODE CMD` (issue 10, item 6): the command runs in the node
# under an init of its own pid namespace with its own /proc, so `ps` lists
# the command, not the host's processes; /sys and /proc/net are the node's;
# its exit status is the command's.
. "$(dirname "$0")/lib.sh"
root=${PMIPEMU_STATE_ROOT:-/run/pmipemu}
out=$TMP/run
$PMIPEMU run topologies/two-hosts-lossy.xml --out "$out" --duration 6s > "$TMP/stdout" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null; wait 2>/dev/null; cleanup_tmp' EXIT
id=
for _ in $(seq 100); do
  for d in "$root"/*/; do
    grep -qF "$out" "$d/out" 2>/dev/null && id=$(basename "$d")
  done
  [ -n "$id" ] && break
  sleep 0.05
done
[ -n "$id" ] || fail "no state folder for this run"
# pmipemu ls lists it, with its pid and run folder (issue 14)
$PMIPEMU ls | grep -qE "^$id +$pid +$out\$" || fail "pmipemu ls does not list run $id: $($PMIPEMU ls)"
sleep 0.5
$PMIPEMU exec --run "$id" h1 ps -e -o pid=,comm= > "$TMP/ps" || fail "exec ps: exit $?"
n=$(wc -l < "$TMP/ps")
[ "$n" -le 3 ] || fail "exec ps lists $n processes (the host's?): $(head -n 5 "$TMP/ps")"
grep -qw ps "$TMP/ps" || fail "exec ps does not list itself: $(cat "$TMP/ps")"
grep -qw -e systemd -e init -e sshd "$TMP/ps" && fail "exec ps lists host processes"
[ "$($PMIPEMU exec --run "$id" h1 ls /sys/class/net | sort | tr '\n' ' ')" = "eth0 lo " ] \
	|| fail "exec /sys/class/net is not h1's"
$PMIPEMU exec --run "$id" h2 grep -q 20010db8000100000000000000000002 /proc/net/if_inet6 \
	|| fail "exec /proc/net/if_inet6 is not h2's"
$PMIPEMU exec --run "$id" h1 sh -c 'exit 3'; rc=$?
[ $rc = 3 ] || fail "exec exit status $rc, expected the command's 3"
wait $pid; rc=$?
[ $rc = 0 ] || fail "run exit $rc: $(grep -E "FAIL|DIED" "$TMP/stdout")"
check_leftovers
echo ok
