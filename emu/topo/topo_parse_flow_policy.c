/*
 * topo_parse_flow_policy.c - <flow-policy> inside an lma's or an mn's
 * <pmip> (problem statement section 3, appendix B): one <flow> element a
 * rule, its text in the one selector grammar (nodes/pmip/flow_sel.h):
 *
 *   lma:  <flow>prefix P/len [id N] [prio N] SELECTOR -> NAME [fallback NAME]</flow>
 *         <flow>prefix P/len SELECTOR -> any [NAME[=WEIGHT] ...]</flow>
 *   mn:   <flow>SELECTOR -> IFACE [fallback IFACE] [request [any]]</flow>
 *         ("request": ask the network for the same split, mnd's RS
 *         option 253 carried to the LMA as RFC 6089 flow options)
 *
 * Also the timeline's <flow-rule at node op="add|del">RULE or ID</flow-rule>
 * on an lma (a rule, or a rule id) or an mn (a selector in the mn grammar,
 * or its FID: mnd withdraws the request; run_sched.c sends `flow add|del`
 * to the node's control socket).
 *
 * Owns: reading the texts and checking their grammar here, with file:line,
 * and for an mn that IFACE names one of its interfaces. Whether an lma
 * rule's prefix and names belong to one MN is lmad's check (lma_flow_add),
 * run by `lmad -n` too. Must not: touch the system.
 */
#include "topo_int.h"
#include "pmip/flow_tab.h"

#include <string.h>

/* "request [any]" at the end of an mn flow: how many words it takes. */
static size_t request_words(char *const *w, size_t n)
{
	if (n >= 2 && !strcmp(w[n - 2], "request") && !strcmp(w[n - 1], "any"))
		return 2;
	return n >= 1 && !strcmp(w[n - 1], "request") ? 1 : 0;
}

static int check_mn_target(const struct topo_node *node, char *const *w, size_t n,
			   size_t i, const char **why)
{
	n -= request_words(w, n);
	if (i >= n || strcmp(w[i], "->") || i + 1 >= n ||
	    (i + 2 != n && (i + 4 != n || strcmp(w[i + 2], "fallback")))) {
		*why = "an mn flow ends with -> IFACE [fallback IFACE] [request [any]]";
		return -1;
	}
	for (size_t k = i + 1; k < n; k += 2)
		if (!topo_find_iface(node, w[k])) {
			*why = "names an interface the node does not have";
			return -1;
		}
	return 0;
}

/* The grammar of the text for this kind of node: 0, or -1 with *why. */
static int check_text(const struct topo_node *node, const char *text, const char **why)
{
	char buf[TOPO_FLOW_TEXT_MAX + 1];
	char *w[FLOW_WORDS_MAX];
	struct flow_sel s;
	struct flow_rule r;
	size_t n, i = 0;

	if (node->kind == TOPO_NODE_LMA)
		return flow_rule_parse(text, &r, why);
	strcpy(buf, text);
	n = flow_words_split(buf, w, FLOW_WORDS_MAX);
	if (n > FLOW_WORDS_MAX) {
		*why = "too many words";
		return -1;
	}
	if (flow_sel_parse_words(w, n, &i, &s, why) < 0)
		return -1;
	return check_mn_target(node, w, n, i, why);
}

static void topo_parse_flow_rule(struct topo_pctx *c, struct topo_node *node, xmlNode *x)
{
	struct topo_pmip *p = &node->pmip;
	struct topo_flow_text *f;
	char text[TOPO_FLOW_TEXT_MAX + 1];
	struct topo_loc l = topo_p_loc(c, x);
	const char *why = NULL;

	if (topo_p_text(c, x, text, sizeof(text)) < 0) {
		topo_errors_add(c->errs, &l, "<flow>: longer than %d characters", TOPO_FLOW_TEXT_MAX);
		return;
	}
	if (check_text(node, text, &why) < 0) {
		topo_errors_add(c->errs, &l, "<flow>%s</flow>: %s", text, why);
		return;
	}
	if (p->n_flows >= TOPO_MAX_POLICY_FLOWS) {
		topo_over_cap(c, x, &p->n_flows, TOPO_MAX_POLICY_FLOWS, "<flow-policy> rules");
		return;
	}
	f = topo_grow(&p->flows, &p->n_flows, sizeof(*p->flows));
	if (!f) {
		topo_errors_add(c->errs, &l, "<flow>: out of memory");
		return;
	}
	strcpy(f->text, text);
	f->loc = l;
}

void topo_parse_flow_policy(struct topo_pctx *c, struct topo_node *node, xmlNode *x)
{
	if (node->kind != TOPO_NODE_LMA && node->kind != TOPO_NODE_MN) {
		struct topo_loc l = topo_p_loc(c, x);

		topo_errors_add(c->errs, &l, "<flow-policy> belongs to an lma or an mn node");
		return;
	}
	for (xmlNode *k = x->children; k; k = k->next)
		if (topo_is_elem(k, "flow"))
			topo_parse_flow_rule(c, node, k);
}

/* <flow-rule at="4s" node="lma" op="add">RULE</flow-rule>, or op="del"
 * with a rule id: `pmipemu ctl NODE flow add|del` at that time. */
void topo_parse_flow_rule_event(struct topo_pctx *c, xmlNode *x)
{
	struct topo_event *e = topo_new_event(c, x);
	const char *op;

	if (!e)
		return;
	e->kind = TOPO_EV_FLOW_RULE;
	e->loc = topo_p_loc(c, x);
	topo_p_time(c, x, "at", &e->at_ns);
	topo_p_name(c, x, "node", e->node, TOPO_NAME_MAX - 1);
	op = topo_p_attr(c, x, "op");
	e->rule_delete = op && !strcmp(op, "del");
	if (topo_p_text(c, x, e->cmd, sizeof(e->cmd)) < 0 || strlen(e->cmd) > TOPO_FLOW_TEXT_MAX) {
		topo_errors_add(c->errs, &e->loc, "flow-rule: longer than %d characters",
				TOPO_FLOW_TEXT_MAX);
		return;
	}
	if (e->rule_delete && (!e->cmd[0] || strspn(e->cmd, "0123456789") != strlen(e->cmd)))
		topo_errors_add(c->errs, &e->loc, "flow-rule op=\"del\": the text is a rule id "
				"(lma) or a selector's FID (mn)");
}

void topo_check_flow_rule_events(struct topo_pctx *c)
{
	const char *why = NULL;

	for (size_t i = 0; i < c->t->n_events; i++) {
		const struct topo_event *e = &c->t->events[i];
		const struct topo_node *n;

		if (e->kind != TOPO_EV_FLOW_RULE)
			continue;
		n = topo_find_node(c->t, e->node);
		if (!n)
			topo_errors_add(c->errs, &e->loc, "flow-rule: unknown node \"%s\"", e->node);
		else if ((n->kind != TOPO_NODE_LMA && n->kind != TOPO_NODE_MN) || !n->pmip.present)
			topo_errors_add(c->errs, &e->loc, "flow-rule node=\"%s\": not an lma or an "
					"mn with a <pmip>", e->node);
		else if (n->kind == TOPO_NODE_MN && !n->pmip.n_flows)
			topo_errors_add(c->errs, &e->loc, "flow-rule node=\"%s\": the mn has no "
					"<flow-policy> (mnd steers flows only when it starts with "
					"selectors)", e->node);
		else if (!e->rule_delete && check_text(n, e->cmd, &why) < 0)
			topo_errors_add(c->errs, &e->loc, "flow-rule: %s", why);
	}
}
