/*
 * mn_flow.c - flow selectors of the MN's per-flow policy (draft section 3,
 * appendix B; fields as RFC 6088 traffic selectors: next header,
 * destination prefix, port ranges) and the parse of a new flow's first
 * IPv6 packet.
 *
 * Owns: selector text syntax, matching, and the bounded walk of the IPv6
 * header chain. Must not: know interfaces' state (mn_engine.c decides
 * where a match goes) or touch netfilter (mn_nfq_io.c does).
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include "mn_int.h"

#define IP6_HDR_LEN 40
#define EXT_HDR_MAX 16                   /* extension headers walked at most */

/* ---- text ------------------------------------------------------------------ */

struct proto_name {
	const char *name;
	uint8_t num;
};

static const struct proto_name proto_names[] = {
	{ "any", 0 }, { "tcp", IPPROTO_TCP }, { "udp", IPPROTO_UDP },
	{ "icmpv6", IPPROTO_ICMPV6 }, { "sctp", 132 }, { "udplite", 136 },
};

static const char *proto_to_name(uint8_t num)
{
	for (size_t i = 0; i < sizeof(proto_names) / sizeof(proto_names[0]); i++)
		if (proto_names[i].num == num)
			return proto_names[i].name;
	return NULL;
}

static int parse_proto(const char *w, uint8_t *out)
{
	for (size_t i = 0; i < sizeof(proto_names) / sizeof(proto_names[0]); i++)
		if (!strcmp(proto_names[i].name, w)) {
			*out = proto_names[i].num;
			return 0;
		}
	char *end;
	unsigned long v = strtoul(w, &end, 10);
	if (!isdigit((unsigned char)w[0]) || *end || v > 255)
		return -1;
	*out = (uint8_t)v;
	return 0;
}

static int parse_u16(const char *s, const char **end, uint16_t *out)
{
	char *e;
	if (!isdigit((unsigned char)s[0]))
		return -1;
	unsigned long v = strtoul(s, &e, 10);
	if (v > 65535)
		return -1;
	*out = (uint16_t)v;
	*end = e;
	return 0;
}

/* "N" or "N-M", N <= M */
static int parse_range(const char *w, uint16_t *lo, uint16_t *hi)
{
	const char *e;
	if (parse_u16(w, &e, lo) < 0)
		return -1;
	if (!*e) {
		*hi = *lo;
		return 0;
	}
	if (*e != '-' || parse_u16(e + 1, &e, hi) < 0 || *e || *hi < *lo)
		return -1;
	return 0;
}

static int parse_prefix(const char *w, struct in6_addr *p, uint8_t *plen)
{
	char buf[INET6_ADDRSTRLEN + 8];
	if (strlen(w) >= sizeof(buf))
		return -1;
	strcpy(buf, w);
	char *slash = strchr(buf, '/');
	unsigned long len = 128;
	if (slash) {
		char *e;
		*slash = '\0';
		if (!isdigit((unsigned char)slash[1]))
			return -1;
		len = strtoul(slash + 1, &e, 10);
		if (*e || len > 128)
			return -1;
	}
	struct in6_addr a;
	if (inet_pton(AF_INET6, buf, &a) != 1)
		return -1;
	*plen = (uint8_t)len;
	mn_prefix_mask(p, &a, *plen);
	return 0;
}

static int parse_iface(const char *w, char *out)
{
	if (!w || !w[0] || strlen(w) >= MN_IFNAME_MAX)
		return -1;
	strcpy(out, w);
	return 0;
}

#define WORDS_MAX 16

static size_t split_words(char *buf, char **w)
{
	size_t n = 0;
	char *save = NULL;
	for (char *t = strtok_r(buf, " \t", &save); t && n < WORDS_MAX;
	     t = strtok_r(NULL, " \t", &save))
		w[n++] = t;
	return n;
}

/* One "KEY VALUE" match term at w[*i]; advances *i. */
static int parse_term(char **w, size_t n, size_t *i, struct mn_selector *s,
		      const char **why)
{
	const char *k = w[*i];
	if (*i + 1 >= n) {
		*why = "a match term without its value";
		return -1;
	}
	const char *v = w[++*i];
	++*i;
	if (!strcmp(k, "dst")) {
		s->has_dst = true;
		if (parse_prefix(v, &s->dst, &s->dst_plen) == 0)
			return 0;
		*why = "dst takes an IPv6 prefix";
	} else if (!strcmp(k, "dport")) {
		if (parse_range(v, &s->dport_lo, &s->dport_hi) == 0)
			return 0;
		*why = "dport takes a port or a range N-M";
	} else if (!strcmp(k, "sport")) {
		if (parse_range(v, &s->sport_lo, &s->sport_hi) == 0)
			return 0;
		*why = "sport takes a port or a range N-M";
	} else {
		*why = "unknown match term (dst, dport, sport)";
	}
	return -1;
}

/* "-> IFACE [fallback IFACE]" at w[i]. */
static int parse_target(char **w, size_t n, size_t i, struct mn_selector *s,
			const char **why)
{
	if (i >= n || strcmp(w[i], "->") || parse_iface(i + 1 < n ? w[i + 1] : NULL,
							 s->iface) < 0) {
		*why = "a selector ends with -> IFACE [fallback IFACE]";
		return -1;
	}
	i += 2;
	if (i == n)
		return 0;
	if (i + 2 != n || strcmp(w[i], "fallback") || parse_iface(w[i + 1], s->fallback) < 0) {
		*why = "after -> IFACE only \"fallback IFACE\" may follow";
		return -1;
	}
	if (!strcmp(s->fallback, s->iface)) {
		*why = "the fallback is the preferred interface";
		return -1;
	}
	return 0;
}

int mn_selector_parse(const char *text, struct mn_selector *out, const char **why)
{
	char buf[MN_SEL_TEXT_MAX + 1];
	char *w[WORDS_MAX + 1];
	struct mn_selector s = { .dport_hi = 65535, .sport_hi = 65535 };
	if (strlen(text) > MN_SEL_TEXT_MAX) {
		*why = "selector text too long";
		return -1;
	}
	strcpy(buf, text);
	size_t n = split_words(buf, w), i = 0;
	if (n >= WORDS_MAX) {
		*why = "too many words in the selector";
		return -1;
	}
	if (n > 0 && strcmp(w[0], "->") && strcmp(w[0], "dst") && strcmp(w[0], "dport") &&
	    strcmp(w[0], "sport")) {
		if (parse_proto(w[0], &s.proto) < 0) {
			*why = "unknown protocol (tcp, udp, icmpv6, sctp, udplite, any, 0-255)";
			return -1;
		}
		i = 1;
	}
	while (i < n && strcmp(w[i], "->"))
		if (parse_term(w, n, &i, &s, why) < 0)
			return -1;
	if (parse_target(w, n, i, &s, why) < 0)
		return -1;
	*out = s;
	return 0;
}

static void put(char *buf, size_t cap, size_t *off, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static void put(char *buf, size_t cap, size_t *off, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(buf + (*off < cap ? *off : cap), *off < cap ? cap - *off : 0,
			  fmt, ap);
	va_end(ap);
	if (n > 0)
		*off += (size_t)n;
}

static void put_range(char *buf, size_t cap, size_t *off, const char *k,
		      uint16_t lo, uint16_t hi)
{
	if (lo == 0 && hi == 65535)
		return;
	if (lo == hi)
		put(buf, cap, off, " %s %u", k, lo);
	else
		put(buf, cap, off, " %s %u-%u", k, lo, hi);
}

int mn_selector_format(const struct mn_selector *s, char *buf, size_t cap)
{
	size_t off = 0;
	const char *pn = proto_to_name(s->proto);
	char num[8], pfx[INET6_ADDRSTRLEN + 8];
	snprintf(num, sizeof(num), "%u", s->proto);
	put(buf, cap, &off, "%s", pn ? pn : num);
	if (s->has_dst) {
		mn_fmt_prefix(pfx, sizeof(pfx), &s->dst, s->dst_plen);
		put(buf, cap, &off, " dst %s", pfx);
	}
	put_range(buf, cap, &off, "dport", s->dport_lo, s->dport_hi);
	put_range(buf, cap, &off, "sport", s->sport_lo, s->sport_hi);
	put(buf, cap, &off, " -> %s", s->iface);
	if (s->fallback[0])
		put(buf, cap, &off, " fallback %s", s->fallback);
	if (cap)
		buf[off < cap ? off : cap - 1] = '\0';
	return (int)off;
}

/* ---- matching ------------------------------------------------------------------ */

static bool ports_any(uint16_t lo, uint16_t hi)
{
	return lo == 0 && hi == 65535;
}

bool mn_selector_match(const struct mn_selector *s, const struct mn_flow_key *k)
{
	if (s->proto && s->proto != k->proto)
		return false;
	if (s->has_dst && !mn_prefix_covers(&s->dst, s->dst_plen, &k->dst))
		return false;
	/* a port range cannot match a packet without ports: a later fragment
	 * or a protocol without them has nothing to compare */
	if (!ports_any(s->dport_lo, s->dport_hi) &&
	    (!k->has_ports || k->dport < s->dport_lo || k->dport > s->dport_hi))
		return false;
	if (!ports_any(s->sport_lo, s->sport_hi) &&
	    (!k->has_ports || k->sport < s->sport_lo || k->sport > s->sport_hi))
		return false;
	return true;
}

/* ---- packet ------------------------------------------------------------------ */

static bool has_ports(uint8_t proto)
{
	return proto == IPPROTO_TCP || proto == IPPROTO_UDP || proto == 132 || proto == 136;
}

/* RFC 8200 4.3-4.6: options headers and routing are (8 + 8 * len) octets;
 * the fragment header is 8; RFC 4302 AH is (len + 2) * 4. */
static int ext_len(uint8_t nh, const uint8_t *p, size_t left, size_t *len,
		   bool *later_fragment)
{
	if (nh != IPPROTO_HOPOPTS && nh != IPPROTO_ROUTING && nh != IPPROTO_DSTOPTS &&
	    nh != IPPROTO_FRAGMENT && nh != IPPROTO_AH)
		return 1;                /* the upper-layer header */
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

int mn_flow_key_parse(const uint8_t *p, size_t len, struct mn_flow_key *k,
		      const char **why)
{
	memset(k, 0, sizeof(*k));
	if (len < IP6_HDR_LEN || (p[0] >> 4) != 6) {
		*why = "not an IPv6 packet";
		return -1;
	}
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
