#!/bin/bash
# two-hosts-lossy measured from its captures: about 10% of the echo requests
# lost between h1's and h2's endpoint captures, one-way delay 10 ms; the
# report's flow figures agree with what the captures hold; tshark reads
# every frame cleanly; nothing is left behind.
. "$(dirname "$0")/lib.sh"
out=$TMP/run
$PMIPEMU run topologies/two-hosts-lossy.xml --out "$out" > "$TMP/stdout" || fail "run failed: $(cat "$TMP/stdout")"
check_leftovers
for p in "$out"/h1-eth0.pcap "$out"/h2-eth0.pcap; do tclean "$p"; done

# Echo requests: sent on h1's endpoint, received on h2's.
q='icmpv6.type == 128'
tshark -r "$out/h1-eth0.pcap" -Y "$q" -T fields -e icmpv6.echo.sequence_number -e frame.time_epoch 2>/dev/null | sort > "$TMP/tx"
tshark -r "$out/h2-eth0.pcap" -Y "$q" -T fields -e icmpv6.echo.sequence_number -e frame.time_epoch 2>/dev/null | sort > "$TMP/rx"
python3 - "$TMP/tx" "$TMP/rx" <<'PY' || exit 1
import sys, statistics
tx = dict(l.split() for l in open(sys.argv[1]))
rx = dict(l.split() for l in open(sys.argv[2]))
n, got = len(tx), len([s for s in rx if s in tx])
loss = 1 - got / n
print(f"  echo requests: {n} sent on h1-eth0, {got} seen on h2-eth0, loss {loss:.3f}")
# 99% interval of a Bernoulli(0.1) rate over n ~ 480 frames is about +-0.035.
assert n >= 450, f"too few echo requests captured: {n}"
assert 0.06 <= loss <= 0.14, f"loss {loss:.3f} outside [0.06, 0.14]"
d = sorted((float(rx[s]) - float(tx[s])) * 1e3 for s in rx if s in tx)
p50 = statistics.median(d)
print(f"  one-way delay from captures: min {d[0]:.3f} ms, p50 {p50:.3f} ms, max {d[-1]:.3f} ms")
# frame.time_epoch is a double: ~0.2 us of rounding at today's epoch, and a
# punctual engine writes frames within it of 10 ms.
assert d[0] >= 10.0 - 0.001, f"a frame arrived before the configured delay: {d[0]:.4f} ms"
assert p50 <= 10.6, f"median delay {p50:.3f} ms is more than 0.6 ms over 10 ms"
PY

# Independent of the link engine's captures (issue 14 audit): ping's own
# round-trip times, 10 ms each way, bounded below and above, and its replies
# about 81 % (10 % loss each way) of what it sent.
python3 - "$out/logs/h1-ping.log" <<'PY' || exit 1
import re, statistics, sys
rtt, seqs = [], []
for l in open(sys.argv[1]):
    m = re.search(r"icmp_seq=(\d+) .*time=([0-9.]+) ms", l)
    if m:
        seqs.append(int(m.group(1)))
        rtt.append(float(m.group(2)))
assert len(rtt) >= 300, f"only {len(rtt)} ping replies in the log"
rtt.sort()
share = len(rtt) / max(seqs)
med = statistics.median(rtt)
print(f"  ping's own RTT: min {rtt[0]:.2f} ms, median {med:.2f} ms, max {rtt[-1]:.2f} ms; "
      f"{len(rtt)} replies of {max(seqs)} sent ({share:.2f})")
assert rtt[0] >= 19.9, f"an echo came back in {rtt[0]} ms, under the 2 x 10 ms of the link"
assert med <= 22.0, f"median RTT {med} ms, more than 2 ms over 2 x 10 ms"
assert 0.70 <= share <= 0.92, f"reply share {share:.2f} outside [0.70, 0.92] for 10 % loss each way"
PY

# The flow: report.json against the captures (UDP to port 5001).
sent_cap=$(tcount "$out/h1-eth0.pcap" 'udp.dstport == 5001')
recv_cap=$(tcount "$out/h2-eth0.pcap" 'udp.dstport == 5001')
sent=$(jget "$out/report.json" "['flows']['f1']['sent']")
recv=$(jget "$out/report.json" "['flows']['f1']['received']")
lost=$(jget "$out/report.json" "['flows']['f1']['lost']")
note "flow f1: report sent=$sent received=$recv lost=$lost; captures: $sent_cap left h1, $recv_cap reached h2"
[ "$sent" = "$sent_cap" ] || fail "report sent $sent != $sent_cap frames in h1's capture"
[ "$recv" = "$recv_cap" ] || fail "report received $recv != $recv_cap frames in h2's capture"
[ "$lost" = "$((sent_cap - recv_cap))" ] || fail "report lost $lost != $((sent_cap - recv_cap)) from the captures"
# And the link's own counters say the same.
dl=$(jget "$out/report.json" "['links']['l1']['ab']['drop_loss']")
[ "$dl" -gt 0 ] || fail "link counted no loss"
grep -q '"ev":"run_start"' "$out/events.jsonl" || fail "events.jsonl lacks run_start"

# The bounds are two-sided (issue 14): the same topology with the link's
# features nearly off (0.2 % loss, no delay) must fail delivery max,
# drop_loss min and latency min.
sed 's/<impair delay="10ms" loss="10%"\/>/<impair loss="0.2%"\/>/' topologies/two-hosts-lossy.xml > "$TMP/weak.xml"
grep -q 'loss="0.2%"' "$TMP/weak.xml" || fail "could not make the weak variant"
$PMIPEMU test "$TMP/weak.xml" --out "$TMP/weak" > "$TMP/weak.out" 2>&1; rc=$?
sed -n 's/^\(FAIL\|PASS\)/  weak link: &/p' "$TMP/weak.out"
[ $rc = 1 ] || fail "the weak link passed the expectations (exit $rc)"
for k in "delivery f1: .*bound <= 95" "drop_loss: .*bound >= 60" "latency-p99 f1: .*bound >= 10ms"; do
  grep -q "^FAIL .*$k" "$TMP/weak.out" || fail "the weak link did not fail $k"
done
check_leftovers
echo ok
