/*
 * tnl.c - RFC 2473 IPv6-in-IPv6 encapsulation helpers.
 *
 * Owns: the tunnel IPv6 header (RFC 2473 5, RFC 8200 3), its checks on
 * receipt, the inner packet's hop limit step. Must not: read past a
 * buffer, allocate, touch sockets or TUN.
 */
#include <string.h>

#include "tnl.h"
#include "wire.h"

int tnl_ip6_check(const uint8_t *pkt, size_t len, const char **why)
{
	if (len < TNL_IP6_HLEN) {
		*why = "IPv6 header truncated";
		return -1;
	}
	if (pkt[0] >> 4 != 6) {
		*why = "IP version is not 6";
		return -1;
	}
	if (wire_get16(pkt + 4) > len - TNL_IP6_HLEN) {
		*why = "IPv6 payload length beyond the packet";
		return -1;
	}
	return 0;
}

int tnl_ip6_src(const uint8_t *pkt, size_t len, struct in6_addr *src)
{
	if (len < TNL_IP6_HLEN)
		return -1;
	memcpy(src->s6_addr, pkt + 8, 16);
	return 0;
}

int tnl_ip6_dst(const uint8_t *pkt, size_t len, struct in6_addr *dst)
{
	if (len < TNL_IP6_HLEN)
		return -1;
	memcpy(dst->s6_addr, pkt + 24, 16);
	return 0;
}

int tnl_ip6_next_header(const uint8_t *pkt, size_t len, uint8_t *nh)
{
	if (len < TNL_IP6_HLEN)
		return -1;
	*nh = pkt[6];
	return 0;
}

/* RFC 2473 5: version 6, traffic class and flow label per entry-point
 * configuration (none here: 0), payload length = the inner packet, next
 * header 41, hop limit = the tunnel hop limit, entry and exit points. */
static void put_outer(uint8_t *h, size_t inner_len,
		      const struct in6_addr *src, const struct in6_addr *dst,
		      uint8_t hop_limit)
{
	wire_put32(h, 6u << 28);
	wire_put16(h + 4, (uint16_t)inner_len);
	h[6] = TNL_NEXT_HEADER_IPV6;
	h[7] = hop_limit;
	memcpy(h + 8, src->s6_addr, 16);
	memcpy(h + 24, dst->s6_addr, 16);
}

static int encap_check(const uint8_t *inner, size_t inner_len, size_t cap)
{
	const char *why;

	if (inner_len > 0xffff || cap < TNL_IP6_HLEN ||
	    cap - TNL_IP6_HLEN < inner_len)
		return -1;
	return tnl_ip6_check(inner, inner_len, &why);
}

int tnl_encap(uint8_t *buf, size_t cap, size_t *len,
	      const struct in6_addr *src, const struct in6_addr *dst,
	      uint8_t hop_limit)
{
	if (encap_check(buf + TNL_IP6_HLEN, *len, cap) < 0)
		return -1;
	put_outer(buf, *len, src, dst, hop_limit);
	*len += TNL_IP6_HLEN;
	return 0;
}

int tnl_encap_copy(const uint8_t *inner, size_t inner_len, uint8_t *out,
		   size_t cap, size_t *out_len, const struct in6_addr *src,
		   const struct in6_addr *dst, uint8_t hop_limit)
{
	if (encap_check(inner, inner_len, cap) < 0)
		return -1;
	memmove(out + TNL_IP6_HLEN, inner, inner_len);
	put_outer(out, inner_len, src, dst, hop_limit);
	*out_len = inner_len + TNL_IP6_HLEN;
	return 0;
}

int tnl_decap(const uint8_t *pkt, size_t len, struct tnl_outer *outer,
	      const uint8_t **inner, size_t *inner_len, const char **why)
{
	uint32_t w;

	if (tnl_ip6_check(pkt, len, why) < 0)
		return -1;
	w = wire_get32(pkt);
	outer->traffic_class = (uint8_t)(w >> 20);
	outer->flow_label = w & 0xfffff;
	outer->payload_len = wire_get16(pkt + 4);
	outer->next_header = pkt[6];
	outer->hop_limit = pkt[7];
	memcpy(outer->src.s6_addr, pkt + 8, 16);
	memcpy(outer->dst.s6_addr, pkt + 24, 16);
	if (outer->next_header != TNL_NEXT_HEADER_IPV6) {
		*why = "outer next header is not 41 (IPv6)";
		return -1;
	}
	*inner = pkt + TNL_IP6_HLEN;
	*inner_len = outer->payload_len;
	if (tnl_ip6_check(*inner, *inner_len, why) < 0)
		return -1;
	return 0;
}

int tnl_hop_limit_dec(uint8_t *pkt, size_t len)
{
	if (len < TNL_IP6_HLEN || pkt[7] <= 1)
		return -1;
	pkt[7]--;
	return 0;
}
