/*
 * flow_rule.c - one flow rule (flow_tab.h): its text grammar and the
 * per-flow weighted choice of a target.
 *
 * Owns: "prefix P/len [id N] [prio N] SELECTOR -> ..." and the weighted
 * pick. Must not: hold rules (flow_tab.c) or resolve names.
 */
#include "flow_tab.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *flow_mode_name(enum flow_mode m)
{
	switch (m) {
	case FLOW_MODE_ONE: return "one";
	case FLOW_MODE_ANY: return "any";
	}
	return "?";
}

const char *flow_origin_name(enum flow_origin o)
{
	switch (o) {
	case FLOW_ORIGIN_POLICY: return "policy";
	case FLOW_ORIGIN_MN: return "mn";
	case FLOW_ORIGIN_CTL: return "ctl";
	}
	return "?";
}

static int parse_ulong(const char *w, unsigned long max, unsigned long *out)
{
	char *e;

	if (!isdigit((unsigned char)w[0]) || strlen(w) > 10)
		return -1;
	*out = strtoul(w, &e, 10);
	return *e || *out > max ? -1 : 0;
}

static int parse_prefix(const char *w, struct flow_rule *r)
{
	char buf[INET6_ADDRSTRLEN + 4];
	char *slash;
	unsigned long plen;
	struct in6_addr a;

	if (strlen(w) >= sizeof(buf))
		return -1;
	strcpy(buf, w);
	slash = strchr(buf, '/');
	if (!slash || parse_ulong(slash + 1, 128, &plen) < 0)
		return -1;
	*slash = '\0';
	if (inet_pton(AF_INET6, buf, &a) != 1)
		return -1;
	for (unsigned i = 0; i < 16; i++) {
		unsigned bits = plen > 8 * i ? (unsigned)plen - 8 * i : 0;
		a.s6_addr[i] &= bits >= 8 ? 0xff : (uint8_t)(0xff00 >> bits);
	}
	r->prefix = a;
	r->plen = (uint8_t)plen;
	return 0;
}

static bool name_ok(const char *w)
{
	size_t n = strlen(w);

	if (n == 0 || n >= FLOW_NAME_MAX || !strcmp(w, "fallback") || !strcmp(w, "any"))
		return false;
	for (size_t i = 0; i < n; i++)
		if (!isalnum((unsigned char)w[i]) && !strchr("_-.:", w[i]))
			return false;
	return true;
}

/* "NAME" or "NAME=WEIGHT" ('=' since MN-LL-IDs, which may be names, hold ':') */
static int parse_weighted(const char *w, struct flow_target *t)
{
	const char *eq = strchr(w, '=');
	unsigned long v = 1;
	size_t n = eq ? (size_t)(eq - w) : strlen(w);

	if (eq && (parse_ulong(eq + 1, 65535, &v) < 0 || v == 0))
		return -1;
	if (n == 0 || n >= FLOW_NAME_MAX)
		return -1;
	memcpy(t->name, w, n);
	t->name[n] = '\0';
	t->weight = (uint16_t)v;
	return name_ok(t->name) ? 0 : -1;
}

/* after "->" */
static int parse_targets(char *const *w, size_t n, size_t i, struct flow_rule *r,
			 const char **why)
{
	if (i < n && !strcmp(w[i], "any")) {
		r->mode = FLOW_MODE_ANY;
		for (i++; i < n; i++) {
			if (r->n_target == FLOW_TARGET_MAX) {
				*why = "at most 4 targets after -> any";
				return -1;
			}
			if (parse_weighted(w[i], &r->target[r->n_target++]) < 0) {
				*why = "a target is NAME or NAME=WEIGHT (weight 1-65535)";
				return -1;
			}
		}
		return 0;
	}
	r->mode = FLOW_MODE_ONE;
	if (i >= n || !name_ok(w[i])) {
		*why = "a rule ends with -> NAME [fallback NAME] or -> any [NAME[=W] ...]";
		return -1;
	}
	snprintf(r->target[0].name, FLOW_NAME_MAX, "%s", w[i]);
	r->target[0].weight = 1;
	r->n_target = 1;
	if (++i == n)
		return 0;
	if (i + 2 != n || strcmp(w[i], "fallback") || !name_ok(w[i + 1])) {
		*why = "after -> NAME only \"fallback NAME\" may follow";
		return -1;
	}
	snprintf(r->target[1].name, FLOW_NAME_MAX, "%s", w[i + 1]);
	r->target[1].weight = 1;
	r->n_target = 2;
	return 0;
}

/* "prefix P/len [id N] [prio N]" */
static int parse_head(char *const *w, size_t n, size_t *i, struct flow_rule *r,
		      const char **why)
{
	unsigned long v;

	if (n < 2 || strcmp(w[0], "prefix") || parse_prefix(w[1], r) < 0) {
		*why = "a rule starts with prefix P/len";
		return -1;
	}
	for (*i = 2; *i + 1 < n; *i += 2) {
		if (!strcmp(w[*i], "id")) {
			if (parse_ulong(w[*i + 1], UINT32_MAX, &v) < 0 || v == 0) {
				*why = "id takes 1-4294967295";
				return -1;
			}
			r->id = (uint32_t)v;
		} else if (!strcmp(w[*i], "prio")) {
			if (parse_ulong(w[*i + 1], 65535, &v) < 0) {
				*why = "prio takes 0-65535";
				return -1;
			}
			r->prio = (uint16_t)v;
		} else {
			break;
		}
	}
	return 0;
}

int flow_rule_parse(const char *text, struct flow_rule *out, const char **why)
{
	char buf[FLOW_RULE_TEXT_MAX + 1];
	char *w[FLOW_WORDS_MAX];
	struct flow_rule r = { .prio = FLOW_PRIO_DEFAULT };
	size_t n, i;

	if (strlen(text) > FLOW_RULE_TEXT_MAX) {
		*why = "rule text too long";
		return -1;
	}
	strcpy(buf, text);
	n = flow_words_split(buf, w, FLOW_WORDS_MAX);
	if (n > FLOW_WORDS_MAX) {
		*why = "too many words in the rule";
		return -1;
	}
	if (parse_head(w, n, &i, &r, why) < 0 || flow_sel_parse_words(w, n, &i, &r.sel, why) < 0)
		return -1;
	if (i >= n || strcmp(w[i], "->")) {
		*why = "unknown selector term (src, dst, sport, dport, flowlabel, tc) or missing ->";
		return -1;
	}
	if (parse_targets(w, n, i + 1, &r, why) < 0)
		return -1;
	*out = r;
	return 0;
}

int flow_rule_format(const struct flow_rule *r, char *buf, size_t cap)
{
	char p[INET6_ADDRSTRLEN], sel[FLOW_SEL_TEXT_MAX + 64];
	int off;

	inet_ntop(AF_INET6, &r->prefix, p, sizeof(p));
	flow_sel_format(&r->sel, sel, sizeof(sel));
	if (r->id)
		off = snprintf(buf, cap, "prefix %s/%u id %u prio %u %s ->", p, r->plen, r->id,
			       r->prio, sel);
	else
		off = snprintf(buf, cap, "prefix %s/%u prio %u %s ->", p, r->plen, r->prio, sel);
	if (off < 0)
		return off;
	if (r->mode == FLOW_MODE_ANY) {
		size_t o = (size_t)off < cap ? (size_t)off : cap;

		off += snprintf(buf + o, cap - o, " any");
	}
	for (uint8_t i = 0; i < r->n_target; i++) {
		const char *sep = r->mode == FLOW_MODE_ONE && i == 1 ? " fallback" : "";
		size_t o = (size_t)off < cap ? (size_t)off : cap;

		if (r->mode == FLOW_MODE_ANY)
			off += snprintf(buf + o, cap - o, " %s=%u", r->target[i].name,
					r->target[i].weight);
		else
			off += snprintf(buf + o, cap - o, "%s %s", sep, r->target[i].name);
	}
	return off;
}

int flow_rule_pick(const struct flow_rule *r, size_t n, const bool *usable,
		   uint64_t flow_hash)
{
	uint64_t total = 0, point;

	for (size_t i = 0; i < n; i++)
		if (usable[i])
			total += r->n_target ? r->target[i].weight : 1;
	if (total == 0)
		return -1;
	/* the high half: the low bits chose the cache slot */
	point = (flow_hash >> 32) % total;
	for (size_t i = 0; i < n; i++) {
		uint64_t w = r->n_target ? r->target[i].weight : 1;

		if (!usable[i])
			continue;
		if (point < w)
			return (int)i;
		point -= w;
	}
	return -1;
}
