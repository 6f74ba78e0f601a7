#!/bin/bash
# Appendix D fast handover, end to end with real packets: the fast-handover
# topology and its RFC 5213 baseline run; their interruption and loss per
# flow are printed side by side (scripts/bench_appd.sh) and the goal is
# checked on the fast-handover run: interruption <= one-way MAG-LMA delay +
# packet interval + 5 ms (plus the noise the same run measured on its
# undisturbed flow), loss <= what was on the broken access link. Every
# Mobility Header packet is judged by tshark; the HI/HAck exchange and the
# MAG-to-MAG tunnel are checked in the captures. Nothing is left behind.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/../../scripts/bench_appd.sh"
$PMIPEMU test topologies/appd-fast-handover.xml tests/data/scenario/appd-baseline.xml \
	--out "$TMP/out" > "$TMP/stdout" 2>&1
rc=$?
grep -E "^(PASS|FAIL|     )" "$TMP/stdout" | grep -v "^PASS"
check_leftovers
fh=$TMP/out/appd-fast-handover
bl=$TMP/out/appd-baseline
[ -f "$fh/report.json" ] && [ -f "$bl/report.json" ] || fail "a run folder is missing"
APPD_CHECK=1 appd_compare "$fh" "$bl" || fail "fast handover missed its goal"
[ "$rc" = 0 ] || fail "pmipemu test exit $rc (expectations above)"

# The bounds can fail (issue 14): the same file with the MAG-to-MAG path
# cut (mm loses everything), and with fast handover off (RFC 5213), must
# fail its downlink loss bound at the cut; the report's handover metric
# says why (the WLAN downlink's loss at the link-down). Both ways: the
# working run above lost at most 1 there.
cutline=$(grep -n 'kind="loss" flow="down_wlan" max="1" from="3800ms"' \
	topologies/appd-fast-handover.xml | cut -d: -f1)
[ -n "$cutline" ] || fail "the downlink loss bound at the cut is not in the topology"
for how in mmcut:'link[@name=mm]/impair/@loss=100%' off:'node/pmip/@fast-handover=off'; do
	name=${how%%:*}
	$PMIPEMU run topologies/appd-fast-handover.xml --set "${how#*:}" --quiet \
		--out "$TMP/$name" > /dev/null 2>&1; rc=$?
	[ "$rc" = 1 ] || fail "$name: exit $rc, expected 1 (an expectation fails)"
	check_leftovers
done
python3 - "$fh" "$TMP/mmcut" "$TMP/off" "$cutline" <<'PY' || fail "the bounds do not tell the runs apart (above)"
import json, sys
line = int(sys.argv[4])
def judge(run):
    r = json.load(open(run + "/report.json"))
    e = [x for x in r["expectations"] if x["line"] == line]
    assert len(e) == 1, f"{run}: no expectation at line {line}"
    ho = [h for h in r["handovers"] if h["event"].startswith("link-down")]
    lost = ho[0]["flows"]["down_wlan"]["lost"] if ho else None
    return e[0], lost, r["links"]["mm"]
for run, want in ((sys.argv[1], True), (sys.argv[2], False), (sys.argv[3], False)):
    e, lost, mm = judge(run)
    print(f"  {run.rsplit('/', 1)[1]}: down_wlan lost at the cut {e['measured_text']} "
          f"(bound {e['bound_text']}): {'PASS' if e['pass'] else 'FAIL'}; handover metric lost {lost}; "
          f"mm dropped {mm['ab']['drop_loss'] + mm['ba']['drop_loss']}")
    assert e["pass"] == want, f"{run}: the cut's loss bound {'failed' if want else 'held'}"
    assert lost is not None and (lost <= 1) == want, f"{run}: handover metric lost {lost}"
e, lost, mm = judge(sys.argv[2])
assert mm["ab"]["drop_loss"] + mm["ba"]["drop_loss"] > 0, "mmcut: the mm link dropped nothing"
PY

# Every MH packet dissects cleanly: no malformed packet, no expert warning.
for p in "$fh"/*.pcap "$bl"/*.pcap; do
	bad=$(tcount "$p" 'mipv6 && (_ws.malformed || _ws.expert.severity >= "warning")')
	[ "$bad" = 0 ] || fail "$p: $bad Mobility Header packets flagged by tshark"
done
# The LMA told each MAG about the other session (HI, P flag set in the
# octet after the sequence number) and each answered with HAck code 0.
for mag in mag1 mag2; do
	hi=$(tcount "$fh/$mag-eth0.pcap" 'mip6.mhtype == 14 && mip6.acoa.acoa')
	ack=$(tcount "$fh/$mag-eth0.pcap" 'mip6.mhtype == 15 && mip6.hack.code == 0')
	[ "$hi" -ge 1 ] && [ "$ack" -ge 1 ] || fail "$mag: HI $hi, HAck $ack in its capture"
	note "$mag: $hi HI, $ack HAck"
done
python3 - "$fh" <<'PY' || exit 1
# the HI's flags octet (MH offset 8) has P (0x20) and F (0x10): tshark 4.0
# does not show them, so read the bytes of the frames tshark selected
import struct, subprocess, sys
cap = subprocess.run(["tshark", "-r", sys.argv[1] + "/mag1-eth0.pcap", "-Y",
                      "mip6.mhtype == 14", "-F", "pcap", "-w", "-"],
                     capture_output=True).stdout
assert len(cap) > 24, "no HI frame"
magic = struct.unpack("<I", cap[:4])[0]
end = "<" if magic in (0xa1b2c3d4, 0xa1b23c4d) else ">"
incl = struct.unpack(end + "I", cap[24 + 8:24 + 12])[0]
frame = cap[24 + 16:24 + 16 + incl]
mh = frame[14 + 40:]
assert mh[2] == 14, mh[:12].hex()
assert mh[8] & 0x30 == 0x30, f"HI flags {mh[8]:#x}"
print(f"  HI flags octet {mh[8]:#04x} (P, F)")
PY
# The dormant tunnel carried the cut's in-flight packets MAG2 -> MAG1
# (IPv6-in-IPv6 on the MAG-to-MAG link) and none in the baseline.
n=$(tcount "$fh/mag1-eth2.pcap" 'ipv6.nxt == 41 && ipv6.src == 2001:db8:2::2 && ipv6.dst == 2001:db8:1::2')
note "MAG2 -> MAG1 tunnelled packets at the cut: $n"
[ "$n" -ge 1 ] || fail "nothing went through the MAG-to-MAG tunnel"
# The first packet MAG2 tunnels at the cut found the path to MAG1 resolved
# (magd probed it when the HI installed the dormant binding): no Neighbor
# Solicitation on the MAG-to-MAG link in the 50 ms before it.
first=$(tshark -r "$fh/mag2-eth2.pcap" -Y 'ipv6.nxt == 41 && ipv6.src == 2001:db8:2::2' \
	-T fields -e frame.time_relative 2>/dev/null | head -1)
[ -n "$first" ] || fail "no tunnelled packet in mag2-eth2.pcap"
ns=$(tcount "$fh/mag2-eth2.pcap" "icmpv6.type == 135 && frame.time_relative >= $first - 0.05 && frame.time_relative <= $first")
[ "$ns" = 0 ] || fail "the first forwarded packet waited for neighbour resolution ($ns NS)"
probe=$(tcount "$fh/mag2-eth2.pcap" 'icmpv6.type == 128 && ipv6.src == 2001:db8:2::2 && ipv6.dst == 2001:db8:1::2')
[ "$probe" -ge 1 ] || fail "MAG2 never probed the path to MAG1"
n=$(tcount "$bl/mag1-eth2.pcap" 'ipv6.nxt == 41')
[ "$n" = 0 ] || fail "baseline: $n tunnelled packets between the MAGs"
# RFC 5213 6.10.5 ingress filter: no MN packet leaves a MAG towards the
# LMA untunnelled (in the baseline the MN keeps sending from the WLAN
# prefix over 3G during the outage: MAG1 has no binding for it and must
# drop it, not forward it in plain IPv6; on_tun counts drop_up_no_session).
for run in "$fh" "$bl"; do
	for mag in mag1 mag2; do
		n=$(tcount "$run/$mag-eth0.pcap" 'udp && !(ipv6.nxt == 41)')
		[ "$n" = 0 ] || fail "$(basename "$run"): $n untunnelled MN packets on $mag's uplink"
	done
done
echo ok
