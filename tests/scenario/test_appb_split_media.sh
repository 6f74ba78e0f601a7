#!/bin/bash
# Appendix B, first use case (problem statement section 3): one prefix P1
# shared by the MN's g3 (IF1, MAG1) and wlan0 (IF2, MAG2) sessions by the
# LMA's policy; the call's audio rides g3 and its video wlan0, one address
# pair, both directions, the split being the MN's own request (RS option
# 253 -> MAG -> RFC 6089 Flow Identification option in a PBU -> LMA rule of
# origin mn). The run's expectations check delivery, the receiving
# interface of the downlink and the MN rules' hits; here tshark checks the
# wire: the MN's RSs carry option 253, each MAG's PBUs and the PBAs carry
# option 45 (status 0 read from the octets), the PBAs give P1 to both
# MAGs, each direction of each flow crosses only its access link and its
# MAG's tunnel, and every capture dissects cleanly (every Mobility Header
# packet without malformed or expert warning marks). At 7 s the MN
# withdraws the video request: its RS's request list (option 253 Kind 2)
# omits FID 2, MAG2's next PBU no longer describes it, the LMA removes the
# rule (events), MAG1's audio rule stays.
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

# The MN's request on each access link, and its way to the LMA and back.
for l in g3 wlan0; do
  n=$(tcount "$out/mn-$l.pcap" "icmpv6.type == 133 && icmpv6.opt.type == 253")
  note "RS with a flow request (option 253) on $l: $n"
  [ "$n" -ge 1 ] || fail "no RS with option 253 on $l"
done
for m in mag1 mag2; do
  bu=$(tcount "$out/$m-eth0.pcap" "mipv6 && mip6.mhtype == 5 && pmipemu_fid")
  ba=$(tcount "$out/$m-eth0.pcap" "mipv6 && mip6.mhtype == 6 && pmipemu_fid")
  note "$m: $bu PBUs and $ba PBAs with a Flow Identification option (45)"
  [ "$bu" -ge 1 ] && [ "$ba" -ge 1 ] || fail "$m: PBU or PBA without option 45"
  # RFC 6089 4.2: the octet after FID-PRI is Reserved, sent as 0
  rs=$(tcount "$out/$m-eth0.pcap" "mipv6 && pmipemu_fid && pmipemu.fid.reserved != 0")
  [ "$rs" = 0 ] || fail "$m: $rs packets with a non-zero Flow Identification Reserved octet"
  # tshark 4.0 does not dissect option 45: its Status (the 6th data
  # octet) from the raw frame of the first PBA carrying one (Ethernet 14 +
  # IPv6 40, next header 135), walking the Mobility Header's options
  st=$(tshark -r "$out/$m-eth0.pcap" -Y "mipv6 && mip6.mhtype == 6 && mip6.mobility_opt == 45" \
       -T json -x 2>/dev/null | python3 -c '
import json, sys
h = bytes.fromhex(json.load(sys.stdin)[0]["_source"]["layers"]["frame_raw"][0])
assert h[20] == 135, "MH right after the IPv6 header"
mh = h[54:]
off = 12
while off + 1 < len(mh):
    if mh[off] == 0:
        off += 1
        continue
    if mh[off] == 45:
        print(mh[off + 7])
        break
    off += 2 + mh[off + 1]
')
  note "$m: first PBA's Flow Identification Status: ${st:-unread}"
  [ "$st" = 0 ] || fail "$m: the PBA's Flow Identification status is '$st', not 0"
done
# The withdrawal (7 s): an RS on wlan0 whose request list keeps nothing,
# then a PBU from MAG2 without option 45, and the LMA's rule removed.
t0=$(tshark $TSHARK_LUA -r "$out/mn-wlan0.pcap" -Y "pmipemu.ndflow.kind == 2 && pmipemu.ndflow.count == 0" \
     -T fields -e frame.time_epoch 2>/dev/null | head -1)
note "RS withdrawing FID 2 on wlan0 at ${t0:-never}"
[ -n "$t0" ] || fail "no RS with an empty request list on wlan0"
n=$(tcount "$out/mn-g3.pcap" "pmipemu.ndflow.kind == 2 && pmipemu.ndflow.count == 0")
[ "$n" = 0 ] || fail "g3 withdrew its request too ($n RSs)"
n=$(tcount "$out/mag2-eth0.pcap" "mipv6 && mip6.mhtype == 5 && !pmipemu_fid && frame.time_epoch > $t0")
note "MAG2 PBUs without option 45 after the withdrawal: $n"
[ "$n" -ge 1 ] || fail "MAG2 kept describing FID 2"
grep -q '"ev":"flow_withdrawn".*"fid":2' "$out/events.jsonl" || fail "no flow_withdrawn event at MAG2"
grep '"ev":"flow_removed"' "$out/events.jsonl" | grep -q '"origin":"mn"' \
  || fail "the LMA did not remove the MN's rule"
[ "$(grep -c '"ev":"flow_removed"' "$out/events.jsonl")" = 1 ] || fail "more than one rule removed"

# Every Mobility Header packet of every capture: no malformed or warning mark.
for p in "$out"/*.pcap; do
  bad=$(tcount "$p" "mipv6 && (_ws.malformed || _ws.expert.severity >= \"warning\")")
  [ "$bad" = 0 ] || fail "$(basename "$p"): $bad MH packets with malformed/expert marks"
done

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
