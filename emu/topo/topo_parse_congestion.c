/*
 * topo_parse_congestion.c - an lma's <congestion> rules (problem statement
 * section 3, appendix B's third use case: the network moves flows off a
 * congested access link):
 *
 *   <congestion link="wlan" [dir="ab|ba"] above="100" [below="10"]
 *               [hold="300ms"] [release="1s"] [every="50ms"]>RULE</congestion>
 *
 * RULE is an lma flow rule (the grammar of <flow-policy>); the run adds it
 * at the LMA while the link direction's backlog stays above `above`
 * packets for `hold` and removes it once it stays below `below` for
 * `release` (emu/run/run_congest.c).
 *
 * Owns: reading the element and its checks, with file:line: the link and
 * direction, above > below, the rule's grammar and its prio (after every
 * request mnd makes, so that the MN's own choices are never overridden).
 * Must not: touch the system.
 */
#include "topo_int.h"
#include "pmip/flow_tab.h"

#include <string.h>

/* mnd asks with FID-PRI 50 + selector index (at most 32 selectors): a rule
 * of a lower prio would be matched before the MN's own requests. */
#define CONGEST_PRIO_MIN 90

static int parse_dir(struct topo_pctx *c, xmlNode *x, struct topo_congestion *g)
{
	const char *d = topo_p_attr(c, x, "dir");

	g->dir = -1;
	if (!d)
		return 0;
	if (!strcmp(d, "ab") || !strcmp(d, "ba")) {
		g->dir = d[0] == 'a' ? LINK_DIR_AB : LINK_DIR_BA;
		return 0;
	}
	topo_p_bad(c, x, "dir", d, "ab or ba");
	return -1;
}

void topo_parse_congestion(struct topo_pctx *c, struct topo_node *node, xmlNode *x)
{
	struct topo_pmip *p = &node->pmip;
	struct topo_congestion g = { .hold_ns = 300000000ull, .release_ns = 1000000000ull,
				     .every_ns = 50000000ull };
	struct topo_loc l = topo_p_loc(c, x);
	struct topo_congestion *slot;

	if (node->kind != TOPO_NODE_LMA) {
		topo_errors_add(c->errs, &l, "<congestion> belongs to an lma node");
		return;
	}
	g.loc = l;
	topo_p_name(c, x, "link", g.link, TOPO_NAME_MAX - 1);
	parse_dir(c, x, &g);
	topo_p_u32(c, x, "above", &g.above);
	if (topo_p_u32(c, x, "below", &g.below) == 0)
		g.below = g.above / 10;
	topo_p_time(c, x, "hold", &g.hold_ns);
	topo_p_time(c, x, "release", &g.release_ns);
	topo_p_time(c, x, "every", &g.every_ns);
	if (topo_p_text(c, x, g.rule, sizeof(g.rule)) < 0) {
		topo_errors_add(c->errs, &l, "<congestion>: rule longer than %d characters",
				TOPO_FLOW_TEXT_MAX);
		return;
	}
	slot = topo_grow_max(c, x, &p->congestion, &p->n_congestion, sizeof(*slot),
			     TOPO_MAX_CONGESTION, "<congestion> rules of an lma");
	if (slot)
		*slot = g;
}

/* The direction toward the link's mn end, when it has exactly one. */
static int toward_mn(const struct topology *t, const struct topo_link *k)
{
	const struct topo_node *a = topo_find_node(t, k->end[0].node);
	const struct topo_node *b = topo_find_node(t, k->end[1].node);
	bool to_a = a && a->kind == TOPO_NODE_MN, to_b = b && b->kind == TOPO_NODE_MN;

	if (to_a == to_b)
		return -1;
	return to_b ? LINK_DIR_AB : LINK_DIR_BA;
}

static void check_one(struct topo_pctx *c, struct topo_congestion *g)
{
	const struct topo_link *k = topo_find_link(c->t, g->link);
	struct flow_rule r;
	const char *why = NULL;

	if (!k) {
		topo_errors_add(c->errs, &g->loc, "congestion: unknown link \"%s\"", g->link);
		return;
	}
	if (g->dir < 0 && (g->dir = toward_mn(c->t, k)) < 0)
		topo_errors_add(c->errs, &g->loc, "congestion link=\"%s\": give dir=\"ab\" or "
				"\"ba\" (not exactly one end is an mn)", g->link);
	if (g->above == 0 || g->below >= g->above)
		topo_errors_add(c->errs, &g->loc, "congestion: need above > below (%u, %u): "
				"the gap is the hysteresis", g->above, g->below);
	if (g->every_ns == 0 || g->hold_ns < g->every_ns || g->release_ns < g->every_ns)
		topo_errors_add(c->errs, &g->loc, "congestion: every must be > 0 and at most "
				"hold and release");
	if (flow_rule_parse(g->rule, &r, &why) < 0)
		topo_errors_add(c->errs, &g->loc, "congestion: %s", why);
	else if (r.prio < CONGEST_PRIO_MIN)
		topo_errors_add(c->errs, &g->loc, "congestion: prio %u would come before the "
				"MN's own requests (mnd asks with prio 50-81): give prio %u or more",
				r.prio, CONGEST_PRIO_MIN);
}

void topo_check_congestion(struct topo_pctx *c)
{
	for (size_t i = 0; i < c->t->n_nodes; i++)
		for (size_t j = 0; j < c->t->nodes[i].pmip.n_congestion; j++)
			check_one(c, &c->t->nodes[i].pmip.congestion[j]);
}
