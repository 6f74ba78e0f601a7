#!/bin/bash
# Problem statement section 2.1: sessions that come and go on one live MN
# interface, told apart by the Service Selection option (RFC 5149). The
# run's expectations check the bindings on both sides, the MN's addresses
# and the flows; here tshark, the independent judge, checks the wire: every
# capture clean, the Service Selection option in each session's PBU and
# PBA, the new prefix advertised at once, the deleted one withdrawn.
. "$(dirname "$0")/lib.sh"
$PMIPEMU test topologies/s21-dynamic-session.xml --out "$TMP/out" | tee "$TMP/stdout"
rc=${PIPESTATUS[0]}
[ "$rc" = 0 ] || fail "pmipemu test exit $rc"
check_leftovers
out=$TMP/out/s21-dynamic-session
for p in "$out"/*.pcap; do tclean "$p"; done
cap=$out/mag1-eth0.pcap            # MAG1 <-> LMA: every PBU and PBA

# time|type|HI|service|HNPs|PBU lifetime|PBA status|seq (bu or ba)
tshark -r "$cap" -Y "mipv6 && !(ipv6.nxt == 41)" -T fields -E separator='|' \
  -e frame.time_relative -e mip6.mhtype -e mip6.hi -e mip6.ss.identifier \
  -e mip6.nemo.mnp.mnp -e mip6.bu.lifetime -e mip6.ba.status -e mip6.bu.seqnr \
  -e mip6.ba.seqnr 2>/dev/null > "$TMP/mh"
bad=$(tcount "$cap" 'mipv6 && (_ws.malformed || _ws.expert.severity >= "warning")')
[ "$bad" = 0 ] || fail "$bad Mobility Header packets with a malformed/expert mark"
n_ss=$(tcount "$cap" 'mip6.ss.identifier')
[ "$n_ss" -ge 6 ] || fail "only $n_ss messages with a Service Selection option"
note "$(wc -l < "$TMP/mh") Mobility Header messages, $n_ss with Service Selection, all clean"

# On attach: the RFC 5213 session's PBU has no Service Selection option,
# pdn2's has one; both accepted.
awk -F'|' '$2 == 5 && $1 < 1 && $4 == "" && $6 > 0' "$TMP/mh" | grep -q . ||
  fail "no first PBU without Service Selection"
awk -F'|' '$2 == 5 && $1 < 1 && $4 == "pdn2" && $6 > 0' "$TMP/mh" | grep -q . ||
  fail "no first PBU for service pdn2"
# At 3 s: pdn3's PBU, HI 1, asking ::, answered 0 with P3 and the service.
add=$(awk -F'|' '$2 == 5 && $4 == "pdn3" && $6 > 0' "$TMP/mh" | head -1)
note "pdn3 PBU: $add"
IFS='|' read -r t _ hi _ hnp _ _ seq _ <<< "$add"
awk -v t="$t" 'BEGIN { exit !(t >= 2.9 && t < 3.2) }' || fail "pdn3 PBU at $t s, not 3 s"
[ "$hi" = 1 ] || fail "pdn3 PBU HI $hi, not 1 (attachment over a new interface)"
[ "$hnp" = :: ] || fail "pdn3 PBU HNP $hnp, not the ALL_ZERO request"
pba=$(awk -F'|' -v s="$seq" '$2 == 6 && $9 == s' "$TMP/mh" | head -1)
note "its PBA: $pba"
IFS='|' read -r _ _ _ svc hnp _ st _ _ <<< "$pba"
[ "$st" = 0 ] && [ "$svc" = pdn3 ] && [ "$hnp" = 2001:db8:100:3:: ] ||
  fail "pdn3 PBA: status $st service $svc HNP $hnp"
# At 7 s: pdn3's deregistration (lifetime 0), accepted; no other session's
# PBU between 3 s and 8 s except refreshes (HI 5) - none are due (20 s).
del=$(awk -F'|' '$2 == 5 && $4 == "pdn3" && $6 == 0' "$TMP/mh" | head -1)
IFS='|' read -r t _ _ _ hnp _ _ seq _ <<< "$del"
awk -v t="$t" 'BEGIN { exit !(t >= 6.9 && t < 7.2) }' || fail "pdn3 deregistration at '$t' s"
[ "$hnp" = 2001:db8:100:3:: ] || fail "pdn3 deregistration names $hnp"
others=$(awk -F'|' '$2 == 5 && $1 > 3.5 && $1 < 8 && $4 != "pdn3"' "$TMP/mh" | wc -l)
[ "$others" = 0 ] || fail "$others PBUs of the other sessions while pdn3 came and went"
note "pdn3 deregistered at $t s"

# The access link: an RA with P3 right after the PBA (the MN forms its
# address at once), and at 7 s one withdrawing P3 alone (lifetimes 0)
# while still a router for P1 and P2.
tshark -r "$out/mag1-eth1.pcap" -Y 'icmpv6.type == 134' -T fields -E separator='|' \
  -e frame.time_relative -e icmpv6.opt.prefix -e icmpv6.opt.prefix.valid_lifetime \
  -e icmpv6.opt.prefix.preferred_lifetime -e icmpv6.nd.ra.router_lifetime 2>/dev/null > "$TMP/ra"
ra3=$(awk -F'|' '$1 > 2.9 && $1 < 3.2 && $2 ~ /2001:db8:100:3::/' "$TMP/ra" | head -1)
[ -n "$ra3" ] || fail "no RA with P3 within 200 ms of the session's addition"
note "RA advertising P3: $ra3"
wd=$(awk -F'|' '$1 > 6.9 && $1 < 7.2 && $2 == "2001:db8:100:3::"' "$TMP/ra" | head -1)
IFS='|' read -r _ _ vl pl rl <<< "$wd"
[ "$vl" = 0 ] && [ "$pl" = 0 ] && [ "$rl" -gt 0 ] || fail "no withdrawal RA for P3 at 7 s: '$wd'"
later=$(awk -F'|' '$1 > 7.2 && $2 ~ /2001:db8:100:3::/' "$TMP/ra" | wc -l)
[ "$later" = 0 ] || fail "P3 advertised again after its deletion"
note "withdrawal RA: $wd"
grep -q pdn3 "$out/exec/bul_deleted.out" && fail "the MAG still lists pdn3 after its deletion"
echo ok
