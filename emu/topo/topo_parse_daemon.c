/*
 * topo_parse_daemon.c - the timeline's <daemon-stop at node signal/> and
 * <daemon-start at node/>: a node's own daemon (lmad, magd, mnd) stopped
 * mid-run (killed: a crash, by default; or terminated: an orderly stop)
 * and started again, for fault scenarios (RFC 5847 restarts).
 *
 * Owns: the signal attribute and which nodes have a daemon. Must not:
 * touch the system (emu/run_sched.c plays them).
 */
#include "topo_int.h"

#include <signal.h>
#include <string.h>

void topo_parse_daemon_event(struct topo_pctx *c, struct topo_event *e, xmlNode *x)
{
	const char *sig = topo_p_attr(c, x, "signal");

	e->signal = SIGKILL;
	if (e->kind != TOPO_EV_DAEMON_STOP) {
		if (sig)
			topo_p_bad(c, x, "signal", sig, "only for daemon-stop");
		return;
	}
	if (!sig || !strcmp(sig, "kill"))
		return;
	if (!strcmp(sig, "term"))
		e->signal = SIGTERM;
	else
		topo_p_bad(c, x, "signal", sig, "kill (a crash, default) or term");
}

bool topo_daemon_event_ok(struct topo_pctx *c, const struct topo_event *e,
			  const struct topo_node *n)
{
	bool has = n->pmip.present && (n->kind == TOPO_NODE_LMA || n->kind == TOPO_NODE_MAG ||
				       n->kind == TOPO_NODE_MN);

	if (!has)
		topo_errors_add(c->errs, &e->loc, "%s: node \"%s\" runs no daemon (an lma, mag "
				"or mn node with <pmip>)", topo_event_kind_name(e->kind), e->node);
	return has;
}
