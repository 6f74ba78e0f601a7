#!/bin/bash
# The command line: validate's exit codes and file:line messages, an unmet
# expectation makes `pmipemu test` exit 1 with a JUnit failure saying which
# and by how much, usage errors exit 2.
. "$(dirname "$0")/lib.sh"
$PMIPEMU validate topologies/*.xml tests/data/scenario/*.xml > /dev/null || fail "a shipped topology does not validate"
bad=$(ls tests/data/topo/bad/*.xml | head -n 1)
$PMIPEMU validate "$bad" 2> "$TMP/err"; rc=$?
[ $rc = 2 ] || fail "validate of $bad exit $rc, expected 2"
grep -qE "^$bad:[0-9]+: " "$TMP/err" || fail "no FILE:LINE: message: $(cat "$TMP/err")"
$PMIPEMU run 2>/dev/null; [ $? = 2 ] || fail "run without a file should exit 2"
$PMIPEMU frobnicate 2>/dev/null; [ $? = 2 ] || fail "unknown command should exit 2"

# --duration may not cut the timeline short (the flow stops at 3.5 s)
$PMIPEMU run tests/data/scenario/impossible.xml --duration 2s --out "$TMP/short" 2> "$TMP/err"; rc=$?
[ $rc = 2 ] || fail "--duration shorter than the timeline gave exit $rc, expected 2"
grep -q -- "--duration 2s ends before" "$TMP/err" || fail "no --duration message: $(cat "$TMP/err")"

# graph: the topology drawn by Graphviz, an SVG with every node and link
$PMIPEMU graph topologies/appd-fast-handover.xml --svg "$TMP/g.svg" || fail "graph --svg exit $?"
python3 - "$TMP/g.svg" <<'PY' || fail "graph: the SVG lacks nodes or links (above)"
import sys, xml.etree.ElementTree as ET
ns = "{http://www.w3.org/2000/svg}"
root = ET.parse(sys.argv[1]).getroot()
assert root.tag == ns + "svg", root.tag
titles = [t.text for t in root.iter(ns + "title")]
for n in ("cn", "lma", "mag1", "mag2", "mn", "mag1--mag2", "mag2--mn"):
    assert n in titles, f"no {n} in the SVG: {titles}"
texts = " ".join(t.text or "" for t in root.iter(ns + "text"))
assert "mm" in texts and "2ms" in texts, "a link's name or delay is not drawn"
PY
$PMIPEMU graph tests/data/topo/bad/dup_node.xml > /dev/null 2>&1; [ $? = 2 ] || fail "graph of a bad file should exit 2"

# Several topologies, one of them broken: one JUnit file, an error suite
# for the one that did not load, no junit-NAME.xml beside it.
$PMIPEMU test tests/data/scenario/impossible.xml tests/data/topo/bad/dup_flow.xml \
	--out "$TMP/out" --junit "$TMP/junit.xml" > "$TMP/stdout"; rc=$?
cat "$TMP/stdout"
[ $rc = 1 ] || fail "an unmet expectation gave exit $rc, expected 1"
grep -q "FAIL" "$TMP/stdout" || fail "no FAIL line"
# run says the same as test: an unmet expectation is exit 1 (pmipemu(1))
$PMIPEMU run tests/data/scenario/impossible.xml --out "$TMP/run1" > "$TMP/stdout.run" 2>&1; rc=$?
[ $rc = 1 ] || fail "pmipemu run with an unmet expectation gave exit $rc, expected 1"
# Captures and events on one clock (doc/reading-a-run.md): the first packet
# of a's ping (the Neighbor Solicitation for b, or the echo request), at
# capture time T, is at run time T - start_unix_ns, just after the
# process_start event of that ping (at 100 ms). (The echo request itself
# may wait a second for a lost solicitation: ab loses 10%.)
python3 - "$TMP/run1" <<'PY' || fail "captures and events.jsonl do not line up (above)"
import json, subprocess, sys
run = sys.argv[1]
start = json.load(open(run + "/report.json"))["start_unix_ns"]
ev = [json.loads(l) for l in open(run + "/events.jsonl") if l.strip()]
rs = [e for e in ev if e["ev"] == "run_start"][0]
assert rs["start_unix_ns"] == start, "events.jsonl and report.json disagree on the start"
ps = [e["t"] for e in ev if e["ev"] == "process_start" and e.get("name") == "nd"][0]
out = subprocess.run(["tshark", "-r", run + "/a-eth0.pcap", "-Y", "(icmpv6.type == 135 && ipv6.src != ::) || icmpv6.type == 128",
                      "-T", "fields", "-e", "frame.time_epoch"], capture_output=True,
                     text=True, check=True).stdout.split()
first = int(out[0].replace(".", "")[:19].ljust(19, "0"))   # ns, no float rounding
t = (first - start) / 1e9
print(f"  ping's first packet at run time {t * 1e3:.3f} ms, ping started at {ps * 1e3:.3f} ms")
assert ps <= t <= ps + 0.2, "capture time - start is not the run time of events.jsonl"
PY
# run.pcapng (issue 14 item 4): every endpoint capture merged, one named
# interface per NODE-IFACE.pcap with all its frames, in time order, the
# run start in the section comment; tshark reads it cleanly.
tclean "$TMP/run1/run.pcapng"
python3 - "$TMP/run1" <<'PY' || fail "run.pcapng is not the merge of the captures (above)"
import glob, json, os, subprocess, sys
run = sys.argv[1]
def fields(path, *f):
    out = subprocess.run(["tshark", "-r", path, "-T", "fields", *sum([["-e", x] for x in f], [])],
                         capture_output=True, text=True, check=True).stdout
    return [l.split("\t") for l in out.splitlines()]
merged = fields(run + "/run.pcapng", "frame.interface_name", "frame.time_epoch", "frame.len")
caps = sorted(glob.glob(run + "/*.pcap"))
assert caps, "no endpoint capture"
for c in caps:
    name = os.path.basename(c)[:-5]
    own = [(t, n) for t, n in ((r[0], r[1]) for r in fields(c, "frame.time_epoch", "frame.len"))]
    mine = [(r[1], r[2]) for r in merged if r[0] == name]
    assert own == mine, f"{name}: {len(own)} frames in its pcap, {len(mine)} in run.pcapng (or other times)"
    print(f"  run.pcapng {name}: {len(mine)} frames, same times and lengths")
assert len(merged) == sum(1 for r in merged if r[0] in [os.path.basename(c)[:-5] for c in caps])
ts = [int(r[1].replace(".", "")) for r in merged]
assert ts == sorted(ts), "run.pcapng is not in time order"
start = json.load(open(run + "/report.json"))["start_unix_ns"]
info = subprocess.run(["capinfos", run + "/run.pcapng"], capture_output=True, text=True).stdout
assert f"start_unix_ns={start}" in info, "the section comment does not give report.json's start"
PY
# --set: the same topology with its loss switched off from the command
# line: the expectation it failed (loss max=0) now holds, exit 0, and the
# link dropped nothing, so the override reached the link engine.
$PMIPEMU run tests/data/scenario/impossible.xml --set 'link[@name=ab]/impair[@dir=ab]/@loss=0' \
	--out "$TMP/set0" --quiet > /dev/null 2>&1; rc=$?
[ $rc = 0 ] || fail "run --set loss=0: exit $rc, expected 0 (every expectation holds)"
[ "$(jget "$TMP/set0/report.json" "['links']['ab']['ab']['drop_loss']")" = 0 ] \
	|| fail "run --set loss=0: the link still dropped frames"
$PMIPEMU validate --set 'link[@name=nowhere]/impair/@loss=0' tests/data/scenario/impossible.xml \
	2> "$TMP/err"; rc=$?
[ $rc = 2 ] && grep -q -- "--set link\[@name=nowhere\]/impair/@loss=0: .* matches no element" "$TMP/err" \
	|| fail "--set on no element: exit $rc, $(cat "$TMP/err")"
python3 - "$TMP/junit.xml" <<'PY' || exit 1
import sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
suites = root.findall("testsuite")
assert len(suites) == 2, f"{len(suites)} testsuites, expected 2 (one a topology)"
broken = [s for s in suites if "dup_flow.xml" in s.get("name")]
assert len(broken) == 1 and broken[0].find("testcase/error") is not None, "no error suite for the file that did not load"
err = broken[0].find("testcase/error").get("message")
print("  junit error:", err)
assert "duplicate flow" in err, "the error does not say why the file did not load"
assert root.get("errors") == "1" and root.get("failures") == "1", f"totals {root.attrib}"
cases = [c for c in suites[0].findall("testcase")]
names = [c.get("name") for c in root.iter("testcase")]
assert len(names) == len(set(names)), f"test case names repeat: {names}"
fails = [c for c in cases if c.find("failure") is not None]
assert len(cases) == 2, f"{len(cases)} testcases, expected 2"
assert len(fails) == 1, f"{len(fails)} failures, expected 1"
msg = fails[0].find("failure").get("message")
print("  junit failure:", msg)
assert "loss" in (fails[0].get("name") + msg), "the failure does not name the loss expectation"
assert any(ch.isdigit() for ch in msg), "the failure does not say by how much"
PY
ls "$TMP" | grep -q "^junit-" && fail "junit-NAME.xml files written beside --junit"
# compare: two runs of impossible.xml side by side; a folder without a report is bad input
$PMIPEMU compare "$TMP/run1" "$TMP/out/impossible" > "$TMP/cmp" || fail "compare exit $?"
l=$(grep -A2 '^flow f$' "$TMP/cmp" | grep '^  lost ') || fail "compare: no lost row: $(cat "$TMP/cmp")"
[ "$(echo $l | awk '{print $2}')" = "$(jget "$TMP/run1/report.json" "['flows']['f']['lost']")" ] \
	|| fail "compare: first run's loss is not report.json's: $l"
[ "$(echo $l | awk '{print $3}')" = "$(jget "$TMP/out/impossible/report.json" "['flows']['f']['lost']")" ] \
	|| fail "compare: second run's loss is not report.json's: $l"
$PMIPEMU compare "$TMP/run1" "$TMP/nothing" 2>/dev/null; [ $? = 2 ] || fail "compare with a missing run should exit 2"
[ -s "$TMP/out/impossible/junit.xml" ] || fail "the run folder has no junit.xml"
check_leftovers
echo ok
