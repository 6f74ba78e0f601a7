/*
 * mn_flow_req.c - the MN asks the network for its flow preferences
 * (problem statement section 3, appendix B): a selector written
 * "... -> IFACE request" (or "request any") is sent to IFACE's MAG in a
 * Router Solicitation, ND option 253 (nd_flow.c; the MN-to-MAG leg is our
 * design, doc/protocol.md "MN to MAG"); the MAG carries it to the LMA in
 * RFC 6089 Flow Identification options.
 *
 * Owns: which requests an interface sends and when. Must not: send (the
 * shell builds and sends the RS for MN_ACT_SEND_FLOW_RS), read clocks.
 *
 * When: after an RA on the interface (its MAG has registered the session:
 * RFC 5213 6.9.1.2 sends RAs only then), the first time and again each
 * MN_FLOW_RS_PERIOD_NS (soft state: a MAG or LMA that restarted learns
 * them again), at once after the carrier came back, and at once when a
 * selector is added or removed at run time. Each such RS also carries the
 * request list (ND option 253 Kind 2): the FIDs the MN keeps asking for on
 * the interface, so that the MAG withdraws a removed one.
 */
#include <string.h>

#include "pmip/flow_ts.h"
#include "mn_int.h"

size_t mn_flow_requests(const struct mn *m, size_t i, struct nd_flow_req *out, size_t max)
{
	size_t n = 0;

	for (size_t s = 0; s < m->cfg.n_sel && n < max; s++) {
		const struct mn_selector *sel = &m->cfg.sel[s];
		struct nd_flow_req *r = &out[n];

		if (sel->request == MN_FLOW_REQ_NONE || sel->removed ||
		    strcmp(sel->iface, m->ifc[i].name))
			continue;
		memset(r, 0, sizeof(*r));
		r->scope = sel->request == MN_FLOW_REQ_ANY ? ND_FLOW_SCOPE_ANY_IFACE
							   : ND_FLOW_SCOPE_THIS_IFACE;
		r->f.fid = (uint16_t)(s + 1);
		r->f.fid_pri = (uint16_t)(50 + s);   /* before the operator's default 100 */
		r->f.ts_format = FLOW_TS_FORMAT_IPV6;
		flow_sel_mirror(&sel->m, &r->f.ts);   /* the LMA matches downlink */
		n++;
	}
	return n;
}

static void flow_rs(struct mn *m, size_t i, size_t n, uint64_t now_ns, struct mn_acts *acts)
{
	struct mn_iface *f = &m->ifc[i];
	struct mn_act *a = mn_act_push(acts, MN_ACT_SEND_FLOW_RS);

	if (!a)
		return;
	f->flow_rs_ns = now_ns;
	f->flow_asked = f->flow_asked || n > 0;
	a->ifindex = f->ifindex;
	memcpy(a->ifname, f->name, sizeof(a->ifname));
	m->stats.flow_rs_sent++;
	mn_act_event(acts, MN_EV_FLOW_REQUESTED, "\"iface\":\"%s\",\"flows\":%zu", f->name, n);
}

void mn_flow_ra(struct mn *m, size_t i, uint64_t now_ns, struct mn_acts *acts)
{
	struct mn_iface *f = &m->ifc[i];
	struct nd_flow_req r[ND_FLOW_REQ_MAX];
	size_t n = mn_flow_requests(m, i, r, ND_FLOW_REQ_MAX);

	if ((n == 0 && !f->flow_asked) ||
	    (f->flow_rs_ns && now_ns - f->flow_rs_ns < MN_FLOW_RS_PERIOD_NS))
		return;
	flow_rs(m, i, n, now_ns, acts);
}

/* Selector s changed: its interface's MAG learns at once (or at the next
 * RA when the interface has no confirmed router now). */
static void changed(struct mn *m, const struct mn_selector *s, uint64_t now_ns,
		    struct mn_acts *acts)
{
	struct nd_flow_req r[ND_FLOW_REQ_MAX];
	int i = s->request == MN_FLOW_REQ_NONE ? -1 : mn_iface_by_name(m, s->iface);

	if (i < 0)
		return;
	m->ifc[i].flow_rs_ns = 0;
	if (m->ifc[i].router_confirmed)
		flow_rs(m, (size_t)i, mn_flow_requests(m, (size_t)i, r, ND_FLOW_REQ_MAX),
			now_ns, acts);
}

int mn_flow_sel_add(struct mn *m, const char *text, uint64_t now_ns,
		    struct mn_acts *acts, const char **why)
{
	struct mn_selector s;

	if (m->cfg.n_sel == 0) {
		*why = "mnd started without flow selectors (-F or <flow-policy>): "
		       "nothing steers uplink flows; give it one at start";
		return -1;
	}
	if (m->cfg.n_sel >= MN_SEL_MAX) {
		*why = "too many flow selectors (32, removed ones count)";
		return -1;
	}
	if (mn_selector_parse(text, &s, why) < 0)
		return -1;
	if (mn_iface_by_name(m, s.iface) < 0 ||
	    (s.fallback[0] && mn_iface_by_name(m, s.fallback) < 0)) {
		*why = "the selector names an interface the node does not have";
		return -1;
	}
	m->cfg.sel[m->cfg.n_sel] = s;
	m->stats.sel_hits[m->cfg.n_sel++] = 0;
	changed(m, &s, now_ns, acts);
	return (int)m->cfg.n_sel;
}

int mn_flow_sel_del(struct mn *m, unsigned fid, uint64_t now_ns,
		    struct mn_acts *acts, const char **why)
{
	struct mn_selector *s;

	if (fid == 0 || fid > m->cfg.n_sel || m->cfg.sel[fid - 1].removed) {
		*why = "no flow selector with this number (show rules lists them, from 1)";
		return -1;
	}
	s = &m->cfg.sel[fid - 1];
	s->removed = true;
	changed(m, s, now_ns, acts);
	return 0;
}
