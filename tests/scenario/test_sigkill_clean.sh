#!/bin/bash
# pmipemu killed by SIGKILL: every process of the run dies with it (pid
# namespace inits with PDEATHSIG), namespaces and TAPs vanish with its fds;
# only the state folder remains, and `pmipemu clean` removes it.
. "$(dirname "$0")/lib.sh"
out=$TMP/run
$PMIPEMU run topologies/two-hosts-lossy.xml --out "$out" --duration 30s > "$TMP/stdout" 2>&1 &
pid=$!
sleep 2.5
pgrep -x ping >/dev/null || fail "the run's ping is not running at 2.5 s"
kill -KILL $pid
wait $pid 2>/dev/null
sleep 0.5
pgrep -x ping >/dev/null && fail "ping survived its pmipemu"
pgrep -x trafgen >/dev/null && fail "trafgen survived its pmipemu"
left=$(ls /run/pmipemu 2>/dev/null | wc -l)
[ "$left" -ge 1 ] || fail "expected the dead run's state folder"
$PMIPEMU clean | tee "$TMP/clean"
grep -q "1 dead run" "$TMP/clean" || fail "clean did not report the dead run"
check_leftovers
# The captures were flushed while it ran: the first frames are readable.
n=$(tcount "$out/h1-eth0.pcap" 'icmpv6.type == 128')
[ "$n" -gt 50 ] || fail "only $n echo requests in the capture of a killed run"
echo ok
