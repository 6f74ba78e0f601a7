#!/bin/bash
# RFC 5213 6.10.5 ingress filter at the MAG (tests/data/scenario/
# ingress-filter.xml): packets from a prefix the MAG registered for no MN
# never leave it, in plain IPv6 or tunnelled, and are counted; the
# registered flow is untouched. Before the filter the kernel forwarded them
# by its main table.
. "$(dirname "$0")/lib.sh"
TOPO=tests/data/scenario/ingress-filter.xml
$PMIPEMU test "$TOPO" --out "$TMP/out" > "$TMP/stdout" 2>&1
rc=$?
[ "$rc" = 0 ] || fail "pmipemu test exit $rc: $(grep -v "^PASS" "$TMP/stdout")"
check_leftovers
out=$TMP/out/ingress-filter
acc=$(tcount "$out/mag-eth1.pcap" "ipv6.src == 2001:db8:dead::1 && udp.dstport == 7009")
[ "$acc" -ge 20 ] || fail "only $acc spoofed packets reached the MAG's access link"
n=$(tcount "$out/lma-eth1.pcap" "ipv6.src == 2001:db8:dead::1")
[ "$n" = 0 ] || fail "$n packets from the unregistered prefix crossed the transport link"
up=$(tcount "$out/lma-eth1.pcap" "ipv6.nxt == 41 && udp.dstport == 7002")
[ "$up" -ge 240 ] || fail "the registered uplink flow: $up packets tunnelled"
for p in "$out"/*.pcap; do tclean "$p"; done
note "MAG: $acc spoofed packets in from the MN, 0 out; $up flow packets tunnelled"
echo ok
