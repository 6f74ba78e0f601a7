#!/bin/bash
# RFC 4285 authentication of the MAG-LMA signalling (issue 10, item 1):
# the router on the path between the MAG and the LMA forges a Lifetime-0
# PBU for the MN with the MAG's source address (tests/tools/mh_inject with
# IPV6_FREEBIND), where lmad's reverse-path check cannot help: the packet
# arrives over the path to the MAG. tests/data/scenario/pmip-auth.xml gives
# the MAG and the LMA a key: lmad drops the unsigned PBU (mh_auth_missing),
# the binding and both flows live on, every PBU and PBA carries the option
# (tshark: mip6.auth.mobility_spi) and dissects cleanly. The same file
# without the keys is run too, with the same attack: there the forged PBU
# deregisters the MN, which proves the attack is real and the test able
# to fail.
. "$(dirname "$0")/lib.sh"
TOPO=tests/data/scenario/pmip-auth.xml
LMAA=2001:db8:1::1 MAG=2001:db8:2::2
TOOL=$(mh_inject_tool) || exit 1

# attack TOPO OUT: run TOPO, forge the deregistration from rtr at 2.5 s,
# leave the LMA's stats in OUT.stats and its bindings in OUT.bindings,
# return the run's exit code.
attack() {
	local topo=$1 out=$2 id="" runpid rc
	$PMIPEMU run "$topo" --out "$out" > "$out.run" 2>&1 &
	runpid=$!
	for _ in $(seq 50); do
		id=$(grep -so '"run_id":"[0-9a-f]*"' "$out/events.jsonl" | cut -d'"' -f4)
		[ -n "$id" ] && $PMIPEMU ctl --run "$id" lma help > /dev/null 2>&1 && break
		sleep 0.1
	done
	[ -n "$id" ] || { kill $runpid; wait $runpid; fail "the run did not start: $(cat "$out.run")"; }
	sleep 2.3
	$PMIPEMU exec --run "$id" rtr "$TOOL" -w 100 -m mn1@pmipemu.example \
		-l 02:00:00:00:aa:01 "$MAG" "$LMAA" dereg > "$out.inject" 2>&1 \
		|| { kill $runpid; wait $runpid; fail "mh_inject: $(cat "$out.inject")"; }
	sleep 0.2
	$PMIPEMU ctl --run "$id" lma show stats > "$out.stats" || fail "lmad does not answer"
	$PMIPEMU ctl --run "$id" lma show bindings > "$out.bindings" || fail "lmad does not answer"
	wait $runpid
	rc=$?
	return $rc
}

# 1. With the keys: dropped, counted, nothing changes.
attack "$TOPO" "$TMP/auth"
rc=$?
sed 's/^/  /' "$TMP/auth.inject"
[ $rc = 0 ] || fail "run exit $rc: $(grep -E 'FAIL|DIED' -A1 "$TMP/auth.run")"
n=$(jget "$TMP/auth.stats" "['io']['mh_auth_missing']")
[ "$n" -ge 1 ] || fail "mh_auth_missing is $n after the forged PBU"
st=$(jget "$TMP/auth.bindings" "['sessions'][0]['state']")
[ "$st" = BCE_STATE_REGISTERED ] || fail "the binding is $st after the forged PBU: $(cat "$TMP/auth.bindings")"
grep -q 'dropped: authentication missing (RFC 4285)' "$TMP/auth/logs/lma-lmad.log" \
	|| fail "lmad did not log the drop: $(tail -n 3 "$TMP/auth/logs/lma-lmad.log")"
for p in "$TMP"/auth/*.pcap; do tclean "$p"; done
cap=$TMP/auth/mag-eth0.pcap
all=$(tcount "$cap" 'mip6.mhtype == 5 || mip6.mhtype == 6')
signed=$(tcount "$cap" '(mip6.mhtype == 5 || mip6.mhtype == 6) && mip6.auth.mobility_spi == 4660')
note "PBU/PBA on the MAG's link: $all, signed: $signed"
[ "$all" -ge 2 ] && [ "$signed" = "$all" ] || fail "$signed of $all PBU/PBA carry the option"
[ "$(tcount "$TMP/auth/lma-eth1.pcap" 'mip6.mhtype == 5 && mip6.bu.lifetime == 0 && !mip6.auth.mobility_spi')" -ge 1 ] \
	|| fail "the forged PBU is not in the LMA's capture"

# 2. Without the keys: the same forged PBU deregisters the MN.
sed -e 's/ auth-spi="[0-9]*"//' -e 's/ auth-key="[0-9a-f]*"//' "$TOPO" > "$TMP/nokey.xml"
grep -q 'auth-' "$TMP/nokey.xml" && fail "the keys were not removed from the copy"
attack "$TMP/nokey.xml" "$TMP/nokey"
st=$(jget "$TMP/nokey.bindings" "['sessions'][0]['state']")
[ "$st" = BCE_STATE_DEREGISTERED ] \
	|| fail "without keys the forged PBU should have deregistered the MN, state $st"
note "without keys: the forged PBU deregistered the MN (the attack is real)"
check_leftovers
echo ok
