#!/usr/bin/env python3
"""pmip_judge.py - judges the Mobility Header traffic of a pmipemu run:

  pmip_judge.py TOPOLOGY.xml RUN_DIR [--dereg-pba]

reads every pcap of RUN_DIR twice, with tshark and from the raw bytes
(pcap_mh.py), and checks:
  - tshark finds no malformed MH packet and no expert warning or error;
  - tshark and the raw bytes agree on every field (so tshark's reading is
    the one intended);
  - the MH checksum is right (RFC 6275 6.1.1: tshark 4.0 does not check it),
    the header length matches, options are aligned as RFC 5213 8.3/8.7/8.8
    say (HNP 8n+4, Link-local Address 8n+6, Timestamp 8n+2);
  - PBUs (RFC 5213 8.1): A and P set, MN-ID NAI and ATT as the topology says,
    HI, ATT, lifetime, prefixes and sequence as the sending MAG's pbu_sent
    event says, Timestamp present, in the 8.8 format and within a few
    seconds of the capture time, HNP ::/0 on a first registration;
  - PBAs (RFC 5213 8.2): P set, status and lifetime as the LMA's pba_sent
    event, sequence number and timestamp those of a PBU they answer, the
    topology's HNP when accepted;
  - lifetimes: the topology's registrations 3600 s (MAG default), 0 s in
    de-registrations.
Prints one line per finding and exits 1 if any; else a summary and 0.
"""
import json
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from datetime import datetime, timezone

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pcap_mh  # noqa: E402

ATT = {'virtual': 1, 'ppp': 2, 'ethernet': 3, 'wlan': 4, 'wimax': 5,
       '3gpp-geran': 6, '3gpp-utran': 7, '3gpp-eutran': 8}
ALIGN = {22: (8, 4), 26: (8, 6), 27: (8, 2)}    # RFC 5213 8.3, 8.7, 8.8
PBU_A, PBU_P, PBA_P = 0x8000, 0x0200, 0x20
TS_SLACK_S = 5.0
REG_LIFETIME_S = 3600
# epan/proto.h PI_WARN, PI_ERROR: the values of _ws.expert.severity
EXPERT_WARN, EXPERT_ERROR = 0x00600000, 0x00800000

TSHARK_FIELDS = ['frame.number', 'mip6.mhtype', 'mip6.csum', 'mip6.bu.seqnr',
                 'mip6.ba.seqnr', 'mip6.bu.a_flag', 'mip6.bu.p_flag',
                 'mip6.ba.p_flag', 'mip6.ba.status', 'mip6.bu.lifetime',
                 'mip6.ba.lifetime', 'mip6.mnid.subtype', 'mip6.mnid.identifier',
                 'mip6.hi', 'mip6.att', 'mip6.timestamp_tmp',
                 'mip6.nemo.mnp.pfl', 'mip6.nemo.mnp.mnp']
MONTHS = {m: i + 1 for i, m in enumerate('Jan Feb Mar Apr May Jun Jul Aug Sep '
                                         'Oct Nov Dec'.split())}

problems = []


def bad(msg):
    problems.append(msg)
    print('  BAD: ' + msg)


def tshark(pcap, dfilter, fields):
    cmd = ['tshark', '-r', pcap, '-Y', dfilter, '-T', 'fields',
           '-E', 'separator=\t', '-E', 'occurrence=a', '-E', 'aggregator=,']
    for f in fields:
        cmd += ['-e', f]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    return [dict(zip(fields, line.split('\t'))) for line in out.splitlines()]


def tshark_time(s):
    """'Nov 28, 2026 01:25:33.964920043 UTC' -> seconds since 1970."""
    m = re.match(r'(\w{3}) +(\d+), (\d+) (\d+):(\d+):(\d+)(\.\d+)? UTC', s)
    if not m:
        return None
    mon, day, yr, hh, mm, ss, frac = m.groups()
    t = datetime(int(yr), MONTHS[mon], int(day), int(hh), int(mm), int(ss),
                 tzinfo=timezone.utc).timestamp()
    return t + (float(frac) if frac else 0.0)


def topology(path):
    root = ET.parse(path).getroot()
    t = {'mags': {}, 'mn': {}}
    for n in root.iter('node'):
        p = n.find('pmip')
        if p is None:
            continue
        if n.get('kind') == 'lma':
            t['lmaa'] = p.get('address')
            for mn in p.findall('mn'):
                t['mn'][mn.get('id')] = [h.text.strip() for h in mn.findall('hnp')]
        elif n.get('kind') == 'mag':
            att = {mn.get('id'): mn.get('att', 'wlan') for mn in p.findall('mn')}
            t['mags'][p.get('address')] = {
                'node': n.get('name'),
                'att': {k: int(v) if v.isdigit() else ATT[v] for k, v in att.items()}}
    return t


def events(run):
    with open(os.path.join(run, 'events.jsonl')) as f:
        return [json.loads(line) for line in f if line.strip()]


def check_raw(pcap, m):
    where = f'{os.path.basename(pcap)} t={m["time"]:.6f} type {m.get("type")}'
    if 'error' in m:
        bad(f'{where}: {m["error"]}')
        return
    if not m['csum_ok']:
        bad(f'{where}: wrong MH checksum')
    if not m['hdr_len_ok'] or m['len'] % 8:
        bad(f'{where}: header length does not match the {m["len"]} octets')
    for t, off, _ln in m.get('options', []):
        if t < 0:
            bad(f'{where}: an option runs past the message at {off}')
        elif t in ALIGN and off % ALIGN[t][0] != ALIGN[t][1]:
            bad(f'{where}: option {t} at offset {off}, not '
                f'{ALIGN[t][0]}n+{ALIGN[t][1]}')


def agree(where, name, ts_val, raw_val):
    if ts_val != raw_val:
        bad(f'{where}: tshark reads {name}={ts_val!r}, the bytes say {raw_val!r}')


def check_tshark_vs_raw(pcap, row, m):
    where = f'{os.path.basename(pcap)} frame {row["frame.number"]}'
    agree(where, 'type', int(row['mip6.mhtype']), m['type'])
    if m['type'] == 5:
        agree(where, 'seq', int(row['mip6.bu.seqnr']), m['seq'])
        agree(where, 'lifetime_s', int(row['mip6.bu.lifetime']) * 4, m['lifetime_s'])
        agree(where, 'A', row['mip6.bu.a_flag'] in ('1', 'True'), bool(m['flags'] & PBU_A))
        agree(where, 'P', row['mip6.bu.p_flag'] in ('1', 'True'), bool(m['flags'] & PBU_P))
    elif m['type'] == 6:
        agree(where, 'seq', int(row['mip6.ba.seqnr']), m['seq'])
        agree(where, 'status', int(row['mip6.ba.status']), m['status'])
        agree(where, 'lifetime_s', int(row['mip6.ba.lifetime']) * 4, m['lifetime_s'])
        agree(where, 'P', row['mip6.ba.p_flag'] in ('1', 'True'), bool(m['flags'] & PBA_P))
    else:
        return
    agree(where, 'mn_id', row['mip6.mnid.identifier'] or None, m.get('mn_id'))
    agree(where, 'hi', int(row['mip6.hi']) if row['mip6.hi'] else None, m.get('hi'))
    agree(where, 'att', int(row['mip6.att']) if row['mip6.att'] else None, m.get('att'))
    pfx = [f'{a}/{p}' for a, p in zip(row['mip6.nemo.mnp.mnp'].split(','),
                                      row['mip6.nemo.mnp.pfl'].split(',')) if a]
    agree(where, 'hnp', pfx, m.get('hnp', []))
    ts = tshark_time(row['mip6.timestamp_tmp']) if row['mip6.timestamp_tmp'] else None
    if (ts is None) != ('timestamp' not in m) or \
            (ts is not None and abs(ts - m['timestamp']) > 1e-4):
        bad(f'{where}: tshark reads timestamp {ts}, the bytes say {m.get("timestamp")}')


def judge_pcap(pcap):
    """All MH messages of one capture, checked; returns the raw messages.
    One tshark pass a capture: its start-up is most of the cost."""
    where = os.path.basename(pcap)
    rows = tshark(pcap, 'mipv6 || _ws.malformed || _ws.expert.severity >= "warning"',
                  TSHARK_FIELDS + ['_ws.malformed', '_ws.expert.severity', 'icmpv6.type'])
    sev = [max([int(v, 0) for v in r['_ws.expert.severity'].split(',') if v] or [0])
           for r in rows]
    n_bad = sum(1 for r, s in zip(rows, sev) if r['mip6.mhtype'] and
                (r['_ws.malformed'] or s >= EXPERT_WARN))
    if n_bad:
        bad(f'{where}: {n_bad} MH packets malformed or with an expert warning')
    n_err = sum(1 for r, s in zip(rows, sev) if r['_ws.malformed'] or s >= EXPERT_ERROR)
    if n_err:
        bad(f'{where}: {n_err} malformed packets or expert errors')
    # MH messages of their own, not quoted in an ICMPv6 error
    rows = [r for r in rows if r['mip6.mhtype'] and not r['icmpv6.type']]
    raw = list(pcap_mh.frames_mh(pcap))
    if len(rows) != len(raw):
        bad(f'{where}: tshark sees {len(rows)} MH messages, the bytes {len(raw)}')
        return raw
    for row, m in zip(rows, raw):
        check_raw(pcap, m)
        check_tshark_vs_raw(pcap, row, m)
    return raw


def check_pbu(m, topo, evs, where):
    mag = topo['mags'].get(m['src'])
    if mag is None:
        return bad(f'{where}: PBU from {m["src"]}, not a MAG of the topology')
    if m['flags'] & (PBU_A | PBU_P) != PBU_A | PBU_P:
        bad(f'{where}: PBU flags {m["flags"]:#06x} lack A or P (RFC 5213 6.9.1.5)')
    if m.get('mn_id_subtype') != 1 or m.get('mn_id') not in topo['mn']:
        bad(f'{where}: MN-ID {m.get("mn_id_subtype")}/{m.get("mn_id")!r} is not an NAI of the topology')
    att = mag['att'].get(m.get('mn_id'))
    if not m.get('att') or m.get('att') != att:
        bad(f'{where}: ATT {m.get("att")}, the topology says {att}')
    if 'timestamp' not in m:
        bad(f'{where}: no Timestamp option (timestamps are on by default)')
    elif abs(m['timestamp'] - m['time']) > TS_SLACK_S:
        bad(f'{where}: Timestamp {m["timestamp"]:.3f} is {m["timestamp"] - m["time"]:+.3f} s from the capture time')
    want = REG_LIFETIME_S if m['lifetime_s'] else 0
    if m['lifetime_s'] != want:
        bad(f'{where}: lifetime {m["lifetime_s"]} s, expected {want}')
    sent = [e for e in evs if e.get('ev') == 'pbu_sent' and e.get('node') == mag['node']
            and e.get('seq') == m['seq'] and e.get('mn_id') == m.get('mn_id')]
    if not sent:
        return bad(f'{where}: no pbu_sent event of {mag["node"]} with seq {m["seq"]}')
    e = sent[0]
    for k in ('hi', 'att', 'lifetime_s', 'hnp'):
        if e.get(k) != m.get(k):
            bad(f'{where}: {k} on the wire {m.get(k)!r}, the event says {e.get(k)!r}')
    if e.get('kind') == 'registration' and m['lifetime_s'] == 0:
        bad(f'{where}: a registration with lifetime 0')
    if e.get('kind') == 'de-registration' and m['lifetime_s'] != 0:
        bad(f'{where}: a de-registration with lifetime {m["lifetime_s"]}')


def check_pba(m, pbus, topo, evs, where):
    if not m['flags'] & PBA_P:
        bad(f'{where}: PBA without the P flag (RFC 5213 5.3.6)')
    asked = [p for p in pbus if p['src'] == m['dst'] and p['seq'] == m['seq']
             and p.get('mn_id') == m.get('mn_id') and p['time'] <= m['time']]
    if not asked:
        return bad(f'{where}: PBA seq {m["seq"]} to {m["dst"]} answers no PBU')
    pbu = asked[-1]
    if m.get('timestamp') != pbu.get('timestamp'):
        bad(f'{where}: PBA Timestamp {m.get("timestamp")} is not its PBU\'s {pbu.get("timestamp")} (RFC 5213 5.3.6)')
    sent = [e for e in evs if e.get('ev') == 'pba_sent' and e.get('node') == 'lma'
            and e.get('peer') == m['dst'] and e.get('seq') == m['seq']]
    if not sent:
        return bad(f'{where}: no pba_sent event to {m["dst"]} with seq {m["seq"]}')
    for k in ('status', 'lifetime_s'):
        if sent[0].get(k) != m.get(k):
            bad(f'{where}: {k} on the wire {m.get(k)}, the event says {sent[0].get(k)}')
    if m['status'] != 0:
        bad(f'{where}: status {m["status"]} (expected 0: accepted)')
    if m['lifetime_s'] != pbu['lifetime_s']:
        bad(f'{where}: PBA lifetime {m["lifetime_s"]} s for a PBU asking {pbu["lifetime_s"]} s')
    want = topo['mn'].get(m.get('mn_id'))
    if m['status'] == 0 and m.get('hnp') != want:
        bad(f'{where}: PBA HNP {m.get("hnp")}, the topology says {want}')


def main(argv):
    if len(argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    topo, run = topology(argv[0]), argv[1]
    need_dereg_pba = '--dereg-pba' in argv[2:]
    evs = events(run)
    pcaps = sorted(os.path.join(run, f) for f in os.listdir(run) if f.endswith('.pcap'))
    lma_side = []
    for p in pcaps:
        raw = judge_pcap(p)
        # Every MH message crosses one of the LMA's links: judge each once,
        # as captured at the LMA's end.
        if os.path.basename(p).startswith('lma-'):
            lma_side += [(p, m) for m in raw]
    lma_side.sort(key=lambda pm: pm[1]['time'])
    pbus = [m for _p, m in lma_side if m.get('type') == 5]
    pbas = [m for _p, m in lma_side if m.get('type') == 6]
    first = {}
    for p, m in lma_side:
        where = f'{os.path.basename(p)} t={m["time"]:.6f} seq {m.get("seq")}'
        if m.get('type') == 5:
            check_pbu(m, topo, evs, where)
            key = (m['src'], m.get('mn_id'))
            if key not in first:
                first[key] = m
                if m.get('hnp') != ['::/0']:
                    bad(f'{where}: first registration from {m["src"]} asks {m.get("hnp")}, not ::/0 (RFC 5213 6.9.1.1)')
        elif m.get('type') == 6:
            check_pba(m, pbus, topo, evs, where)
    regs = [m for m in pbus if m['lifetime_s']]
    deregs = [m for m in pbus if not m['lifetime_s']]
    if not regs or not [m for m in pbas if m['lifetime_s']]:
        bad('no registration PBU/PBA pair captured at the LMA')
    if not deregs:
        bad('no de-registration PBU captured at the LMA')
    if need_dereg_pba and not [m for m in pbas if not m['lifetime_s']]:
        bad('no PBA answering a de-registration captured at the LMA')
    print(f'  judged {len(pcaps)} captures: {len(pbus)} PBUs ({len(deregs)} de-registrations) '
          f'and {len(pbas)} PBAs at the LMA; {len(problems)} problems')
    return 1 if problems else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
