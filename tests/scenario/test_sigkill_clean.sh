#!/bin/bash
# pmipemu killed by SIGKILL: every process of the run dies with it (pid
# namespace inits with PDEATHSIG), namespaces and TAPs vanish with its fds;
# only the state folder remains, and `pmipemu clean` removes it.
. "$(dirname "$0")/lib.sh"
out=$TMP/run
$PMIPEMU run topologies/two-hosts-lossy.xml --out "$out" --duration 30s > "$TMP/stdout" 2>&1 &
pid=$!
sleep 2.5
# This run's node programs only (other runs may be live on the machine):
# trafgen names the run folder in its arguments, ping is a child of one of
# this run's namespace inits.
mine() { pgrep -f -- "--out $out/" ; }
pgrep -x ping >/dev/null || fail "the run's ping is not running at 2.5 s"
[ -n "$(mine)" ] || fail "the run's trafgen is not running at 2.5 s"
pings_before=$(pgrep -x ping | sort)
kill -KILL $pid
wait $pid 2>/dev/null
# The kernel closes a killed process's TAP fds before its death signal
# reaches the inits; on a loaded machine that takes a while. Bounded: 5 s.
for _ in $(seq 50); do
  left=$(mine; comm -12 <(echo "$pings_before") <(pgrep -x ping | sort))
  [ -z "$left" ] && break
  sleep 0.1
done
[ -z "$left" ] || fail "processes survived their pmipemu 5 s after it died: $(ps -o pid=,args= -p "$(echo $left | tr ' ' ,)")"
left=$(ls /run/pmipemu 2>/dev/null | wc -l)
[ "$left" -ge 1 ] || fail "expected the dead run's state folder"
$PMIPEMU clean | tee "$TMP/clean"
grep -q "1 dead run" "$TMP/clean" || fail "clean did not report the dead run"
check_leftovers
# The captures were flushed while it ran: the first frames are readable.
n=$(tcount "$out/h1-eth0.pcap" 'icmpv6.type == 128')
[ "$n" -gt 50 ] || fail "only $n echo requests in the capture of a killed run"
echo ok
