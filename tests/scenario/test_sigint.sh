#!/bin/bash
# pmipemu run interrupted by SIGINT mid-run: it tears down, exits 130,
# leaves readable captures and a report, and nothing else.
. "$(dirname "$0")/lib.sh"
out=$TMP/run
$PMIPEMU run topologies/two-hosts-lossy.xml --out "$out" --duration 30s > "$TMP/stdout" 2>&1 &
pid=$!
sleep 2.5
pgrep -x ping >/dev/null || fail "the run's ping is not running at 2.5 s"
kill -INT $pid
wait $pid; rc=$?
[ $rc = 130 ] || fail "exit status $rc, expected 130"
check_leftovers
for p in "$out"/*.pcap; do tclean "$p"; n=$(tcount "$p" 'icmpv6'); [ "$n" -gt 50 ] || fail "$p holds only $n ICMPv6 frames"; done
grep -q '"reason":"SIGINT"' "$out/events.jsonl" || fail "events.jsonl does not record the SIGINT"
[ -s "$out/report.json" ] || fail "no report after SIGINT"
echo ok
