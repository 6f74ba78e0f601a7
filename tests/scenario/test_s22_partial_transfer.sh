#!/bin/bash
# Problem statement section 2.2 end to end: topologies/s22-partial-transfer.xml
# (a subset handoff between two MAGs, MAG-initiated; a network-initiated move
# back with an RFC 7077 Update Notification; a prefix added to and removed
# from a live interface) and its RFC 5213 baseline (everything moves, nothing
# can be added). The runs' expectations check bindings, addresses, arrival
# interfaces, gaps and loss; here tshark, the independent judge, checks every
# capture and the message flow of each operation; the UPN/UPA that tshark 4.0
# does not dissect are checked octet by octet. Prints the interruption of
# each operation next to the baseline's. Nothing is left behind.
. "$(dirname "$0")/lib.sh"
$PMIPEMU test topologies/s22-partial-transfer.xml tests/data/scenario/s22-baseline.xml \
	--out "$TMP/out" > "$TMP/stdout" 2>&1
rc=$?
grep -E "^(PASS|FAIL|     )" "$TMP/stdout" | grep -v "^PASS"
check_leftovers
run=$TMP/out/s22-partial-transfer
bl=$TMP/out/s22-baseline
[ -f "$run/report.json" ] && [ -f "$bl/report.json" ] || fail "a run folder is missing"
[ "$rc" = 0 ] || fail "pmipemu test exit $rc (expectations above)"

# Every packet of both runs dissects cleanly, Mobility Header ones included.
for p in "$run"/*.pcap "$bl"/*.pcap; do tclean "$p"; done

# Captures start with their link's first frame (the WLAN's at 3 s): run
# time = epoch - T0, T0 from MAG1's first PBU and its pbu_sent event.
T0=$(python3 - "$run" <<'PY'
import json, subprocess, sys
ev = next(json.loads(l) for l in open(sys.argv[1] + "/events.jsonl")
          if '"pbu_sent"' in l and '"mag1"' in l)
ep = subprocess.run(["tshark", "-r", sys.argv[1] + "/mag1-eth0.pcap", "-Y", "mipv6",
                     "-T", "fields", "-e", "frame.time_epoch"], capture_output=True, text=True)
print(float(ep.stdout.split()[0]) - ev["t"])
PY
)
[ -n "$T0" ] || fail "no run time origin"
rel() { awk -F'|' -v t0="$T0" 'BEGIN { OFS = "|" } { $1 = sprintf("%.4f", $1 - t0); print }'; }
# time|type|HI|HNPs|PBA status|BU seq|BA seq
mh() {
	tshark -r "$1" -Y 'mipv6 && !(ipv6.nxt == 41)' -T fields -E separator='|' \
		-e frame.time_epoch -e mip6.mhtype -e mip6.hi -e mip6.nemo.mnp.mnp \
		-e mip6.ba.status -e mip6.bu.seqnr -e mip6.ba.seqnr 2>/dev/null | rel
}
# RAs: time|prefixes|valid|preferred|router lifetime
ra() {
	tshark -r "$1" -Y 'icmpv6.type == 134' -T fields -E separator='|' \
		-e frame.time_epoch -e icmpv6.opt.prefix -e icmpv6.opt.prefix.valid_lifetime \
		-e icmpv6.opt.prefix.preferred_lifetime -e icmpv6.nd.ra.router_lifetime 2>/dev/null | rel
}
mh "$run/mag1-eth0.pcap" > "$TMP/mag1"
mh "$run/mag2-eth0.pcap" > "$TMP/mag2"
note "$(cat "$TMP/mag1" "$TMP/mag2" | wc -l) Mobility Header messages at the MAGs, every capture clean"
ra "$run/mag1-eth1.pcap" > "$TMP/ra1"
ra "$run/mag2-eth1.pcap" > "$TMP/ra2"
# one line of $1 matching awk condition $2, else fail with $3
one() { local l; l=$(awk -F'|' "$2" "$1" | head -1); [ -n "$l" ] || fail "$3"; echo "$l"; }
P1=2001:db8:100:1:: P2=2001:db8:100:2:: P3=2001:db8:100:3:: P4=2001:db8:200:4::

# (c) MAG-initiated at 4 s: MAG2's PBU names P3 and P2 with HI 2, accepted
# with that set; the LMA revokes P2 alone at MAG1 (BRI with one HNP), and
# MAG1 withdraws P2 on the g3 link while staying the router for P1.
l=$(one "$TMP/mag2" "\$1 > 3.9 && \$1 < 4.2 && \$2 == 5 && \$3 == 2 && \$4 == \"$P3,$P2\"" \
	"no HI 2 PBU naming P3,P2 from MAG2 at 4 s")
note "take (4 s): PBU $l"
one "$TMP/mag2" "\$1 > 3.9 && \$1 < 4.2 && \$2 == 6 && \$5 == 0 && \$4 == \"$P3,$P2\"" \
	"the take's PBA does not accept P3,P2" > /dev/null
l=$(one "$TMP/mag1" "\$1 > 3.9 && \$1 < 4.2 && \$2 == 16 && \$4 == \"$P2\"" \
	"no BRI naming P2 alone to MAG1")
note "take: BRI to MAG1 $l"
l=$(one "$TMP/ra1" "\$1 > 3.9 && \$1 < 4.3 && \$2 == \"$P2\" && \$3 == 0 && \$4 == 0 && \$5 > 0" \
	"MAG1 sent no RA withdrawing P2 alone")
note "take: MAG1 withdrawal RA $l"

# Network-initiated at 6 s: a UPN to MAG1, its UPA, MAG1's HI 2 PBU naming
# P1 and P2, accepted; MAG2 gets the BRI for P2 and withdraws it.
one "$TMP/mag1" '$1 > 5.9 && $1 < 6.2 && $2 == 19' "no Update Notification to MAG1 at 6 s" > /dev/null
one "$TMP/mag1" '$1 > 5.9 && $1 < 6.2 && $2 == 20' "no Update Notification Ack from MAG1" > /dev/null
l=$(one "$TMP/mag1" "\$1 > 5.9 && \$1 < 6.2 && \$2 == 5 && \$3 == 2 && \$4 == \"$P1,$P2\"" \
	"no HI 2 PBU naming P1,P2 from MAG1 after the UPN")
note "move back (6 s): PBU $l"
one "$TMP/mag2" "\$1 > 5.9 && \$1 < 6.2 && \$2 == 16 && \$4 == \"$P2\"" \
	"no BRI naming P2 to MAG2" > /dev/null
one "$TMP/ra2" "\$1 > 5.9 && \$1 < 6.3 && \$2 == \"$P2\" && \$3 == 0" \
	"MAG2 sent no RA withdrawing P2" > /dev/null

# (b) at 7 s: MAG2's PBU with HI 5 naming P3 and P4, accepted; P4 advertised.
l=$(one "$TMP/mag2" "\$1 > 6.9 && \$1 < 7.2 && \$2 == 5 && \$3 == 5 && \$4 == \"$P3,$P4\"" \
	"no HI 5 PBU naming P3,P4 from MAG2 at 7 s")
note "add (7 s): PBU $l"
one "$TMP/mag2" "\$1 > 6.9 && \$1 < 7.2 && \$2 == 6 && \$5 == 0 && \$4 == \"$P3,$P4\"" \
	"the add's PBA does not accept P3,P4" > /dev/null
one "$TMP/ra2" "\$1 > 6.9 && \$1 < 7.2 && \$2 ~ /$P4/ && \$3 > 0" "P4 not advertised at once" > /dev/null

# (a) network-initiated at 9 s: UPN to MAG2, its UPA, an HI 5 PBU naming
# P3 alone; MAG2 withdraws P4 (lifetimes 0, still a router for P3).
one "$TMP/mag2" '$1 > 8.9 && $1 < 9.2 && $2 == 19' "no Update Notification to MAG2 at 9 s" > /dev/null
l=$(one "$TMP/mag2" "\$1 > 8.9 && \$1 < 9.2 && \$2 == 5 && \$3 == 5 && \$4 == \"$P3\"" \
	"no HI 5 PBU naming P3 alone after the UPN")
note "remove (9 s): PBU $l"
one "$TMP/ra2" "\$1 > 8.9 && \$1 < 9.3 && \$2 == \"$P4\" && \$3 == 0 && \$4 == 0 && \$5 > 0" \
	"MAG2 sent no RA withdrawing P4" > /dev/null

# The UPN and UPA octet by octet (tshark 4.0 knows MH types 0-18 only):
# RFC 7077 fixed part, reason 8 (RFC 7864), A flag, the UPA echoing the
# sequence number with status 0, options within the header, HNP options
# aligned 8n+4 and naming the interface's new set.
python3 - "$run/mag1-eth0.pcap" "$run/mag2-eth0.pcap" <<'PY' || fail "Update Notification octets"
import ipaddress, struct, sys

def frames(path):
    d = open(path, "rb").read()
    end = "<" if struct.unpack("<I", d[:4])[0] in (0xa1b2c3d4, 0xa1b23c4d) else ">"
    off = 24
    while off + 16 <= len(d):
        incl = struct.unpack(end + "I", d[off + 8:off + 12])[0]
        yield d[off + 16:off + 16 + incl]
        off += 16 + incl

def opts(mh, start):
    o, n = start, (mh[1] + 1) * 8
    assert n <= len(mh), "Header Len beyond the frame"
    while o < n:
        if mh[o] == 0:
            o += 1
            continue
        t, l = mh[o], mh[o + 1]
        assert o + 2 + l <= n, f"option {t} runs past the header"
        yield o, t, mh[o + 2:o + 2 + l]
        o += 2 + l

want = {0: ["2001:db8:100:1::", "2001:db8:100:2::"], 1: ["2001:db8:100:3::"]}
for i, path in enumerate(sys.argv[1:]):
    upn = upa = None
    for f in frames(path):
        if len(f) < 54 + 10 or f[12:14] != b"\x86\xdd" or f[20] != 135:
            continue
        mh = f[54:]
        if mh[2] == 19 and upn is None:
            upn = mh
        elif mh[2] == 20 and upa is None:
            upa = mh
    assert upn and upa, f"{path}: UPN {bool(upn)} UPA {bool(upa)}"
    seq = struct.unpack(">H", upn[6:8])[0]
    assert upn[0] == 59 and upn[8] == 8 and upn[9] == 0x80, upn[:10].hex()
    hnps, llid = [], None
    for o, t, v in opts(upn, 10):
        if t == 22:
            assert o % 8 == 4, f"HNP at {o}"
            hnps.append(str(ipaddress.IPv6Address(v[2:18])))
        if t == 25:
            llid = v[2:].hex(":")
    assert hnps == want[i], f"UPN names {hnps}"
    assert struct.unpack(">H", upa[6:8])[0] == seq and upa[8] == 0 and upa[9] == 0, upa[:10].hex()
    list(opts(upa, 10))
    print(f"  UPN seq {seq} reason 8 A, MN-LL-ID {llid}, HNP {' '.join(hnps)}; UPA status 0")
PY

# Interruption: the largest arrival gap around each operation (run time
# from the flow's start at 2 s), next to the baseline's.
python3 - "$run" "$bl" <<'PY' || fail "interruption table"
import csv, sys

def gaps(folder, flow, lo, hi):
    rows = list(csv.DictReader(open(f"{folder}/flows/{flow}.recv.csv")))
    if not rows:
        return None, 0
    t0 = min(int(r["send_ns"]) for r in rows) - 2_000_000_000
    t = sorted((int(r["recv_ns"]) - t0) / 1e9 for r in rows)
    w = [x for x in t if lo <= x <= hi]
    g = max((b - a for a, b in zip(w, w[1:])), default=0)
    return g * 1000, len(rows)

print(f"  {'flow, window':28} {'s22 gap':>9} {'baseline gap':>13}")
for flow, lo, hi, what in (("p1", 3.8, 4.6, "P1 at the take (4 s)"),
                           ("p2", 3.8, 4.6, "P2 at the take (4 s)"),
                           ("p1", 5.8, 6.6, "P1 at the move back (6 s)"),
                           ("p2", 5.8, 6.6, "P2 at the move back (6 s)")):
    a, _ = gaps(sys.argv[1], flow, lo, hi)
    b, _ = gaps(sys.argv[2], flow, lo, hi) if hi < 6 else ("-", 0)
    bs = f"{b:.1f} ms" if isinstance(b, float) else "-"
    print(f"  {what:28} {a:7.1f} ms {bs:>13}")
    if a > 60:
        sys.exit(f"{what}: gap {a:.1f} ms over 3 packet intervals")
for folder, name in ((sys.argv[1], "s22"), (sys.argv[2], "baseline")):
    _, n = gaps(folder, "p4", 0, 99)
    print(f"  P4 flow ({name}): {n}/50 delivered")
PY
echo ok
