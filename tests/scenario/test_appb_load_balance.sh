#!/bin/bash
# Appendix B, third use case (problem statement section 3): the network
# moves one flow of P1 from g3 to wlan0 and one of P2 from wlan0 to g3 at
# 4 s (flow add on the LMA's control socket), the others stay. The run's
# expectations check each flow's receiving interface before and after, and
# that nothing is lost; here tshark checks the access links and tunnels,
# and that every capture dissects cleanly.
. "$(dirname "$0")/lib.sh"
$PMIPEMU test topologies/appb-load-balance.xml --out "$TMP/out" | tee "$TMP/stdout"
rc=${PIPESTATUS[0]}
[ "$rc" = 0 ] || fail "pmipemu test exit $rc"
check_leftovers
out=$TMP/out/appb-load-balance
for p in "$out"/*.pcap; do tclean "$p"; done

count() { tcount "$out/$1" "ipv6.nxt != 41 && udp.dstport == $2"; }
tunnel() { tcount "$out/$1" "ipv6.nxt == 41 && udp.dstport == $2"; }
for port in 5101 5102 5201 5202; do
  note "udp $port: g3 $(count mn-g3.pcap $port), wlan $(count mn-wlan0.pcap $port)," \
       "tunnel MAG1 $(tunnel mag1-eth0.pcap $port), MAG2 $(tunnel mag2-eth0.pcap $port)"
done
[ "$(count mn-wlan0.pcap 5101)" = 0 ] || fail "P1's staying flow reached wlan0"
[ "$(count mn-g3.pcap 5201)" = 0 ] || fail "P2's staying flow reached g3"
[ "$(count mn-g3.pcap 5101)" -ge 890 ] || fail "P1's staying flow short on g3"
[ "$(count mn-wlan0.pcap 5201)" -ge 890 ] || fail "P2's staying flow short on wlan0"
# the moved flows: about 2 s on each path (200 pps)
for c in "mn-g3.pcap 5102" "mn-wlan0.pcap 5102" "mn-g3.pcap 5202" "mn-wlan0.pcap 5202" \
         "mag1-eth0.pcap 5202" "mag2-eth0.pcap 5102"; do
  set -- $c
  n=$( [[ $1 == mag* ]] && tunnel "$1" "$2" || count "$1" "$2")
  [ "$n" -ge 350 ] || fail "udp $2: only $n packets on $1"
done
# the LMA logged its policy's two rules at start and both moves
n=$(grep '"ev":"flow_added"' "$out/events.jsonl" | grep -c '"origin":"ctl"')
[ "$n" = 2 ] || fail "$n flow_added events from the control socket, expected 2"
n=$(grep '"ev":"flow_added"' "$out/events.jsonl" | grep -c '"origin":"policy"')
[ "$n" = 2 ] || fail "$n flow_added events of the policy, expected 2"
echo "PASS appb-load-balance"
