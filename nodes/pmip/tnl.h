/*
 * tnl.h - IPv6-in-IPv6 encapsulation (RFC 2473), as the LMA-MAG
 * bi-directional tunnel uses it (RFC 5213 5.6.1). Pure functions on buffers.
 *
 * Owns: building the tunnel IPv6 header in front of an inner packet,
 * parsing and checking an outer header and finding the inner packet, safe
 * reads of an IPv6 packet's addresses. Must not: touch sockets or TUN
 * devices (the io shells do), or read past a buffer.
 */
#ifndef PMIPEMU_TNL_H
#define PMIPEMU_TNL_H

#include <stddef.h>
#include <stdint.h>
#include <netinet/in.h>

#define TNL_IP6_HLEN 40              /* fixed IPv6 header (RFC 8200 3) */
#define TNL_NEXT_HEADER_IPV6 41      /* IPv6 encapsulated in IPv6 */
/* RFC 2473 6.3: the tunnel hop limit defaults to the IPv6 default
 * (Assigned Numbers, 64). */
#define TNL_DEFAULT_HOP_LIMIT 64

struct tnl_outer {
	struct in6_addr src;         /* tunnel entry point */
	struct in6_addr dst;         /* tunnel exit point */
	uint8_t hop_limit;
	uint8_t traffic_class;
	uint32_t flow_label;         /* 20 bits */
	uint8_t next_header;         /* 41 */
	uint16_t payload_len;
};

/* Prepend a tunnel header in place. On entry the inner packet is at
 * buf[TNL_IP6_HLEN .. TNL_IP6_HLEN + *len) (the caller leaves headroom);
 * on return buf[0 .. *len) is the tunnel packet and *len grew by 40.
 * Traffic class and flow label are 0 (RFC 2473 5, no configuration).
 * Returns 0, or -1 if the inner packet is not a sane IPv6 packet or the
 * result does not fit in cap or in a 16-bit payload length. */
int tnl_encap(uint8_t *buf, size_t cap, size_t *len,
	      const struct in6_addr *src, const struct in6_addr *dst,
	      uint8_t hop_limit);

/* Same, copying inner[0..inner_len) into out. */
int tnl_encap_copy(const uint8_t *inner, size_t inner_len, uint8_t *out,
		   size_t cap, size_t *out_len, const struct in6_addr *src,
		   const struct in6_addr *dst, uint8_t hop_limit);

/* Parse a tunnel packet pkt[0..len): version 6, payload length within the
 * buffer, next header 41 (no extension headers between: we never send
 * them), inner packet sane. *inner points into pkt. Returns 0 or -1 with
 * *why. Trailing octets after the outer payload length are ignored. */
int tnl_decap(const uint8_t *pkt, size_t len, struct tnl_outer *outer,
	      const uint8_t **inner, size_t *inner_len, const char **why);

/* An IPv6 packet's sanity: version 6, header complete, payload length
 * not beyond len. Returns 0 or -1 with *why. */
int tnl_ip6_check(const uint8_t *pkt, size_t len, const char **why);

/* Safe reads of an IPv6 header; -1 if pkt is shorter than 40 octets. */
int tnl_ip6_src(const uint8_t *pkt, size_t len, struct in6_addr *src);
int tnl_ip6_dst(const uint8_t *pkt, size_t len, struct in6_addr *dst);
int tnl_ip6_next_header(const uint8_t *pkt, size_t len, uint8_t *nh);

/* Forwarding an inner packet through the tunnel is one IPv6 hop (RFC 2473
 * 3.1, 3.3): decrement its hop limit. Returns -1 (and leaves it) when the
 * hop limit is 0 or 1: the packet must be dropped with an ICMPv6 Time
 * Exceeded (RFC 4443 3.3) instead. */
int tnl_hop_limit_dec(uint8_t *pkt, size_t len);

#endif
