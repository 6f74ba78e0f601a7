/*
 * mh_csum.c - the Internet checksum over the IPv6 pseudo-header.
 *
 * Owns: mh_csum6(), used for the Mobility Header (RFC 6275 6.1.1, next
 * header 135) and for ICMPv6 (RFC 4443 2.3, next header 58, by nd.c).
 * Must not: know any message layout; it sums octets.
 */
#include "mh.h"

/* One's complement sum of 16-bit big-endian words; an odd last octet is
 * padded with a zero octet (RFC 1071). */
static uint32_t csum_add(uint32_t sum, const uint8_t *p, size_t len)
{
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)p[i] << 8 | p[i + 1];
	if (len & 1)
		sum += (uint32_t)p[len - 1] << 8;
	return sum;
}

static uint16_t csum_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)sum;
}

/* Pseudo-header (RFC 2460 8.1): source, destination, 32-bit upper-layer
 * packet length, three zero octets, next header. */
uint16_t mh_csum6(const struct in6_addr *src, const struct in6_addr *dst,
		  uint8_t next_header, const uint8_t *data, size_t len)
{
	uint8_t ph[8];
	uint32_t sum = 0;

	ph[0] = (uint8_t)(len >> 24);
	ph[1] = (uint8_t)(len >> 16);
	ph[2] = (uint8_t)(len >> 8);
	ph[3] = (uint8_t)len;
	ph[4] = ph[5] = ph[6] = 0;
	ph[7] = next_header;
	sum = csum_add(sum, src->s6_addr, 16);
	sum = csum_add(sum, dst->s6_addr, 16);
	sum = csum_add(sum, ph, sizeof ph);
	sum = csum_add(sum, data, len);
	return (uint16_t)~csum_fold(sum);
}
