#!/bin/bash
# Problem statement appendix C, the reverse attach order: the PMIPv6 side
# (IF2, MAG2) registers first, then the client Mobile IPv6 side (IF1).
# tests/data/scenario/appc-reverse.xml: MAG2 sends no BID, the LMA/HA gives
# the proxy binding its own (65535) and the MN's BID 1 is taken next to it.
# tests/data/scenario/appc-collision.xml: MAG2 numbers its BIDs from 1, the
# MN's BID 1 collides: BA 166 (MCOA PROHIBITED, RFC 5648) with the BID
# option's status 166 (tshark), the MN moves to BID 2. Every flow >= 99 %
# in both (the runs' expectations), every capture clean.
. "$(dirname "$0")/lib.sh"
for t in reverse collision; do
  $PMIPEMU test tests/data/scenario/appc-$t.xml --out "$TMP/$t" > "$TMP/stdout.$t"
  rc=$?
  [ "$rc" = 0 ] || { cat "$TMP/stdout.$t"; fail "appc-$t: pmipemu test exit $rc"; }
done
check_leftovers
rev=$TMP/reverse/appc-reverse col=$TMP/collision/appc-collision
for p in "$rev"/*.pcap "$col"/*.pcap; do tclean "$p"; done

ev() { grep -n "$2" "$1/events.jsonl" | head -1 | cut -d: -f1; }
# reverse: the proxy binding's generated BID first, then the home one, both kept
a=$(ev "$rev" '"ev":"bid_assigned","bid":65535'); b=$(ev "$rev" '"ev":"ba_sent","status":0,.*"bid":1,')
[ -n "$a" ] && [ -n "$b" ] && [ "$a" -lt "$b" ] || fail "reverse: no LMA/HA BID before the MN's BID 1 (lines $a, $b)"
grep -q '"bce_overwritten"\|"bid_collision"' "$rev/events.jsonl" && fail "reverse: a binding was overwritten or collided"
# collision: 166 on the wire, then BID 2 accepted
n=$(tcount "$col/mn-if1.pcap" "mip6.mhtype == 6 && mip6.ba.status == 166 && mip6.bi.bid == 1 && mip6.bi.status == 166 && ipv6.routing.type == 2 && !icmpv6")
[ "$n" -ge 1 ] || fail "collision: no BA 166 for BID 1 on IF1"
n=$(tcount "$col/mn-if1.pcap" "mip6.mhtype == 5 && mip6.bi.bid == 2 && ipv6.opt.mipv6.home_address && !icmpv6")
[ "$n" -ge 1 ] || fail "collision: the MN did not register again with BID 2"
grep -q '"ev":"mip6_bid_changed","from":1,"to":2' "$col/events.jsonl" || fail "collision: no mip6_bid_changed 1 -> 2"
grep -q '"ev":"mip6_registered".*"bid":2' "$col/events.jsonl" || fail "collision: BID 2 not registered"
note "reverse: proxy BID 65535 then home BID 1; collision: 166 for BID 1, registered with BID 2"
echo "PASS appc-reverse"
