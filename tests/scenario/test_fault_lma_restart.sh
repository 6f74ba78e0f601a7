#!/bin/bash
# The LMA crashes and restarts (topologies/fault-lma-restart.xml, RFC 5847):
# both bindings come back with their prefixes, both flows resume and lose
# nothing after, the MAGs learn the restart from the Heartbeat's Restart
# Counter (tshark: two values in the LMA's responses), and the time from
# lmad's restart to each MAG's accepted re-registration is reported.
. "$(dirname "$0")/lib.sh"
TOPO=topologies/fault-lma-restart.xml
$PMIPEMU test "$TOPO" --out "$TMP/out" > "$TMP/stdout" 2>&1
rc=$?
[ "$rc" = 0 ] || fail "pmipemu test exit $rc: $(grep -v "^PASS" "$TMP/stdout")"
check_leftovers
out=$TMP/out/fault-lma-restart
for p in "$out"/*.pcap; do tclean "$p"; done
for i in 1 2; do
	cap=$out/lma-eth$i.pcap
	req=$(tcount "$cap" "mip6.mhtype == 13 && mip6.hb.r_flag == 0 && mip6.rc")
	rcs=$(tshark -r "$cap" -Y "mip6.mhtype == 13 && mip6.hb.r_flag == 1" -T fields -e mip6.rc 2>/dev/null | sort -u | wc -l)
	[ "$req" -ge 8 ] || fail "mag$i: only $req heartbeat requests with a Restart Counter"
	[ "$rcs" = 2 ] || fail "mag$i: $rcs Restart Counter values in the LMA's responses, expected 2"
done
python3 - "$out/events.jsonl" "$out/report.json" <<'PY' || exit 1
import json, sys
ev = [json.loads(l) for l in open(sys.argv[1])]
rep = json.load(open(sys.argv[2]))
start = [e['t'] for e in ev if e['ev'] == 'daemon_start' and e.get('node') == 'lma']
assert start, "no daemon_start of the LMA"
t0 = start[0]
for mag in ('mag1', 'mag2'):
    assert [e for e in ev if e.get('node') == mag and e['ev'] == 'lma_restarted'], f"{mag} missed the restart"
    ok = [e['t'] for e in ev if e.get('node') == mag and e['ev'] == 'pba_received'
          and e['status'] == 0 and e['t'] > t0]
    assert ok, f"{mag}: no accepted re-registration after the restart"
    print(f"  {mag}: registered again {1000 * (ok[0] - t0):.0f} ms after lmad restarted")
for f, s in rep['flows'].items():
    print(f"  flow {f}: largest gap {s['max_gap_ms']:.0f} ms (1 s of it the LMA was dead), {s['lost']} lost")
PY
echo ok
