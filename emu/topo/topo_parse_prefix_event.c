/*
 * topo_parse_prefix_event.c - the timeline's <prefix> element (problem
 * statement section 2.2): at a given time some, not all, prefixes of a
 * live MN interface change, MAG-initiated (node is a mag: `prefix
 * add|remove|take LLID P/LEN...` on its control socket) or network-
 * initiated (node is the lma: `prefix add|remove|move LLID P/LEN...`,
 * which tells the MAGs with RFC 7077 Update Notifications).
 *
 *   <prefix at="3500ms" node="mag2" mn="mn" iface="eth1" op="take"
 *           hnp="2001:db8:100:2::/64"/>
 *
 * The MN interface is named by node and interface; its MAC (the MN-LL-ID)
 * is resolved once every node is read. Owns: parsing and checking the
 * element. Must not: touch the system (run_sched.c sends the command).
 */
#include "topo_int.h"

#include <string.h>

static const char *const mag_ops[] = { "add", "remove", "take" };
static const char *const lma_ops[] = { "add", "remove", "move" };

/* hnp="P/LEN P/LEN ...": 1..16 prefixes, each checked. */
static void check_hnps(struct topo_pctx *c, xmlNode *x, const char *s)
{
	char buf[TOPO_CMD_MAX], *save = NULL;
	unsigned n = 0;

	snprintf(buf, sizeof(buf), "%s", s);
	for (char *t = strtok_r(buf, " \t\n", &save); t; t = strtok_r(NULL, " \t\n", &save)) {
		struct topo_prefix p;
		const char *why = NULL;

		n++;
		if (topo_parse_prefix(t, &p, false, &why) < 0)
			topo_p_bad(c, x, "hnp", t, why ? why : "not a prefix ADDR/LEN");
	}
	if (n == 0 || n > 16)
		topo_p_bad(c, x, "hnp", s, "name 1..16 prefixes ADDR/LEN");
}

void topo_parse_prefix_event(struct topo_pctx *c, xmlNode *x)
{
	struct topo_event *e = topo_new_event(c, x);
	const char *op, *hnp;

	if (!e)
		return;
	e->kind = TOPO_EV_PREFIX;
	e->loc = topo_p_loc(c, x);
	topo_p_time(c, x, "at", &e->at_ns);
	topo_p_name(c, x, "node", e->node, TOPO_NAME_MAX - 1);
	topo_p_name(c, x, "mn", e->mn, TOPO_NAME_MAX - 1);
	topo_p_name(c, x, "iface", e->iface, 15);
	op = topo_p_attr(c, x, "op");
	hnp = topo_p_attr(c, x, "hnp");
	if (!op || strlen(op) >= sizeof(e->op))
		topo_errors_add(c->errs, &e->loc, "prefix: needs op= (add, remove, take "
				"on a mag; add, remove, move on the lma)");
	else
		snprintf(e->op, sizeof(e->op), "%s", op);
	if (!hnp)
		topo_errors_add(c->errs, &e->loc, "prefix: needs hnp= (the prefixes, ADDR/LEN)");
	else {
		check_hnps(c, x, hnp);
		snprintf(e->cmd, sizeof(e->cmd), "%s", hnp);
	}
}

static bool op_ok(const char *op, const char *const ops[3])
{
	for (int i = 0; i < 3; i++)
		if (!strcmp(op, ops[i]))
			return true;
	return false;
}

/* The node is a mag or the lma and knows op; the MN interface has a MAC. */
static void topo_check_prefix(struct topo_pctx *c, struct topo_event *e)
{
	const struct topo_node *n = topo_find_node(c->t, e->node);
	const struct topo_node *mn = topo_find_node(c->t, e->mn);
	const struct topo_iface *f = mn ? topo_find_iface(mn, e->iface) : NULL;

	if (n && n->kind != TOPO_NODE_MAG && n->kind != TOPO_NODE_LMA)
		topo_errors_add(c->errs, &e->loc, "prefix node=\"%s\": not a mag or lma", e->node);
	else if (n && e->op[0] &&
		 !op_ok(e->op, n->kind == TOPO_NODE_MAG ? mag_ops : lma_ops))
		topo_errors_add(c->errs, &e->loc, "prefix op=\"%s\": a %s knows %s", e->op,
				n->kind == TOPO_NODE_MAG ? "mag" : "lma",
				n->kind == TOPO_NODE_MAG ? "add, remove, take" : "add, remove, move");
	if (!mn) {
		topo_errors_add(c->errs, &e->loc, "prefix: unknown node \"%s\"", e->mn);
		return;
	}
	if (!f || !f->has_mac) {
		topo_errors_add(c->errs, &e->loc, "prefix: interface %s:%s %s", e->mn, e->iface,
				f ? "has no mac= (the MN-LL-ID, RFC 5213 6.9.1.1)" : "does not exist");
		return;
	}
	memcpy(e->ll_id, f->mac, 6);
}

void topo_check_prefix_events(struct topo_pctx *c)
{
	for (size_t i = 0; i < c->t->n_events; i++)
		if (c->t->events[i].kind == TOPO_EV_PREFIX)
			topo_check_prefix(c, &c->t->events[i]);
}
