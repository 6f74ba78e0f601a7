#!/bin/bash
# A spoofed deregistration from another link of the LMA (issue 10, item 1):
# a host on the LMA's "rogue" link holds the MAG's address and sends a
# Lifetime-0 PBU for the MN with the MAG's source address
# (tests/data/scenario/pmip-spoof.xml, tests/tools/mh_inject). lmad's
# reverse-path check drops it, since its route to the MAG leaves by another
# interface: no PBA comes back, mh_wrong_path counts it, the binding stays
# and both flows keep their delivery. Without the check the binding was
# deregistered and the downlink blackholed.
. "$(dirname "$0")/lib.sh"
TOPO=tests/data/scenario/pmip-spoof.xml
LMAA=2001:db8:1::1 MAG=2001:db8:1::2
TOOL=$(mh_inject_tool) || exit 1
out=$TMP/out
$PMIPEMU run "$TOPO" --out "$out" > "$TMP/run.out" 2>&1 &
runpid=$!
trap 'kill $runpid 2>/dev/null; wait 2>/dev/null; cleanup_tmp' EXIT
for _ in $(seq 50); do
	id=$(grep -so '"run_id":"[0-9a-f]*"' "$out/events.jsonl" | cut -d'"' -f4)
	[ -n "$id" ] && $PMIPEMU ctl --run "$id" lma help > /dev/null 2>&1 && break
	sleep 0.1
done
[ -n "$id" ] || fail "the run did not start: $(cat "$TMP/run.out")"
sleep 2.5       # the flows run from 2 s
$PMIPEMU exec --run "$id" attacker "$TOOL" -w 300 -m mn1@pmipemu.example \
	-l 02:00:00:00:aa:01 "$MAG" "$LMAA" dereg > "$TMP/inject.out" 2>&1 \
	|| fail "mh_inject: $(cat "$TMP/inject.out")"
sed 's/^/  /' "$TMP/inject.out"
$PMIPEMU ctl --run "$id" lma show stats > "$TMP/stats.json" || fail "lmad does not answer"
n=$(jget "$TMP/stats.json" "['io']['mh_wrong_path']")
[ "$n" -ge 1 ] || fail "mh_wrong_path is $n after the spoofed PBU"
wait $runpid; rc=$?
[ $rc = 0 ] || fail "run exit $rc: $(grep -E 'FAIL|DIED' -A1 "$TMP/run.out")"
# the binding after the attack (exec at 4 s) and both flows' delivery
[ "$(jget "$out/report.json" "['failed']")" = 0 ] \
	|| fail "expectations failed after the spoofed PBU: $(grep FAIL -A1 "$TMP/run.out")"
grep -q 'arrived on eth2, its path is eth1: dropped' "$out/logs/lma-lmad.log" \
	|| fail "lmad did not log the drop: $(tail -n 3 "$out/logs/lma-lmad.log")"
for p in "$out"/*.pcap; do tclean "$p"; done
[ "$(tcount "$out/lma-eth2.pcap" 'mip6.mhtype == 5 && mip6.bu.lifetime == 0')" = 1 ] \
	|| fail "the spoofed PBU is not on the rogue link's capture"
check_leftovers
echo ok
