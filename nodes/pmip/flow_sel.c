/*
 * flow_sel.c - the selector text grammar (flow_sel.h): parse and format.
 *
 * Owns: words, terms, ranges, address forms. Must not: match packets
 * (flow_match.c does), know what a selector maps to.
 */
#include "flow_sel.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *flow_field_name(enum flow_field f)
{
	switch (f) {
	case FLOW_F_SRC: return "src";
	case FLOW_F_DST: return "dst";
	case FLOW_F_FLOW_LABEL: return "flowlabel";
	case FLOW_F_TC: return "tc";
	case FLOW_F_PROTO: return "proto";
	case FLOW_F_SPORT: return "sport";
	case FLOW_F_DPORT: return "dport";
	}
	return "?";
}

struct proto_name {
	const char *name;
	uint8_t num;
};

static const struct proto_name proto_names[] = {
	{ "tcp", IPPROTO_TCP }, { "udp", IPPROTO_UDP }, { "icmpv6", IPPROTO_ICMPV6 },
	{ "sctp", 132 }, { "udplite", 136 },
};
#define N_PROTO (sizeof(proto_names) / sizeof(proto_names[0]))

size_t flow_words_split(char *buf, char **w, size_t max)
{
	size_t n = 0;
	char *save = NULL;

	for (char *t = strtok_r(buf, " \t\r\n", &save); t; t = strtok_r(NULL, " \t\r\n", &save)) {
		if (n == max)
			return max + 1;
		w[n++] = t;
	}
	return n;
}

/* A decimal number <= max, the whole word. */
static int parse_num(const char *s, const char **end, unsigned long max, unsigned long *out)
{
	char *e;

	if (!isdigit((unsigned char)s[0]))
		return -1;
	unsigned long v = strtoul(s, &e, 10);
	if (v > max || e - s > 10)
		return -1;
	*out = v;
	*end = e;
	return 0;
}

/* "N" or "N-M", N <= M <= max */
static int parse_range(const char *w, unsigned long max, uint32_t *lo, uint32_t *hi)
{
	const char *e;
	unsigned long a, b;

	if (parse_num(w, &e, max, &a) < 0)
		return -1;
	b = a;
	if (*e && (*e != '-' || parse_num(e + 1, &e, max, &b) < 0 || b < a))
		return -1;
	if (*e)
		return -1;
	*lo = (uint32_t)a;
	*hi = (uint32_t)b;
	return 0;
}

static void prefix_range(const struct in6_addr *a, unsigned plen, struct in6_addr *lo,
			 struct in6_addr *hi)
{
	for (unsigned i = 0; i < 16; i++) {
		unsigned bits = plen > 8 * i ? plen - 8 * i : 0;
		uint8_t mask = bits >= 8 ? 0xff : (uint8_t)(0xff00 >> bits);

		lo->s6_addr[i] = a->s6_addr[i] & mask;
		hi->s6_addr[i] = (uint8_t)(a->s6_addr[i] | (uint8_t)~mask);
	}
}

static int parse_addr1(const char *s, size_t len, struct in6_addr *a)
{
	char buf[INET6_ADDRSTRLEN];

	if (len == 0 || len >= sizeof(buf))
		return -1;
	memcpy(buf, s, len);
	buf[len] = '\0';
	return inet_pton(AF_INET6, buf, a) == 1 ? 0 : -1;
}

/* P/len, A (a /128) or A-B with A <= B */
static int parse_addr(const char *w, struct in6_addr *lo, struct in6_addr *hi)
{
	const char *slash = strchr(w, '/'), *dash = strchr(w, '-');
	struct in6_addr a;

	if (dash) {
		if (slash || parse_addr1(w, (size_t)(dash - w), lo) < 0 ||
		    parse_addr1(dash + 1, strlen(dash + 1), hi) < 0)
			return -1;
		return memcmp(lo, hi, sizeof(*lo)) <= 0 ? 0 : -1;
	}
	unsigned long plen = 128;
	const char *e;
	if (slash && (parse_num(slash + 1, &e, 128, &plen) < 0 || *e))
		return -1;
	if (parse_addr1(w, slash ? (size_t)(slash - w) : strlen(w), &a) < 0)
		return -1;
	prefix_range(&a, (unsigned)plen, lo, hi);
	return 0;
}

static int parse_proto(const char *w, struct flow_sel *s)
{
	unsigned long v;
	const char *e;

	if (!strcmp(w, "any"))
		return 0;
	for (size_t i = 0; i < N_PROTO; i++)
		if (!strcmp(proto_names[i].name, w)) {
			s->proto = proto_names[i].num;
			s->fields |= FLOW_F_PROTO;
			return 0;
		}
	if (parse_num(w, &e, 255, &v) < 0 || *e)
		return -1;
	s->proto = (uint8_t)v;
	s->fields |= FLOW_F_PROTO;
	return 0;
}

static int term_field(const char *k)
{
	static const enum flow_field f[] = { FLOW_F_SRC, FLOW_F_DST, FLOW_F_SPORT,
					     FLOW_F_DPORT, FLOW_F_FLOW_LABEL, FLOW_F_TC };

	for (size_t i = 0; i < sizeof(f) / sizeof(f[0]); i++)
		if (!strcmp(k, flow_field_name(f[i])))
			return (int)f[i];
	return 0;
}

/* The value v of field f into s. */
static int parse_value(enum flow_field f, const char *v, struct flow_sel *s, const char **why)
{
	uint32_t lo = 0, hi = 0;
	int r = 0;

	switch (f) {
	case FLOW_F_SRC: r = parse_addr(v, &s->src_lo, &s->src_hi); break;
	case FLOW_F_DST: r = parse_addr(v, &s->dst_lo, &s->dst_hi); break;
	case FLOW_F_SPORT:
	case FLOW_F_DPORT:
	case FLOW_F_FLOW_LABEL:
	case FLOW_F_TC:
	case FLOW_F_PROTO: {
		unsigned long max = f == FLOW_F_TC ? 255 : f == FLOW_F_FLOW_LABEL ?
				    FLOW_FLOW_LABEL_MAX : 65535;
		r = parse_range(v, max, &lo, &hi);
		if (r == 0 && f == FLOW_F_SPORT) { s->sport_lo = (uint16_t)lo; s->sport_hi = (uint16_t)hi; }
		if (r == 0 && f == FLOW_F_DPORT) { s->dport_lo = (uint16_t)lo; s->dport_hi = (uint16_t)hi; }
		if (r == 0 && f == FLOW_F_FLOW_LABEL) { s->fl_lo = lo; s->fl_hi = hi; }
		if (r == 0 && f == FLOW_F_TC) { s->tc_lo = (uint8_t)lo; s->tc_hi = (uint8_t)hi; }
		break;
	}
	}
	if (r < 0) {
		*why = f == FLOW_F_SRC ? "src takes an IPv6 prefix, address or range A-B" :
		       f == FLOW_F_DST ? "dst takes an IPv6 prefix, address or range A-B" :
		       f == FLOW_F_SPORT ? "sport takes a port or a range N-M (0-65535)" :
		       f == FLOW_F_DPORT ? "dport takes a port or a range N-M (0-65535)" :
		       f == FLOW_F_FLOW_LABEL ? "flowlabel takes N or N-M (0-1048575)" :
		       "tc takes a traffic class or a range N-M (0-255)";
		return -1;
	}
	s->fields |= f;
	return 0;
}

static const char *no_value(enum flow_field f)
{
	switch (f) {
	case FLOW_F_SRC: return "src without its value";
	case FLOW_F_DST: return "dst without its value";
	case FLOW_F_SPORT: return "sport without its value";
	case FLOW_F_DPORT: return "dport without its value";
	case FLOW_F_FLOW_LABEL: return "flowlabel without its value";
	case FLOW_F_TC: return "tc without its value";
	case FLOW_F_PROTO: break;
	}
	return "a selector term without its value";
}

int flow_sel_parse_words(char *const *w, size_t n, size_t *i, struct flow_sel *out,
			 const char **why)
{
	struct flow_sel s = { 0 };

	if (*i < n && !term_field(w[*i]) && strcmp(w[*i], "->")) {
		if (parse_proto(w[*i], &s) == 0) {
			++*i;
		} else if (isdigit((unsigned char)w[*i][0])) {
			*why = "protocol is tcp, udp, icmpv6, sctp, udplite, any or 0-255";
			return -1;
		}
	}
	for (int f; *i < n && (f = term_field(w[*i])); *i += 2) {
		if (s.fields & (uint32_t)f) {
			*why = "a selector names a field twice";
			return -1;
		}
		if (*i + 1 >= n) {
			*why = no_value((enum flow_field)f);
			return -1;
		}
		if (parse_value((enum flow_field)f, w[*i + 1], &s, why) < 0)
			return -1;
	}
	*out = s;
	return 0;
}

int flow_sel_parse(const char *text, struct flow_sel *s, const char **why)
{
	char buf[FLOW_SEL_TEXT_MAX + 1];
	char *w[FLOW_WORDS_MAX];
	size_t n, i = 0;

	if (strlen(text) > FLOW_SEL_TEXT_MAX) {
		*why = "selector text too long";
		return -1;
	}
	strcpy(buf, text);
	n = flow_words_split(buf, w, FLOW_WORDS_MAX);
	if (n > FLOW_WORDS_MAX) {
		*why = "too many words in the selector";
		return -1;
	}
	if (flow_sel_parse_words(w, n, &i, s, why) < 0)
		return -1;
	if (i != n) {
		*why = "unknown selector term (src, dst, sport, dport, flowlabel, tc)";
		return -1;
	}
	return 0;
}

/* ---- format ---------------------------------------------------------------- */

struct out {
	char *buf;
	size_t cap, off;
};

static void put(struct out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void put(struct out *o, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	int n = vsnprintf(o->buf + (o->off < o->cap ? o->off : o->cap),
			  o->off < o->cap ? o->cap - o->off : 0, fmt, ap);
	va_end(ap);
	if (n > 0)
		o->off += (size_t)n;
}

int flow_range_plen(const struct in6_addr *lo, const struct in6_addr *hi)
{
	for (int plen = 0; plen <= 128; plen++) {
		struct in6_addr l, h;

		prefix_range(lo, (unsigned)plen, &l, &h);
		if (!memcmp(&l, lo, 16) && !memcmp(&h, hi, 16))
			return plen;
	}
	return -1;
}

static void put_addr(struct out *o, const char *k, const struct in6_addr *lo,
		     const struct in6_addr *hi)
{
	char a[INET6_ADDRSTRLEN], b[INET6_ADDRSTRLEN];
	int plen = flow_range_plen(lo, hi);

	inet_ntop(AF_INET6, lo, a, sizeof(a));
	inet_ntop(AF_INET6, hi, b, sizeof(b));
	if (plen == 128)
		put(o, " %s %s", k, a);
	else if (plen >= 0)
		put(o, " %s %s/%d", k, a, plen);
	else
		put(o, " %s %s-%s", k, a, b);
}

static void put_range(struct out *o, const char *k, uint32_t lo, uint32_t hi)
{
	if (lo == hi)
		put(o, " %s %u", k, lo);
	else
		put(o, " %s %u-%u", k, lo, hi);
}

int flow_sel_format(const struct flow_sel *s, char *buf, size_t cap)
{
	struct out o = { buf, cap, 0 };
	const char *pn = NULL;

	for (size_t i = 0; i < N_PROTO; i++)
		if (proto_names[i].num == s->proto)
			pn = proto_names[i].name;
	if (!(s->fields & FLOW_F_PROTO))
		put(&o, "any");
	else if (pn)
		put(&o, "%s", pn);
	else
		put(&o, "%u", s->proto);
	if (s->fields & FLOW_F_SRC)
		put_addr(&o, "src", &s->src_lo, &s->src_hi);
	if (s->fields & FLOW_F_DST)
		put_addr(&o, "dst", &s->dst_lo, &s->dst_hi);
	if (s->fields & FLOW_F_SPORT)
		put_range(&o, "sport", s->sport_lo, s->sport_hi);
	if (s->fields & FLOW_F_DPORT)
		put_range(&o, "dport", s->dport_lo, s->dport_hi);
	if (s->fields & FLOW_F_FLOW_LABEL)
		put_range(&o, "flowlabel", s->fl_lo, s->fl_hi);
	if (s->fields & FLOW_F_TC)
		put_range(&o, "tc", s->tc_lo, s->tc_hi);
	if (cap)
		buf[o.off < cap ? o.off : cap - 1] = '\0';
	return (int)o.off;
}
