#!/bin/bash
# Appendix B, third use case triggered by congestion (problem statement
# section 3): the LMA's <congestion> rule moves P1's flows of ports
# 5201-5299 from the congested WLAN to 3G and back once the queue has
# drained. The run's expectations check each flow's receiving interface
# before, during and after, the bulk flows' delay and no loss; here: the
# run's congestion_on/off events (backlog above the threshold, in order),
# the LMA's rule of origin ctl added and removed, the moved flows in MAG1's
# tunnel only while the rule held, every capture clean; and the same file
# with the threshold out of reach must fail the moves and the delay bound
# (the policy, not chance, moved the flows).
. "$(dirname "$0")/lib.sh"
$PMIPEMU test topologies/appb-congestion.xml --out "$TMP/out" | tee "$TMP/stdout"
rc=${PIPESTATUS[0]}
[ "$rc" = 0 ] || fail "pmipemu test exit $rc"
check_leftovers
out=$TMP/out/appb-congestion
for p in "$out"/*.pcap; do tclean "$p"; done

ev=$out/events.jsonl
on=$(grep '"ev":"congestion_on"' "$ev"); off=$(grep '"ev":"congestion_off"' "$ev")
note "on: $on"
note "off: $off"
[ "$(grep -c '"ev":"congestion_on"' "$ev")" = 1 ] || fail "want one congestion_on"
[ "$(grep -c '"ev":"congestion_off"' "$ev")" = 1 ] || fail "want one congestion_off"
read -r t_on b_on < <(python3 -c 'import json,sys; e=json.loads(sys.argv[1]); print(e["t"], e["backlog"])' "$on")
read -r t_off b_off < <(python3 -c 'import json,sys; e=json.loads(sys.argv[1]); print(e["t"], e["backlog"])' "$off")
awk -v b="$b_on" 'BEGIN { exit !(b > 50) }' || fail "congestion_on at backlog $b_on, not above 50"
awk -v b="$b_off" 'BEGIN { exit !(b < 20) }' || fail "congestion_off at backlog $b_off, not below 20"
awk -v a="$t_on" -v b="$t_off" 'BEGIN { exit !(a >= 2.3 && b >= a + 2) }' \
  || fail "on at $t_on s, off at $t_off s: the holds were not respected"
grep '"ev":"flow_added"' "$ev" | grep -q '"origin":"ctl"' || fail "no rule of origin ctl at the LMA"
grep '"ev":"flow_removed"' "$ev" | grep -q '"origin":"ctl"' || fail "the rule was not removed"

# The moved flows in MAG1's tunnel only between on and off (+ flight).
read -r a b < <(python3 -c 'import json,sys
t0 = [json.loads(l) for l in open(sys.argv[1]) if "run_start" in l][0]["start_unix_ns"] / 1e9
print("%.6f %.6f" % (t0 + float(sys.argv[2]), t0 + float(sys.argv[3]) + 0.05))' "$ev" "$t_on" "$t_off")
in_tunnel() { tcount "$out/mag1-eth0.pcap" "ipv6.nxt == 41 && udp.dstport == 5201 && $1"; }
during=$(in_tunnel "frame.time_epoch >= $a && frame.time_epoch <= $b")
outside=$(in_tunnel "(frame.time_epoch < $a || frame.time_epoch > $b)")
note "port 5201 through MAG1's tunnel: $during while the rule held, $outside outside"
[ "$during" -ge 300 ] || fail "only $during packets of the moved flow via MAG1"
[ "$outside" = 0 ] || fail "$outside packets of the moved flow via MAG1 outside the rule's time"
for p in "$out"/*.pcap; do
  bad=$(tcount "$p" "mipv6 && (_ws.malformed || _ws.expert.severity >= \"warning\")")
  [ "$bad" = 0 ] || fail "$(basename "$p"): $bad MH packets with malformed/expert marks"
done

# The threshold out of reach: no move, and the moves' checks must fail.
$PMIPEMU test topologies/appb-congestion.xml --set 'node[@name=lma]/pmip/congestion/@above=100000' \
  --out "$TMP/base" > "$TMP/stdout.base" 2>&1
rc=$?
sed 's/^/  base: /' "$TMP/stdout.base" | grep -E 'FAIL|expectations'
[ "$rc" = 1 ] || fail "without the move the run exits $rc, not 1"
check_leftovers
for want in "via mv1@g3" "via mv2@g3" "latency-p99 bulk1"; do
  grep -q "FAIL appb-congestion: $want" "$TMP/stdout.base" || fail "baseline: '$want' did not fail"
done
! grep -q congestion_on "$TMP/base/appb-congestion/events.jsonl" || fail "baseline: the rule fired"
echo "PASS appb-congestion"
