#!/bin/bash
# A MAG crashes and restarts (topologies/fault-mag-restart.xml, RFC 5847):
# the LMA learns it from the new Restart Counter in the MAG's heartbeat
# (event mag_restarted, tshark: two counter values in MAG1's requests),
# marks its bindings deregistered, and the restarted magd registers its MN
# again with the same prefix; the other MAG's flow loses nothing. The time
# from magd's restart to the accepted re-registration is reported.
. "$(dirname "$0")/lib.sh"
TOPO=topologies/fault-mag-restart.xml
$PMIPEMU test "$TOPO" --out "$TMP/out" > "$TMP/stdout" 2>&1
rc=$?
[ "$rc" = 0 ] || fail "pmipemu test exit $rc: $(grep -v "^PASS" "$TMP/stdout")"
check_leftovers
out=$TMP/out/fault-mag-restart
for p in "$out"/*.pcap; do tclean "$p"; done
rcs=$(tshark -r "$out/lma-eth1.pcap" -Y "mip6.mhtype == 13 && mip6.hb.r_flag == 0" -T fields -e mip6.rc 2>/dev/null | sort -u | wc -l)
[ "$rcs" = 2 ] || fail "$rcs Restart Counter values in MAG1's heartbeat requests, expected 2"
rcs=$(tshark -r "$out/lma-eth2.pcap" -Y "mip6.mhtype == 13 && mip6.hb.r_flag == 0" -T fields -e mip6.rc 2>/dev/null | sort -u | wc -l)
[ "$rcs" = 1 ] || fail "$rcs Restart Counter values in MAG2's heartbeat requests, expected 1"
python3 - "$out/events.jsonl" "$out/report.json" <<'PY' || exit 1
import json, sys
ev = [json.loads(l) for l in open(sys.argv[1])]
rep = json.load(open(sys.argv[2]))
t0 = [e['t'] for e in ev if e['ev'] == 'daemon_start' and e.get('node') == 'mag1'][0]
rs = [e for e in ev if e.get('node') == 'lma' and e['ev'] == 'mag_restarted']
assert len(rs) == 1 and rs[0]['peer'] == '2001:db8:1::2', f"mag_restarted: {rs}"
ok = [e for e in ev if e.get('node') == 'mag1' and e['ev'] == 'pba_received'
      and e['status'] == 0 and e['t'] > t0]
assert ok and ok[0]['hnp'] == ['2001:db8:100::/64'], f"mn1 not registered again with its prefix: {ok[:1]}"
print(f"  mag1: mn1 registered again {1000 * (ok[0]['t'] - t0):.0f} ms after magd restarted, same prefix")
for f, s in rep['flows'].items():
    print(f"  flow {f}: largest gap {s['max_gap_ms']:.0f} ms, {s['lost']} lost")
PY
echo ok
