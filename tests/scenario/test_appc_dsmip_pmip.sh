#!/bin/bash
# Problem statement appendix C, Figure 3: one MN with a client Mobile IPv6
# binding (IF1, through a plain access router) and a proxy binding (IF2,
# through MAG2) of one home prefix at an LMA that is also its home agent.
# Runs topologies/appc-fig3.xml (BIDs on: both bindings live, every
# flow >= 99 %, the run's expectations) and its baseline
# tests/data/scenario/appc-baseline.xml (BIDs off: MAG2's PBU overwrites
# the client binding), prints the deliveries side by side, and checks the
# home address's downlink through the tunnel (mip0) with BIDs and off it in
# the baseline, the BU (Home Address option, BID 1) and BA (type 2 RH)
# as tshark reads them, and every capture clean.
. "$(dirname "$0")/lib.sh"
$PMIPEMU test topologies/appc-fig3.xml --out "$TMP/bids" > "$TMP/stdout"
rc=$?
[ "$rc" = 0 ] || { cat "$TMP/stdout"; fail "pmipemu test exit $rc"; }
$PMIPEMU test tests/data/scenario/appc-baseline.xml --out "$TMP/base" > "$TMP/stdout.base"
rc=$?
[ "$rc" = 0 ] || { cat "$TMP/stdout.base"; fail "baseline exit $rc"; }
check_leftovers
bids=$TMP/bids/appc-fig3 base=$TMP/base/appc-baseline
for p in "$bids"/*.pcap "$base"/*.pcap; do tclean "$p"; done

python3 - "$bids/report.json" "$base/report.json" > "$TMP/table" <<'PY' || fail "report.json unreadable"
import json, sys
b, s = (json.load(open(p))["flows"] for p in sys.argv[1:3])
print("%-6s %22s %22s" % ("flow", "BIDs (delivered, via)", "baseline"))
for f in ("down1", "up1", "down2", "up2"):
    cell = lambda v: "%5.1f%% %s" % (100.0 * v["received"] / max(v["sent"], 1),
                                      ",".join("%s:%d" % kv for kv in sorted(v["by_interface"].items())))
    print("%-6s %22s %22s" % (f, cell(b[f]), cell(s[f])))
print("CHECK %d %d %d" % (b["down1"]["by_interface"].get("mip0", 0), b["down1"]["received"],
                          s["down1"]["by_interface"].get("if2", 0)))
PY
grep -v ^CHECK "$TMP/table" | sed 's/^/  /'
read -r _ tun rx bif2 < <(grep ^CHECK "$TMP/table")
[ "$tun" = "$rx" ] || fail "BIDs: $tun of $rx home-address packets came through the tunnel (mip0)"
[ "$bif2" -gt 0 ] || fail "baseline: no home-address packet went to MAG2 (if2)"

# the wire: BU with the Home Address option and BID 1 (with its CoA), BA
# with the type 2 RH naming the home address, status 0
hoa=2001:db8:100:1::100
n=$(tcount "$bids/mn-if1.pcap" "mip6.mhtype == 5 && ipv6.opt.mipv6.home_address == $hoa && mip6.bi.bid == 1 && mip6.bi.coa_ipv6 == 2001:db8:ac::ff:fe00:aa01 && !icmpv6")
[ "$n" -ge 1 ] || fail "no BU with HAO and BID 1 on IF1"
n=$(tcount "$bids/mn-if1.pcap" "mip6.mhtype == 6 && ipv6.routing.type == 2 && ipv6.routing.mipv6.home_address == $hoa && mip6.ba.status == 0 && !icmpv6")
[ "$n" -ge 1 ] || fail "no BA with a type 2 RH on IF1"
# the LMA/HA: both bindings at 4.5 s with BIDs (the MN's 1, its own 65535),
# only the proxy one in the baseline
grep -q '"kind":"home"' "$bids/exec/bindings.out" || fail "BIDs: no home binding at 4.5 s"
grep -q '"kind":"home"' "$base/exec/bindings.out" && fail "baseline: a home binding left at 4.5 s"
grep -q '"bce_overwritten"' "$base/events.jsonl" || fail "baseline: no bce_overwritten event"
grep -q '"bce_overwritten"' "$bids/events.jsonl" && fail "BIDs: a binding was overwritten"
grep -q '"ev":"bid_assigned","bid":65535' "$bids/events.jsonl" || fail "BIDs: no LMA/HA-generated BID"
echo "PASS appc-fig3"
