#!/bin/bash
# Link down stops delivery and the nodes see carrier loss through the
# kernel (checked by `ip link` inside the nodes); link up restores both.
. "$(dirname "$0")/lib.sh"
$PMIPEMU test tests/data/scenario/link-down.xml --out "$TMP/out" | tee "$TMP/stdout"
rc=${PIPESTATUS[0]}
[ "$rc" = 0 ] || fail "pmipemu test exit $rc"
check_leftovers
out=$TMP/out/link-down
grep -q NO-CARRIER "$out/exec/carrier_down.out" || fail "b did not see the carrier loss"
grep -q '"ev":"link_down"' "$out/events.jsonl" || fail "no link_down event"
# No frame of the flow crosses the link while it is down: b's capture has
# none between 2.0 s and 3.0 s of the run.
python3 - "$out" <<'PY' || exit 1
import json, subprocess, sys
out = sys.argv[1]
ev = [json.loads(l) for l in open(out + "/events.jsonl")]
t_down = next(e["t"] for e in ev if e["ev"] == "link_down")
t_up = next(e["t"] for e in ev if e["ev"] == "link_up")
start = [e for e in ev if e["ev"] == "run_start"][0]
times = subprocess.run(["tshark", "-r", out + "/b-eth0.pcap", "-Y", "udp.dstport == 6000",
                        "-T", "fields", "-e", "frame.time_relative"],
                       capture_output=True, text=True).stdout.split()
first = None
rel = [float(t) for t in times]
# Arrival instants relative to the first arrival; the flow starts at 0.5 s.
print(f"  link down {t_down:.3f}s .. up {t_up:.3f}s; {len(rel)} frames reached b")
gaps = sorted(((b - a), a) for a, b in zip(rel, rel[1:]))
big, at = gaps[-1]
print(f"  largest gap in b's capture: {big*1e3:.1f} ms")
assert 0.95 <= big <= 1.2, f"largest gap {big:.3f}s, expected the 1 s outage"
PY
echo ok
