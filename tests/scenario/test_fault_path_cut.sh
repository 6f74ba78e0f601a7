#!/bin/bash
# The MAG-LMA path cut for longer than the lifetime (topologies/
# fault-path-cut.xml): the MAG reports the path down from missing
# heartbeats (RFC 5847), the binding expires cleanly on both sides (MAG:
# routes removed, LMA: entry deleted, within 100 ms of each other), no MN
# packet crosses the transport link outside the tunnel, and once the path
# is back the MAG registers the MN again, which keeps its prefix; the time
# from the path's return to the accepted registration is reported.
. "$(dirname "$0")/lib.sh"
TOPO=topologies/fault-path-cut.xml
$PMIPEMU test "$TOPO" --out "$TMP/out" > "$TMP/stdout" 2>&1
rc=$?
[ "$rc" = 0 ] || fail "pmipemu test exit $rc: $(grep -v "^PASS" "$TMP/stdout")"
check_leftovers
out=$TMP/out/fault-path-cut
for p in "$out"/*.pcap; do tclean "$p"; done
n=$(tcount "$out/lma-eth1.pcap" "udp && !(ipv6.nxt == 41)")
[ "$n" = 0 ] || fail "$n MN packets crossed the transport link untunnelled"
python3 - "$out/events.jsonl" "$out/report.json" <<'PY' || exit 1
import json, sys
ev = [json.loads(l) for l in open(sys.argv[1])]
rep = json.load(open(sys.argv[2]))
def first(node, name, after=0.0, **kv):
    for e in ev:
        if e.get('node') == node and e['ev'] == name and e['t'] > after and \
           all(e.get(k) == v for k, v in kv.items()):
            return e
    return None
cut, back = [e['t'] for e in ev if e['ev'] == 'link_impair'][:2]
down = first('mag', 'path_down', cut)
assert down and down['t'] < cut + 2.0, f"path_down: {down}"
mag_exp = first('mag', 'bul_deleted', cut, reason='expired')
lma_exp = first('lma', 'bce_deleted', cut, reason='lifetime_expired')
assert mag_exp and lma_exp, f"expiry: mag {mag_exp}, lma {lma_exp}"
assert mag_exp['t'] < back and abs(mag_exp['t'] - lma_exp['t']) < 0.1, (mag_exp, lma_exp)
up = first('mag', 'path_up', back)
ok = first('mag', 'pba_received', back, status=0)
assert up and ok and ok['hnp'] == ['2001:db8:100:1::/64'], f"recovery: {up}, {ok}"
print(f"  path down {1000 * (down['t'] - cut):.0f} ms after the cut; binding expired at "
      f"{mag_exp['t']:.2f} s (MAG) / {lma_exp['t']:.2f} s (LMA)")
print(f"  path back: up after {1000 * (up['t'] - back):.0f} ms, MN registered again after "
      f"{1000 * (ok['t'] - back):.0f} ms, same prefix")
for f, s in rep['flows'].items():
    print(f"  flow {f}: largest gap {s['max_gap_ms']:.0f} ms (9 s cut), {s['lost']} lost")
PY
echo ok
