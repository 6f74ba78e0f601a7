/*
 * mip6_ext.c - Home Address option and type 2 Routing Header (RFC 6275
 * 6.3, 6.4) around a Mobility Header; see mip6_ext.h.
 *
 * Layouts (RFC 6275):
 *   Destination Options header (RFC 8200 4.6): Next Header, Hdr Ext Len
 *   (8-octet units after the first 8), options. We send PadN(4) then the
 *   HAO: type 201 at offset 6 (8n+6), length 16, the home address.
 *   Type 2 Routing Header (6.4.1): Next Header, Hdr Ext Len 2, Routing
 *   Type 2, Segments Left 1, Reserved (4), Home Address.
 */
#include <string.h>

#include "mip6_ext.h"
#include "wire.h"

#define HAO_LEN        16
#define DSTOPTS_LEN    24      /* 2 + PadN(2+2) + HAO(2+16) */
#define RH2_LEN        24
#define EXT_HOPS_MAX   4       /* extension headers walked before the MH */

/* Options of a Destination Options header at p[2..hlen). */
static int walk_dstopts(const uint8_t *p, size_t hlen, struct mip6_ext *x,
			const char **why)
{
	size_t o = 2;

	while (o < hlen) {
		if (p[o] == 0) {               /* Pad1 */
			o++;
			continue;
		}
		if (o + 2 > hlen || o + 2 + (size_t)p[o + 1] > hlen) {
			*why = "destination option beyond its header";
			return -1;
		}
		if (p[o] == MIP6_OPT_HAO) {
			if (p[o + 1] != HAO_LEN) {
				*why = "Home Address option length is not 16";
				return -1;
			}
			if (x->has_hoa) {
				*why = "two Home Address options";   /* 6.3 */
				return -1;
			}
			x->has_hoa = true;
			memcpy(&x->hoa, p + o + 2, sizeof(x->hoa));
		}
		o += 2 + (size_t)p[o + 1];
	}
	return 0;
}

/* 6.4.1: a type 2 RH has exactly one address, Segments Left 1 (0 once the
 * home address has been swapped in, which we accept too). */
static int walk_rh(const uint8_t *p, size_t hlen, struct mip6_ext *x, const char **why)
{
	if (p[2] != MIP6_RH_TYPE2) {
		*why = "Routing Header type is not 2";
		return -1;
	}
	if (hlen != RH2_LEN || p[3] > 1) {
		*why = "type 2 Routing Header: Hdr Ext Len not 2 or Segments Left above 1";
		return -1;
	}
	if (x->has_rh2) {
		*why = "two type 2 Routing Headers";
		return -1;
	}
	x->has_rh2 = true;
	x->rh2_segments_left = p[3];
	memcpy(&x->rh2_addr, p + 8, sizeof(x->rh2_addr));
	return 0;
}

int mip6_ext_walk(uint8_t nh, const uint8_t *p, size_t len, struct mip6_ext *x,
		  size_t *mh_off, const char **why)
{
	size_t off = 0;

	for (unsigned hop = 0; hop < EXT_HOPS_MAX && nh != MIP6_NH_MH; hop++) {
		if (nh != MIP6_NH_DSTOPTS && nh != MIP6_NH_ROUTING) {
			*why = "no Mobility Header after the extension headers";
			return -1;
		}
		if (len - off < 8) {
			*why = "extension header truncated";
			return -1;
		}
		size_t hlen = ((size_t)p[off + 1] + 1) * 8;

		if (hlen > len - off) {
			*why = "Hdr Ext Len beyond the packet";
			return -1;
		}
		int rc = nh == MIP6_NH_DSTOPTS ? walk_dstopts(p + off, hlen, x, why) :
			 walk_rh(p + off, hlen, x, why);

		if (rc < 0)
			return -1;
		nh = p[off];
		off += hlen;
	}
	if (nh != MIP6_NH_MH) {
		*why = "too many extension headers before the Mobility Header";
		return -1;
	}
	*mh_off = off;
	return 0;
}

int mip6_ext_decode(const uint8_t *pkt, size_t len, struct mip6_ext *x,
		    size_t *mh_off, const char **why)
{
	size_t off;

	memset(x, 0, sizeof(*x));
	if (len < MIP6_IP6_HLEN || (pkt[0] >> 4) != 6) {
		*why = "not an IPv6 packet";
		return -1;
	}
	size_t plen = wire_get16(pkt + 4);

	if (plen > len - MIP6_IP6_HLEN) {
		*why = "Payload Length beyond the packet";
		return -1;
	}
	x->hop_limit = pkt[7];
	memcpy(&x->src, pkt + 8, 16);
	memcpy(&x->dst, pkt + 24, 16);
	if (mip6_ext_walk(pkt[6], pkt + MIP6_IP6_HLEN, plen, x, &off, why) < 0)
		return -1;
	*mh_off = MIP6_IP6_HLEN + off;
	return 0;
}

void mip6_ext_pseudo(const struct mip6_ext *x, struct in6_addr *src,
		     struct in6_addr *dst)
{
	*src = x->has_hoa ? x->hoa : x->src;
	*dst = x->has_rh2 ? x->rh2_addr : x->dst;
}

static void put_dstopts(uint8_t *p, const struct in6_addr *hoa)
{
	p[0] = MIP6_NH_MH;
	p[1] = DSTOPTS_LEN / 8 - 1;
	p[2] = 1;                      /* PadN with 2 octets of data ... */
	p[3] = 2;
	p[4] = 0;
	p[5] = 0;
	p[6] = MIP6_OPT_HAO;           /* ... so the option Type is at 8n+6
					* (6.3, RFC 8200 4.2 alignment) */
	p[7] = HAO_LEN;
	memcpy(p + 8, hoa, HAO_LEN);
}

static void put_rh2(uint8_t *p, const struct in6_addr *hoa, uint8_t segs)
{
	p[0] = MIP6_NH_MH;
	p[1] = RH2_LEN / 8 - 1;
	p[2] = MIP6_RH_TYPE2;
	p[3] = segs;
	wire_put32(p + 4, 0);
	memcpy(p + 8, hoa, 16);
}

int mip6_ext_encode(const struct mip6_ext *x, const uint8_t *mh, size_t mh_len,
		    uint8_t *buf, size_t cap, const char **why)
{
	size_t ext = x->has_hoa ? DSTOPTS_LEN : x->has_rh2 ? RH2_LEN : 0;
	size_t total = MIP6_IP6_HLEN + ext + mh_len;

	if (x->has_hoa && x->has_rh2) {
		*why = "both a Home Address option and a type 2 Routing Header";
		return -1;
	}
	if (total > cap || ext + mh_len > 0xffff) {
		*why = "buffer too small";
		return -1;
	}
	wire_put32(buf, 6u << 28);
	wire_put16(buf + 4, (uint16_t)(ext + mh_len));
	buf[6] = x->has_hoa ? MIP6_NH_DSTOPTS : x->has_rh2 ? MIP6_NH_ROUTING : MIP6_NH_MH;
	buf[7] = x->hop_limit ? x->hop_limit : 64;
	memcpy(buf + 8, &x->src, 16);
	memcpy(buf + 24, &x->dst, 16);
	if (x->has_hoa)
		put_dstopts(buf + MIP6_IP6_HLEN, &x->hoa);
	else if (x->has_rh2)
		put_rh2(buf + MIP6_IP6_HLEN, &x->rh2_addr, 1);
	memcpy(buf + MIP6_IP6_HLEN + ext, mh, mh_len);
	return (int)total;
}
