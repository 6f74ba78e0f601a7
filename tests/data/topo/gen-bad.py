# Generates tests/data/topo/bad/*.xml (run from the tree top). Each file opens
# with one "<!-- E LINE: message -->" line per expected error, in the order
# pmipemu reports them; LINE is that of the first body line containing the
# marker given with the message. test_topo_bad.c asserts them exactly.
import os, re
H1 = '  <node name="h1" kind="host"><interface name="eth0"><address>2001:db8:1::1/64</address></interface></node>'
H2 = '  <node name="h2" kind="host"><interface name="eth0"><address>2001:db8:1::2/64</address></interface></node>'
L1 = '  <link name="l1" a="h1:eth0" b="h2:eth0"/>'
def T(*lines, attrs='name="t"'):
    return ['<topology %s>' % attrs] + list(lines) + ['</topology>']
cases = {}
def case(name, body, errs):
    cases[name] = (body, errs)

case('xml_malformed', T(H1, '  <node name="h2" kind="host">'),
     [(4, 'Opening and ending tag mismatch: node line @3 and topology'), (5, 'Premature end of data in tag topology line @1')])
case('xsd_unknown_element', T(H1, '  <host name="h2"/>'),
     [('<host name', "Element 'host': This element is not expected.")])
case('xsd_bad_node_kind', T('  <node name="h1" kind="server"/>'),
     [('kind="server"', "Element 'node', attribute 'kind': [facet 'enumeration'] The value 'server' is not an element of the set {'host', 'router', 'lma', 'mag', 'mn', 'cn'}.")])
case('xsd_link_without_a', T(H1, '  <link name="l1" b="h1:eth0"/>'),
     [('<link', "Element 'link': The attribute 'a' is required but missing.")])
case('units_bare_time', T(H1, H2, '  <link name="l1" a="h1:eth0" b="h2:eth0">', '    <impair delay="10"/>', '  </link>'),
     [('delay="10"', 'impair delay="10": missing unit (ns, us, ms, s, min)')])
case('units_negative_time', T(H1, H2, L1, '  <timeline>', '    <link-down at="-1s" link="l1"/>', '  </timeline>'),
     [('at="-1s"', 'link-down at="-1s": negative value')])
case('impair_loss_above_100', T(H1, H2, '  <link name="l1" a="h1:eth0" b="h2:eth0">', '    <impair loss="120%"/>', '  </link>'),
     [('loss="120%"', 'impair loss="120%": above 100%')])
case('impair_rate_in_bytes', T(H1, H2, '  <link name="l1" a="h1:eth0" b="h2:eth0">', '    <impair rate="10MB"/>', '  </link>'),
     [('rate="10MB"', 'impair rate="10MB": unknown unit (bit, kbit, Mbit, Gbit)')])
case('link_unknown_node', T(H1, '  <link name="l1" a="h1:eth0" b="h9:eth0"/>'),
     [('<link', 'link "l1" b="h9:eth0": unknown node "h9"')])
case('link_unknown_iface', T(H1, H2, '  <link name="l1" a="h1:eth0" b="h2:eth7"/>'),
     [('<link', 'link "l1" b="h2:eth7": node "h2" has no interface "eth7"')])
case('link_endpoint_syntax', T(H1, '  <link name="l1" a="h1"/>'),
     [('<link', 'link a="h1": expected NODE:IFACE')])
case('iface_on_two_links', T(H1, H2, L1, '  <link name="l2" a="h1:eth0"/>'),
     [('name="l2"', 'interface h1:eth0 is already on link "l1" (line @4)')])
case('link_both_ends_same', T(H1, '  <link name="l1" a="h1:eth0" b="h1:eth0"/>'),
     [('<link', 'link "l1": both ends are h1:eth0')])
case('dup_node', T(H1, '  <node name="h1" kind="router"/>'),
     [('kind="router"', 'duplicate node "h1" (first at line @2)')])
case('dup_iface', T('  <node name="h1" kind="host">', '    <interface name="eth0"/>', '    <interface name="eth0"/>', '  </node>'),
     [(4, 'duplicate interface "eth0" (first at line @3)')])
case('dup_link', T(H1, H2, L1, '  <link name="l1" a="h1:eth0"/>'),
     [('<link name="l1" a="h1:eth0"/>', 'duplicate link "l1" (first at line @4)'),
      ('<link name="l1" a="h1:eth0"/>', 'interface h1:eth0 is already on link "l1" (line @4)')])
case('dup_flow', T(H1, H2, L1, '  <flow id="f" from="h1" to="h2" rate="10pps" stop="2s"/>', '  <flow id="f" from="h2" to="h1" rate="10pps" stop="2s"/>'),
     [('from="h2"', 'duplicate flow "f" (first at line @5)')])
case('dup_process', T('  <node name="h1" kind="host">', '    <process name="p">sleep 1</process>', '    <process name="p">sleep 2</process>', '  </node>'),
     [('sleep 2', 'duplicate process "p" (first at line @3)')])
case('event_after_duration', T(H1, H2, L1, '  <timeline>', '    <link-down at="9s" link="l1"/>', '  </timeline>', attrs='name="t" duration="8s"'),
     [('at="9s"', 'link-down at="9s": after the end of the run (duration="8s")')])
case('event_unknown_link', T(H1, H2, L1, '  <timeline>', '    <link-up at="1s" link="l9"/>', '  </timeline>'),
     [('l9', 'link-up: unknown link "l9"')])
case('event_unknown_process', T(H1, '  <timeline>', '    <start at="1s" node="h1" process="iperf"/>', '  </timeline>'),
     [('iperf', 'start: node "h1" has no process "iperf"')])
case('event_unknown_node', T(H1, '  <timeline>', '    <exec at="1s" node="h7">true</exec>', '  </timeline>'),
     [('h7', 'exec: unknown node "h7"')])
case('move_no_free_end', T(H1, H2,
      '  <node name="h3" kind="host"><interface name="eth0"/></node>',
      L1, '  <timeline>', '    <move at="2s" node="h3" iface="eth0" to="l1"/>', '  </timeline>'),
     [('<move', 'move: link "l1" has no free end at 2s')])
case('move_onto_end_taken_earlier', T(H1,
      '  <node name="h3" kind="host"><interface name="eth0"/></node>',
      '  <node name="h4" kind="host"><interface name="eth0"/></node>',
      '  <link name="l1" a="h1:eth0"/>', '  <timeline>',
      '    <move at="3s" node="h4" iface="eth0" to="l1"/>',
      '    <move at="1s" node="h3" iface="eth0" to="l1"/>', '  </timeline>'),
     [('at="3s"', 'move: link "l1" has no free end at 3s')])
case('move_unknown_iface', T(H1, '  <link name="l1" a="h1:eth0"/>', H2, '  <timeline>', '    <move at="1s" node="h2" iface="wlan0" to="l1"/>', '  </timeline>'),
     [('wlan0', 'move: node "h2" has no interface "wlan0"')])
case('bad_mac', T('  <node name="h1" kind="host"><interface name="eth0" mac="02:00:00:00:01"/></node>'),
     [('mac=', 'interface mac="02:00:00:00:01": bad MAC address (want xx:xx:xx:xx:xx:xx)')])
case('multicast_mac', T('  <node name="h1" kind="host"><interface name="eth0" mac="01:00:5e:00:00:01"/></node>'),
     [('mac=', 'interface mac="01:00:5e:00:00:01": group (multicast) MAC address')])
case('bad_ipv6_via', T('  <node name="h1" kind="host">', '    <interface name="eth0"/>', '    <route dst="::/0" via="2001:db8::zz" dev="eth0"/>', '  </node>'),
     [('<route', 'route via="2001:db8::zz": bad IPv6 address')])
case('address_without_length', T('  <node name="h1" kind="host"><interface name="eth0"><address>2001:db8::1</address></interface></node>'),
     [('<address', 'address "2001:db8::1": missing prefix length (e.g. 2001:db8::1/64)')])
case('route_dst_host_bits', T('  <node name="h1" kind="host">', '    <interface name="eth0"/>', '    <route dst="2001:db8::1/64" dev="eth0"/>', '  </node>'),
     [('<route', 'route dst="2001:db8::1/64": host bits set after the prefix length')])
case('route_unknown_dev', T('  <node name="h1" kind="host">', '    <interface name="eth0"/>', '    <route dst="::/0" via="fe80::1" dev="eth1"/>', '  </node>'),
     [('<route', 'route dev="eth1": node "h1" has no such interface')])
case('flow_unknown_node', T(H1, '  <flow id="f" from="h1" to="h5" rate="10pps" stop="2s"/>'),
     [('<flow', 'flow "f": unknown node to="h5"')])
case('flow_no_address', T(H1, '  <node name="h2" kind="host"><interface name="eth0"/></node>', '  <flow id="f" from="h1" to="h2" rate="10pps" stop="2s"/>'),
     [('<flow', 'flow "f": node "h2" has no global address to send to; give dst=')])
case('flow_stop_before_start', T(H1, H2, '  <flow id="f" from="h1" to="h2" rate="10pps" start="3s" stop="2s"/>'),
     [('<flow', 'flow "f": stop is not after start')])
case('flow_rate_bare', T(H1, H2, '  <flow id="f" from="h1" to="h2" rate="100" stop="2s"/>'),
     [('<flow', 'flow rate="100": missing unit (pps, kpps, Mpps)')])
case('expect_unknown_flow', T(H1, H2, '  <expect kind="delivery" flow="nope" min="0.9"/>'),
     [('<expect', 'expect: unknown flow "nope"')])
case('expect_unknown_link', T(H1, H2, L1, '  <expect kind="link" link="l2" dir="ab" counter="drop_loss" min="1"/>'),
     [('<expect', 'expect: unknown link "l2"')])
case('expect_unknown_exec', T(H1, '  <expect kind="exec" id="q1"/>'),
     [('<expect', 'expect: no <exec id="q1"> in the timeline')])
case('expect_window_reversed', T(H1, H2, '  <flow id="f" from="h1" to="h2" rate="10pps" stop="5s"/>', '  <expect kind="gap" flow="f" max="80ms" from="4s" to="2s"/>'),
     [('<expect', 'expect: window from= is after to=')])
case('expect_without_bound', T(H1, H2, '  <flow id="f" from="h1" to="h2" rate="10pps" stop="5s"/>', '  <expect kind="delivery" flow="f"/>'),
     [('<expect', 'expect kind="delivery": give exactly one of min=, max=, eq=')])
case('pmip_on_host', T('  <node name="h1" kind="host">', '    <pmip address="2001:db8::1"/>', '  </node>'),
     [('<pmip', 'node "h1" (host): <pmip> is only for lma, mag and mn nodes')])
case('mag_without_lma', T('  <node name="mag1" kind="mag">', '    <interface name="eth1"/>', '    <pmip address="2001:db8:f::2">', '      <access iface="eth1"/>', '    </pmip>', '  </node>'),
     [('<pmip', 'mag "mag1": <pmip> needs lma= (the LMA address)')])
case('mag_access_unknown_iface', T('  <node name="mag1" kind="mag">', '    <interface name="eth1"/>', '    <pmip address="2001:db8:f::2" lma="2001:db8:f::1">', '      <access iface="wlan0"/>', '    </pmip>', '  </node>'),
     [('<pmip', 'mag "mag1": access iface="wlan0": no such interface')])
case('dup_mn_id', T('  <node name="lma" kind="lma">', '    <pmip address="2001:db8:f::1">', '      <pool prefix="2001:db8:100::/48" length="64"/>',
      '      <mn id="mn1@example.org"/>', '      <mn id="mn1@example.org" att="wlan"/>', '    </pmip>', '  </node>'),
     [('att="wlan"', 'duplicate MN id "mn1@example.org" (first at line @5)')])
case('lifetime_not_4s_units', T('  <node name="mag1" kind="mag">', '    <interface name="eth1"/>', '    <pmip address="2001:db8:f::2" lma="2001:db8:f::1" lifetime="10s">', '      <access iface="eth1"/>', '    </pmip>', '  </node>'),
     [('<pmip', 'pmip lifetime="10s": must be a multiple of 4s up to 262140s (RFC 6275 6.1.7)')])
case('pmip_attr_wrong_kind', T('  <node name="lma" kind="lma">', '    <pmip address="2001:db8:f::1" lifetime="40s">', '      <pool prefix="2001:db8:100::/48"/>', '    </pmip>', '  </node>'),
     [('<pmip', 'pmip lifetime="40s": not for an lma node')])
case('lma_without_pmip', T('  <node name="lma" kind="lma"/>'),
     [('<node', 'node "lma" (lma): needs a <pmip> element')])
case('att_unknown', T('  <node name="lma" kind="lma">', '    <pmip address="2001:db8:f::1">', '      <pool prefix="2001:db8:100::/48"/>', '      <mn id="a@b" att="5g"/>', '    </pmip>', '  </node>'),
     [('<mn', 'mn att="5g": unknown access technology type (a name such as wlan, ethernet, 3gpp-eutran, or a number 1-255)')])
case('ge_and_bernoulli_loss', T(H1, H2, '  <link name="l1" a="h1:eth0" b="h2:eth0">', '    <impair loss="1%"/>', '    <gilbert-elliott p="1%" r="30%"/>', '  </link>'),
     [('<link', 'link "l1" both directions: both loss= and <gilbert-elliott>; give one loss model')])
case('mtu_below_ipv6_minimum', T('  <node name="h1" kind="host"><interface name="eth0" mtu="1000"/></node>'),
     [('mtu=', 'interface "eth0" mtu="1000": must be 1280-65535 (RFC 8200 5)')])
case('process_stop_before_start', T('  <node name="h1" kind="host">', '    <process name="p" at="3s" stop="1s">sleep 9</process>', '  </node>'),
     [('<process', 'process "p": stop is not after at')])
case('sysctl_path_escape', T('  <node name="h1" kind="host">', '    <sysctl key="../../etc/passwd" value="x"/>', '  </node>'),
     [('<sysctl', 'sysctl key="../../etc/passwd": not a dotted sysctl name')])
case('dup_exec_id', T(H1, '  <timeline>', '    <exec at="1s" node="h1" id="q">true</exec>', '    <exec at="2s" node="h1" id="q">true</exec>', '  </timeline>'),
     [('at="2s"', 'duplicate exec id "q" (first at line @4)')])
case('iface_name_too_long', T('  <node name="h1" kind="host"><interface name="averyveryverylongname0"/></node>'),
     [('<interface', 'interface name="averyveryverylongname0": longer than 15 characters')])
case('many_errors', T(
      '  <node name="h1" kind="host"><interface name="eth0" mac="zz"><address>2001:db8::1/64</address></interface></node>',
      '  <node name="h1" kind="hub"/>',
      '  <link name="l1" a="h1:eth0" b="h2:eth0">',
      '    <impair delay="5" loss="200%"/>',
      '  </link>',
      '  <flow id="f" from="h1" to="h1" rate="10pps" stop="2s"/>',
      '  <timeline>',
      '    <link-down at="1s" link="nolink"/>',
      '  </timeline>',
      '  <expect kind="delivery" flow="g" min="0.9"/>'),
     [('mac="zz"', 'interface mac="zz": bad MAC address (want xx:xx:xx:xx:xx:xx)'),
      ('kind="hub"', "Element 'node', attribute 'kind': [facet 'enumeration'] The value 'hub' is not an element of the set {'host', 'router', 'lma', 'mag', 'mn', 'cn'}."),
      ('kind="hub"', 'duplicate node "h1" (first at line @2)'),
      ('<link', 'link "l1" b="h2:eth0": unknown node "h2"'),
      ('delay="5"', 'impair delay="5": missing unit (ns, us, ms, s, min)'),
      ('delay="5"', 'impair loss="200%": above 100%'),
      ('<flow', 'flow "f": from and to are the same node'),
      ('nolink', 'link-down: unknown link "nolink"'),
      ('<expect', 'expect: unknown flow "g"')])

outdir = 'tests/data/topo/bad'
for name, (body, errs) in cases.items():
    n = len(errs)
    text = '\n'.join(body) + '\n'
    blines = text.split('\n')
    out = []
    for marker, msg in errs:
        ln = None
        if isinstance(marker, int):
            out.append((marker + n, msg)); continue
        for i, l in enumerate(blines):
            if marker.rstrip('\n') in l and (not marker.endswith('\n') or l.endswith(marker.rstrip('\n'))):
                ln = i + 1 + n
                if marker.endswith('\n'):
                    pass
                break
        assert ln, (name, marker)
        out.append((ln, msg))
    with open(os.path.join(outdir, name + '.xml'), 'w') as f:
        for ln, msg in out:
            msg = re.sub(r'line @(\d+)', lambda m: 'line %d' % (int(m.group(1)) + n), msg)
            f.write('<!-- E %d: %s -->\n' % (ln, msg))
        f.write(text)
print(len(cases))
