/*
 * nd.h - Neighbor Discovery Router Solicitation / Router Advertisement,
 * decoded (RFC 4861 4.1, 4.2, 4.6).
 *
 * Owns: the RS/RA codec in nd.c. The MAG decodes an MN's RS to learn its
 * link-layer address (Source Link-layer Address option) and sends RAs
 * carrying the MN's home network prefixes (RFC 5213 6.7). Must not: touch
 * sockets or clocks; the IPv6 hop limit 255 check (RFC 4861 6.1) is the
 * io shell's, which sees the IP header.
 */
#ifndef PMIPEMU_ND_H
#define PMIPEMU_ND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <netinet/in.h>

#include "mh.h"                 /* struct mh_flow */

enum nd_type {
	ND_TYPE_RS = 133,
	ND_TYPE_RA = 134,
};
const char *nd_type_name(unsigned type);

enum nd_opt_type {
	ND_OPT_SLLA = 1,             /* Source Link-layer Address, 4.6.1 */
	ND_OPT_TLLA = 2,
	ND_OPT_PI = 3,               /* Prefix Information, 4.6.2 */
	ND_OPT_MTU = 5,              /* 4.6.4 */
	ND_OPT_EXP_FLOW = 253,       /* RFC 4727 experimental: the MN's flow
	                              * request (ours, doc/protocol.md) */
};
const char *nd_opt_name(unsigned type);

#define ND_RA_M 0x80                 /* Managed address configuration */
#define ND_RA_O 0x40                 /* Other configuration */
#define ND_PI_L 0x80                 /* on-link */
#define ND_PI_A 0x40                 /* autonomous address configuration */

#define ND_LLADDR_MAX 14             /* two 8-octet units minus type/len */
#define ND_PREFIX_MAX 16
#define ND_INFINITE_LIFETIME 0xffffffffu

struct nd_lladdr {
	uint8_t len;                 /* 6 for Ethernet (RFC 2464 6) */
	uint8_t addr[ND_LLADDR_MAX];
};

struct nd_prefix {
	uint8_t len;                 /* prefix length, bits */
	uint8_t flags;               /* ND_PI_L, ND_PI_A */
	uint32_t valid_lifetime_s;
	uint32_t preferred_lifetime_s;
	struct in6_addr prefix;
};

/* The MN's flow request in an RS (nd_flow.c; our design, doc/protocol.md
 * "MN to MAG"): option 253, Kind 1, Scope, then the data of an RFC 6089
 * Flow Identification option without Binding Reference. Kind 2, the
 * request list: Count, then the FIDs of every request the MN keeps on the
 * interface (a request the MAG holds and the list omits is withdrawn). */
#define ND_FLOW_KIND 1
#define ND_FLOW_LIST_KIND 2
#define ND_FLOW_REQ_MAX 8
#define ND_FLOW_LIST_MAX 32
enum nd_flow_scope {
	ND_FLOW_SCOPE_THIS_IFACE = 0,    /* bind the flow to the RS's interface */
	ND_FLOW_SCOPE_ANY_IFACE = 1,     /* "don't mind": any of my interfaces */
};

struct nd_flow_req {
	uint8_t scope;               /* enum nd_flow_scope */
	struct mh_flow f;            /* n_bref 0: the MN knows no BIDs */
};

struct nd_rs {
	bool has_slla;
	struct nd_lladdr slla;
	uint8_t n_flow;
	struct nd_flow_req flow[ND_FLOW_REQ_MAX];
	bool has_flow_list;          /* Kind 2: the requests the MN keeps */
	uint8_t n_flow_list;
	uint16_t flow_list[ND_FLOW_LIST_MAX];
	unsigned n_unknown_opts;
};

/* nd_flow.c: the option's octets o[0..olen) (Type, Length included) <->
 * one request. Decode: 1 = decoded, 0 = another experiment's option
 * (Kind not ours: skip it), -1 with *why. Encode appends at buf[*off..cap),
 * padded to 8 octets. */
int nd_flow_opt_decode(const uint8_t *o, size_t olen, struct nd_flow_req *r,
		       const char **why);
int nd_flow_opt_encode(const struct nd_flow_req *r, uint8_t *buf, size_t cap,
		       size_t *off, const char **why);
/* The request list (Kind 2) of rs: decode 1 / 0 (not Kind 2) / -1 as
 * above, into rs->flow_list; encode appends rs's list. */
int nd_flow_list_decode(const uint8_t *o, size_t olen, struct nd_rs *rs,
			const char **why);
int nd_flow_list_encode(const struct nd_rs *rs, uint8_t *buf, size_t cap,
			size_t *off, const char **why);

struct nd_ra {
	uint8_t cur_hop_limit;
	uint8_t flags;               /* ND_RA_M, ND_RA_O */
	uint16_t router_lifetime_s;
	uint32_t reachable_time_ms;
	uint32_t retrans_timer_ms;
	bool has_slla;
	struct nd_lladdr slla;
	bool has_mtu;
	uint32_t mtu;
	uint8_t n_prefix;
	struct nd_prefix prefix[ND_PREFIX_MAX];
	unsigned n_unknown_opts;
};

/* Decode the ICMPv6 message p[0..len) (from the ICMPv6 Type on). With
 * src/dst non-NULL the ICMPv6 checksum (RFC 4443 2.3) is verified.
 * Return 0, or -1 with *why. The RS rule of RFC 4861 6.1.1 (no SLLA from
 * the unspecified address) needs src, and is checked when src is given. */
int nd_rs_decode(const uint8_t *p, size_t len, const struct in6_addr *src,
		 const struct in6_addr *dst, struct nd_rs *out,
		 const char **why);
int nd_ra_decode(const uint8_t *p, size_t len, const struct in6_addr *src,
		 const struct in6_addr *dst, struct nd_ra *out,
		 const char **why);

/* Encode into buf (cap octets); options in the order SLLA, MTU, PIs. With
 * src/dst the checksum is computed, else left 0 (the kernel fills it on
 * an ICMPv6 raw socket). Return the length or -1 with *why. */
int nd_rs_encode(const struct nd_rs *rs, const struct in6_addr *src,
		 const struct in6_addr *dst, uint8_t *buf, size_t cap,
		 const char **why);
int nd_ra_encode(const struct nd_ra *ra, const struct in6_addr *src,
		 const struct in6_addr *dst, uint8_t *buf, size_t cap,
		 const char **why);

bool nd_ra_equal(const struct nd_ra *a, const struct nd_ra *b);

/* RFC 4291 2.5.1 / RFC 2464 5: the link-local address with the modified
 * EUI-64 interface identifier of a MAC, and back (false when the address
 * is not of that form). A stock Linux host forms its link-local so. */
void nd_ll_from_mac(const uint8_t mac[6], struct in6_addr *ll);
bool nd_mac_from_ll(const struct in6_addr *ll, uint8_t mac[6]);

#endif
