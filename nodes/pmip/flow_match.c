/*
 * flow_match.c - selectors against packets (flow_sel.h): the flow key of
 * an IPv6 packet, matching, overlap, mirroring, hashing a flow.
 *
 * Owns: the bounded walk of the IPv6 header chain (RFC 8200 4) and the
 * per-field comparisons of RFC 6088 4.3.2. Must not: parse text
 * (flow_sel.c), read clocks or draw random numbers (the hash key is given).
 */
#include "flow_sel.h"

#include <string.h>

#define IP6_HDR_LEN 40
#define EXT_HDR_MAX 16

static bool addr_in(const struct in6_addr *a, const struct in6_addr *lo,
		    const struct in6_addr *hi)
{
	return memcmp(lo, a, 16) <= 0 && memcmp(a, hi, 16) <= 0;
}

static bool in_range(uint32_t v, uint32_t lo, uint32_t hi)
{
	return lo <= v && v <= hi;
}

bool flow_sel_match(const struct flow_sel *s, const struct flow_key *k)
{
	uint32_t f = s->fields;

	if ((f & FLOW_F_PROTO) && s->proto != k->proto)
		return false;
	if ((f & FLOW_F_DST) && !addr_in(&k->dst, &s->dst_lo, &s->dst_hi))
		return false;
	if ((f & FLOW_F_SRC) && !addr_in(&k->src, &s->src_lo, &s->src_hi))
		return false;
	/* a port range cannot match a packet without ports: a later fragment
	 * or a protocol without them has nothing to compare */
	if ((f & FLOW_F_DPORT) && (!k->has_ports || !in_range(k->dport, s->dport_lo, s->dport_hi)))
		return false;
	if ((f & FLOW_F_SPORT) && (!k->has_ports || !in_range(k->sport, s->sport_lo, s->sport_hi)))
		return false;
	if ((f & FLOW_F_FLOW_LABEL) && !in_range(k->flow_label, s->fl_lo, s->fl_hi))
		return false;
	if ((f & FLOW_F_TC) && !in_range(k->tc, s->tc_lo, s->tc_hi))
		return false;
	return true;
}

static bool ranges_meet(uint32_t alo, uint32_t ahi, uint32_t blo, uint32_t bhi)
{
	return alo <= bhi && blo <= ahi;
}

static bool addrs_meet(const struct in6_addr *alo, const struct in6_addr *ahi,
		       const struct in6_addr *blo, const struct in6_addr *bhi)
{
	return memcmp(alo, bhi, 16) <= 0 && memcmp(blo, ahi, 16) <= 0;
}

/* An absent field is the whole range, so it meets anything. */
bool flow_sel_overlap(const struct flow_sel *a, const struct flow_sel *b)
{
	uint32_t both = a->fields & b->fields;

	if ((both & FLOW_F_PROTO) && a->proto != b->proto)
		return false;
	if ((both & FLOW_F_SRC) && !addrs_meet(&a->src_lo, &a->src_hi, &b->src_lo, &b->src_hi))
		return false;
	if ((both & FLOW_F_DST) && !addrs_meet(&a->dst_lo, &a->dst_hi, &b->dst_lo, &b->dst_hi))
		return false;
	if ((both & FLOW_F_SPORT) &&
	    !ranges_meet(a->sport_lo, a->sport_hi, b->sport_lo, b->sport_hi))
		return false;
	if ((both & FLOW_F_DPORT) &&
	    !ranges_meet(a->dport_lo, a->dport_hi, b->dport_lo, b->dport_hi))
		return false;
	if ((both & FLOW_F_FLOW_LABEL) && !ranges_meet(a->fl_lo, a->fl_hi, b->fl_lo, b->fl_hi))
		return false;
	if ((both & FLOW_F_TC) && !ranges_meet(a->tc_lo, a->tc_hi, b->tc_lo, b->tc_hi))
		return false;
	return true;
}

bool flow_sel_equal(const struct flow_sel *a, const struct flow_sel *b)
{
	struct flow_sel x = *a, y = *b;

	/* compare only what each compares: clear the unused fields */
	if (!(x.fields & FLOW_F_SRC)) memset(&x.src_lo, 0, 32);
	if (!(y.fields & FLOW_F_SRC)) memset(&y.src_lo, 0, 32);
	if (!(x.fields & FLOW_F_DST)) memset(&x.dst_lo, 0, 32);
	if (!(y.fields & FLOW_F_DST)) memset(&y.dst_lo, 0, 32);
	return x.fields == y.fields && !memcmp(&x.src_lo, &y.src_lo, 64) &&
	       (!(x.fields & FLOW_F_PROTO) || x.proto == y.proto) &&
	       (!(x.fields & FLOW_F_SPORT) || (x.sport_lo == y.sport_lo && x.sport_hi == y.sport_hi)) &&
	       (!(x.fields & FLOW_F_DPORT) || (x.dport_lo == y.dport_lo && x.dport_hi == y.dport_hi)) &&
	       (!(x.fields & FLOW_F_FLOW_LABEL) || (x.fl_lo == y.fl_lo && x.fl_hi == y.fl_hi)) &&
	       (!(x.fields & FLOW_F_TC) || (x.tc_lo == y.tc_lo && x.tc_hi == y.tc_hi));
}

void flow_sel_mirror(const struct flow_sel *s, struct flow_sel *out)
{
	struct flow_sel m = *s;

	m.fields &= ~(uint32_t)(FLOW_F_SRC | FLOW_F_DST | FLOW_F_SPORT | FLOW_F_DPORT);
	m.src_lo = s->dst_lo;
	m.src_hi = s->dst_hi;
	m.dst_lo = s->src_lo;
	m.dst_hi = s->src_hi;
	m.sport_lo = s->dport_lo;
	m.sport_hi = s->dport_hi;
	m.dport_lo = s->sport_lo;
	m.dport_hi = s->sport_hi;
	if (s->fields & FLOW_F_SRC) m.fields |= FLOW_F_DST;
	if (s->fields & FLOW_F_DST) m.fields |= FLOW_F_SRC;
	if (s->fields & FLOW_F_SPORT) m.fields |= FLOW_F_DPORT;
	if (s->fields & FLOW_F_DPORT) m.fields |= FLOW_F_SPORT;
	*out = m;
}

/* ---- packet ------------------------------------------------------------------ */

static bool has_ports(uint8_t proto)
{
	return proto == IPPROTO_TCP || proto == IPPROTO_UDP || proto == 132 || proto == 136;
}

/* RFC 8200 4.3-4.6: options headers and routing are (8 + 8 * len) octets;
 * the fragment header is 8; RFC 4302 AH is (len + 2) * 4. 1 = upper layer. */
static int ext_len(uint8_t nh, const uint8_t *p, size_t left, size_t *len,
		   bool *later_fragment)
{
	if (nh != IPPROTO_HOPOPTS && nh != IPPROTO_ROUTING && nh != IPPROTO_DSTOPTS &&
	    nh != IPPROTO_FRAGMENT && nh != IPPROTO_AH)
		return 1;
	if (left < 8)
		return -1;
	if (nh == IPPROTO_FRAGMENT) {
		*later_fragment = ((p[2] << 8 | p[3]) & 0xfff8) != 0;
		*len = 8;
	} else if (nh == IPPROTO_AH) {
		*len = ((size_t)p[1] + 2) * 4;
	} else {
		*len = 8 + 8 * (size_t)p[1];
	}
	return 0;
}

int flow_key_parse(const uint8_t *p, size_t len, struct flow_key *k, const char **why)
{
	memset(k, 0, sizeof(*k));
	if (len < IP6_HDR_LEN || (p[0] >> 4) != 6) {
		*why = "not an IPv6 packet";
		return -1;
	}
	k->tc = (uint8_t)((p[0] & 0x0f) << 4 | p[1] >> 4);
	k->flow_label = (uint32_t)(p[1] & 0x0f) << 16 | (uint32_t)p[2] << 8 | p[3];
	memcpy(&k->src, p + 8, 16);
	memcpy(&k->dst, p + 24, 16);
	uint8_t nh = p[6];
	size_t off = IP6_HDR_LEN;
	bool later_fragment = false;
	for (int n = 0; n < EXT_HDR_MAX; n++) {
		size_t hl;
		int r = ext_len(nh, p + off, len - off, &hl, &later_fragment);
		if (r > 0)
			break;
		if (r < 0 || hl > len - off) {
			*why = "truncated extension header";
			return -1;
		}
		nh = p[off];
		off += hl;
		if (later_fragment)
			break;
	}
	k->proto = nh;
	if (!later_fragment && has_ports(nh) && len - off >= 4) {
		k->has_ports = true;
		k->sport = (uint16_t)(p[off] << 8 | p[off + 1]);
		k->dport = (uint16_t)(p[off + 2] << 8 | p[off + 3]);
	}
	return 0;
}

/* The traffic class is left out: DSCP may be re-marked inside a flow. */
uint64_t flow_key_hash(const struct hash_key *key, const struct flow_key *k)
{
	uint8_t b[40];

	memcpy(b, &k->src, 16);
	memcpy(b + 16, &k->dst, 16);
	b[32] = k->proto;
	b[33] = (uint8_t)(k->sport >> 8);
	b[34] = (uint8_t)k->sport;
	b[35] = (uint8_t)(k->dport >> 8);
	b[36] = (uint8_t)k->dport;
	b[37] = (uint8_t)(k->flow_label >> 16);
	b[38] = (uint8_t)(k->flow_label >> 8);
	b[39] = (uint8_t)k->flow_label;
	return hash_siphash24(key, b, sizeof(b));
}

bool flow_key_equal(const struct flow_key *a, const struct flow_key *b)
{
	return !memcmp(&a->src, &b->src, 16) && !memcmp(&a->dst, &b->dst, 16) &&
	       a->proto == b->proto && a->has_ports == b->has_ports &&
	       a->sport == b->sport && a->dport == b->dport &&
	       a->flow_label == b->flow_label && a->tc == b->tc;
}
