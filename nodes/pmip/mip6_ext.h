/*
 * mip6_ext.h - the two IPv6 extension headers of a Mobile IPv6 home
 * registration: the Home Address destination option (RFC 6275 6.3), which a
 * mobile node's Binding Update carries, and the type 2 Routing Header (RFC
 * 6275 6.4), which the home agent's Binding Acknowledgement carries.
 *
 * Owns: building a whole IPv6 packet (fixed header, at most one of the two
 * extension headers, the Mobility Header) for a socket that sends with
 * IPV6_HDRINCL, and walking those headers on receipt up to the Mobility
 * Header. This kernel has no CONFIG_IPV6_MIP6: it neither inserts nor
 * understands either header, so user space does both (doc/protocol.md
 * "Appendix C"). Must not: touch sockets, read past a buffer, allocate.
 */
#ifndef PMIPEMU_MIP6_EXT_H
#define PMIPEMU_MIP6_EXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <netinet/in.h>

#define MIP6_NH_HOPOPTS   0
#define MIP6_NH_ROUTING   43
#define MIP6_NH_DSTOPTS   60
#define MIP6_NH_MH        135
#define MIP6_OPT_HAO      201      /* Home Address option type, RFC 6275 6.3 */
#define MIP6_RH_TYPE2     2        /* RFC 6275 6.4.1 */
#define MIP6_IP6_HLEN     40

/* The Mobile IPv6 part of one IPv6 packet. */
struct mip6_ext {
	struct in6_addr src;         /* IPv6 header: the care-of address (BU) */
	struct in6_addr dst;         /* IPv6 header: the care-of address (BA) */
	uint8_t hop_limit;
	bool has_hoa;                /* Home Address option present */
	struct in6_addr hoa;
	bool has_rh2;                /* type 2 Routing Header present */
	struct in6_addr rh2_addr;    /* its Home Address */
	uint8_t rh2_segments_left;   /* 1 on the wire (6.4.1) */
};

/* Walk from next header nh over the extension headers in p[0..len) (the
 * octets after the IPv6 header, as a raw socket for protocol 60 or 43
 * receives them) up to the Mobility Header. Fills has_hoa/hoa and has_rh2
 * (src/dst untouched); *mh_off = where the MH starts. Unknown destination
 * options are skipped by their length whatever their action bits (we are
 * the host that processes them, RFC 8200 4.2: an unknown option with
 * action 00 is skipped; the others would have been dropped by our kernel
 * before we read it). Returns 0, or -1 with *why. */
int mip6_ext_walk(uint8_t nh, const uint8_t *p, size_t len, struct mip6_ext *x,
		  size_t *mh_off, const char **why);

/* A whole IPv6 packet pkt[0..len): fixed header, then mip6_ext_walk. */
int mip6_ext_decode(const uint8_t *pkt, size_t len, struct mip6_ext *x,
		    size_t *mh_off, const char **why);

/* The addresses of the MH checksum pseudo-header (RFC 6275 6.1.1): the home
 * address stands for the source when the HAO is present, for the
 * destination when the type 2 RH is ("the final destination"). */
void mip6_ext_pseudo(const struct mip6_ext *x, struct in6_addr *src,
		     struct in6_addr *dst);

/* Build the packet: IPv6 header from x, the HAO (padded so the address sits
 * at 8n+6, 6.3) or the type 2 RH (at most one of the two), then the MH
 * mh[0..mh_len) copied as is (its checksum must already be computed over
 * mip6_ext_pseudo()). Returns the length, or -1 with *why. */
int mip6_ext_encode(const struct mip6_ext *x, const uint8_t *mh, size_t mh_len,
		    uint8_t *buf, size_t cap, const char **why);

#endif
