#!/bin/bash
# An interface moved from one link to another (same MAC, same address):
# the flow pauses for the gap and resumes through the new path; r2's capture
# carries it after the move, r1's no longer.
. "$(dirname "$0")/lib.sh"
$PMIPEMU test topologies/line-handoff.xml --out "$TMP/out" | tee "$TMP/stdout"
rc=${PIPESTATUS[0]}
[ "$rc" = 0 ] || fail "pmipemu test exit $rc"
check_leftovers
out=$TMP/out/line-handoff
r1=$(tcount "$out/r1-eth0.pcap" 'udp && ipv6.dst == 2001:db8:10::100')
r2=$(tcount "$out/r2-eth0.pcap" 'udp && ipv6.dst == 2001:db8:10::100')
note "flow frames sent to h by r1: $r1, by r2: $r2"
[ "$r1" -gt 150 ] || fail "r1 carried only $r1 frames before the move"
[ "$r2" -gt 400 ] || fail "r2 carried only $r2 frames after the move"
grep -q '"ev":"move_detach"' "$out/events.jsonl" || fail "no move_detach event"
grep -q '"ev":"move_attach"' "$out/events.jsonl" || fail "no move_attach event"
for p in "$out"/*.pcap; do tclean "$p"; done
echo ok
