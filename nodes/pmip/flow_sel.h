/*
 * flow_sel.h - flow selectors with the fields of RFC 6088 IPv6 traffic
 * selectors (section 4.3.2: source and destination address ranges, flow
 * label, traffic class, next header, source and destination port ranges),
 * their one text grammar, matching, and the flow key of a packet.
 *
 * Owns: the selector text grammar used everywhere (mnd's -F and
 * <flow-policy>, the LMA's <flow-policy>, `pmipemu ctl lma flow add`),
 * matching a packet's flow key, overlap of two selectors, the bounded parse
 * of an IPv6 packet into a flow key. Must not: know what a selector maps to
 * (an MN interface, an LMA session: the callers' grammar after "->"),
 * touch clocks, sockets or randomness.
 *
 * Grammar (words separated by blanks, each term at most once, any order
 * after the optional protocol):
 *   [PROTO] [src ADDR] [dst ADDR] [sport N[-M]] [dport N[-M]]
 *           [flowlabel N[-M]] [tc N[-M]]
 *   PROTO = tcp | udp | icmpv6 | sctp | udplite | any | 0-255
 *   ADDR  = an IPv6 prefix P/len, an address (= /128), or a range A-B
 * An absent term matches anything (RFC 6088 4.3.2: a field whose flag is
 * clear is not compared).
 */
#ifndef PMIPEMU_FLOW_SEL_H
#define PMIPEMU_FLOW_SEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <netinet/in.h>

#include "hash.h"

/* Which fields a selector compares (RFC 6088 4.3.2 flags A-P, pairwise). */
enum flow_field {
	FLOW_F_SRC       = 1 << 0,      /* A, B: source address range */
	FLOW_F_DST       = 1 << 1,      /* C, D: destination address range */
	FLOW_F_FLOW_LABEL = 1 << 2,     /* G, H */
	FLOW_F_TC        = 1 << 3,      /* I, J: traffic class */
	FLOW_F_PROTO     = 1 << 4,      /* K, L: next header */
	FLOW_F_SPORT     = 1 << 5,      /* M, N */
	FLOW_F_DPORT     = 1 << 6,      /* O, P */
};
const char *flow_field_name(enum flow_field f);

#define FLOW_FLOW_LABEL_MAX 0xfffffu   /* 20 bits (RFC 8200 6) */
#define FLOW_SEL_TEXT_MAX 256
#define FLOW_WORDS_MAX 32

struct flow_sel {
	uint32_t fields;                /* enum flow_field bits */
	struct in6_addr src_lo, src_hi; /* inclusive ranges, network order */
	struct in6_addr dst_lo, dst_hi;
	uint32_t fl_lo, fl_hi;
	uint8_t tc_lo, tc_hi;
	uint8_t proto;                  /* single next header */
	uint16_t sport_lo, sport_hi;
	uint16_t dport_lo, dport_hi;
};

/* What is compared: one packet's header fields. Built by flow_key_parse,
 * or by hand (tests, the LMA's address-only lookups). */
struct flow_key {
	struct in6_addr src, dst;
	uint32_t flow_label;
	uint8_t tc;
	uint8_t proto;                  /* upper-layer protocol after ext headers */
	bool has_ports;
	uint16_t sport, dport;
};

/* Split buf in place into at most max words; returns how many, or max + 1
 * when there were more. */
size_t flow_words_split(char *buf, char **w, size_t max);
/* Parse selector terms from w[*i] on, stopping at the first word that is not
 * a term ("->", the end, or the caller's next keyword); advances *i. An
 * empty selector matches every flow. 0, or -1 with *why naming the field. */
int flow_sel_parse_words(char *const *w, size_t n, size_t *i, struct flow_sel *s,
			 const char **why);
/* A whole text that is only a selector. 0, or -1 with *why. */
int flow_sel_parse(const char *text, struct flow_sel *s, const char **why);
/* The selector as text (the grammar above; "any" when empty). Returns the
 * length it needed (snprintf-like; truncated to cap). */
int flow_sel_format(const struct flow_sel *s, char *buf, size_t cap);

bool flow_sel_match(const struct flow_sel *s, const struct flow_key *k);
/* Could some packet match both? (every field's ranges intersect) */
bool flow_sel_overlap(const struct flow_sel *a, const struct flow_sel *b);
bool flow_sel_equal(const struct flow_sel *a, const struct flow_sel *b);
/* The same flow seen in the other direction: source and destination
 * address and port ranges swapped (RFC 6088 selectors have no direction). */
void flow_sel_mirror(const struct flow_sel *s, struct flow_sel *out);
/* An address range that is exactly a prefix: its length, else -1. */
int flow_range_plen(const struct in6_addr *lo, const struct in6_addr *hi);

/* Parse an IPv6 packet p[0..len): walks hop-by-hop, routing, destination
 * options, fragment and AH headers (RFC 8200 4, RFC 4302), at most 16, to
 * the upper-layer header; ports only from a first fragment. Never reads
 * past len. 0, or -1 with *why. */
int flow_key_parse(const uint8_t *p, size_t len, struct flow_key *k, const char **why);
/* Keyed hash of the fields that identify a flow (addresses, protocol,
 * ports, flow label): the same for every packet of a flow. */
uint64_t flow_key_hash(const struct hash_key *key, const struct flow_key *k);
bool flow_key_equal(const struct flow_key *a, const struct flow_key *b);

#endif
