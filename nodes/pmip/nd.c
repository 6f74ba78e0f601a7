/*
 * nd.c - Router Solicitation / Router Advertisement codec (RFC 4861).
 *
 * Owns: the RS and RA fixed parts (4.1, 4.2), the options the MAG needs
 * (Source Link-layer Address 4.6.1, Prefix Information 4.6.2, MTU 4.6.4),
 * the validity checks of 6.1.1 and 6.1.2 that need no IP header, the
 * ICMPv6 checksum (RFC 4443 2.3). Must not: read past the buffer, touch
 * sockets. Option lengths are in units of 8 octets, including Type and
 * Length; other options are skipped (RFC 4861 4.6) and counted.
 */
#include <string.h>

#include "mh.h"                 /* mh_csum6 */
#include "nd.h"
#include "wire.h"

#define ICMPV6_NEXT_HEADER 58
#define ND_RS_LEN 8
#define ND_RA_LEN 16

const char *nd_type_name(unsigned type)
{
	switch (type) {
	case ND_TYPE_RS: return "ND_TYPE_RS";
	case ND_TYPE_RA: return "ND_TYPE_RA";
	default: return "UNKNOWN";
	}
}

const char *nd_opt_name(unsigned type)
{
	switch (type) {
	case ND_OPT_SLLA: return "ND_OPT_SLLA";
	case ND_OPT_TLLA: return "ND_OPT_TLLA";
	case ND_OPT_PI: return "ND_OPT_PI";
	case ND_OPT_MTU: return "ND_OPT_MTU";
	default: return "UNKNOWN";
	}
}

/* --- decode -------------------------------------------------------------- */

/* Where one walk puts what it finds: an RS has no MTU or prefixes. */
struct nd_sink {
	bool *has_slla;
	struct nd_lladdr *slla;
	struct nd_ra *ra;            /* NULL for an RS */
	unsigned *n_unknown;
	struct nd_rs *rs;            /* NULL for an RA */
};

/* The MN's flow request (nd_flow.c), in an RS only. */
static int dec_flow(struct nd_sink *s, const uint8_t *o, size_t olen,
		    const char **why)
{
	struct nd_rs *rs = s->rs;
	int rc = nd_flow_list_decode(o, olen, rs, why);

	if (rc != 0)
		return rc < 0 ? -1 : 0;
	if (rs->n_flow >= ND_FLOW_REQ_MAX) {
		*why = "more than 8 flow request options";
		return -1;
	}
	rc = nd_flow_opt_decode(o, olen, &rs->flow[rs->n_flow], why);
	if (rc > 0)
		rs->n_flow++;
	else if (rc == 0)
		(*s->n_unknown)++;
	return rc < 0 ? -1 : 0;
}

static int dec_slla(struct nd_sink *s, const uint8_t *o, size_t olen,
		    const char **why)
{
	if (*s->has_slla) {
		*why = "duplicate Source Link-layer Address option";
		return -1;
	}
	if (olen - 2 > ND_LLADDR_MAX) {
		*why = "Source Link-layer Address option too long";
		return -1;
	}
	*s->has_slla = true;
	s->slla->len = (uint8_t)(olen - 2);
	memcpy(s->slla->addr, o + 2, olen - 2);
	return 0;
}

static int dec_mtu(struct nd_ra *ra, const uint8_t *o, size_t olen,
		   const char **why)
{
	if (olen != 8) {
		*why = "MTU option: bad length (1)";
		return -1;
	}
	ra->has_mtu = true;
	ra->mtu = wire_get32(o + 4);
	return 0;
}

static int dec_pi(struct nd_ra *ra, const uint8_t *o, size_t olen,
		  const char **why)
{
	struct nd_prefix *p;

	if (olen != 32) {
		*why = "Prefix Information option: bad length (4)";
		return -1;
	}
	if (o[2] > 128) {
		*why = "Prefix Information option: prefix length over 128";
		return -1;
	}
	if (ra->n_prefix >= ND_PREFIX_MAX) {
		*why = "too many Prefix Information options";
		return -1;
	}
	p = &ra->prefix[ra->n_prefix++];
	p->len = o[2];
	p->flags = o[3];
	p->valid_lifetime_s = wire_get32(o + 4);
	p->preferred_lifetime_s = wire_get32(o + 8);
	memcpy(p->prefix.s6_addr, o + 16, 16);
	return 0;
}

static int dec_opt(struct nd_sink *s, const uint8_t *o, size_t olen,
		   const char **why)
{
	if (o[0] == ND_OPT_SLLA)
		return dec_slla(s, o, olen, why);
	if (o[0] == ND_OPT_MTU && s->ra)
		return dec_mtu(s->ra, o, olen, why);
	if (o[0] == ND_OPT_PI && s->ra)
		return dec_pi(s->ra, o, olen, why);
	if (o[0] == ND_OPT_EXP_FLOW && s->rs)
		return dec_flow(s, o, olen, why);
	(*s->n_unknown)++;
	return 0;
}

static int dec_opts(struct nd_sink *s, const uint8_t *p, size_t off,
		    size_t len, const char **why)
{
	size_t olen;

	while (off < len) {
		if (len - off < 2) {
			*why = "ND option header truncated";
			return -1;
		}
		olen = (size_t)p[off + 1] * 8;
		if (olen == 0) {        /* RFC 4861 6.1.1, 6.1.2: discard */
			*why = "ND option with length zero";
			return -1;
		}
		if (olen > len - off) {
			*why = "ND option length beyond the message";
			return -1;
		}
		if (dec_opt(s, p + off, olen, why) < 0)
			return -1;
		off += olen;
	}
	return 0;
}

static int dec_check(const uint8_t *p, size_t len, size_t min, uint8_t type,
		     const struct in6_addr *src, const struct in6_addr *dst,
		     const char **why)
{
	if (len < min) {
		*why = "ND message truncated";
		return -1;
	}
	if (p[0] != type) {
		*why = "unexpected ICMPv6 Type";
		return -1;
	}
	if (p[1] != 0) {
		*why = "ICMPv6 Code is not 0";
		return -1;
	}
	if (src && dst && mh_csum6(src, dst, ICMPV6_NEXT_HEADER, p, len)) {
		*why = "checksum";
		return -1;
	}
	return 0;
}

int nd_rs_decode(const uint8_t *p, size_t len, const struct in6_addr *src,
		 const struct in6_addr *dst, struct nd_rs *out,
		 const char **why)
{
	struct nd_sink s = { &out->has_slla, &out->slla, NULL,
			     &out->n_unknown_opts, out };

	memset(out, 0, sizeof *out);
	if (dec_check(p, len, ND_RS_LEN, ND_TYPE_RS, src, dst, why) < 0 ||
	    dec_opts(&s, p, ND_RS_LEN, len, why) < 0)
		return -1;
	if (src && IN6_IS_ADDR_UNSPECIFIED(src) && out->has_slla) {
		*why = "Source Link-layer Address option from the unspecified address";
		return -1;
	}
	return 0;
}

int nd_ra_decode(const uint8_t *p, size_t len, const struct in6_addr *src,
		 const struct in6_addr *dst, struct nd_ra *out,
		 const char **why)
{
	struct nd_sink s = { &out->has_slla, &out->slla, out,
			     &out->n_unknown_opts, NULL };

	memset(out, 0, sizeof *out);
	if (dec_check(p, len, ND_RA_LEN, ND_TYPE_RA, src, dst, why) < 0)
		return -1;
	out->cur_hop_limit = p[4];
	out->flags = p[5];
	out->router_lifetime_s = wire_get16(p + 6);
	out->reachable_time_ms = wire_get32(p + 8);
	out->retrans_timer_ms = wire_get32(p + 12);
	return dec_opts(&s, p, ND_RA_LEN, len, why);
}

/* --- encode -------------------------------------------------------------- */

static int enc_room(size_t cap, size_t off, size_t n, const char **why)
{
	if (cap < off || cap - off < n) {
		*why = "buffer too small";
		return -1;
	}
	return 0;
}

static int enc_slla(const struct nd_lladdr *a, uint8_t *buf, size_t cap,
		    size_t *off, const char **why)
{
	size_t olen = (2 + (size_t)a->len + 7) / 8 * 8;

	if (a->len < 1 || a->len > ND_LLADDR_MAX) {
		*why = "Source Link-layer Address: length not 1..14";
		return -1;
	}
	if (enc_room(cap, *off, olen, why) < 0)
		return -1;
	memset(buf + *off, 0, olen);
	buf[*off] = ND_OPT_SLLA;
	buf[*off + 1] = (uint8_t)(olen / 8);
	memcpy(buf + *off + 2, a->addr, a->len);
	*off += olen;
	return 0;
}

static int enc_mtu(uint32_t mtu, uint8_t *buf, size_t cap, size_t *off,
		   const char **why)
{
	if (enc_room(cap, *off, 8, why) < 0)
		return -1;
	buf[*off] = ND_OPT_MTU;
	buf[*off + 1] = 1;
	wire_put16(buf + *off + 2, 0);
	wire_put32(buf + *off + 4, mtu);
	*off += 8;
	return 0;
}

static int enc_pi(const struct nd_prefix *p, uint8_t *buf, size_t cap,
		  size_t *off, const char **why)
{
	uint8_t *o = buf + *off;

	if (p->len > 128) {
		*why = "Prefix Information: prefix length over 128";
		return -1;
	}
	if (enc_room(cap, *off, 32, why) < 0)
		return -1;
	o[0] = ND_OPT_PI;
	o[1] = 4;
	o[2] = p->len;
	o[3] = p->flags;
	wire_put32(o + 4, p->valid_lifetime_s);
	wire_put32(o + 8, p->preferred_lifetime_s);
	wire_put32(o + 12, 0);
	memcpy(o + 16, p->prefix.s6_addr, 16);
	*off += 32;
	return 0;
}

static void enc_csum(uint8_t *buf, size_t len, const struct in6_addr *src,
		     const struct in6_addr *dst)
{
	wire_put16(buf + 2, 0);
	if (src && dst)
		wire_put16(buf + 2, mh_csum6(src, dst, ICMPV6_NEXT_HEADER,
					     buf, len));
}

int nd_rs_encode(const struct nd_rs *rs, const struct in6_addr *src,
		 const struct in6_addr *dst, uint8_t *buf, size_t cap,
		 const char **why)
{
	size_t off = ND_RS_LEN;

	if (enc_room(cap, 0, ND_RS_LEN, why) < 0)
		return -1;
	memset(buf, 0, ND_RS_LEN);
	buf[0] = ND_TYPE_RS;
	if (rs->has_slla && enc_slla(&rs->slla, buf, cap, &off, why) < 0)
		return -1;
	if (rs->n_flow > ND_FLOW_REQ_MAX) {
		*why = "too many flow requests";
		return -1;
	}
	for (unsigned i = 0; i < rs->n_flow; i++)
		if (nd_flow_opt_encode(&rs->flow[i], buf, cap, &off, why) < 0)
			return -1;
	if (rs->has_flow_list && nd_flow_list_encode(rs, buf, cap, &off, why) < 0)
		return -1;
	enc_csum(buf, off, src, dst);
	return (int)off;
}

int nd_ra_encode(const struct nd_ra *ra, const struct in6_addr *src,
		 const struct in6_addr *dst, uint8_t *buf, size_t cap,
		 const char **why)
{
	size_t off = ND_RA_LEN;
	unsigned i;

	if (ra->n_prefix > ND_PREFIX_MAX) {
		*why = "too many prefixes";
		return -1;
	}
	if (enc_room(cap, 0, ND_RA_LEN, why) < 0)
		return -1;
	buf[0] = ND_TYPE_RA;
	buf[1] = 0;
	buf[4] = ra->cur_hop_limit;
	buf[5] = ra->flags;
	wire_put16(buf + 6, ra->router_lifetime_s);
	wire_put32(buf + 8, ra->reachable_time_ms);
	wire_put32(buf + 12, ra->retrans_timer_ms);
	if ((ra->has_slla && enc_slla(&ra->slla, buf, cap, &off, why) < 0) ||
	    (ra->has_mtu && enc_mtu(ra->mtu, buf, cap, &off, why) < 0))
		return -1;
	for (i = 0; i < ra->n_prefix; i++)
		if (enc_pi(&ra->prefix[i], buf, cap, &off, why) < 0)
			return -1;
	enc_csum(buf, off, src, dst);
	return (int)off;
}

bool nd_ra_equal(const struct nd_ra *a, const struct nd_ra *b)
{
	unsigned i;

	if (a->cur_hop_limit != b->cur_hop_limit || a->flags != b->flags ||
	    a->router_lifetime_s != b->router_lifetime_s ||
	    a->reachable_time_ms != b->reachable_time_ms ||
	    a->retrans_timer_ms != b->retrans_timer_ms ||
	    a->has_slla != b->has_slla || a->has_mtu != b->has_mtu ||
	    a->n_prefix != b->n_prefix)
		return false;
	if (a->has_slla && (a->slla.len != b->slla.len ||
			    memcmp(a->slla.addr, b->slla.addr, a->slla.len)))
		return false;
	if (a->has_mtu && a->mtu != b->mtu)
		return false;
	for (i = 0; i < a->n_prefix && i < ND_PREFIX_MAX; i++) {
		const struct nd_prefix *p = &a->prefix[i], *q = &b->prefix[i];

		if (p->len != q->len || p->flags != q->flags ||
		    p->valid_lifetime_s != q->valid_lifetime_s ||
		    p->preferred_lifetime_s != q->preferred_lifetime_s ||
		    memcmp(&p->prefix, &q->prefix, 16))
			return false;
	}
	return true;
}

void nd_ll_from_mac(const uint8_t mac[6], struct in6_addr *ll)
{
	memset(ll, 0, sizeof(*ll));
	ll->s6_addr[0] = 0xfe;
	ll->s6_addr[1] = 0x80;
	ll->s6_addr[8] = mac[0] ^ 0x02;         /* the universal/local bit */
	ll->s6_addr[9] = mac[1];
	ll->s6_addr[10] = mac[2];
	ll->s6_addr[11] = 0xff;
	ll->s6_addr[12] = 0xfe;
	ll->s6_addr[13] = mac[3];
	ll->s6_addr[14] = mac[4];
	ll->s6_addr[15] = mac[5];
}

bool nd_mac_from_ll(const struct in6_addr *ll, uint8_t mac[6])
{
	const uint8_t *b = ll->s6_addr;

	if (b[0] != 0xfe || (b[1] & 0xc0) != 0x80 || b[11] != 0xff || b[12] != 0xfe)
		return false;
	mac[0] = b[8] ^ 0x02;
	mac[1] = b[9];
	mac[2] = b[10];
	mac[3] = b[13];
	mac[4] = b[14];
	mac[5] = b[15];
	return true;
}
