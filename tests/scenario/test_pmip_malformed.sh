#!/bin/bash
# Malformed and incomplete PBUs at a live lmad (tests/data/scenario/
# pmip-malformed.xml, sent by tests/tools/mh_inject from a host on the LMA's
# link): truncated messages, a Header Len beyond the packet and an option
# length beyond Header Len are dropped and counted by reason; a wrong
# checksum never reaches lmad (its MH socket has IPV6_CHECKSUM, so the
# kernel verifies and drops it: RFC 6275 6.1.1); an unknown option is
# skipped (RFC 6275 6.2.1) and the PBU accepted; RFC 6275 9.2: an unknown
# MH Type gets a Binding Error (Status 2), a Payload Proto other than 59 is
# dropped, and it and a bad Header Len get an ICMPv6 Parameter Problem
# pointing at the field; a missing MN-ID, HNP, HI or
# ATT is answered 160, 158, 161, 162 and an unlisted MAG 154 (RFC 5213
# 5.3.1); lmad keeps answering its control socket; the capture holds those
# PBAs as tshark reads them.
. "$(dirname "$0")/lib.sh"
TOPO=tests/data/scenario/pmip-malformed.xml
LMAA=2001:db8:1::1 MAG=2001:db8:1::66 INTRUDER=2001:db8:1::77
TOOL=$(mh_inject_tool) || exit 1

$PMIPEMU run "$TOPO" --out "$TMP/out" --quiet > "$TMP/run.out" 2>&1 &
runpid=$!
out=$TMP/out
stop_run() { kill "$runpid" 2>/dev/null; wait "$runpid" 2>/dev/null; }
die() { stop_run; fail "$@"; }
for _ in $(seq 50); do
	id=$(grep -o '"run_id":"[0-9a-f]*"' "$out/events.jsonl" 2>/dev/null | cut -d'"' -f4)
	[ -n "$id" ] && $PMIPEMU ctl --run "$id" lma help > /dev/null 2>&1 && break
	sleep 0.1
done
[ -n "$id" ] || die "the run did not start: $(cat "$TMP/run.out")"
ctl() { $PMIPEMU ctl --run "$id" lma "$@"; }
ctl show stats > "$TMP/before.json" || die "lmad does not answer"

$PMIPEMU exec --run "$id" attacker "$TOOL" -w 500 "$MAG" "$LMAA" \
	good unknown-opt no-mnid no-hnp no-hi no-att runt truncated hdr-len bad-opt-len bad-csum \
	unknown-type payload-proto \
	> "$TMP/inject.out" 2>&1 || die "mh_inject: $(cat "$TMP/inject.out")"
$PMIPEMU exec --run "$id" attacker "$TOOL" -w 500 "$INTRUDER" "$LMAA" good \
	> "$TMP/intruder.out" 2>&1 || die "mh_inject: $(cat "$TMP/intruder.out")"
sed 's/^/  /' "$TMP/inject.out" "$TMP/intruder.out"
ctl show stats > "$TMP/after.json" || die "lmad stopped answering after the malformed PBUs"
ctl show bindings > "$TMP/bindings.json" || die "lmad stopped answering"
wait "$runpid"
rc=$?
[ "$rc" = 0 ] || fail "pmipemu run exit $rc: $(cat "$TMP/run.out")"
check_leftovers
grep -q '"ev":"process_exit","node":"lma","kind":"daemon","name":"lmad","status":0' "$out/events.jsonl" \
	|| fail "lmad did not exit cleanly: $(grep process_exit "$out/events.jsonl")"

# What the sender saw.
want="good:0 unknown-opt:0 no-mnid:160 no-hnp:158 no-hi:161 no-att:162
runt:none truncated:none hdr-len:none bad-opt-len:none bad-csum:none
unknown-type:none payload-proto:none"
for w in $want; do
	c=${w%%:*} s=${w#*:}
	line=$(grep "^$c seq" "$TMP/inject.out")
	if [ "$s" = none ]; then
		[[ "$line" == *"no PBA" ]] || fail "$c: answered, expected silence: $line"
	else
		[[ "$line" == *"PBA status $s" ]] || fail "$c: expected PBA status $s: $line"
	fi
done
grep -q '^good seq .*PBA status 154$' "$TMP/intruder.out" \
	|| fail "unlisted MAG: expected status 154: $(cat "$TMP/intruder.out")"

# What lmad counted.
python3 - "$TMP/before.json" "$TMP/after.json" "$TMP/bindings.json" <<'PY' || exit 1
import json, sys
b, a, bind = (json.load(open(p)) for p in sys.argv[1:])
def get(o, keys):
    for k in keys:
        o = o.get(k, 0) if isinstance(o, dict) else 0
    return o
def d(*keys):
    return get(a, keys) - get(b, keys)
# 14 sent; the bad checksum one is the kernel's to drop (IPV6_CHECKSUM)
assert d('io', 'mh_received') == 13, f"mh_received +{d('io', 'mh_received')}, expected +13"
assert d('io', 'mh_malformed') == 6, f"mh_malformed +{d('io', 'mh_malformed')}, expected +6"
reasons = {'Mobility Header truncated': 1, 'Header Len below the message minimum': 1,
           'Header Len beyond the packet': 1,
           'mobility option length beyond Header Len': 1,
           'unsupported MH Type': 1, 'Payload Proto not 59 (IPPROTO_NONE)': 1}
for r, n in reasons.items():
    got = d('io', 'mh_malformed_by_reason', r)
    assert got == n, f"malformed '{r}': +{got}, expected +{n}; {a['io']}"
status = {'PBA_STATUS_ACCEPTED': 2, 'PBA_STATUS_MISSING_MN_IDENTIFIER_OPTION': 1,
          'PBA_STATUS_MISSING_HOME_NETWORK_PREFIX_OPTION': 1,
          'PBA_STATUS_MISSING_HANDOFF_INDICATOR_OPTION': 1,
          'PBA_STATUS_MISSING_ACCESS_TECH_TYPE_OPTION': 1,
          'PBA_STATUS_MAG_NOT_AUTHORIZED_FOR_PROXY_REG': 1}
for s, n in status.items():
    got = d('pba_by_status', s)
    assert got == n, f"{s}: +{got}, expected +{n}; {a['pba_by_status']}"
assert d('pbu_received') == 7 and d('pba_sent') == 7, f"pbu_received/pba_sent: {a}"
# RFC 6275 9.2: one Binding Error (unknown type), three Parameter Problems
# (truncated and hdr-len: Header Len; payload-proto: Payload Proto)
for k, n in (('mh_unknown_type', 1), ('mh_bad_payload_proto', 1), ('mh_bad_header_len', 2),
             ('mh_binding_errors_sent', 1), ('mh_param_problems_sent', 3)):
    assert d('io', k) == n, f"{k}: +{d('io', k)}, expected +{n}; {a['io']}"

pfx = [p for s in bind['sessions'] for p in json.dumps(s).split('"') if p.startswith('2001:db8:100:9')]
assert pfx, f"the accepted PBUs made no binding: {bind}"
print(f"  lmad: +{d('io', 'mh_received')} received, malformed by reason {a['io']['mh_malformed_by_reason']}")
print(f"  lmad: PBAs by status {a['pba_by_status']}")
PY

# What the wire says, as tshark reads it at the LMA's end.
cap=$out/lma-eth0.pcap
for s in 160 158 161 162 154; do
	n=$(tcount "$cap" "mip6.mhtype == 6 && mip6.ba.status == $s && ipv6.src == $LMAA")
	[ "$n" = 1 ] || fail "$n PBAs with status $s in the capture, expected 1"
done
n=$(tcount "$cap" "mip6.mhtype == 6 && mip6.ba.status == 0 && ipv6.dst == $MAG")
[ "$n" = 2 ] || fail "$n accepting PBAs in the capture, expected 2"
n=$(tcount "$cap" "mip6.mhtype == 7 && mip6.be.status == 2 && ipv6.src == $LMAA && ipv6.dst == $MAG")
[ "$n" = 1 ] || fail "$n Binding Errors (status 2) in the capture, expected 1"
n=$(tcount "$cap" "icmpv6.type == 4 && icmpv6.code == 0 && icmpv6.pointer == 40 && ipv6.src == $LMAA")
[ "$n" = 1 ] || fail "$n Parameter Problems at Payload Proto in the capture, expected 1"
n=$(tcount "$cap" "icmpv6.type == 4 && icmpv6.code == 0 && icmpv6.pointer == 41 && ipv6.src == $LMAA")
[ "$n" = 2 ] || fail "$n Parameter Problems at Header Len in the capture, expected 2"
# what lmad sent dissects cleanly (the Parameter Problems quote the bad
# PBUs: only their outer ICMPv6 layer is judged)
n=$(tcount "$cap" "ipv6.src == $LMAA && !icmpv6 && (_ws.malformed || _ws.expert.severity >= \"warning\")")
[ "$n" = 0 ] || fail "$n packets from lmad flagged by tshark"
n=$(tcount "$cap" "ipv6.src == $LMAA && icmpv6.type == 4 && icmpv6.checksum.status != 1")
[ "$n" = 0 ] || fail "$n Parameter Problems with a bad ICMPv6 checksum"
n=$(tcount "$cap" "mip6.mhtype == 6 && ipv6.dst == $MAG && mip6.ba.seqnr >= 1006")
[ "$n" = 0 ] || fail "$n PBAs answer the malformed PBUs (sequence >= 1006)"
python3 tests/tools/pcap_mh.py mh "$cap" > "$TMP/mh.jsonl"
python3 - "$TMP/mh.jsonl" <<'PY' || exit 1
import json, sys
m = [json.loads(l) for l in open(sys.argv[1])]
bad = [x for x in m if x.get('type') == 5 and not x.get('csum_ok', True)]
assert len(bad) == 1 and bad[0]['seq'] == 1010, f"the wrong-checksum PBU on the wire: {bad}"
print("  the wrong-checksum PBU is on the wire, lmad never saw it: the kernel dropped it")
PY
echo ok
