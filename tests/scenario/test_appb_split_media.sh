#!/bin/bash
# Appendix B, first use case (problem statement section 3): one prefix P1
# shared by the MN's g3 (IF1, MAG1) and wlan0 (IF2, MAG2) sessions by the
# LMA's policy; the call's audio rides g3 and its video wlan0, one address
# pair, both directions. The run's expectations check delivery, the
# receiving interface of the downlink and the LMA's rule hits; here tshark
# checks the wire: the PBAs give P1 to both MAGs, each direction of each
# flow crosses only its access link and its MAG's tunnel, and every
# capture dissects cleanly.
. "$(dirname "$0")/lib.sh"
$PMIPEMU test topologies/appb-split-media.xml --out "$TMP/out" | tee "$TMP/stdout"
rc=${PIPESTATUS[0]}
[ "$rc" = 0 ] || fail "pmipemu test exit $rc"
check_leftovers
out=$TMP/out/appb-split-media
for p in "$out"/*.pcap; do tclean "$p"; done

# Both PBAs accepted, each carrying P1 (MAG2's also P2).
pba() {
  tshark -r "$1" -Y 'mipv6 && mip6.mhtype == 6 && !(ipv6.nxt == 41)' -T fields -E separator='|' \
    -e mip6.ba.status -e mip6.nemo.mnp.mnp 2>/dev/null | head -1
}
p1=$(pba "$out/mag1-eth0.pcap"); p2=$(pba "$out/mag2-eth0.pcap")
note "PBA to MAG1: $p1; to MAG2: $p2"
[[ "$p1" == 0\|*2001:db8:100:1::* ]] || fail "MAG1's PBA lacks P1: $p1"
[[ "$p2" == 0\|*2001:db8:100:1::* && "$p2" == *2001:db8:100:2::* ]] || fail "MAG2's PBA lacks P1 or P2: $p2"

# Each flow direction on its own path only: access links and tunnels.
MNA=2001:db8:100:1::ca:11
only_on() {    # only_on FILTER NAME CAPTURE_ON CAPTURE_OFF
  local on off
  on=$(tcount "$3" "$1"); off=$(tcount "$4" "$1")
  note "$2: $on packets on $(basename "$3"), $off on $(basename "$4")"
  [ "$on" -ge 140 ] || fail "$2: only $on packets on $(basename "$3")"
  [ "$off" = 0 ] || fail "$2: $off packets on $(basename "$4")"
}
only_on "ipv6.dst == $MNA && udp.dstport == 5004" "audio down" "$out/mn-g3.pcap" "$out/mn-wlan0.pcap"
only_on "ipv6.dst == $MNA && udp.dstport == 5006" "video down" "$out/mn-wlan0.pcap" "$out/mn-g3.pcap"
only_on "ipv6.src == $MNA && udp.dstport == 6004" "audio up" "$out/mn-g3.pcap" "$out/mn-wlan0.pcap"
only_on "ipv6.src == $MNA && udp.dstport == 6006" "video up" "$out/mn-wlan0.pcap" "$out/mn-g3.pcap"
# The same address pair on both paths: tunnelled (IPv6-in-IPv6) between
# the LMA and each MAG, inner addresses MNA <-> CN1.
only_on "ipv6.nxt == 41 && ipv6.dst == $MNA && udp.dstport == 5004" "audio down, tunnel" \
  "$out/mag1-eth0.pcap" "$out/mag2-eth0.pcap"
only_on "ipv6.nxt == 41 && ipv6.src == $MNA && udp.dstport == 6006" "video up, tunnel" \
  "$out/mag2-eth0.pcap" "$out/mag1-eth0.pcap"
echo "PASS appb-split-media"
