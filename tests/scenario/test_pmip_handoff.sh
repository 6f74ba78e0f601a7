#!/bin/bash
# pmip-handoff judged from its captures: every Mobility Header message reads
# back as intended (tests/tools/pmip_judge.py), MAG1's de-registration is
# acknowledged, MAG2 registers the same MN-ID/MN-LL-ID/ATT after the move
# and gets the same HNP (RFC 5213 5.4.1: handoff, the prefix stays), and the
# tunnel follows: MN traffic crosses t1 only before MAG2's PBA and t2 only
# after it.
. "$(dirname "$0")/lib.sh"
TOPO=topologies/pmip-handoff.xml
$PMIPEMU test "$TOPO" --out "$TMP/out" > "$TMP/stdout"
rc=$?
[ "$rc" = 0 ] || fail "pmipemu test exit $rc: $(grep -v "^PASS" "$TMP/stdout")"
check_leftovers
out=$TMP/out/pmip-handoff
python3 tests/tools/pmip_judge.py "$TOPO" "$out" --dereg-pba || fail "Mobility Header messages (above)"

for i in 1 2; do
	python3 tests/tools/pcap_mh.py mh "$out/lma-eth$i.pcap" > "$TMP/mh$i.jsonl"
	python3 tests/tools/pcap_mh.py tunnel "$out/lma-eth$i.pcap" > "$TMP/tnl$i.jsonl"
done
python3 - "$TMP" "$out/events.jsonl" <<'PY' || exit 1
import json, sys
tmp, evpath = sys.argv[1:]
load = lambda p: [json.loads(l) for l in open(p)]
mh1, mh2 = load(f'{tmp}/mh1.jsonl'), load(f'{tmp}/mh2.jsonl')
tnl1, tnl2 = load(f'{tmp}/tnl1.jsonl'), load(f'{tmp}/tnl2.jsonl')
ev = load(evpath)
MAG1, MAG2, HNP = '2001:db8:1::2', '2001:db8:2::2', ['2001:db8:100:1::/64']
move = min(e['t'] for e in ev if e['ev'] == 'move_detach')
t0 = min(m['time'] for m in mh1 + mh2) - min(e['t'] for e in ev if e['ev'] == 'pbu_received')

dereg = [m for m in mh1 if m['type'] == 5 and m['src'] == MAG1 and m['lifetime_s'] == 0]
assert dereg, 'no de-registration PBU from MAG1 on t1'
d = dereg[0]
assert d['time'] - t0 >= move, f"MAG1 de-registered at {d['time'] - t0:.3f}s, before the move at {move}s"
dack = [m for m in mh1 if m['type'] == 6 and m['seq'] == d['seq'] and m['lifetime_s'] == 0]
assert dack and dack[0]['status'] == 0, f'de-registration not accepted: {dack}'
reg2 = [m for m in mh2 if m['type'] == 5 and m['src'] == MAG2 and m['lifetime_s'] > 0]
assert reg2 and reg2[0]['time'] - t0 >= move, 'no registration from MAG2 after the move'
r = reg2[0]
assert (r['mn_id'], r['ll_id'], r['att']) == (d['mn_id'], d['ll_id'], d['att']), \
    f'MAG2 registers another MN interface: {r} vs {d}'
ack2 = [m for m in mh2 if m['type'] == 6 and m['seq'] == r['seq'] and m['lifetime_s'] > 0]
assert ack2 and ack2[0]['status'] == 0 and ack2[0]['hnp'] == HNP, f'MAG2 PBA: {ack2}'
t_ack2 = ack2[0]['time']
ho = [e for e in ev if e['ev'] == 'bce_handoff']
assert ho and ho[0]['from'] == MAG1 and ho[0]['proxy_coa'] == MAG2 and ho[0]['hnp'] == HNP, ho
print(f"  handoff: MAG1 de-registered {d['time'] - t0 - move:.3f}s after the move, "
      f"MAG2 accepted {t_ack2 - t0 - move:.3f}s after it, same HNP {HNP[0]}")

flows = lambda t: [p for p in t if p.get('dport') in (7001, 7002)]
late1 = [p for p in flows(tnl1) if p['time'] > t_ack2]
early2 = [p for p in flows(tnl2) if p['time'] < t_ack2]
assert not late1, f'{len(late1)} flow packets on t1 after MAG2 took over'
assert not early2, f'{len(early2)} flow packets on t2 before MAG2 took over'
for t, mag in ((tnl1, MAG1), (tnl2, MAG2)):
    for p in flows(t):
        assert {p['outer_src'], p['outer_dst']} == {mag, '2001:db8:1::1'}, p
n1, n2 = len(flows(tnl1)), len(flows(tnl2))
# 2 x 100 pps: about 1 s before the move on t1, about 5 s after it on t2.
assert n1 >= 180 and n2 >= 900, f'tunnelled flow packets: {n1} on t1, {n2} on t2'
print(f'  tunnel: {n1} flow packets via MAG1 before, {n2} via MAG2 after')
PY
echo ok
