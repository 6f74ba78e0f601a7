#!/bin/bash
# Appendix B, second use case (problem statement section 3): bandwidth
# aggregation over a prefix shared by two 10 Mbit/s access links. Runs
# topologies/appb-aggregate.xml (the LMA shares P1's flows over both
# sessions) and its baseline without the sharing rule, prints the
# delivered rates side by side, and checks: with sharing every flow >= 90 %
# (the run's expectations), three flows pinned to each link, and the
# baseline no better than one link can carry; every capture clean.
. "$(dirname "$0")/lib.sh"
$PMIPEMU test topologies/appb-aggregate.xml --out "$TMP/share" | tee "$TMP/stdout"
rc=${PIPESTATUS[0]}
[ "$rc" = 0 ] || fail "pmipemu test exit $rc"
$PMIPEMU run tests/data/scenario/appb-aggregate-baseline.xml --out "$TMP/base" > "$TMP/stdout.base"
rc=$?
[ "$rc" = 0 ] || fail "baseline run exit $rc"
check_leftovers
share=$TMP/share/appb-aggregate base=$TMP/base   # run --out is the run folder itself
for p in "$share"/*.pcap "$base"/*.pcap; do tclean "$p"; done

# rates from report.json: payload bytes received over the 4 s of sending
python3 - "$share/report.json" "$base/report.json" > "$TMP/rates" <<'PY' || fail "report.json unreadable"
import json, sys
def rate(path):
    f = json.load(open(path))["flows"]
    rx = sum(v["received"] for v in f.values()); tx = sum(v["sent"] for v in f.values())
    per_if = {}
    for v in f.values():
        for i, n in v["by_interface"].items():
            per_if[i] = per_if.get(i, 0) + (1 if n == v["received"] else 0)
    return rx * 1200 * 8 / 4e6, tx * 1200 * 8 / 4e6, rx / tx, per_if
s, b = rate(sys.argv[1]), rate(sys.argv[2])
print("%-22s %9s %9s %9s  %s" % ("", "offered", "delivered", "ratio", "flows whole on"))
print("%-22s %9.1f %9.1f %8.1f%%  %s" % ("sharing (any g3 wlan0)", s[1], s[0], 100 * s[2], s[3]))
print("%-22s %9.1f %9.1f %8.1f%%  %s" % ("baseline (no rule)", b[1], b[0], 100 * b[2], b[3]))
print("CHECK %.4f %.4f %d %d" % (s[2], b[2], s[3].get("g3", 0), s[3].get("wlan0", 0)))
PY
grep -v ^CHECK "$TMP/rates" | sed 's/^/  /'
read -r _ sr br ng nw < <(grep ^CHECK "$TMP/rates")
awk -v s="$sr" 'BEGIN { exit !(s >= 0.9) }' || fail "sharing delivered $sr of the offered load"
awk -v b="$br" 'BEGIN { exit !(b <= 0.65) }' || fail "baseline delivered $b: more than one link can carry"
[ "$ng" = 3 ] && [ "$nw" = 3 ] || fail "flows whole on g3: $ng, on wlan0: $nw (want 3 and 3)"
echo "PASS appb-aggregate"
