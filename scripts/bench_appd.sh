# bench_appd.sh - appendix D fast handover against its RFC 5213 baseline,
# side by side (sourced; bash).
#
# Owns: two functions.
#   appd_compare FH_RUN BL_RUN   print the table from two run folders of
#                                topologies/appd-fast-handover.xml and
#                                tests/data/scenario/appd-baseline.xml; with
#                                APPD_CHECK=1 return 1 when the fast-handover
#                                run misses the goal (doc/protocol.md
#                                "Appendix D").
#   appd_measure RUN             one run folder's measures as one JSON line
#                                (interruption, noise, lost per flow)
#   bench_appd [OUT]             run both (pmipemu run, ~20 s) into OUT (a
#                                temporary folder, removed, when not given)
#                                and print the table.
# Must not: leave anything behind (pmipemu tears its runs down itself).
#
# Measures, per flow, from the receivers' files (flows/*.recv.csv, arrival
# instants in CLOCK_MONOTONIC ns, mapped to run time through events.jsonl):
#   interruption  the largest arrival gap overlapping the first 30 ms after
#                 the cut (link_down event): the outage the cut caused;
#   lost          sent - received over the whole flow (report.json);
#   in_flight     frames the cut link itself dropped in the flow's direction
#                 (report.json links.<cut>.ab|ba.drop_down): frames on the
#                 air when it broke, which no handover can bring back;
#   noise         the largest gap of the undisturbed g3 flow of the same
#                 direction from 1.5 s before to 2 s after the cut, minus its
#                 period: what the shared machine itself adds.
# Goal (fast-handover run, WLAN flows): interruption <= one-way MAG-LMA
# delay (5 ms) + packet interval (5 ms) + 5 ms, plus the noise measured in
# the same run; lost <= packets on the broken access link at the cut
# (1 ms x 200 pps, rounded up) + 1.

appd_compare() {
	python3 - "$1" "$2" <<'PY'
import csv, json, math, os, sys

MAG_LMA_MS, PERIOD_MS, MARGIN_MS = 5.0, 5.0, 5.0
ACCESS_MS, RATE = 1.0, 200.0

def load(run):
    ev = [json.loads(l) for l in open(os.path.join(run, "events.jsonl"))]
    st = next(e for e in ev if "mono_ns" in e and "t" in e)
    off = st["mono_ns"] / 1e9 - st["t"]
    rep = json.load(open(os.path.join(run, "report.json")))
    return ev, off, rep

def arrivals(run, flow, off):
    with open(os.path.join(run, "flows", flow + ".recv.csv")) as f:
        return sorted(int(r["recv_ns"]) / 1e9 - off for r in csv.DictReader(f))

def gap_over(ts, lo, hi):
    """largest step between consecutive arrivals whose span meets (lo, hi]"""
    best = 0.0
    for a, b in zip(ts, ts[1:]):
        if b > lo and a <= hi:
            best = max(best, b - a)
    return best * 1e3

def measure(run):
    ev, off, rep = load(run)
    cut = next(e["t"] for e in ev if e["ev"] == "link_down")
    out = {"cut": cut, "flows": {}}
    cut_link = next(e["link"] for e in ev if e["ev"] == "link_down")
    for flow in ("down_wlan", "up_wlan", "down_g3", "up_g3"):
        ts = arrivals(run, flow, off)
        # a>b of the cut link is MAG -> MN: the downlink's direction
        way = "ab" if flow.startswith("down") else "ba"
        out["flows"][flow] = {
            "int_ms": gap_over(ts, cut, cut + 0.03),
            "noise_ms": max(0.0, gap_over(ts, cut - 1.5, cut + 2.0) - PERIOD_MS),
            "lost": rep["flows"][flow]["lost"],
            "in_flight": rep["links"][cut_link][way]["drop_down"]
                         if flow.endswith("wlan") else 0,
        }
    act = [e["t"] for e in ev if e["ev"] == "dormant_activated"]
    sw = [e["t"] for e in ev if e["ev"] == "bce_dormant_activated"]
    out["mag_ms"] = (act[0] - cut) * 1e3 if act else None
    out["lma_ms"] = (sw[0] - cut) * 1e3 if sw else None
    fwd = [e for e in ev if e["ev"] == "mag_forwarded"]
    out["forwarded"] = {e["node"]: (e["to_peer"], e["from_peer"], e["uplink"]) for e in fwd}
    return out

if sys.argv[2] == "-":            # appd_measure: one run, as JSON
    print(json.dumps(measure(sys.argv[1])))
    sys.exit(0)
fh, bl = measure(sys.argv[1]), measure(sys.argv[2])
print(f"appendix D fast handover: WLAN link cut at {fh['cut']:.3f} s "
      f"(MAG-LMA {MAG_LMA_MS:g} ms, 200 pps = {PERIOD_MS:g} ms period)")
print(f"{'flow':<10} {'fast-handover':>22} {'baseline (RFC 5213)':>24}")
print(f"{'':<10} {'interruption':>14} {'lost':>7} {'interruption':>16} {'lost':>7}")
for f in ("down_wlan", "up_wlan", "down_g3", "up_g3"):
    a, b = fh["flows"][f], bl["flows"][f]
    print(f"{f:<10} {a['int_ms']:>11.1f} ms {a['lost']:>7} {b['int_ms']:>13.1f} ms {b['lost']:>7}")
if fh["mag_ms"] is not None:
    print(f"MAG2 acted on the carrier loss {fh['mag_ms']:.2f} ms after the cut; "
          f"the LMA switched the downlink {fh['lma_ms']:.2f} ms after it")
for node, (tp, fp, up) in sorted(fh["forwarded"].items()):
    print(f"{node}: forwarded to peer {tp}, delivered from peer/LMA {fp}, uplink {up}")
bound = MAG_LMA_MS + PERIOD_MS + MARGIN_MS
lost_max = math.ceil(ACCESS_MS * RATE / 1000.0) + 1
ok = True
for f, ref in (("down_wlan", "down_g3"), ("up_wlan", "up_g3")):
    a = fh["flows"][f]
    noise = fh["flows"][ref]["noise_ms"]
    good = a["int_ms"] <= bound + noise and a["lost"] <= lost_max
    ok &= good
    print(f"goal {f}: interruption {a['int_ms']:.1f} ms <= {bound:g} ms + noise "
          f"{noise:.1f} ms ({ref}), lost {a['lost']} <= {lost_max}: "
          f"{'PASS' if good else 'FAIL'}")
sys.exit(0 if ok or os.environ.get("APPD_CHECK") != "1" else 1)
PY
}

bench_appd() {
	local out=${1:-} tmp="" pm=${PMIPEMU:-build/bin/pmipemu} rc
	if [ -z "$out" ]; then
		tmp=$(mktemp -d /tmp/pmipemu-appd.XXXXXX)
		out=$tmp
	fi
	"$pm" run topologies/appd-fast-handover.xml --out "$out/fh" >/dev/null 2>&1
	"$pm" run tests/data/scenario/appd-baseline.xml --out "$out/bl" >/dev/null 2>&1
	appd_compare "$out/fh" "$out/bl"
	rc=$?
	[ -n "$tmp" ] && rm -rf "$tmp"
	return $rc
}

appd_measure() {
	appd_compare "$1" -
}
