/*
 * topo_parse_session.c - the timeline's <session> element (problem
 * statement section 2.1): at a given time a MAG adds or deletes a mobility
 * session for a service (RFC 5149 Service Selection) on an MN interface it
 * serves, as `pmipemu ctl MAG session add|delete LLID SERVICE` would.
 *
 *   <session at="3s" node="mag1" mn="mn" iface="eth0" service="pdn3" op="add"/>
 *
 * op defaults to add. The MN interface is named by node and interface; its
 * MAC (the MN-LL-ID the MAG knows it by) is resolved here once every node
 * is read. Owns: parsing and checking the element. Must not: touch the
 * system (run_sched.c sends the command).
 */
#include "topo_int.h"

#include <string.h>

void topo_parse_session(struct topo_pctx *c, xmlNode *x)
{
	struct topo_event *e = topo_new_event(c, x);
	const char *op;

	if (!e)
		return;
	e->kind = TOPO_EV_SESSION;
	e->loc = topo_p_loc(c, x);
	topo_p_time(c, x, "at", &e->at_ns);
	topo_p_name(c, x, "node", e->node, TOPO_NAME_MAX - 1);
	topo_p_name(c, x, "mn", e->mn, TOPO_NAME_MAX - 1);
	topo_p_name(c, x, "iface", e->iface, 15);
	topo_p_name(c, x, "service", e->service, TOPO_SERVICE_MAX);
	op = topo_p_attr(c, x, "op");
	if (op && strcmp(op, "add") && strcmp(op, "delete"))
		topo_p_bad(c, x, "op", op, "must be add or delete");
	e->session_delete = op && !strcmp(op, "delete");
	if (!e->service[0])
		topo_errors_add(c->errs, &e->loc, "session: needs service= (the RFC 5149 "
				"Service Selection identifier)");
}

/* The MAG exists and is one; the MN interface exists and has a MAC. */
static void topo_check_session(struct topo_pctx *c, struct topo_event *e)
{
	const struct topo_node *mag = topo_find_node(c->t, e->node);
	const struct topo_node *mn = topo_find_node(c->t, e->mn);
	const struct topo_iface *f = mn ? topo_find_iface(mn, e->iface) : NULL;

	if (mag && mag->kind != TOPO_NODE_MAG)
		topo_errors_add(c->errs, &e->loc, "session node=\"%s\": not a mag", e->node);
	if (!mn) {
		topo_errors_add(c->errs, &e->loc, "session: unknown node \"%s\"", e->mn);
		return;
	}
	if (!f) {
		topo_errors_add(c->errs, &e->loc, "session: node \"%s\" has no interface \"%s\"",
				e->mn, e->iface);
		return;
	}
	if (!f->has_mac) {
		topo_errors_add(c->errs, &e->loc, "session: interface %s:%s has no mac= "
				"(the MAG knows the MN by it, RFC 5213 6.9.1.1)", e->mn, e->iface);
		return;
	}
	memcpy(e->ll_id, f->mac, 6);
}

void topo_check_sessions(struct topo_pctx *c)
{
	for (size_t i = 0; i < c->t->n_events; i++)
		if (c->t->events[i].kind == TOPO_EV_SESSION)
			topo_check_session(c, &c->t->events[i]);
}
