#!/bin/bash
# pmip-basic judged from its captures: every Mobility Header message
# dissects cleanly in tshark and reads back as the daemons' events and the
# topology say (tests/tools/pmip_judge.py: flags, MN-ID, HNP, HI, ATT,
# Timestamp, lifetimes, status, sequence numbers, checksum, alignment), and
# the transport link carries the flows inside IPv6-in-IPv6 (RFC 5213 5.6,
# RFC 2473) between the MAG's Proxy-CoA and the LMAA, and only so.
. "$(dirname "$0")/lib.sh"
TOPO=topologies/pmip-basic.xml
LMAA=2001:db8:1::1 PCOA=2001:db8:1::2 MN=2001:db8:100:1:0:ff:fe00:aa01 CN=2001:db8:c::2
$PMIPEMU test "$TOPO" --out "$TMP/out" > "$TMP/stdout"
rc=$?
[ "$rc" = 0 ] || fail "pmipemu test exit $rc: $(grep -v "^PASS" "$TMP/stdout")"
check_leftovers
out=$TMP/out/pmip-basic

# The judge must be able to fail: a PBU whose option runs past the message
# is flagged by tshark's expert filter (a warning, not an error, in 4.0).
mkdir "$TMP/broken"
cp "$out/events.jsonl" "$TMP/broken/"
python3 tests/tools/pcap_mh.py corrupt "$out/lma-eth1.pcap" "$TMP/broken/lma-eth1.pcap" \
	|| fail "no PBU in lma-eth1.pcap to corrupt"
python3 tests/tools/pmip_judge.py "$TOPO" "$TMP/broken" > "$TMP/broken.log" \
	&& fail "the judge passed a PBU with a broken option length"
grep -q 'malformed or with an expert warning' "$TMP/broken.log" \
	|| fail "tshark's expert filter missed a broken option length: $(cat "$TMP/broken.log")"

python3 tests/tools/pmip_judge.py "$TOPO" "$out" || fail "Mobility Header messages (above)"

# The tunnel, at the LMA's end of the transport link.
t=$out/lma-eth1.pcap
down=$(tcount "$t" "ipv6.nxt == 41 && udp.dstport == 7001")
up=$(tcount "$t" "ipv6.nxt == 41 && udp.dstport == 7002")
bare=$(tcount "$t" "(udp.dstport == 7001 || udp.dstport == 7002) && !(ipv6.nxt == 41)")
note "transport link: $down downlink and $up uplink flow packets tunnelled, $bare bare"
[ "$bare" = 0 ] || fail "$bare flow packets crossed the transport link outside the tunnel"
python3 tests/tools/pcap_mh.py tunnel "$t" > "$TMP/tunnel.jsonl"
python3 - "$TMP/tunnel.jsonl" "$down" "$up" "$LMAA" "$PCOA" "$MN" "$CN" <<'PY' || exit 1
import json, sys
path, down_ts, up_ts, lmaa, pcoa, mn, cn = sys.argv[1:]
pk = [json.loads(l) for l in open(path)]
down = [p for p in pk if p.get('dport') == 7001]
up = [p for p in pk if p.get('dport') == 7002]
# 100 pps for 5 s each way, delivery >= 99% in the run's own expectations.
assert len(down) >= 495 and len(up) >= 495, f"tunnelled: {len(down)} down, {len(up)} up"
assert (len(down), len(up)) == (int(down_ts), int(up_ts)), "tshark and the bytes disagree"
for p in down:
    assert (p['outer_src'], p['outer_dst'], p['inner_src'], p['inner_dst']) == (lmaa, pcoa, cn, mn), p
for p in up:
    assert (p['outer_src'], p['outer_dst'], p['inner_src'], p['inner_dst']) == (pcoa, lmaa, mn, cn), p
print(f"  tunnel: downlink {lmaa} -> {pcoa}, uplink {pcoa} -> {lmaa}, inner UDP as the flows")
PY
echo ok
