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
 * them again), and at once after the carrier came back.
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

		if (sel->request == MN_FLOW_REQ_NONE || strcmp(sel->iface, m->ifc[i].name))
			continue;
		memset(r, 0, sizeof(*r));
		r->scope = sel->request == MN_FLOW_REQ_ANY ? ND_FLOW_SCOPE_ANY_IFACE
							   : ND_FLOW_SCOPE_THIS_IFACE;
		r->f.fid = (uint16_t)(s + 1);
		r->f.fid_pri = (uint16_t)(50 + s);   /* before the operator's default 100 */
		r->f.action = MH_FLOW_ACTION_ADD;
		r->f.ts_format = FLOW_TS_FORMAT_IPV6;
		flow_sel_mirror(&sel->m, &r->f.ts);   /* the LMA matches downlink */
		n++;
	}
	return n;
}

void mn_flow_ra(struct mn *m, size_t i, uint64_t now_ns, struct mn_acts *acts)
{
	struct mn_iface *f = &m->ifc[i];
	struct nd_flow_req r[ND_FLOW_REQ_MAX];
	size_t n = mn_flow_requests(m, i, r, ND_FLOW_REQ_MAX);
	struct mn_act *a;

	if (n == 0 || (f->flow_rs_ns && now_ns - f->flow_rs_ns < MN_FLOW_RS_PERIOD_NS))
		return;
	a = mn_act_push(acts, MN_ACT_SEND_FLOW_RS);
	if (!a)
		return;
	f->flow_rs_ns = now_ns;
	a->ifindex = f->ifindex;
	memcpy(a->ifname, f->name, sizeof(a->ifname));
	m->stats.flow_rs_sent++;
	mn_act_event(acts, MN_EV_FLOW_REQUESTED, "\"iface\":\"%s\",\"flows\":%zu", f->name, n);
}
