#!/usr/bin/env python3
"""pcap_mh.py - reads the Mobility Header messages of pcap captures from the
raw bytes, independently of tshark, for the scenario tests.

  pcap_mh.py mh FILE...          one JSON object per MH message (checksum
                                 recomputed, option offsets, decoded fields)
  pcap_mh.py tunnel FILE...      one JSON object per IPv6-in-IPv6 packet
  pcap_mh.py corrupt IN OUT      OUT = IN's first PBU with an option length
                                 that runs past the message (a judge check)

Owns: pcap parsing (classic pcap, us or ns, Ethernet), IPv6 extension header
walk, the MH checksum (RFC 6275 6.1.1: pseudo-header of RFC 8200 8.1) and
option alignment facts. Must not: decide pass or fail (the tests do).
"""
import ipaddress
import json
import struct
import sys

ETH_IPV6 = 0x86DD
NH_MH, NH_IPV6, NH_UDP = 135, 41, 17
EXT_HDRS = (0, 43, 60)          # hop-by-hop, routing, destination options


def read_pcap(path):
    """Yields (time_s, frame bytes); the header tells the byte order and
    whether timestamps are micro- or nanoseconds."""
    with open(path, 'rb') as f:
        data = f.read()
    if len(data) < 24:
        return
    magic = data[:4]
    table = {b'\xd4\xc3\xb2\xa1': ('<', 1e-6), b'\xa1\xb2\xc3\xd4': ('>', 1e-6),
             b'\x4d\x3c\xb2\xa1': ('<', 1e-9), b'\xa1\xb2\x3c\x4d': ('>', 1e-9)}
    if magic not in table:
        raise ValueError(f'{path}: not a pcap file')
    order, frac = table[magic]
    linktype = struct.unpack(order + 'I', data[20:24])[0]
    if linktype != 1:
        raise ValueError(f'{path}: link type {linktype}, expected Ethernet')
    off = 24
    while off + 16 <= len(data):
        sec, sub, incl, _orig = struct.unpack(order + 'IIII', data[off:off + 16])
        off += 16
        yield sec + sub * frac, data[off:off + incl]
        off += incl


def ipv6_of_frame(frame):
    if len(frame) < 14 + 40 or struct.unpack('!H', frame[12:14])[0] != ETH_IPV6:
        return None
    return frame[14:]


def upper_layer(ip6):
    """(next header, payload) after the extension headers we know."""
    if len(ip6) < 40 or ip6[0] >> 4 != 6:
        return None, b''
    plen = struct.unpack('!H', ip6[4:6])[0]
    nh, p = ip6[6], ip6[40:40 + plen]
    while nh in EXT_HDRS and len(p) >= 8:
        hlen = (p[1] + 1) * 8
        nh, p = p[0], p[hlen:]
    return nh, p


def csum16(b):
    if len(b) % 2:
        b += b'\0'
    s = sum(struct.unpack('!%dH' % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return s


def mh_checksum_ok(src, dst, mh):
    """RFC 6275 6.1.1: one's complement sum over the pseudo-header and the
    whole MH (checksum field included) is 0xffff when correct."""
    pseudo = src + dst + struct.pack('!IxxxB', len(mh), NH_MH)
    return csum16(pseudo + mh) == 0xffff


def addr(b):
    return str(ipaddress.IPv6Address(bytes(b)))


def options(mh, start):
    """[(type, offset from the MH start, length)], stopping at a length that
    runs past the message (reported as an option of type -1)."""
    out, off, end = [], start, min(len(mh), (mh[1] + 1) * 8)
    while off < end:
        t = mh[off]
        if t == 0:
            out.append((0, off, 0))
            off += 1
            continue
        if off + 2 > end or off + 2 + mh[off + 1] > end:
            out.append((-1, off, 0))
            break
        out.append((t, off, mh[off + 1]))
        off += 2 + mh[off + 1]
    return out


def decode_option(d, mh, t, off, ln):
    v = mh[off + 2:off + 2 + ln]
    if t == 8 and ln >= 1:                              # MN-ID (RFC 4283)
        d['mn_id'] = v[1:].decode('utf-8', 'replace')
        d['mn_id_subtype'] = v[0]
    elif t == 22 and ln == 18:                          # HNP (5213 8.3)
        d.setdefault('hnp', []).append(f'{addr(v[2:18])}/{v[1]}')
    elif t == 23 and ln == 2:                           # HI (5213 8.4)
        d['hi'] = v[1]
    elif t == 24 and ln == 2:                           # ATT (5213 8.5)
        d['att'] = v[1]
    elif t == 25 and ln >= 2:                           # MN-LL-ID (5213 8.6)
        d['ll_id'] = v[2:].hex()
    elif t == 26 and ln == 16:                          # Link-local (5213 8.7)
        d['link_local'] = addr(v)
    elif t == 27 and ln == 8:                           # Timestamp (5213 8.8)
        raw = struct.unpack('!Q', v)[0]
        d['timestamp'] = (raw >> 16) + (raw & 0xffff) / 65536.0


def decode_mh(time_s, src, dst, mh):
    d = {'time': time_s, 'src': addr(src), 'dst': addr(dst), 'len': len(mh)}
    if len(mh) < 6:
        d['error'] = 'shorter than the MH header'
        return d
    d['type'] = mh[2]
    d['hdr_len_ok'] = (mh[1] + 1) * 8 == len(mh)
    d['csum_ok'] = mh_checksum_ok(src, dst, mh)
    start = None
    if mh[2] == 5 and len(mh) >= 12:                    # PBU (5213 8.1)
        seq, flags, lt = struct.unpack('!HHH', mh[6:12])
        d.update(seq=seq, flags=flags, lifetime_s=lt * 4, start=12)
        start = 12
    elif mh[2] == 6 and len(mh) >= 12:                  # PBA (5213 8.2)
        st, fl, seq, lt = struct.unpack('!BBHH', mh[6:12])
        d.update(status=st, flags=fl, seq=seq, lifetime_s=lt * 4)
        start = 12
    elif mh[2] == 19 and len(mh) >= 10:                 # UPN (RFC 7077 4.1)
        seq, reason, fl = struct.unpack('!HBB', mh[6:10])
        d.update(seq=seq, reason=reason, flags=fl)
        start = 10
    elif mh[2] == 20 and len(mh) >= 10:                 # UPA (RFC 7077 4.2)
        seq, st, rsv = struct.unpack('!HBB', mh[6:10])
        d.update(seq=seq, status=st, reserved=rsv)
        start = 10
    if start is not None:
        opts = options(mh, start)
        d['options'] = [[t, off, ln] for t, off, ln in opts]
        for t, off, ln in opts:
            if t > 0:
                decode_option(d, mh, t, off, ln)
    return d


def frames_mh(path):
    for time_s, fr in read_pcap(path):
        ip6 = ipv6_of_frame(fr)
        if ip6 is None:
            continue
        nh, p = upper_layer(ip6)
        if nh == NH_MH:
            yield decode_mh(time_s, ip6[8:24], ip6[24:40], p)


def frames_tunnel(path):
    for time_s, fr in read_pcap(path):
        ip6 = ipv6_of_frame(fr)
        if ip6 is None:
            continue
        nh, inner = upper_layer(ip6)
        if nh != NH_IPV6 or len(inner) < 40:
            continue
        inh, ip = upper_layer(inner)
        d = {'time': time_s, 'outer_src': addr(ip6[8:24]),
             'outer_dst': addr(ip6[24:40]), 'inner_src': addr(inner[8:24]),
             'inner_dst': addr(inner[24:40]), 'inner_nh': inh}
        if inh == NH_UDP and len(ip) >= 8:
            d['dport'] = struct.unpack('!H', ip[2:4])[0]
        yield d


def corrupt(src_path, dst_path):
    """Copies the capture's header and its first PBU, whose first option's
    length is made to run past the end of the message."""
    with open(src_path, 'rb') as f:
        data = f.read()
    order = '<' if data[:4] in (b'\xd4\xc3\xb2\xa1', b'\x4d\x3c\xb2\xa1') else '>'
    off = 24
    while off + 16 <= len(data):
        incl = struct.unpack(order + 'I', data[off + 8:off + 12])[0]
        rec, fr = data[off:off + 16], bytearray(data[off + 16:off + 16 + incl])
        off += 16 + incl
        ip6 = ipv6_of_frame(bytes(fr))
        if ip6 is None or ip6[6] != NH_MH or len(ip6) < 40 + 14 or ip6[42] != 5:
            continue
        fr[14 + 40 + 12 + 1] = 200       # option length 200 > message
        with open(dst_path, 'wb') as f:
            f.write(data[:24] + rec + bytes(fr))
        return 0
    print(f'{src_path}: no PBU to corrupt', file=sys.stderr)
    return 1


def main(argv):
    if len(argv) >= 2 and argv[0] in ('mh', 'tunnel'):
        gen = frames_mh if argv[0] == 'mh' else frames_tunnel
        for path in argv[1:]:
            for d in gen(path):
                d['pcap'] = path
                print(json.dumps(d))
        return 0
    if len(argv) == 3 and argv[0] == 'corrupt':
        return corrupt(argv[1], argv[2])
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
