/*
 * fuzz_flow.c - libFuzzer harness for the flow grammar (nodes/pmip/
 * flow_sel.c, flow_rule.c): the input, cut at its first newline, is parsed
 * as a rule and as a bare selector. What parses must format to text that
 * parses again to the same rule (parse -> format -> parse agree), and a
 * rule must enter and leave a flow table cleanly. The whole input is also
 * an RFC 6088 binary traffic selector (flow_ts.c): what decodes must
 * encode and decode to the same selector, and a parsed selector must
 * survive its binary form. Anything else, or any bad access (ASan),
 * aborts. Untrusted inputs: the control socket's "flow add", the
 * topology's <flow-policy>, mnd's -F, Flow Identification options.
 */
#include <stdlib.h>
#include <string.h>

#include "pmip/flow_tab.h"
#include "pmip/flow_ts.h"

#define TEXT_MAX 1024

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* binary form: decode -> encode -> decode agree */
static void check_ts(const uint8_t *p, size_t len, const struct flow_sel *parsed)
{
	struct flow_sel s, t;
	uint8_t buf[FLOW_TS_MAX];
	const char *why = NULL;
	int n;

	if (parsed)
		s = *parsed;
	else if (flow_ts_decode(p, len, &s, &why) < 0)
		return;
	n = flow_ts_encode(&s, buf, sizeof buf, &why);
	if (n < 0 || flow_ts_decode(buf, (size_t)n, &t, &why) < 0 ||
	    !flow_sel_equal(&s, &t))
		abort();
}

static void check_selector(const char *text)
{
	struct flow_sel s, t;
	const char *why = NULL;
	char out[FLOW_SEL_TEXT_MAX * 2];

	if (flow_sel_parse(text, &s, &why) < 0) {
		if (!why)
			abort();
		return;
	}
	flow_sel_format(&s, out, sizeof(out));
	if (flow_sel_parse(out, &t, &why) < 0 || !flow_sel_equal(&s, &t))
		abort();
	check_ts(NULL, 0, &s);
}

static void check_rule(const char *text)
{
	static const struct hash_key k = { 1, 2 };
	struct flow_rule r, q;
	const char *why = NULL;
	char out[FLOW_RULE_TEXT_MAX * 2];

	if (flow_rule_parse(text, &r, &why) < 0) {
		if (!why)
			abort();
		return;
	}
	int n = flow_rule_format(&r, out, sizeof(out));
	if (n < 0 || (size_t)n >= sizeof(out))
		abort();
	if (strlen(out) <= FLOW_RULE_TEXT_MAX) {
		if (flow_rule_parse(out, &q, &why) < 0 || !flow_sel_equal(&r.sel, &q.sel) ||
		    q.n_target != r.n_target || q.mode != r.mode || q.prio != r.prio)
			abort();
	}
	struct flow_tab *t = flow_tab_new(&k);
	struct flow_key fk = { .dst = r.prefix, .proto = r.sel.proto, .has_ports = true };
	uint64_t h;
	if (!t)
		abort();
	if (flow_tab_add(t, &r, &why) < 0) {
		if (!why || flow_tab_n_rules(t) != 0)
			abort();
		flow_tab_free(t);
		return;
	}
	(void)flow_tab_classify(t, &r.prefix, r.plen, &fk, &h);
	if (flow_tab_del(t, r.id) < 0 || flow_tab_n_rules(t) != 0)
		abort();
	flow_tab_free(t);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char text[TEXT_MAX + 1];
	size_t n = 0;

	while (n < size && n < TEXT_MAX && data[n] != '\n' && data[n] != '\0')
		n++;
	memcpy(text, data, n);
	text[n] = '\0';
	check_selector(text);
	check_rule(text);
	check_ts(data, size, NULL);
	return 0;
}
