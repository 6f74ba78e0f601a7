#!/bin/bash
# Figure 1 of the problem statement (section 4): one MN, two interfaces on
# one MAG, two sessions behind one Proxy-CoA; the WLAN link dies and its
# prefix moves to the g3 session (HI 2) from the same Proxy-CoA. The run's
# own expectations check sessions, prefixes, flows, the gap and the arrival
# interface; here tshark, the independent judge, checks the wire.
. "$(dirname "$0")/lib.sh"
$PMIPEMU test topologies/fig1-single-mag.xml --out "$TMP/out" | tee "$TMP/stdout"
rc=${PIPESTATUS[0]}
[ "$rc" = 0 ] || fail "pmipemu test exit $rc"
check_leftovers
out=$TMP/out/fig1-single-mag
cap=$out/mag1-eth0.pcap            # MAG1 <-> LMA: every PBU and PBA
for p in "$out"/*.pcap; do tclean "$p"; done

# One line per Mobility Header message: type|src|bu seq|ba seq|status|HI|ATT|MN-LL-ID|HNPs|lifetime
mh() {
  tshark -r "$cap" -Y "mipv6 && !(ipv6.nxt == 41)" -T fields -E separator='|' \
    -e mip6.mhtype -e ipv6.src -e mip6.bu.seqnr -e mip6.ba.seqnr -e mip6.ba.status \
    -e mip6.hi -e mip6.att -e mip6.mnlli.lli -e mip6.nemo.mnp.mnp -e mip6.bu.lifetime \
    2>/dev/null
}
mh > "$TMP/mh"
n_mh=$(wc -l < "$TMP/mh")
n_mip=$(tcount "$cap" 'mipv6')
[ "$n_mh" -ge 4 ] || fail "only $n_mh Mobility Header messages in $cap"
bad=$(tcount "$cap" 'mipv6 && (_ws.malformed || _ws.expert.severity >= "warning")')
[ "$bad" = 0 ] || fail "$bad Mobility Header packets with a malformed/expert warning"
note "$n_mip Mobility Header packets, all dissected cleanly"

# The two first registrations: one per interface, the same Proxy-CoA.
first_src=$(awk -F'|' '$1 == 5 { print $2; exit }' "$TMP/mh")
[ "$first_src" = 2001:db8:1::2 ] || fail "first PBU from '$first_src'"
grep -q '^5|2001:db8:1::2|[0-9]*|||4|4|02000000aa01|::|' "$TMP/mh" ||
  fail "no first PBU for wlan0 (HI 4, ATT 4, MN-LL-ID aa01)"
grep -q '^5|2001:db8:1::2|[0-9]*|||1|8|02000000aa02|::|' "$TMP/mh" ||
  fail "no PBU for g3 as a new interface (HI 1, ATT 8, MN-LL-ID aa02)"

# The handoff PBU: HI 2, g3's MN-LL-ID and ATT, the WLAN prefix among its
# HNPs, a non-zero lifetime, from the same Proxy-CoA as the others.
ho=$(awk -F'|' '$1 == 5 && $6 == 2' "$TMP/mh" | head -1)
[ -n "$ho" ] || fail "no PBU with HI 2"
note "handoff PBU: $ho"
IFS='|' read -r _ src seq _ _ hi att lli hnps life <<< "$ho"
[ "$src" = "$first_src" ] || fail "handoff PBU from $src, not the Proxy-CoA $first_src"
[ "$lli" = 02000000aa02 ] || fail "handoff PBU MN-LL-ID $lli, not g3's"
[ "$att" = 8 ] || fail "handoff PBU ATT $att, not 3GPP E-UTRAN"
case ",$hnps," in *,2001:db8:100:1::,*) ;; *) fail "handoff PBU HNPs $hnps lack the WLAN prefix";; esac
case ",$hnps," in *,2001:db8:100:2::,*) ;; *) fail "handoff PBU HNPs $hnps lack g3's own prefix";; esac
[ "$life" -gt 0 ] || fail "handoff PBU lifetime $life"
# ... and the PBA accepting it, with both prefixes.
pba=$(awk -F'|' -v s="$seq" '$1 == 6 && $4 == s' "$TMP/mh" | head -1)
[ -n "$pba" ] || fail "no PBA for the handoff PBU (seq $seq)"
note "its PBA: $pba"
IFS='|' read -r _ _ _ _ status _ _ _ phnps _ <<< "$pba"
[ "$status" = 0 ] || fail "handoff PBA status $status"
case ",$phnps," in *,2001:db8:100:1::,*) ;; *) fail "handoff PBA HNPs $phnps lack the WLAN prefix";; esac
# No deregistration of the WLAN session between the handoff and the end
# (the move replaced it; shutdown deregisters only the g3 session).
deregs=$(awk -F'|' '$1 == 5 && $10 == 0 && $8 == "02000000aa01"' "$TMP/mh" | wc -l)
[ "$deregs" = 0 ] || fail "$deregs deregistrations of the WLAN interface"

# The WLAN flow's packets reach the MN on g3 after the move (weak host).
g3=$(tcount "$out/mn-g3.pcap" 'udp && ipv6.dst == 2001:db8:100:1:0:ff:fe00:aa01')
[ "$g3" -gt 300 ] || fail "only $g3 WLAN-address packets on the MN's g3"
note "WLAN-address packets delivered on g3: $g3"
echo ok
