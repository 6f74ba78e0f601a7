/*
 * mn_flow.c - the MN's flow selectors (draft section 3, appendix B): the
 * selector of nodes/pmip/flow_sel.h (RFC 6088 traffic selector fields,
 * the grammar the LMA's flow rules use too) followed by where a match goes,
 * "-> IFACE [fallback IFACE]".
 *
 * Owns: the target part of the syntax. Must not: know interfaces' state
 * (mn_engine.c decides where a match goes), parse packets (flow_key_parse)
 * or touch netfilter (mn_nfq_io.c does).
 */
#include <stdio.h>
#include <string.h>

#include "mn_int.h"

static int parse_iface(const char *w, char *out)
{
	if (!w || !w[0] || strlen(w) >= MN_IFNAME_MAX)
		return -1;
	strcpy(out, w);
	return 0;
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
	if (i + 1 < n && !strcmp(w[i], "fallback")) {
		if (parse_iface(w[i + 1], s->fallback) < 0 || !strcmp(s->fallback, s->iface)) {
			*why = "the fallback is the preferred interface";
			return -1;
		}
		i += 2;
	}
	/* section 3: ask the network for the downlink too (mn_flow_req.c) */
	if (i < n && !strcmp(w[i], "request")) {
		s->request = MN_FLOW_REQ_IFACE;
		if (++i < n && !strcmp(w[i], "any"))
			s->request = MN_FLOW_REQ_ANY, i++;
	}
	if (i != n) {
		*why = "after -> IFACE only \"fallback IFACE\" and \"request [any]\" may follow";
		return -1;
	}
	return 0;
}

int mn_selector_parse(const char *text, struct mn_selector *out, const char **why)
{
	char buf[MN_SEL_TEXT_MAX + 1];
	char *w[FLOW_WORDS_MAX];
	struct mn_selector s = { 0 };
	size_t n, i = 0;

	if (strlen(text) > MN_SEL_TEXT_MAX) {
		*why = "selector text too long";
		return -1;
	}
	strcpy(buf, text);
	n = flow_words_split(buf, w, FLOW_WORDS_MAX);
	if (n > FLOW_WORDS_MAX) {
		*why = "too many words in the selector";
		return -1;
	}
	if (flow_sel_parse_words(w, n, &i, &s.m, why) < 0)
		return -1;
	if (i < n && strcmp(w[i], "->")) {
		*why = "unknown match term (src, dst, sport, dport, flowlabel, tc)";
		return -1;
	}
	if (parse_target(w, n, i, &s, why) < 0)
		return -1;
	*out = s;
	return 0;
}

int mn_selector_format(const struct mn_selector *s, char *buf, size_t cap)
{
	char m[FLOW_SEL_TEXT_MAX + 64];
	int n;

	static const char *const req[] = { "", " request", " request any" };

	flow_sel_format(&s->m, m, sizeof(m));
	if (s->fallback[0])
		n = snprintf(buf, cap, "%s -> %s fallback %s%s", m, s->iface, s->fallback,
			     req[s->request % 3]);
	else
		n = snprintf(buf, cap, "%s -> %s%s", m, s->iface, req[s->request % 3]);
	return n;
}

bool mn_selector_match(const struct mn_selector *s, const struct flow_key *k)
{
	return flow_sel_match(&s->m, k);
}
