#!/bin/bash
# Binding Revocation (RFC 5846) end to end (tests/data/scenario/
# revocation.xml): on a handoff that reaches the LMA before the previous
# MAG's deregistration, the LMA revokes the binding at that MAG (BRI,
# trigger 2) and the MAG acknowledges (BRA, status 0) and deletes it;
# `pmipemu ctl lma revoke` sends a BRI (trigger 1) to the current MAG, which
# withdraws the prefix from the MN at once (RA with lifetimes 0), removes
# its routes and acknowledges; a MAG shutting down with a binding sends one
# bulk BRI (G flag). Every capture dissects cleanly in tshark.
. "$(dirname "$0")/lib.sh"
TOPO=tests/data/scenario/revocation.xml
LMAA=2001:db8:1::1 MAG1=2001:db8:1::2 MAG2=2001:db8:2::2
$PMIPEMU test "$TOPO" --out "$TMP/out" > "$TMP/stdout" 2>&1
rc=$?
[ "$rc" = 0 ] || fail "pmipemu test exit $rc: $(grep -v "^PASS" "$TMP/stdout")"
check_leftovers
out=$TMP/out/revocation
for p in "$out"/*.pcap; do tclean "$p"; done

bri="mip6.mhtype == 16 && mip6.bri_br.type == 1"
bra="mip6.mhtype == 16 && mip6.bri_br.type == 2"
# one BRI, maybe sent again (MAG1's link takes 2 s for the round trip and
# lmad retransmits after 1 s): one sequence number
f="$bri && ipv6.src == $LMAA && ipv6.dst == $MAG1 && mip6.bri_r.trigger == 2 && mip6.bri_ip == 1 && mip6.mnid.identifier == \"mn1@pmipemu.example\" && mip6.nemo.mnp.mnp == 2001:db8:100:1::"
n=$(tcount "$out/lma-eth1.pcap" "$f")
seqs=$(tshark -r "$out/lma-eth1.pcap" -Y "$f" -T fields -e mip6.bri_seqnr 2>/dev/null | sort -u | wc -l)
[ "$n" -ge 1 ] && [ "$seqs" = 1 ] || fail "$n BRIs (trigger 2, MN-ID, HNP) to MAG1 with $seqs sequence numbers, expected 1 BRI (retransmitted or not)"
n=$(tcount "$out/lma-eth1.pcap" "$bra && ipv6.src == $MAG1 && mip6.bri_status == 0")
[ "$n" = 1 ] || fail "$n BRAs (status 0) from MAG1, expected 1 (a retransmission finds no binding: 128)"
n=$(tcount "$out/lma-eth2.pcap" "$bri && ipv6.dst == $MAG2 && mip6.bri_r.trigger == 1")
[ "$n" = 1 ] || fail "$n BRIs (trigger 1, administrative) to MAG2, expected 1"
n=$(tcount "$out/lma-eth2.pcap" "$bra && ipv6.src == $MAG2 && mip6.bri_status == 0")
[ "$n" = 1 ] || fail "$n BRAs (status 0) from MAG2, expected 1"
# MAG2 withdrew the prefix on its access link: an RA with lifetimes 0
n=$(tcount "$out/mag2-eth1.pcap" "icmpv6.type == 134 && icmpv6.opt.prefix == 2001:db8:100:1:: && icmpv6.opt.prefix.valid_lifetime == 0 && icmpv6.opt.prefix.preferred_lifetime == 0 && icmpv6.nd.ra.router_lifetime == 0")
[ "$n" -ge 1 ] || fail "MAG2 sent no RA withdrawing the prefix"
python3 - "$out/events.jsonl" <<'PY' || exit 1
import json, sys
ev = [json.loads(l) for l in open(sys.argv[1])]
def find(node, name, **kv):
    return [e for e in ev if e.get('node') == node and e.get('ev') == name
            and all(e.get(k) == v for k, v in kv.items())]
assert find('mag1', 'bul_deleted', reason='revoked'), "MAG1 kept the revoked binding"
assert find('mag2', 'bul_deleted', reason='revoked'), "MAG2 kept the revoked binding"
assert find('lma', 'bra_received', status=0, peer='2001:db8:1::2'), "no BRA from MAG1 at the LMA"
# the bulk BRI leaves MAG1 as the run stops (the links may already be gone)
assert find('mag1', 'bri_sent', **{'global': True}), "MAG1 sent no bulk BRI on shutdown"
assert find('mag1', 'bul_deleted', reason='revoked_bulk'), "MAG1's last binding not revoked"
print("  MAG1: revoked on the handoff, bulk BRI on shutdown; MAG2: revoked by ctl, RA lifetime 0")
PY
echo ok
